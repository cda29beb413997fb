// The scheduler runs due work in due order, even when a job schedules new work that falls due
// before other jobs of the same batch, and never runs a job twice. A failing job is rolled back
// alone, retried with backoff and parked after too many attempts; a server runs only the kinds
// it knows; job keys replace and cancel pending work; only engine/jobs.ts touches the table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import path from 'node:path';
import { openStore, type Store, type Tx } from '../../src/store/database.ts';
import { Clock } from '../../src/engine/clock.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { cancelJobs, enqueueJobs, jobKey, listJobs, type JobRow } from '../../src/engine/jobs.ts';
import { ENGINES, type Engine } from '../support/engines.ts';
import { groupsOfGroupJobs } from '../../src/engine/group-locks.ts';
import { tempDataDir } from '../support/server.ts';

async function withStore(engine: Engine, fn: (store: Store, clock: Clock) => Promise<void>): Promise<void> {
  const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
  try {
    await fn(store, new Clock(store));
  } finally {
    await store.close();
  }
}

const job = (kind: string, subjectId: string, dueAt: number | null, extra: { payload?: unknown; key?: string } = {}) => ({
  kind,
  accountId: 'a',
  subjectId,
  dueAt,
  ...extra,
});

/** Effects a handler leaves in the database (rolled back with it), as `fx:<name>` settings. */
const mark = (tx: Tx, name: string) =>
  tx
    .insertInto('settings')
    .values({ key: `fx:${name}`, value: '1' })
    .execute();
async function marks(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('settings').select('key').where('key', 'like', 'fx:%').orderBy('key').execute();
  return rows.map((r) => r.key.slice(3));
}

async function allJobs(store: Store, clock: Clock): Promise<JobRow[]> {
  return (await listJobs(store.db, clock.now(), {}, { offset: 0, limit: 1000 })).jobs;
}

