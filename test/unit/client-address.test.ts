// Who the client is: the peer, or behind trusted proxies the rightmost X-Forwarded-For entry that
// is not a trusted proxy. One function answers for acs:SourceIp and the admin guard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, relayedByUnknownProxy, UNKNOWN_CLIENT } from '../../src/gateway/client-address.ts';
import { loadConfig } from '../../src/config.ts';

const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

test('without trusted proxies the peer is the client, whatever X-Forwarded-For says', () => {
  assert.equal(clientAddress(request('192.0.2.1', '10.1.2.3'), []), '192.0.2.1');
  assert.equal(clientAddress(request('::ffff:127.0.0.1'), []), '127.0.0.1');
  assert.equal(clientAddress(request('2001:DB8::1'), []), '2001:db8::1');
  assert.equal(clientAddress(request(undefined), []), UNKNOWN_CLIENT);
});

test('behind trusted proxies the rightmost untrusted X-Forwarded-For address is the client', () => {
  const cases: Array<[peer: string, xff: string | string[] | undefined, trusted: string[], client: string]> = [
    // The client wrote 10.9.9.9 itself; the proxy appended the address it saw.
    ['127.0.0.1', '10.9.9.9, 203.0.113.7', ['127.0.0.1'], '203.0.113.7'],
    ['127.0.0.1', '203.0.113.7', ['127.0.0.1'], '203.0.113.7'],
    // A chain of trusted proxies is skipped, by address or by CIDR block.
    ['10.0.0.5', '198.51.100.9, 203.0.113.7, 10.0.0.4', ['10.0.0.0/8'], '203.0.113.7'],
    ['::ffff:127.0.0.1', '203.0.113.7', ['127.0.0.1'], '203.0.113.7'],
    ['127.0.0.1', '203.0.113.7', ['::ffff:127.0.0.0/104'], '203.0.113.7'],
    // Repeated headers arrive joined or as a list; both read in order.
    ['127.0.0.1', ['10.9.9.9', '203.0.113.7'], ['127.0.0.1'], '203.0.113.7'],
    // Ports and brackets are not part of the address.
    ['127.0.0.1', '203.0.113.7:51234', ['127.0.0.1'], '203.0.113.7'],
    ['127.0.0.1', '[2001:db8::7]:443', ['127.0.0.1'], '2001:db8::7'],
    ['127.0.0.1', '2001:DB8::7', ['127.0.0.1'], '2001:db8::7'],
    // Everything trusted: the furthest hop is the client. No header: the peer.
    ['127.0.0.1', '10.0.0.1, 127.0.0.1', ['127.0.0.1', '10.0.0.0/8'], '10.0.0.1'],
    ['127.0.0.1', undefined, ['127.0.0.1'], '127.0.0.1'],
    // A trusted hop forwarded something unreadable: nobody known, never the proxy.
    ['127.0.0.1', '10.9.9.9, garbage', ['127.0.0.1'], UNKNOWN_CLIENT],
    ['127.0.0.1', '10.9.9.9, ', ['127.0.0.1'], UNKNOWN_CLIENT],
    // An untrusted peer's header is ignored.
    ['192.0.2.1', '10.9.9.9', ['127.0.0.1'], '192.0.2.1'],
  ];
  for (const [peer, xff, trusted, client] of cases) {
    assert.equal(clientAddress(request(peer, xff), trusted), client, `${peer} / ${JSON.stringify(xff)} / ${trusted}`);
  }
});

test('a forwarding header from a peer that is not a trusted proxy marks an unknown proxy', () => {
  assert.equal(relayedByUnknownProxy(request('127.0.0.1', '203.0.113.7'), []), true);
  assert.equal(
    relayedByUnknownProxy({ socket: { remoteAddress: '127.0.0.1' }, headers: { 'x-real-ip': '203.0.113.7' } }, ['10.0.0.1']),
    true,
  );
  assert.equal(relayedByUnknownProxy(request('127.0.0.1', '203.0.113.7'), ['127.0.0.1']), false);
  assert.equal(relayedByUnknownProxy(request('127.0.0.1'), []), false);
});

test('OPENEAS_TRUSTED_PROXIES takes addresses and CIDR blocks and refuses anything else at start-up', () => {
  assert.deepEqual(loadConfig({}, { OPENEAS_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).trustedProxies, [
    '127.0.0.1',
    '10.0.0.0/8',
    '::1',
  ]);
  assert.throws(() => loadConfig({}, { OPENEAS_TRUSTED_PROXIES: '127.0.0.1,proxy.internal' }), /OPENEAS_TRUSTED_PROXIES: "proxy.internal"/);
  assert.throws(() => loadConfig({}, { OPENEAS_TRUSTED_PROXIES: '10.0.0.0/33' }), /OPENEAS_TRUSTED_PROXIES/);
});
