// Quota, one limit at a time (instances, vCPUs, GPUs), through the official client on every engine:
// a create exactly at the limit succeeds, one just past it is refused and leaves nothing behind,
// and machines released give their share back, so the account can create up to the limit again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { TEST_DEFAULTS } from '../support/server.ts';
import { startOpenEas } from '../../src/testing/index.ts';
import type { RunningServer } from '../../src/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import type { ConfigOverrides } from '../../src/config.ts';

const REGION = 'cn-hangzhou';
const PROVISION_SECONDS = 5;
const RELEASE_SECONDS = 5;

type Engine = (typeof ENGINES)[number];

async function withServer(engine: Engine, overrides: ConfigOverrides, fn: (server: RunningServer) => Promise<void>): Promise<void> {
  // In-memory SQLite (ephemeral) or a fresh PostgreSQL schema: these tests never restart.
  const eas = await startOpenEas({
    ...TEST_DEFAULTS,
    databaseUrl: await engine.freshDatabaseUrl(),
    provisionSeconds: PROVISION_SECONDS,
    releaseSeconds: RELEASE_SECONDS,
    ...overrides,
  });
  try {
    await fn(eas.server);
  } finally {
    await eas.stop();
  }
}

function machinesOf(server: RunningServer) {
  const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
  const path = (group: string) => `/api/v2/resources/${REGION}/${group}`;
  const api = {
    async group(): Promise<string> {
      const r = await callEas(client, {
        action: 'CreateResource',
        method: 'POST',
        pathname: '/api/v2/resources',
        body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
      });
      return r.body.ResourceId;
    },
    async create(group: string, type: string, count: number): Promise<string[]> {
      const r = await callEas(client, {
        action: 'CreateResourceInstances',
        method: 'POST',
        pathname: `${path(group)}/instances`,
        body: { EcsInstanceType: type, EcsInstanceCount: count, ChargeType: 'PostPaid' },
      });
      return r.body.InstanceIds;
    },
    /** Asserts that the create is refused for quota, and that it left no machine behind. */
    async refused(group: string, type: string, count: number): Promise<void> {
      const before = (await api.describe(group)).InstanceCount;
      const err = await expectApiError(() => api.create(group, type, count));
      assert.equal(err.code, 'QuotaExceed.ElasticQuota');
      assert.equal(err.statusCode, 403);
      assert.equal((await api.describe(group)).InstanceCount, before, 'a refused order leaves no machine');
    },
    /** Releases machines and lets the release finish. */
    async release(group: string, ids: string[]): Promise<void> {
      await callEas(client, {
        action: 'DeleteResourceInstances',
        method: 'DELETE',
        pathname: `${path(group)}/instances`,
        query: { InstanceList: ids.join(',') },
      });
      await advance(server.url, RELEASE_SECONDS);
    },
    ids: async (group: string): Promise<string[]> =>
      (
        await callEas(client, {
          action: 'ListResourceInstances',
          method: 'GET',
          pathname: `${path(group)}/instances`,
          query: { PageSize: 100 },
        })
      ).body.Instances.map((i: any) => i.InstanceId),
    describe: async (group: string) => (await callEas(client, { action: 'DescribeResource', method: 'GET', pathname: path(group) })).body,
  };
  return api;
}

// Each case limits one dimension only and orders a type that uses `per` of it per machine, so the
// other limits are far away: a refusal can only come from the limit under test.
const CASES = [
  { limit: 'Instances', value: 4, type: 'ecs.g6.large', fits: 4 }, // 1 instance each
  { limit: 'Vcpus', value: 8, type: 'ecs.g6.xlarge', fits: 2 }, // 4 vCPUs each
  { limit: 'Gpus', value: 3, type: 'ecs.gn6i-c4g1.xlarge', fits: 3 }, // 1 GPU each
] as const;

for (const engine of ENGINES) {
  describe(`quota [${engine.name}]`, () => {
    for (const c of CASES) {
      test(`${c.limit}: a create just past the limit is refused, one at the limit succeeds, released machines give their quota back`, () =>
        withServer(engine, {}, async (server) => {
          const api = machinesOf(server);
          await admin(server.url, 'PUT', `/accounts/${server.root.accountId}/quota`, { Region: REGION, [c.limit]: c.value });
          const group = await api.group();

          await api.refused(group, c.type, c.fits + 1);
          const first = await api.create(group, c.type, c.fits);
          assert.equal(first.length, c.fits);
          await api.refused(group, c.type, 1);

          // Released machines free their share, also once they were running.
          await advance(server.url, PROVISION_SECONDS);
          await api.release(group, first.slice(0, 2));
          assert.equal((await api.describe(group)).InstanceCount, c.fits - 2);
          assert.equal((await api.create(group, c.type, 2)).length, 2);
          await api.refused(group, c.type, 1);

          // All released: the whole quota is back.
          await api.release(group, await api.ids(group));
          assert.equal((await api.describe(group)).InstanceCount, 0);
          assert.equal((await api.create(group, c.type, c.fits)).length, c.fits);
          await api.refused(group, c.type, 1);
        }));
    }

    test('the configured default applies to an account without an override, and an override replaces it', () =>
      withServer(engine, { quota: { instances: 2, vcpus: 1000, gpus: 1000 } }, async (server) => {
        const api = machinesOf(server);
        const group = await api.group();
        await api.refused(group, 'ecs.g6.large', 3);
        await api.create(group, 'ecs.g6.large', 2);
        await api.refused(group, 'ecs.g6.large', 1);
        await admin(server.url, 'PUT', `/accounts/${server.root.accountId}/quota`, { Region: REGION, Instances: 3 });
        await api.create(group, 'ecs.g6.large', 1);
        await api.refused(group, 'ecs.g6.large', 1);
      }));

    test("a quota is per region: another region's machines do not count", () =>
      withServer(engine, {}, async (server) => {
        const api = machinesOf(server);
        await admin(server.url, 'PUT', `/accounts/${server.root.accountId}/quota`, { Region: 'cn-shanghai', Instances: 0 });
        const group = await api.group();
        assert.equal((await api.create(group, 'ecs.g6.large', 3)).length, 3);
      }));
  });
}