for (const engine of ENGINES) {
  describe(`scheduler [${engine.name}]`, () => {
    test('work enqueued by a job runs before later jobs of the same batch', () =>
      withStore(engine, async (store, clock) => {
        const scheduler = new Scheduler(store, clock);
        const ran: string[] = [];
        const t0 = clock.now();
        scheduler.register('first', async (tx, jobs) => {
          for (const j of jobs) ran.push(`first@${j.due_at! - t0}`);
          await enqueueJobs(tx, [job('chained', 's', t0 + 20)], t0);
        });
        scheduler.register('chained', async (_tx, jobs) => {
          for (const j of jobs) ran.push(`chained@${j.due_at! - t0}`);
        });
        scheduler.register('later', async (_tx, jobs) => {
          for (const j of jobs) ran.push(`later@${j.due_at! - t0}`);
        });
        await store.transaction((tx) =>
          enqueueJobs(tx, [job('first', 's', t0 + 10), job('later', 's', t0 + 30), job('later', 's', null)], t0),
        );
        assert.equal(await scheduler.advance(100), 3);
        assert.deepEqual(ran, ['first@10', 'chained@20', 'later@30']);
        assert.equal(await scheduler.runDue(), 0, 'nothing runs twice');
        assert.equal(await scheduler.nudge(), 1, 'manual jobs wait for a nudge');
        await scheduler.stop();
      }));

    test('a throwing job is rolled back alone and the jobs due after it still run', () =>
      withStore(engine, async (store, clock) => {
        const scheduler = new Scheduler(store, clock, { retrySeconds: 60 });
        const t0 = clock.now();
        scheduler.register('work', async (tx, jobs) => {
          for (const j of jobs) await mark(tx, j.subject_id);
          if (jobs.some((j) => j.subject_id === 'bad')) throw new Error('the disk is on fire');
        });
        scheduler.register('later', async (tx, jobs) => {
          for (const j of jobs) await mark(tx, j.subject_id);
        });
        await store.transaction((tx) =>
          enqueueJobs(
            tx,
            [job('work', 'good1', t0 + 1), job('work', 'bad', t0 + 2), job('work', 'good2', t0 + 3), job('later', 'late', t0 + 4)],
            t0,
          ),
        );
        // A request's transaction shares the SQLite group commit with the batch and its savepoints.
        const before = clock.now();
        const [ran] = await Promise.all([scheduler.advance(10), store.transaction((tx) => mark(tx, 'request'))]);
        assert.equal(ran, 4);
        assert.deepEqual(await marks(store), ['good1', 'good2', 'late', 'request'], "the failed job's own effects are rolled back");
        const [left] = await allJobs(store, clock);
        assert.equal(left?.subject_id, 'bad');
        assert.equal(left.attempts, 1);
        assert.equal(left.last_error, 'Error: the disk is on fire');
        assert.ok(left.due_at! >= before + 10 + 60_000 && left.due_at! <= clock.now() + 60_000, 'retried after the backoff');
        assert.equal(await scheduler.runDue(), 0, 'not claimed again before its retry time');
      }));

    test('a failing job backs off exponentially, is parked as Failed after the last attempt, and runs again when retried', () =>
      withStore(engine, async (store, clock) => {
        const scheduler = new Scheduler(store, clock, { maxAttempts: 3, retrySeconds: 10 });
        let calls = 0;
        let broken = true;
        scheduler.register('flaky', async () => {
          calls++;
          if (broken) throw new TypeError('no such thing');
        });
        const t0 = clock.now();
        await store.transaction((tx) => enqueueJobs(tx, [job('flaky', 's', t0)], t0));
        for (const [step, delay] of [
          [0, 10_000],
          [10_000, 20_000],
        ]) {
          const before = clock.now() + step!;
          await scheduler.advance(step!);
          const [j] = await allJobs(store, clock);
          assert.ok(j!.due_at! >= before + delay! && j!.due_at! <= clock.now() + delay!, `retry ${delay! / 1000} s after a failure`);
          assert.equal(j!.failed_at, null);
        }
        await scheduler.advance(20_000);
        assert.equal(calls, 3);
        const failed = await listJobs(store.db, clock.now(), { state: 'Failed' }, { offset: 0, limit: 10 });
        assert.equal(failed.total, 1);
        assert.equal(failed.jobs[0]!.attempts, 3);
        assert.equal(failed.jobs[0]!.last_error, 'TypeError: no such thing');
        await scheduler.advance(30 * 86_400_000);
        assert.equal(calls, 3, 'a parked job is not claimed again');

        broken = false;
        assert.deepEqual(await scheduler.retry([failed.jobs[0]!.id]), { retried: 1, ran: 1 });
        assert.equal(calls, 4);
        assert.deepEqual(await allJobs(store, clock), [], 'done once it succeeds');
      }));

    test('a server claims only the kinds it knows, and leaves the others for a server that knows them', () =>
      withStore(engine, async (store, clock) => {
        const older = new Scheduler(store, clock);
        const ran: string[] = [];
        older.register('known', async (_tx, jobs) => void ran.push(...jobs.map((j) => j.subject_id)));
        const t0 = clock.now();
        await store.transaction((tx) => enqueueJobs(tx, [job('newer.kind', 'n', t0), job('known', 'k', t0 + 1)], t0));
        assert.equal(await older.advance(10), 1);
        assert.deepEqual(ran, ['k']);
        const due = await listJobs(store.db, clock.now(), { state: 'Due' }, { offset: 0, limit: 10 });
        assert.deepEqual(
          due.jobs.map((j) => j.kind),
          ['newer.kind'],
          'kept, not deleted, and still due',
        );

        const newer = new Scheduler(store, clock);
        newer.register('newer.kind', async (_tx, jobs) => void ran.push(...jobs.map((j) => j.subject_id)));
        assert.equal(await newer.runDue(), 1);
        assert.deepEqual(ran, ['k', 'n']);
        assert.deepEqual(await allJobs(store, clock), []);
      }));

    test('a job key replaces the pending job (also from its own handler) and cancels it', () =>
      withStore(engine, async (store, clock) => {
        const scheduler = new Scheduler(store, clock);
        const key = jobKey('term', 'm1');
        const t0 = clock.now();
        await store.transaction((tx) => enqueueJobs(tx, [job('term', 'm1', t0 + 1000, { key, payload: { v: 1 } })], t0));
        await store.transaction((tx) =>
          enqueueJobs(
            tx,
            [
              job('term', 'm1', t0 + 2000, { key, payload: { v: 2 } }),
              job('term', 'm1', t0 + 3000, { key, payload: { v: 3 } }),
              job('other', 'm1', t0 + 5000),
            ],
            t0,
          ),
        );
        let jobs = await allJobs(store, clock);
        assert.deepEqual(
          jobs.map((j) => [j.kind, j.due_at! - t0, JSON.parse(j.payload)]),
          [
            ['term', 3000, { v: 3 }],
            ['other', 5000, {}],
          ],
        );

        // Like a renewal: the job schedules its own next run under the same key.
        const seen: unknown[] = [];
        scheduler.register('term', async (tx, run) => {
          for (const j of run) {
            seen.push(JSON.parse(j.payload));
            await enqueueJobs(tx, [job('term', j.subject_id, j.due_at! + 100_000, { key, payload: { v: 4 } })], j.due_at!);
          }
        });
        assert.equal(await scheduler.advance(3000), 1);
        assert.deepEqual(seen, [{ v: 3 }]);
        jobs = await allJobs(store, clock);
        assert.deepEqual(
          jobs.map((j) => [j.kind, j.due_at! - t0, j.job_key]),
          [
            ['other', 5000, null],
            ['term', 103_000, key],
          ],
          'the next run is kept',
        );

        await store.transaction((tx) => cancelJobs(tx, [key]));
        assert.deepEqual(
          (await allJobs(store, clock)).map((j) => j.kind),
          ['other'],
        );
      }));
  });
}

