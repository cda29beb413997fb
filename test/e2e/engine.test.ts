// The machine engine: durable due times across restarts, progression modes, stock and faults,
// quota under concurrency, and two servers sharing one database.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { startServer } from '../../src/server.ts';
import { openStore } from '../../src/store/database.ts';
import { Clock } from '../../src/engine/clock.ts';

const REGION = 'cn-hangzhou';

function clientOf(server: TestServer, creds = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! }) {
  const client = easClient({ url: server.url, ...creds });
  return {
    creds,
    async group(): Promise<string> {
      const r = await callEas(client, {
        action: 'CreateResource',
        method: 'POST',
        pathname: '/api/v2/resources',
        body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
      });
      return r.body.ResourceId;
    },
    create: (group: string, body: Record<string, unknown>) =>
      callEas(client, {
        action: 'CreateResourceInstances',
        method: 'POST',
        pathname: `/api/v2/resources/${REGION}/${group}/instances`,
        body,
      }),
    list: async (group: string, query: Record<string, unknown> = {}) =>
      (
        await callEas(client, {
          action: 'ListResourceInstances',
          method: 'GET',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          query,
        })
      ).body,
    describe: async (group: string) =>
      (await callEas(client, { action: 'DescribeResource', method: 'GET', pathname: `/api/v2/resources/${REGION}/${group}` })).body,
  };
}

const small = { EcsInstanceType: 'ecs.g6.large', ChargeType: 'PostPaid' };

