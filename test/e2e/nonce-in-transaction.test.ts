// An EAS write uses up its nonce inside its own transaction (gateway/authenticate.ts PendingNonce,
// eas/handlers/common.ts mutate): one commit for both. Whatever else happens to the call, the
// nonce is used up before it answers, and a replay answers SignatureNonceUsed as when the nonce was
// checked first: also when the replay would have been refused for another reason, and it is not an
// audited call. (test/e2e/gateway.test.ts covers replays of creates that succeed, fail, or race.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { rootCredentials, startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, type Credentials } from '../support/client.ts';
import { send, startProxy, type TestProxy, type WireCapture } from '../support/proxy.ts';
import { allow, eas, uniqueName, userWithPolicies } from '../support/ram.ts';

const REGION = 'cn-hangzhou';

async function newGroup(server: TestServer): Promise<string> {
  return (await eas(server, rootCredentials(server)).createGroup(uniqueName('g'))).body.ResourceId;
}

/** A signed create of one machine in `group` as `creds`, captured by `proxy` and not delivered. */
async function capturedCreate(proxy: TestProxy, creds: Credentials, group: string): Promise<WireCapture> {
  proxy.captured.length = 0;
  proxy.mutate = () => null;
  try {
    await callEas(easClient({ url: proxy.url, ...creds }), {
      action: 'CreateResourceInstances',
      method: 'POST',
      pathname: `/api/v2/resources/${REGION}/${group}/instances`,
      body: { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
    }).catch(() => {});
  } finally {
    proxy.mutate = undefined;
  }
  return proxy.captured[0]!;
}

for (const engine of ENGINES) {
  describe(`nonces of EAS writes [${engine.name}]`, () => {
    let server: TestServer;
    let proxy: TestProxy;
    let root: Credentials;
    let group: string;

    before(async () => {
      // A nonce is kept 2 s here (the default is longer than the time window): long enough for a
      // replay to meet it, short enough to see a late one accepted again.
      server = await startTestServer(engine, { nonceTtlSeconds: 2 });
      proxy = await startProxy(server.url);
      root = rootCredentials(server);
      group = await newGroup(server);
    });
    after(async () => {
      await proxy.close();
      await server.close();
    });

    const captured = (creds: Credentials) => capturedCreate(proxy, creds, group);
    const auditedCreates = async (requestIds: string[]): Promise<number> => {
      await server.services.audit.flush();
      const rows = await server.services.store.db
        .selectFrom('audit_events')
        .select('event')
        .where('event_name', '=', 'CreateResourceInstances')
        .execute();
      return rows.filter((r) => requestIds.some((id) => r.event.includes(id))).length;
    };

    test('a create refused by RAM uses up its nonce: the replay answers SignatureNonceUsed, not Forbidden.RAM', async () => {
      const reader = await userWithPolicies(server, [allow('eas:DescribeResource')]);
      const create = await captured(reader);
      const first = await send(server.url, create);
      assert.equal(first.status, 403);
      assert.equal(first.body.Code, 'Forbidden.RAM');
      const replay = await send(server.url, create);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.Code, 'SignatureNonceUsed');
      assert.equal(await auditedCreates([first.body.RequestId]), 1, 'the refused call is audited');
      assert.equal(await auditedCreates([replay.body.RequestId]), 0, 'its replay is not');
    });

    test('a replayed create orders nothing and is not audited', async () => {
      const create = await captured(root);
      const first = await send(server.url, create);
      assert.equal(first.status, 200);
      const replay = await send(server.url, create);
      assert.equal(replay.body.Code, 'SignatureNonceUsed');
      const nonce = await server.services.store.db.selectFrom('nonces').select('nonce').execute();
      assert.ok(nonce.length > 0, 'the nonce was stored with the order');
      assert.equal(await auditedCreates([first.body.RequestId]), 1);
      assert.equal(await auditedCreates([replay.body.RequestId]), 0);
    });

    test('creates sent together with their replays: each orders once, every replay is refused, the counters match', async () => {
      // On SQLite they share group commits: a replay fails after its writes (its nonce is used up
      // last), so its group starts again without it (store/database.ts GroupCommit).
      const client = easClient({ url: server.url, ...root });
      const machines = async () =>
        (
          await callEas(client, {
            action: 'ListResourceInstances',
            method: 'GET',
            pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          })
        ).body.TotalCount as number;
      const before = await machines();
      const creates: WireCapture[] = [];
      for (let i = 0; i < 10; i++) creates.push(await captured(root));
      const answers = await Promise.all(creates.flatMap((c) => [send(server.url, c), send(server.url, c)]));
      for (let i = 0; i < creates.length; i++) {
        const pair = [answers[2 * i]!, answers[2 * i + 1]!];
        assert.deepEqual(pair.map((a) => a.status).sort(), [200, 400], JSON.stringify(pair.map((a) => a.body)));
        assert.equal(pair.find((a) => a.status === 400)!.body.Code, 'SignatureNonceUsed');
      }
      assert.equal(await machines(), before + creates.length);
      const described = await callEas(client, {
        action: 'DescribeResource',
        method: 'GET',
        pathname: `/api/v2/resources/${REGION}/${group}`,
      });
      assert.equal(described.body.InstanceCount, before + creates.length);
    });

    test("RAM's soft mode records a would-be denial once: the replay is refused before it leaves a record", async () => {
      const soft = await startTestServer(engine, { ram: 'soft' });
      const softProxy = await startProxy(soft.url);
      try {
        const reader = await userWithPolicies(soft, [allow('eas:DescribeResource')]);
        const create = await capturedCreate(softProxy, reader, await newGroup(soft));
        assert.equal((await send(soft.url, create)).status, 200, 'soft mode lets it through');
        assert.equal((await send(soft.url, create)).body.Code, 'SignatureNonceUsed');
        const denials = await soft.services.store.db.selectFrom('ram_denials').select('action').execute();
        assert.deepEqual(
          denials.map((d) => d.action),
          ['eas:CreateResourceInstances'],
        );
      } finally {
        await softProxy.close();
        await soft.close();
      }
    });

    test('a nonce past its retention is claimed again by a write inside its transaction', async () => {
      const create = await captured(root);
      assert.equal((await send(server.url, create)).status, 200);
      assert.equal((await send(server.url, create)).body.Code, 'SignatureNonceUsed');
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      // Still inside the request time window, but the nonce's row has expired (not yet swept).
      const late = await send(server.url, create);
      assert.equal(late.status, 200, JSON.stringify(late.body));
      assert.equal((await send(server.url, create)).body.Code, 'SignatureNonceUsed');
    });
  });
}
