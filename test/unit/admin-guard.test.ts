// The admin plane: loopback clients (the real client, also behind a proxy) under a loopback Host,
// or holders of the admin token; never a request a web page could forge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAdmin } from '../../src/admin/guard.ts';
import { loadConfig } from '../../src/config.ts';

interface Req {
  remoteAddress?: string;
  method?: string;
  headers?: Record<string, string>;
}

/** A request that passes, changed only by what a case names. */
const request = ({ remoteAddress = '127.0.0.1', method = 'GET', headers = {} }: Req = {}) => ({
  socket: { remoteAddress },
  method,
  headers: { host: '127.0.0.1:8080', ...headers },
});

const refusedWith = (code: string, status: number) => (e: any) => e.code === code && e.status === status;
const forbidden = refusedWith('Forbidden.Admin', 403);

test('loopback callers may use the admin plane without a token', () => {
  const config = loadConfig({}, {});
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
    assert.doesNotThrow(() => assertAdmin(request({ remoteAddress: ip }), config));
});

test('a refusal names the OPENEAS_ADMIN_TOKEN setting and the Authorization: Bearer header', () => {
  const says = (e: any) => forbidden(e) && /OPENEAS_ADMIN_TOKEN/.test(e.message) && e.message.includes('Authorization: Bearer <token>');
  const open = loadConfig({}, {});
  const guarded = loadConfig({ adminToken: 's3cret-token' }, {});
  const remote = request({ remoteAddress: '10.1.2.3' });
  assert.throws(
    () => assertAdmin(remote, open),
    (e: any) => says(e) && /start the server with OPENEAS_ADMIN_TOKEN set/.test(e.message),
  );
  assert.throws(
    () => assertAdmin(remote, guarded),
    (e: any) => says(e) && /Send the token set by OPENEAS_ADMIN_TOKEN/.test(e.message),
  );
  assert.throws(() => assertAdmin(request({ headers: { authorization: 'Bearer wrong' } }), guarded), says);
  assert.throws(() => assertAdmin(request({ headers: { host: 'evil.example' } }), open), says);
  assert.throws(() => assertAdmin(request({ headers: { 'x-forwarded-for': '203.0.113.7' } }), open), says);
  assert.throws(() => assertAdmin(request({ headers: { origin: 'http://evil.example' } }), guarded), says);
});

test('other callers are refused with Forbidden.Admin unless they present the token', () => {
  const open = loadConfig({}, {});
  assert.throws(() => assertAdmin(request({ remoteAddress: '10.1.2.3' }), open), forbidden);
  const guarded = loadConfig({ adminToken: 's3cret-token' }, {});
  assert.throws(() => assertAdmin(request({ remoteAddress: '10.1.2.3' }), guarded), forbidden);
  assert.throws(() => assertAdmin(request({ remoteAddress: '10.1.2.3', headers: { authorization: 'Bearer wrong' } }), guarded), forbidden);
  assert.doesNotThrow(() =>
    assertAdmin(request({ remoteAddress: '10.1.2.3', headers: { authorization: 'Bearer s3cret-token', host: 'eas.example' } }), guarded),
  );
  assert.doesNotThrow(() =>
    assertAdmin(request({ remoteAddress: '10.1.2.3', headers: { 'x-openeas-admin-token': 's3cret-token' } }), guarded),
  );
  // A wrong token is refused even from loopback: presenting one means asking to be judged by it.
  assert.throws(() => assertAdmin(request({ headers: { authorization: 'Bearer wrong' } }), guarded), forbidden);
});

test('a loopback socket is not enough when a trusted proxy says the client is elsewhere', () => {
  const config = loadConfig({ trustedProxies: ['127.0.0.1'] }, {});
  assert.throws(() => assertAdmin(request({ headers: { 'x-forwarded-for': '203.0.113.7' } }), config), forbidden);
  // The client cannot fake loopback by writing it first: the proxy's appended address counts.
  assert.throws(() => assertAdmin(request({ headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' } }), config), forbidden);
  assert.doesNotThrow(() => assertAdmin(request({ headers: { 'x-forwarded-for': '127.0.0.1' } }), config));
});

test('a loopback peer relaying for someone else is refused unless it is a trusted proxy', () => {
  const config = loadConfig({}, {});
  assert.throws(() => assertAdmin(request({ headers: { 'x-forwarded-for': '203.0.113.7' } }), config), forbidden);
  assert.throws(() => assertAdmin(request({ headers: { forwarded: 'for=203.0.113.7' } }), config), forbidden);
});

test('without the token, loopback callers must name a loopback host (DNS rebinding)', () => {
  const config = loadConfig({}, {});
  for (const host of ['localhost:8080', '127.0.0.1', '127.0.0.2:8080', '[::1]:8080', 'LOCALHOST:1']) {
    assert.doesNotThrow(() => assertAdmin(request({ headers: { host } }), config), host);
  }
  for (const host of ['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io', '', 'a b']) {
    assert.throws(() => assertAdmin(request({ headers: { host } }), config), forbidden, host);
  }
  const named = loadConfig({ host: 'openeas.lan' }, {});
  assert.doesNotThrow(() => assertAdmin(request({ headers: { host: 'openeas.lan:8080' } }), named));
});

test('requests from a web page of another origin are refused, token or not', () => {
  const config = loadConfig({ adminToken: 's3cret-token' }, {});
  assert.doesNotThrow(() => assertAdmin(request({ headers: { origin: 'http://127.0.0.1:8080' } }), config));
  for (const origin of ['http://evil.example', 'http://127.0.0.1:3000', 'null']) {
    assert.throws(() => assertAdmin(request({ headers: { origin } }), config), forbidden, origin);
    assert.throws(() => assertAdmin(request({ headers: { origin, 'x-openeas-admin-token': 's3cret-token' } }), config), forbidden, origin);
  }
});

test('state changes must be application/json, which a page cannot send to another origin without a preflight', () => {
  const config = loadConfig({}, {});
  const json = { 'content-type': 'application/json; charset=utf-8' };
  for (const method of ['POST', 'PUT', 'DELETE']) {
    assert.doesNotThrow(() => assertAdmin(request({ method, headers: json }), config), method);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      assert.throws(() => assertAdmin(request({ method, headers }), config), refusedWith('UnsupportedMediaType', 415), `${method} ${type}`);
    }
  }
  assert.doesNotThrow(() => assertAdmin(request({ method: 'GET', headers: { 'content-type': 'text/plain' } }), config));
});
