// Faults with a Count are used up exactly: transactions of two stores on one database (two server
// processes) that consume the same fault concurrently never use more units than its Count, and on
// PostgreSQL a transaction that read the count before another took the last unit gets nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.ts';
import { addFault, decideOutcomes, decideStartFailures, listFaults, type FaultKind } from '../../src/engine/faults.ts';
import { ENGINES } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';

const order = { region: 'cn-hangzhou', zone: 'cn-hangzhou-h', type: 'ecs.c6.large', count: 1, stock: [] };
const start = (i: number) => [{ id: `svc-i-${i}`, service: 'svc', region: 'cn-hangzhou' }];

/** One use of the fault in its own transaction: how many machines or starts it failed (0 or 1). */
async function consume(store: Store, kind: FaultKind, i: number): Promise<number> {
  return store.transaction(async (tx) =>
    kind === 'CreateFailure'
      ? (await decideOutcomes(tx, { ...order, faults: await listFaults(tx) })).filter((o) => !o.ok).length
      : (await decideStartFailures(tx, start(i))).size,
  );
}

async function twoStores(databaseUrl: string | undefined): Promise<[Store, Store]> {
  const dataDir = tempDataDir();
  const first = await openStore({ dataDir, databaseUrl });
  const second = await openStore({ dataDir, databaseUrl, migrate: false }).catch(async (e) => {
    await first.close();
    throw e;
  });
  return [first, second];
}

for (const engine of ENGINES) {
  for (const kind of ['CreateFailure', 'ServiceStartFailure'] as const) {
    test(`${kind} with Count 5, used by 40 concurrent transactions of two stores: exactly 5 uses [${engine.name}]`, async () => {
      const [a, b] = await twoStores(await engine.freshDatabaseUrl());
      try {
        await a.transaction((tx) => addFault(tx, kind, { ServiceName: 'svc', Count: 5 }, Date.now()));
        const uses = await Promise.all(Array.from({ length: 40 }, (_, i) => consume(i % 2 === 0 ? a : b, kind, i)));
        assert.equal(
          uses.reduce((x, y) => x + y, 0),
          5,
        );
        assert.deepEqual(await listFaults(a.db), [], 'used up: gone');
      } finally {
        await b.close();
        await a.close();
      }
    });
  }
}

const pgEngine = ENGINES.find((e) => e.name === 'postgres');
for (const kind of ['CreateFailure', 'ServiceStartFailure'] as const) {
  test(`PostgreSQL: ${kind}: a transaction waiting while another takes the last unit gets none`, {
    skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
  }, async () => {
    const [a, b] = await twoStores(await pgEngine!.freshDatabaseUrl());
    try {
      await a.transaction((tx) => addFault(tx, kind, { ServiceName: 'svc', Count: 1 }, Date.now()));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let tookFirst!: (n: number) => void;
      const took = new Promise<number>((resolve) => (tookFirst = resolve));
      // A takes the last unit and keeps its transaction open.
      const first = a.transaction(async (tx) => {
        const n =
          kind === 'CreateFailure'
            ? (await decideOutcomes(tx, { ...order, faults: await listFaults(tx) })).filter((o) => !o.ok).length
            : (await decideStartFailures(tx, start(1))).size;
        tookFirst(n);
        await held;
        return n;
      });
      assert.equal(await took, 1);
      // B reads the fault (A has not committed: it still shows one unit) and must wait for A's row.
      let pid!: (p: number) => void;
      const backend = new Promise<number>((resolve) => (pid = resolve));
      const second = b.transaction(async (tx) => {
        pid((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!.pid);
        return kind === 'CreateFailure'
          ? (await decideOutcomes(tx, { ...order, faults: await listFaults(tx) })).filter((o) => !o.ok).length
          : (await decideStartFailures(tx, start(2))).size;
      });
      const p = await backend;
      for (let i = 0; ; i++) {
        const r = await sql<{ w: string | null }>`select wait_event_type as w from pg_stat_activity where pid = ${p}`.execute(a.db);
        if (r.rows[0]?.w === 'Lock') break;
        assert.ok(i < 500, 'B waits for the row A holds');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      release();
      assert.deepEqual(await Promise.all([first, second]), [1, 0]);
      assert.deepEqual(await listFaults(a.db), []);
    } finally {
      await b.close();
      await a.close();
    }
  });
}
