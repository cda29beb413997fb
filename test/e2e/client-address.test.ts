// Who is asking, behind proxies and in browsers: the admin plane and acs:SourceIp read the same
// client address (the rightmost X-Forwarded-For entry that is not a trusted proxy), and a web page
// cannot forge admin calls (foreign Origin, text/plain bodies, DNS-rebound Host names).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { allow, userWithPolicies } from '../support/ram.ts';

/** A raw HTTP request, so that Host, Origin and Content-Type are exactly what a browser or proxy would send. */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: any }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (const engine of ENGINES) {
  describe(`client address and admin forgery [${engine.name}]`, () => {
    let server: TestServer;
    let host: string;

    before(async () => {
      // openeas behind a proxy on the same machine, as the README's deployment describes.
      server = await startTestServer(engine, { trustedProxies: ['127.0.0.0/8', '::1'] });
      host = new URL(server.url).host;
    });
    after(() => server.close());

    test('a remote client behind a trusted proxy cannot use the admin plane, even though the socket is loopback', async () => {
      const json = { host, 'content-type': 'application/json' };
      const remote = await raw(server.url, 'POST', '/_openeas/accounts', { ...json, 'x-forwarded-for': '203.0.113.7' }, '{}');
      assert.equal(remote.status, 403);
      assert.equal(remote.body.Code, 'Forbidden.Admin');
      assert.equal(remote.body.AccessKeySecret, undefined);
      // Writing a loopback address first changes nothing: the proxy appended the real one.
      const spoofed = await raw(server.url, 'POST', '/_openeas/accounts', { ...json, 'x-forwarded-for': '127.0.0.1, 203.0.113.7' }, '{}');
      assert.equal(spoofed.status, 403);
      // An operator on the proxy's machine still gets in.
      const local = await raw(server.url, 'POST', '/_openeas/accounts', { ...json, 'x-forwarded-for': '127.0.0.1' }, '{}');
      assert.equal(local.status, 200);
      assert.match(local.body.AccessKeyId, /^LTAI5t/);
    });

    test('acs:SourceIp is the rightmost untrusted X-Forwarded-For address, not the one the client wrote', async () => {
      const user = await userWithPolicies(server, [allow('eas:ListResources', '*', { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]);
      const client = easClient({ url: server.url, ...user });
      const list = (from: string) =>
        callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources', headers: { 'x-forwarded-for': from } });
      assert.equal((await expectApiError(() => list('10.9.9.9, 203.0.113.7'))).code, 'Forbidden.RAM');
      assert.equal((await list('203.0.113.7, 10.9.9.9')).statusCode, 200);
      // A chain of trusted proxies is skipped.
      assert.equal((await list('10.9.9.9, 127.0.0.1')).statusCode, 200);
    });

    test('a web page cannot advance the clock: foreign Origin, text/plain and a rebound Host are each refused', async () => {
      const offset = async () => (await admin(server.url, 'GET', '/clock')).OffsetMs as number;
      const before = await offset();
      const body = JSON.stringify({ seconds: 86400 });
      const page = { host, 'content-type': 'application/json', origin: `http://${host}` };
      const forged: Array<[string, Record<string, string>, number, string]> = [
        ['another origin', { ...page, origin: 'http://evil.example' }, 403, 'Forbidden.Admin'],
        ['a body a page may send anywhere', { ...page, 'content-type': 'text/plain' }, 415, 'UnsupportedMediaType'],
        ['a name rebound to 127.0.0.1', { ...page, host: 'evil.example', origin: 'http://evil.example' }, 403, 'Forbidden.Admin'],
        ['all three', { host: 'evil.example', origin: 'http://evil.example', 'content-type': 'text/plain' }, 403, 'Forbidden.Admin'],
      ];
      for (const [what, headers, status, code] of forged) {
        const res = await raw(server.url, 'POST', '/_openeas/clock/advance', headers, body);
        assert.deepEqual([res.status, res.body.Code], [status, code], what);
      }
      assert.equal(await offset(), before);
      // The same call from the page's own origin on a loopback name is the operator's.
      const own = await raw(server.url, 'POST', '/_openeas/clock/advance', page, body);
      assert.equal(own.status, 200);
      assert.equal(await offset(), before + 86_400_000);
    });
  });
}
