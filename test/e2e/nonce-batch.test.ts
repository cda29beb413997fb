// Nonces of reads are used up together on SQLite (gateway/nonce-batch.ts: one group-commit member
// and one INSERT for the calls of an event-loop turn) and one at a time on PostgreSQL. Either way
// each nonce is used once: a replay sent in the same batch as the original, or after it, answers
// SignatureNonceUsed, and a nonce past its retention is claimed again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { rootCredentials, startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, type Credentials } from '../support/client.ts';
import { send, startProxy, type TestProxy, type WireCapture } from '../support/proxy.ts';

for (const engine of ENGINES) {
  describe(`nonces of reads [${engine.name}]`, () => {
    let server: TestServer;
    let proxy: TestProxy;
    let root: Credentials;

    before(async () => {
      server = await startTestServer(engine, { nonceTtlSeconds: 2 });
      proxy = await startProxy(server.url);
      root = rootCredentials(server);
    });
    after(async () => {
      await proxy.close();
      await server.close();
    });

    /** `count` signed ListResources requests (each its own nonce), captured and not delivered. */
    async function capturedReads(count: number): Promise<WireCapture[]> {
      proxy.captured.length = 0;
      proxy.mutate = () => null;
      try {
        const client = easClient({ url: proxy.url, ...root });
        for (let i = 0; i < count; i++) {
          await callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' }).catch(() => {});
        }
      } finally {
        proxy.mutate = undefined;
      }
      return proxy.captured.splice(0);
    }

    test('one read sent five times at once is answered once; the others get SignatureNonceUsed', async () => {
      const [read] = await capturedReads(1);
      const answers = await Promise.all(Array.from({ length: 5 }, () => send(server.url, read!)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400, 400, 400]);
      for (const a of answers.filter((x) => x.status === 400)) assert.equal(a.body.Code, 'SignatureNonceUsed');
    });

    test('reads with their own nonces sent at once are all answered, replays among them refused', async () => {
      const reads = await capturedReads(12);
      // Each read twice, interleaved, all at once: every nonce is answered once and refused once.
      const answers = await Promise.all([...reads, ...reads].map((r) => send(server.url, r)));
      for (const [i, read] of reads.entries()) {
        const pair = [answers[i]!, answers[i + reads.length]!].map((a) => (a.status === 200 ? 'ok' : a.body.Code)).sort();
        assert.deepEqual(pair, ['SignatureNonceUsed', 'ok'], read.url);
      }
      for (const a of await Promise.all(reads.map((r) => send(server.url, r)))) assert.equal(a.body.Code, 'SignatureNonceUsed');
    });

    test("a read's nonce past its retention is claimed again, once", async () => {
      const [read] = await capturedReads(1);
      assert.equal((await send(server.url, read!)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      // Still inside the request time window, but the nonce's row has expired (not yet swept).
      const late = await Promise.all([send(server.url, read!), send(server.url, read!)]);
      assert.deepEqual(late.map((a) => a.status).sort(), [200, 400]);
    });
  });
}