test('only engine/jobs.ts reads or writes the jobs table (others use its API)', () => {
  const src = path.resolve(import.meta.dirname, '../../src');
  const allowed = new Set([path.join('engine', 'jobs.ts'), path.join('store', 'migrations.ts')]);
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      const rel = path.relative(src, file);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !allowed.has(rel)) {
        const text = fs.readFileSync(file, 'utf8');
        // Query-builder table names ('jobs', 'jobs.due_at') and raw SQL (from jobs, update jobs …).
        if (/['"`]jobs(\.\w+)?['"`]/.test(text) || /\b(from|into|update|join|table)\s+"?jobs\b/i.test(text)) offenders.push(rel);
      }
    }
  };
  walk(src);
  assert.deepEqual(offenders, []);
});

const pgEngine = ENGINES.find((e) => e.name === 'postgres');

/** `n` jobs of `kind`, due now. */
const enqueueDueNow = (store: Store, clock: Clock, kind: string, n: number) => {
  const now = clock.now();
  return store.transaction((tx) =>
    enqueueJobs(
      tx,
      Array.from({ length: n }, (_, i) => job(kind, String(i), now)),
      now,
    ),
  );
};
test(
  'PostgreSQL: a batch locks its groups before any handler runs, so a request holding a group never deadlocks with it',
  {
    skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
  },
  () =>
    withStore(pgEngine!, async (store, clock) => {
      // The request's order is group → other row (like a create: group → quota); the handler's own
      // order is other row → group (like a job that frees quota, then updates the group's counters).
      const group = {
        id: 'eas-r-lockorder',
        account_id: 'a',
        region: 'cn-shanghai',
        name: 'g',
        resource_type: 'Dedicated',
        status: 'ResourceReady',
        message: '',
        self_managed: null,
        labels: '{}',
        instance_count: 0,
        prepaid_instance_count: 0,
        postpaid_instance_count: 0,
        cpu_count: 0,
        gpu_count: 0,
        memory_mb: 0,
        service_count: 0,
        cpu_used: 0,
        gpu_used: 0,
        memory_used_mb: 0,
        usage_mode: 'inference',
        created_at: 0,
        updated_at: 0,
      };
      await store.db.insertInto('accounts').values({ id: 'a', created_at: 0 }).execute();
      await store.db.insertInto('resources').values(group).execute();
      await store.db.insertInto('settings').values({ key: 'other', value: '0' }).execute();
      let runs = 0;
      const scheduler = new Scheduler(store, clock);
      scheduler.register(
        'touch',
        async (tx) => {
          runs += 1;
          await tx
            .updateTable('settings')
            .set({ value: String(runs) })
            .where('key', '=', 'other')
            .execute();
          await tx.updateTable('resources').set({ updated_at: runs }).where('id', '=', group.id).execute();
        },
        groupsOfGroupJobs,
      );
      await store.transaction((tx) => enqueueJobs(tx, [job('touch', group.id, clock.now())], clock.now()));

      let ran: Promise<number> | undefined;
      let requestAttempts = 0;
      await store.transaction(async (tx) => {
        requestAttempts += 1;
        await tx.selectFrom('resources').select('id').where('id', '=', group.id).forUpdate().execute();
        const {
          rows: [me],
        } = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
        ran ??= scheduler.runDue();
        // Until the scheduler's transaction waits for this one: for the group with the lock order,
        // inside the handler (already holding `other`) without it.
        for (;;) {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks
        where not granted and locktype = 'transactionid' and transactionid::text = ${me!.xid}`.execute(store.db);
          if (rows[0]!.n > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await tx.updateTable('settings').set({ value: 'request' }).where('key', '=', 'other').execute();
      });
      await ran;
      // A deadlock would abort one of the two: the request runs again, or the job's run fails and waits for a retry.
      assert.deepEqual([runs, requestAttempts], [1, 1], 'each ran once');
      assert.deepEqual(await allJobs(store, clock), [], 'the job is done, not waiting for a retry');
      const after = await store.db.selectFrom('resources').select('updated_at').where('id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(Number(after.updated_at), 1, "the job's effect is committed");
      await scheduler.stop();
    }),
);

/**
 * Two schedulers on one PostgreSQL database and one due job of kind `slow`: A's handler holds the
 * job until `release()` (as a server's poll in the middle of its batch); B's would run it at once.
 * Both record where the job ran (`ran-on-a`, `ran-on-b`).
 */
async function twoServersOneHeldJob(storeA: Store, storeB: Store) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const clock = new Clock(storeA);
  const a = new Scheduler(storeA, clock);
  a.register('slow', async (tx) => {
    entered();
    await gate;
    await mark(tx, 'ran-on-a');
  });
  const b = new Scheduler(storeB, new Clock(storeB));
  b.register('slow', async (tx) => void (await mark(tx, 'ran-on-b')));
  await enqueueDueNow(storeA, clock, 'slow', 1);
  const onA = a.runDue();
  await inHandler;
  return { a, b, onA, release };
}

test(
  'PostgreSQL: an explicit run returns only after the due work another server claimed first has run',
  {
    skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
  },
  () =>
    withStore(pgEngine!, async (store) => {
      // Server A's poll claims the job and is still running it when server B is asked to run what
      // is due (an operator's nudge, a clock advance through B): B must not answer before A commits,
      // or its caller reads the machine as it was.
      const { a, b, onA, release } = await twoServersOneHeldJob(store, store);
      let bAnswered = false;
      const onB = b.nudge().then((n) => {
        bAnswered = true;
        return n;
      });
      await new Promise((r) => setTimeout(r, 300));
      const waited = !bAnswered;
      release(); // before any assertion, so a failure never leaves A's transaction open
      assert.equal(waited, true, 'B waits for the job A holds');
      assert.equal(await onA, 1);
      assert.equal(await onB, 0, 'B ran nothing itself');
      assert.deepEqual(await marks(store), ['ran-on-a'], "A's effect is committed when B answers, and the job ran once");
      await a.stop();
      await b.stop();
    }),
);

test('PostgreSQL: an explicit run sits through a statement timeout while another server still holds its batch', {
  skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
}, async () => {
  const databaseUrl = await pgEngine!.freshDatabaseUrl();
  const storeA = await openStore({ dataDir: tempDataDir(), databaseUrl });
  // B's statements time out after 200 ms, as a server's do after OPENEAS_PG_STATEMENT_TIMEOUT_MS.
  const storeB = await openStore({ dataDir: tempDataDir(), databaseUrl, statementTimeoutMs: 200 });
  let held: Awaited<ReturnType<typeof twoServersOneHeldJob>> | undefined;
  try {
    held = await twoServersOneHeldJob(storeA, storeB);
    const onB = held.b.runDue();
    setTimeout(held.release, 500); // past two of B's timeouts, within the three it sits through
    assert.equal(await onB, 0);
    assert.equal(await held.onA, 1);
    assert.deepEqual(await marks(storeA), ['ran-on-a']);
    await held.a.stop();
    await held.b.stop();
  } finally {
    held?.release();
    await storeB.close();
    await storeA.close();
  }
});

test(
  'PostgreSQL: a long run of due work vacuums the tables it left full of dead rows, and analyzes them at its end',
  {
    skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
  },
  () =>
    withStore(pgEngine!, async (store, clock) => {
      const stats = async () =>
        (
          await sql<{ dead: number; vacuumed: boolean; analyzed: boolean }>`select n_dead_tup::int as dead,
          last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
          from pg_stat_user_tables where schemaname = current_schema() and relname = 'settings'`.execute(store.db)
        ).rows[0]!;
      const keys = Array.from({ length: 50 }, (_, i) => ({ key: `churn:${i}`, value: '0' }));
      await store.db.insertInto('settings').values(keys).execute();
      // Each job rewrites the 50 rows: PostgreSQL keeps every old version until a VACUUM.
      const scheduler = new Scheduler(store, clock, { vacuumCheckJobs: 10 });
      scheduler.register('churn', async (tx, jobs) => {
        for (const j of jobs) await tx.updateTable('settings').set({ value: j.subject_id }).where('key', 'like', 'churn:%').execute();
      });
      const churn = (n: number) => enqueueDueNow(store, clock, 'churn', n);
      await churn(9);
      assert.equal(await scheduler.runDue(), 9);
      // Statistics reach the shared counters within about a second of a commit.
      for (const until = Date.now() + 20_000; (await stats()).dead < 400 && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 100));
      assert.ok((await stats()).dead >= 400, 'the run left dead rows');
      assert.equal((await stats()).vacuumed, false, 'fewer jobs than vacuumCheckJobs: no vacuum');
      assert.equal((await stats()).analyzed, false, 'nor an analyze');
      await churn(10);
      assert.equal(await scheduler.runDue(), 10);
      assert.equal((await stats()).vacuumed, true, 'vacuumed after vacuumCheckJobs jobs');
      // Without statistics PostgreSQL plans a freshly filled table as if it held one row.
      assert.equal((await stats()).analyzed, true, 'analyzed when the long run ended');
      await scheduler.stop();
    }),
);

test(
  'PostgreSQL: a long run of due work ends by vacuuming a table that only gained rows, so index-only scans skip the table',
  {
    skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
  },
  () =>
    withStore(pgEngine!, async (store, clock) => {
      const stats = async () =>
        (
          await sql<{ inserted: number; dead: number; vacuumed: boolean; allVisible: number }>`select
          s.n_ins_since_vacuum::int as inserted, s.n_dead_tup::int as dead, s.last_vacuum is not null as vacuumed,
          c.relallvisible::int as "allVisible" from pg_stat_user_tables s join pg_class c on c.oid = s.relid
          where s.schemaname = current_schema() and s.relname = 'settings'`.execute(store.db)
        ).rows[0]!;
      // Inserted rows only: no dead row, so only the insert trigger can ask for a vacuum.
      await store.db
        .insertInto('settings')
        .values(Array.from({ length: 2000 }, (_, i) => ({ key: `filled:${i}`, value: 'x'.repeat(50) })))
        .execute();
      for (const until = Date.now() + 20_000; (await stats()).inserted < 2000 && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 100));
      assert.ok((await stats()).inserted >= 2000, 'the statistics saw the inserts');
      assert.equal((await stats()).dead, 0);
      const scheduler = new Scheduler(store, clock, { vacuumCheckJobs: 10 });
      scheduler.register('noop', async () => {});
      const due = (n: number) => enqueueDueNow(store, clock, 'noop', n);
      await due(9);
      assert.equal(await scheduler.runDue(), 9);
      assert.equal((await stats()).vacuumed, false, 'fewer jobs than vacuumCheckJobs: no vacuum');
      await due(10);
      assert.equal(await scheduler.runDue(), 10);
      const after = await stats();
      assert.equal(after.vacuumed, true, 'vacuumed when the long run ended');
      assert.ok(after.allVisible > 0, 'its pages are marked all-visible');
      await scheduler.stop();
    }),
);
