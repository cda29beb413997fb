// Billing benchmark (not a test): 10,000 machines — half PrePaid with auto-renewal, half
// PostPaid — then one POST /_openeas/clock/advance of a year, which runs every renewal and every
// hourly settlement that falls due. Target: under 10 seconds.
//
//   node --import tsx bench/billing-year.ts            (SQLite)
//   OPENEAS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/billing-year.ts
//     both engines in interleaved rounds (each PostgreSQL run in a fresh schema, dropped after),
//     with the PostgreSQL/SQLite ratio of each round and the load average.
//   BENCH_ONLY=sqlite|postgres: that engine alone (A/B runs of one engine).
//   BENCH_MACHINES (10000), BENCH_ROUNDS (1 on SQLite alone, 3 with PostgreSQL), BENCH_TMP (data dir parent).
//   BENCH_SQL_LOG=1: per engine, statements and their time per job kind and the costliest statement texts.
// The server runs in this process, so every statement is counted (bench/sql-counter.ts); on
// PostgreSQL each counted statement is a round trip, begin and commit included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { startServer } from '../src/server.ts';
import { Scheduler, type JobHandler } from '../src/engine/scheduler.ts';
import { callEas, easClient } from '../test/support/client.ts';
import { admin } from '../test/support/admin.ts';
import { pgSchema } from './harness.ts';
import { costliest, counted, counter, countStatements } from './sql-counter.ts';

const MACHINES = Number(process.env.BENCH_MACHINES ?? 10_000);
const PG_URL = process.env.OPENEAS_BENCH_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (PG_URL ? 3 : 1));
const SQL_LOG = process.env.BENCH_SQL_LOG === '1';
const ONLY = process.env.BENCH_ONLY; // 'sqlite' or 'postgres': that engine alone (A/B runs of one engine)

// Statements run inside a job handler are filed under its kind; the rest (claiming, savepoints,
// deleting finished jobs, begin/commit) under '(outside jobs)'.
const register = Scheduler.prototype.register;
Scheduler.prototype.register = function (this: Scheduler, kind: string, handler: JobHandler, ...rest) {
  const timed: JobHandler = async (tx, jobs, now) => {
    counter.phase = kind;
    try {
      return await handler(tx, jobs, now);
    } finally {
      counter.phase = '';
    }
  };
  return register.call(this, kind, timed, ...rest);
} as typeof register;
countStatements();
counter.bySql = SQL_LOG;

interface Run {
  createMs: number;
  advanceMs: number;
  cpuMs: number;
  statements: number;
  line: string;
}

async function yearAdvance(engine: 'sqlite' | 'postgres'): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(process.env.BENCH_TMP ?? os.tmpdir(), 'openeas-bench-billing-'));
  const schema = engine === 'postgres' ? await pgSchema(PG_URL!) : undefined;
  const server = await startServer(
    { dataDir, port: 0, logLevel: 'warn', progression: 'immediate', initialBalanceFen: 1e12, databaseUrl: schema?.url },
    {},
  );
  try {
    const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    const group = (
      await callEas(client, {
        action: 'CreateResource',
        method: 'POST',
        pathname: '/api/v2/resources',
        body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'bench' } },
      })
    ).body.ResourceId;
    const t0 = performance.now();
    for (let made = 0; made < MACHINES; made += 100) {
      const prepaid = made < MACHINES / 2;
      await callEas(client, {
        action: 'CreateResourceInstances',
        method: 'POST',
        pathname: `/api/v2/resources/cn-hangzhou/${group}/instances`,
        body: {
          EcsInstanceType: 'ecs.g6.large',
          EcsInstanceCount: Math.min(100, MACHINES - made),
          ChargeType: prepaid ? 'PrePaid' : 'PostPaid',
          AutoRenewal: prepaid,
        },
      });
    }
    const createMs = performance.now() - t0;
    const db = server.services.store.db;
    const walAt = async () =>
      schema ? (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db)).rows[0]!.lsn : undefined;
    const wal0 = await walAt();
    const cpu0 = process.cpuUsage();
    const advance = await counted(() => admin(server.url, 'POST', '/clock/advance', { seconds: 365 * 24 * 3600 }));
    const cpu = process.cpuUsage(cpu0);
    const wal1 = await walAt();
    const walMb = schema
      ? Number((await sql<{ d: string }>`select pg_wal_lsn_diff(${wal1}::pg_lsn, ${wal0}::pg_lsn)::text as d`.execute(db)).rows[0]!.d) /
        2 ** 20
      : undefined;
    const items = await server.services.store.db
      .selectFrom('bill_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const bal = await server.services.store.db.selectFrom('billing_accounts').selectAll().executeTakeFirstOrThrow();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // Both engines' whole work in CPU time: this process (SQLite runs inside it), plus the
    // PostgreSQL server's processes while they ran our statements.
    const totalCpuMs = cpuMs + (engine === 'postgres' ? counter.serverCpuMs : 0);
    const line =
      `${engine.padEnd(8)} advanced a year in ${advance.ms.toFixed(0)} ms (CPU ${totalCpuMs.toFixed(0)} ms: this process ${cpuMs.toFixed(0)}` +
      `${engine === 'postgres' ? `, server ${counter.serverCpuMs.toFixed(0)}` : ''}; ` +
      `${advance.statements} statements${walMb === undefined ? '' : `, ${walMb.toFixed(0)} MB of WAL`}; ${advance.value.JobsRun} jobs, ${Number(items.n)} bill items, balance ${Number(bal.balance_fen) / 100} CNY)`;
    if (SQL_LOG) {
      console.log(`${engine}: by job kind (statements, ms inside statements, PostgreSQL server CPU)`);
      for (const l of costliest(counter.phases, 20)) console.log(l);
      console.log(`${engine}: costliest statements`);
      for (const l of costliest(counter.texts, 25)) console.log(l);
    }
    return { createMs, advanceMs: advance.ms, cpuMs: totalCpuMs, statements: advance.statements, line };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop();
  }
}

const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which engine goes first, so drift on a shared machine does not favour one.
  const order = (!PG_URL ? ['sqlite' as const] : round % 2 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const)).filter(
    (e) => (ONLY ? e === ONLY : true),
  );
  const runs = new Map<string, Run>();
  for (const engine of order) {
    const run = await yearAdvance(engine);
    runs.set(engine, run);
    console.log(`round ${round} ${run.line}; created ${MACHINES} machines in ${run.createMs.toFixed(0)} ms`);
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  if (runs.size === 2) {
    const ratio = runs.get('postgres')!.advanceMs / runs.get('sqlite')!.advanceMs;
    const cpuRatio = runs.get('postgres')!.cpuMs / runs.get('sqlite')!.cpuMs;
    ratios.push(ratio);
    cpuRatios.push(cpuRatio);
    console.log(`round ${round}: PostgreSQL/SQLite ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (load average ${load})`);
  } else {
    const ms = [...runs.values()][0]!.advanceMs;
    console.log(`round ${round}: target < 10000 ms: ${ms < 10_000 ? 'OK' : 'SLOW'} (load average ${load})`);
  }
}
const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}x, range ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}x`;
};
if (ratios.length > 1) {
  console.log(`PostgreSQL/SQLite over ${ratios.length} rounds: wall ${summary(ratios)}; CPU ${summary(cpuRatios)} — target ≤ 1.5x`);
}