for (const engine of ENGINES) {
  describe(`machine engine [${engine.name}]`, () => {
    test('a machine due while the server was down is Ready as soon as it starts again', async () => {
      let server = await startTestServer(engine, { provisionSeconds: 600 });
      try {
        const api = clientOf(server);
        const group = await api.group();
        await api.create(group, { ...small, EcsInstanceCount: 2 });
        await server.close();

        // Ten minutes pass while nothing runs.
        const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
        try {
          await new Clock(store).advance(600_000);
        } finally {
          await store.close();
        }

        server = await server.restart();
        const after = clientOf(server, api.creds);
        const list = await after.list(group);
        assert.deepEqual(
          list.Instances.map((i: any) => i.InstanceStatus),
          ['Ready', 'Ready'],
        );
        assert.equal((await after.describe(group)).CpuCount, 4);
      } finally {
        await server.close();
      }
    });

    test('a restart in the middle of provisioning loses nothing', async () => {
      let server = await startTestServer(engine, { provisionSeconds: 60 });
      try {
        const api = clientOf(server);
        const group = await api.group();
        const ids = (await api.create(group, { ...small, EcsInstanceCount: 5 })).body.InstanceIds;
        await advance(server.url, 30);
        server = await server.restart();
        const after = clientOf(server, api.creds);
        assert.equal((await after.list(group, { InstanceStatus: 'Attaching' })).TotalCount, 5);
        await advance(server.url, 30);
        const ready = await after.list(group, { InstanceStatus: 'Ready' });
        assert.deepEqual(ready.Instances.map((i: any) => i.InstanceId).sort(), [...ids].sort());
      } finally {
        await server.close();
      }
    });

    test('manual progression waits for the admin nudge; immediate is Ready at once', async () => {
      const manual = await startTestServer(engine, { progression: 'manual' });
      try {
        const api = clientOf(manual);
        const group = await api.group();
        const [first, second] = (await api.create(group, { ...small, EcsInstanceCount: 2 })).body.InstanceIds;
        await advance(manual.url, 86_400);
        assert.equal((await api.list(group, { InstanceStatus: 'Attaching' })).TotalCount, 2);
        await admin(manual.url, 'POST', '/engine/progress', { InstanceIds: [first] });
        assert.equal((await api.list(group, { InstanceId: first })).Instances[0].InstanceStatus, 'Ready');
        assert.equal((await api.list(group, { InstanceId: second })).Instances[0].InstanceStatus, 'Attaching');

        // Released machines wait for the nudge too, and DeleteResource says so.
        const client = easClient({ url: manual.url, ...api.creds });
        const groupPath = `/api/v2/resources/${REGION}/${group}`;
        const instances = { InstanceList: `${first},${second}` };
        await callEas(client, {
          action: 'DeleteResourceInstances',
          method: 'DELETE',
          pathname: `${groupPath}/instances`,
          query: instances,
        });
        const deleteGroup = () => callEas(client, { action: 'DeleteResource', method: 'DELETE', pathname: groupPath });
        const refused = await expectApiError(deleteGroup);
        assert.equal(refused.code, 'OperationDenied.ResourceNotEmpty');
        assert.match(
          refused.message,
          /2 instance\(s\) being deleted; retry after they are released \(progression is manual: POST \/_openeas\/engine\/progress\)/,
        );
        await admin(manual.url, 'POST', '/engine/progress', {});
        assert.equal((await deleteGroup()).statusCode, 200);
      } finally {
        await manual.close();
      }

      const immediate = await startTestServer(engine, { progression: 'immediate' });
      try {
        const now = clientOf(immediate);
        const g2 = await now.group();
        await now.create(g2, { ...small, EcsInstanceCount: 3 });
        assert.equal((await now.list(g2, { InstanceStatus: 'Ready' })).TotalCount, 3);
      } finally {
        await immediate.close();
      }
    });

    test('faults: the next N machines fail, a machine goes NotReady and recovers, all listable and clearable', async () => {
      const server = await startTestServer(engine, { provisionSeconds: 5 });
      try {
        const api = clientOf(server);
        const group = await api.group();
        const fault = await admin(server.url, 'POST', '/faults', {
          Kind: 'CreateFailure',
          Zone: 'cn-hangzhou-k',
          Count: 2,
          Reason: 'simulated capacity loss',
        });
        await api.create(group, { ...small, EcsInstanceCount: 3, Zone: 'cn-hangzhou-k' });
        await advance(server.url, 5);
        assert.equal((await api.list(group, { InstanceStatus: 'CreateFailed' })).TotalCount, 2);
        assert.equal((await api.list(group, { InstanceStatus: 'Ready' })).TotalCount, 1);
        assert.equal(
          (await admin(server.url, 'GET', '/faults')).Faults.some((f: any) => f.FaultId === fault.Fault.FaultId),
          false,
          'a used-up fault disappears',
        );

        const [healthy] = (await api.list(group, { InstanceStatus: 'Ready' })).Instances;
        const notReady = await admin(server.url, 'POST', '/faults', { Kind: 'NotReady', InstanceId: healthy.InstanceId });
        assert.equal((await api.list(group, { InstanceId: healthy.InstanceId })).Instances[0].InstanceStatus, 'NotReady');
        await admin(server.url, 'POST', '/faults', { Kind: 'Latency', Action: 'ListResources', LatencyMs: 1 });
        assert.equal((await admin(server.url, 'GET', '/faults')).Faults.length, 2);
        await admin(server.url, 'DELETE', `/faults/${notReady.Fault.FaultId}`);
        assert.equal((await api.list(group, { InstanceId: healthy.InstanceId })).Instances[0].InstanceStatus, 'Ready');
        await admin(server.url, 'DELETE', '/faults');
        assert.equal((await admin(server.url, 'GET', '/faults')).Faults.length, 0);
      } finally {
        await server.close();
      }
    });

    test('concurrent creates never overshoot the quota', async () => {
      const server = await startTestServer(engine, { provisionSeconds: 5 });
      try {
        const api = clientOf(server);
        const group = await api.group();
        await admin(server.url, 'PUT', `/accounts/${server.root.accountId}/quota`, { Region: REGION, Instances: 10 });
        const results = await Promise.allSettled(Array.from({ length: 12 }, () => api.create(group, { ...small, EcsInstanceCount: 2 })));
        const ok = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(ok, 5);
        for (const r of refused) {
          assert.equal(r.reason.code, 'QuotaExceed.ElasticQuota');
          assert.equal(r.reason.statusCode, 403);
        }
        assert.equal((await api.list(group)).TotalCount, 10);
        const err = await expectApiError(() => api.create(group, { ...small, EcsInstanceCount: 1 }));
        assert.equal(err.code, 'QuotaExceed.ElasticQuota');
      } finally {
        await server.close();
      }
    });

    test('two servers on one database provision a burst once each, without quota overshoot', async () => {
      const a = await startTestServer(engine, { provisionSeconds: 2 });
      try {
        const b = await startServer({ dataDir: a.dataDir, databaseUrl: a.databaseUrl, port: 0, logLevel: 'warn', provisionSeconds: 2 }, {});
        try {
          const apiA = clientOf(a);
          const apiB = clientOf(b as TestServer, apiA.creds);
          const group = await apiA.group();
          await admin(a.url, 'PUT', `/accounts/${a.root.accountId}/quota`, { Region: REGION, Instances: 60 });
          const results = await Promise.allSettled(
            Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? apiA : apiB).create(group, { ...small, EcsInstanceCount: 5 })),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 12);
          // Both schedulers poll; advancing through one server makes all due.
          await advance(a.url, 2);
          const deadline = Date.now() + 10_000;
          while ((await apiB.list(group, { InstanceStatus: 'Ready' })).TotalCount < 60 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 100));
          }
          const detail = await apiB.describe(group);
          assert.equal(detail.InstanceCount, 60);
          // Had any provisioning run twice, capacity would be counted twice.
          assert.equal(detail.CpuCount, 60 * 2);
          assert.equal(detail.Memory, 60 * 8192);
        } finally {
          await b.close();
        }
      } finally {
        await a.close();
      }
    });

    test('a list never shows a machine as another server knew it before a change', async () => {
      // Each server keeps rendered machines for its lists; a change made through the other server
      // (labels, status, migration) must show at once, not when the cached rendering expires.
      const a = await startTestServer(engine, { progression: 'manual' });
      try {
        const b = await startServer(
          { dataDir: a.dataDir, databaseUrl: a.databaseUrl, port: 0, logLevel: 'warn', progression: 'manual' },
          {},
        );
        try {
          const apiA = clientOf(a);
          const clientB = easClient({ url: b.url, ...apiA.creds });
          const group = await apiA.group();
          const other = await apiA.group();
          const [id] = (await apiA.create(group, { ...small, EcsInstanceCount: 1, Labels: { tier: 'gold' } })).body.InstanceIds;
          const seen = async (g = group) => (await apiA.list(g)).Instances.find((i: any) => i.InstanceId === id);
          assert.deepEqual((await seen()).Labels, [{ LabelKey: 'tier', LabelValue: 'gold' }]);
          assert.equal((await seen()).InstanceStatus, 'Attaching');

          await callEas(clientB, {
            action: 'UpdateResourceInstanceLabel',
            method: 'PUT',
            pathname: `/api/v2/resources/${REGION}/${group}/label`,
            query: { InstanceIds: id },
            body: { Labels: { tier: 'silver' } },
          });
          assert.deepEqual((await seen()).Labels, [{ LabelKey: 'tier', LabelValue: 'silver' }]);

          await admin(b.url, 'POST', '/engine/progress', {});
          assert.equal((await seen()).InstanceStatus, 'Ready');
          await callEas(clientB, {
            action: 'UpdateResourceInstance',
            method: 'PUT',
            pathname: `/api/v2/resources/${REGION}/${group}/instances/${id}`,
            body: { Action: 'Cordon' },
          });
          assert.equal((await seen()).InstanceStatus, 'Ready-SchedulingDisabled');

          await callEas(clientB, {
            action: 'MigrateResourceInstance',
            method: 'POST',
            pathname: `/api/v2/resources/${REGION}/${group}/instances/migrate`,
            body: { InstanceIds: [id], DestResourceId: other },
          });
          assert.equal((await apiA.list(group)).Instances.length, 0);
          assert.equal((await seen(other)).ResourceId, other);
        } finally {
          await b.close();
        }
      } finally {
        await a.close();
      }
    });
  });
}

