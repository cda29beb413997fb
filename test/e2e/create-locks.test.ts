// CreateResourceInstances under concurrency: the guarantees that must hold whatever the order of
// its statements (no machines in a deleted group, addresses unique), and on PostgreSQL the lock
// story of src/eas/machines.ts — a create waits for the shared rows only at its last statements,
// and not at all for a balance another transaction holds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import type { Tx } from '../../src/store/database.ts';
import { HOSTS_PER_REGION, ipOf } from '../../src/eas/regions.ts';
import { PROVISION_JOB } from '../../src/engine/machine-jobs.ts';

const REGION = 'cn-hangzhou';
const small = { EcsInstanceType: 'ecs.g6.large', ChargeType: 'PostPaid', EcsInstanceCount: 1 };

function apiOf(server: TestServer) {
  const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
  return {
    group: async (): Promise<string> =>
      (
        await callEas(client, {
          action: 'CreateResource',
          method: 'POST',
          pathname: '/api/v2/resources',
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId,
    create: (group: string, body: Record<string, unknown> = small) =>
      callEas(client, {
        action: 'CreateResourceInstances',
        method: 'POST',
        pathname: `/api/v2/resources/${REGION}/${group}/instances`,
        body,
      }),
    deleteGroup: (group: string) =>
      callEas(client, { action: 'DeleteResource', method: 'DELETE', pathname: `/api/v2/resources/${REGION}/${group}` }),
  };
}

/** The machine rows of `group` as stored (a deleted group has no API to list them). */
async function storedMachines(server: TestServer, group: string): Promise<Array<{ id: string; ip: string }>> {
  return server.services.store.db.selectFrom('instances').select(['id', 'ip']).where('resource_id', '=', group).execute();
}

for (const engine of ENGINES) {
  describe(`CreateResourceInstances under concurrency [${engine.name}]`, () => {
    test('a create racing DeleteResource lands in the group or is refused: never machines in a deleted group', async () => {
      const server = await startTestServer(engine, { progression: 'manual' });
      try {
        const api = apiOf(server);
        for (let round = 0; round < 4; round++) {
          const group = await api.group();
          const creates = Array.from({ length: 6 }, () => api.create(group));
          const deleted = api.deleteGroup(group);
          const results = await Promise.allSettled([...creates, deleted]);
          const made = results.slice(0, -1).filter((r) => r.status === 'fulfilled').length;
          for (const r of results) {
            if (r.status === 'fulfilled') continue;
            assert.ok(['InvalidResource.NotFound', 'OperationDenied.ResourceNotEmpty'].includes(r.reason.code), String(r.reason));
          }
          const machines = await storedMachines(server, group);
          if (results.at(-1)!.status === 'fulfilled') {
            assert.equal(made, 0, 'the group was deleted: no create may have succeeded');
            assert.equal(machines.length, 0, 'no machine left in a deleted group');
          } else {
            assert.equal(machines.length, made);
          }
        }
      } finally {
        await server.close();
      }
    });

    test('concurrent creates in two groups get distinct addresses', async () => {
      const server = await startTestServer(engine, { progression: 'manual' });
      try {
        const api = apiOf(server);
        const groups = [await api.group(), await api.group()];
        await Promise.all(Array.from({ length: 16 }, (_, i) => api.create(groups[i % 2]!, { ...small, EcsInstanceCount: 2 })));
        const ips = [...(await storedMachines(server, groups[0]!)), ...(await storedMachines(server, groups[1]!))].map((m) => m.ip);
        assert.equal(ips.length, 32);
        assert.equal(new Set(ips).size, 32);
        // The region's first 32 hosts, as ipOf numbers them (PostgreSQL computes them in SQL).
        assert.deepEqual(new Set(ips), new Set(Array.from({ length: 32 }, (_, h) => ipOf(REGION, h + 1))));
      } finally {
        await server.close();
      }
    });

    test('every ordered machine has exactly one provisioning job, whichever way its order went', async () => {
      // The first order of an account and region has no usage or address-pool row yet (PostgreSQL:
      // the shared rows' statement stops early and the jobs are written after it); later ones write
      // their jobs in that statement; concurrent ones may fall either way.
      const server = await startTestServer(engine, { progression: 'manual' });
      try {
        const api = apiOf(server);
        const group = await api.group();
        await api.create(group, { ...small, EcsInstanceCount: 3 });
        await api.create(group, { ...small, EcsInstanceCount: 2 });
        await Promise.all(Array.from({ length: 8 }, () => api.create(group, small)));
        const machines = await storedMachines(server, group);
        assert.equal(machines.length, 13);
        const jobs = await server.services.store.db
          .selectFrom('jobs')
          .select(['subject_id', 'kind', 'payload'])
          .where(
            'subject_id',
            'in',
            machines.map((m) => m.id),
          )
          .execute();
        assert.deepEqual(jobs.map((j) => j.subject_id).sort(), machines.map((m) => m.id).sort());
        for (const j of jobs) assert.deepEqual([j.kind, JSON.parse(j.payload)], [PROVISION_JOB, { ok: true }]);
      } finally {
        await server.close();
      }
    });

    test("the region's last address is handed out once; an order it cannot hold is refused whole", async () => {
      const server = await startTestServer(engine, { progression: 'manual' });
      try {
        const api = apiOf(server);
        const group = await api.group();
        await api.create(group); // the region's IP pool row exists
        await server.services.store.db.updateTable('ip_pools').set({ next_host: HOSTS_PER_REGION }).where('region', '=', REGION).execute();
        const two = await expectApiError(() => api.create(group, { ...small, EcsInstanceCount: 2 }));
        assert.equal(two.code, 'InsufficientIpAddress');
        await api.create(group);
        const last = await expectApiError(() => api.create(group));
        assert.equal(last.code, 'InsufficientIpAddress');
        const ips = (await storedMachines(server, group)).map((m) => m.ip);
        assert.deepEqual(new Set(ips), new Set([ipOf(REGION, 1), ipOf(REGION, HOSTS_PER_REGION)]));
      } finally {
        await server.close();
      }
    });
  });
}

const pgEngine = ENGINES.find((e) => e.name === 'postgres');
describe('CreateResourceInstances lock waits [postgres]', { skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL' }, () => {
  /**
   * Runs `hold` in a transaction of the server's own database and keeps it open while `during`
   * runs (given the transaction's backend pid); returns what `during` returned. The transaction
   * then commits. Other suites share the PostgreSQL server: waits are matched to this holder.
   */
  async function holding<T>(server: TestServer, hold: (tx: Tx) => Promise<unknown>, during: (holder: number) => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let ready!: (pid: number) => void;
    const held = new Promise<number>((resolve) => (ready = resolve));
    const tx = server.services.store.transaction(async (t) => {
      await hold(t);
      ready((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(t)).rows[0]!.pid);
      await released;
    });
    const holder = await held;
    try {
      return await during(holder);
    } finally {
      release();
      await tx;
    }
  }

  /** The statement of a backend waiting for a lock `holder` (a backend pid) holds, polled for up to 10 s. */
  async function waitingStatement(server: TestServer, holder: number): Promise<string> {
    for (let i = 0; i < 500; i++) {
      const r = await sql<{ query: string }>`select query from pg_stat_activity
        where wait_event_type = 'Lock' and ${holder}::int = any(pg_blocking_pids(pid))`.execute(server.services.store.db);
      if (r.rows[0]) return r.rows[0].query;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('nothing waited for the held lock');
  }

  test('a create waits for a held group only at its counters, after its reads and inserts', async () => {
    const server = await startTestServer(pgEngine!, { progression: 'manual' });
    try {
      const api = apiOf(server);
      const group = await api.group();
      await api.create(group); // the account's usage, IP pool and billing rows exist
      // Another create's last statements: the group's row is held until its commit.
      const holdGroup = (tx: Tx) => tx.updateTable('resources').set({ updated_at: 0 }).where('id', '=', group).execute();
      const [created] = await holding(server, holdGroup, async (holder) => {
        const create = api.create(group);
        const waiting = await waitingStatement(server, holder);
        // Its one statement for the shared rows starts with the group's counters.
        assert.match(
          waiting,
          /^\s*with g as \(update "?resources"? set/,
          `the create waits at the group's counters, not before: ${waiting}`,
        );
        return [create];
      });
      assert.equal((await created).body.InstanceIds.length, 1);
      assert.equal((await storedMachines(server, group)).length, 2);
    } finally {
      await server.close();
    }
  });

  test('a create waiting for a DeleteResource that holds the group is refused and leaves no machine', async () => {
    const server = await startTestServer(pgEngine!, { progression: 'manual' });
    try {
      const api = apiOf(server);
      const group = await api.group();
      // DeleteResource's transaction: the group locked, then deleted.
      const deleteGroup = async (tx: Tx) => {
        await tx.selectFrom('resources').select('id').where('id', '=', group).forUpdate().execute();
        await tx.deleteFrom('resources').where('id', '=', group).execute();
      };
      const [refused] = await holding(server, deleteGroup, async (holder) => {
        const create = expectApiError(() => api.create(group));
        await waitingStatement(server, holder);
        return [create];
      });
      assert.equal((await refused).code, 'InvalidResource.NotFound');
      assert.deepEqual(await storedMachines(server, group), []);
    } finally {
      await server.close();
    }
  });

  test("a pay-as-you-go create does not wait for a transaction holding the account's balance", async () => {
    const server = await startTestServer(pgEngine!, { progression: 'manual' });
    try {
      const api = apiOf(server);
      const group = await api.group();
      await api.create(group); // the billing row exists
      const holdBalance = (tx: Tx) =>
        tx.selectFrom('billing_accounts').select('balance_fen').where('account_id', '=', server.root.accountId).forUpdate().execute();
      // Two seconds: well within the client's own timeout, far beyond an unhindered create.
      const answered = await holding(server, holdBalance, () =>
        Promise.race([
          api.create(group).then(
            () => 'answered',
            (e) => `failed: ${e.code ?? e}`,
          ),
          new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2_000)),
        ]),
      );
      assert.equal(answered, 'answered');
    } finally {
      await server.close();
    }
  });
});
