// The admin plane refuses callers off loopback unless they present the admin token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { assertAdmin } from '../../src/admin/guard.ts';
import { loadConfig } from '../../src/config.ts';

const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, headers }) as unknown as FastifyRequest;

test('loopback callers may use the admin plane without a token', () => {
  const config = loadConfig({}, {});
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.doesNotThrow(() => assertAdmin(request(ip), config));
});

test('other callers are refused with Forbidden.Admin unless they present the token', () => {
  const open = loadConfig({}, {});
  assert.throws(() => assertAdmin(request('10.1.2.3'), open), (e: any) => e.code === 'Forbidden.Admin' && e.status === 403);
  const guarded = loadConfig({ adminToken: 's3cret-token' }, {});
  assert.throws(() => assertAdmin(request('10.1.2.3'), guarded), (e: any) => e.code === 'Forbidden.Admin');
  assert.throws(() => assertAdmin(request('10.1.2.3', { authorization: 'Bearer wrong' }), guarded), (e: any) => e.code === 'Forbidden.Admin');
  assert.doesNotThrow(() => assertAdmin(request('10.1.2.3', { authorization: 'Bearer s3cret-token' }), guarded));
  assert.doesNotThrow(() => assertAdmin(request('10.1.2.3', { 'x-openeas-admin-token': 's3cret-token' }), guarded));
  // A wrong token is refused even from loopback: presenting one means asking to be judged by it.
  assert.throws(() => assertAdmin(request('127.0.0.1', { authorization: 'Bearer wrong' }), guarded), (e: any) => e.code === 'Forbidden.Admin');
});