for (const engine of ENGINES) {
  describe(`limited stock and start-up safety [${engine.name}]`, () => {
    test('a limited stock is handed out once: later machines end CreateFailed for lack of stock', async () => {
      const server = await startTestServer(engine, { provisionSeconds: 5 });
      try {
        const api = clientOf(server);
        const group = await api.group();
        await admin(server.url, 'PUT', '/stock', {
          Region: REGION,
          Zone: 'cn-hangzhou-b',
          InstanceType: 'ecs.g6.large',
          Status: 'WithStock',
          Available: 3,
        });
        await Promise.all([1, 2, 3].map(() => api.create(group, { ...small, EcsInstanceCount: 2, Zone: 'cn-hangzhou-b' })));
        await advance(server.url, 5);
        assert.equal((await api.list(group, { InstanceStatus: 'Ready' })).TotalCount, 3);
        const failed = await api.list(group, { InstanceStatus: 'CreateFailed' });
        assert.equal(failed.TotalCount, 3);
        assert.equal((await admin(server.url, 'GET', '/stock')).Stock[0].Available, 0);
      } finally {
        await server.close();
      }
    });

    test('a database from a newer openeas, or a different master key, is refused at start-up', async () => {
      const server = await startTestServer(engine);
      await server.close();
      // A start-up that wrongly succeeds must not leave a server running.
      const refused = async (overrides: Parameters<typeof startServer>[0], reason: RegExp) => {
        await assert.rejects(async () => {
          const started = await startServer(
            { dataDir: server.dataDir, databaseUrl: server.databaseUrl, port: 0, logLevel: 'warn', ...overrides },
            {},
          );
          await started.close();
        }, reason);
      };
      await refused({ masterKey: 'ab'.repeat(32) }, /master key does not match/);
      const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
      try {
        await store.db
          .insertInto('kysely_migration' as never)
          .values({ name: '9999_from_the_future', timestamp: new Date().toISOString() } as never)
          .execute();
      } finally {
        await store.close();
      }
      await refused({}, /schema is newer than this openeas/);
    });
  });
}
