// Where a signed create's time goes on PostgreSQL, from outside the server: CPU per create of each
// party (the openeas process, this load generator, every PostgreSQL process) and of nobody (the
// machine idle), and what the server's connections are doing, sampled from pg_stat_activity:
//   OPENEAS_BENCH_DATABASE_URL=postgres://… node --import tsx bench/pg-anatomy.ts [seconds=8] [warmSeconds=10]
// Each state is printed as the average number of connections in it. `Lock:*` connections wait
// for a row another create holds until its commit; `idle in transaction` ones wait for openeas to
// send their next statement. Findings: docs/ARCHITECTURE.md, "Measuring speed", the PostgreSQL points.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runLoad } from './load.ts';
import { call, cpuMs, groupNamed, pgSchema, REGION, startOpeneas, stop, target, TICKS_PER_SECOND } from './harness.ts';

const seconds = Number(process.argv[2] ?? 8);
const warmSeconds = Number(process.argv[3] ?? 10);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const pgUrl = process.env.OPENEAS_BENCH_DATABASE_URL;
if (!pgUrl) throw new Error('set OPENEAS_BENCH_DATABASE_URL');

/** CPU ms of every process whose command is `postgres` (backends, WAL writer, checkpointer …). */
function postgresCpuMs(): number {
  let ms = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') ms += cpuMs(Number(pid));
    } catch {
      // the process ended while being read
    }
  }
  return ms;
}

/** The machine's idle CPU ms, all cores (/proc/stat: idle and iowait). */
function idleMs(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return ((cpu[3]! + cpu[4]!) * 1000) / TICKS_PER_SECOND;
}

const schema = await pgSchema(pgUrl);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-pg-anatomy-'));
const server = await startOpeneas(dir, {
  OPENEAS_DATABASE_URL: schema.url,
  OPENEAS_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
  OPENEAS_PROVISION_SECONDS: '3600',
});
const watcher = new pg.Client({ connectionString: pgUrl });
await watcher.connect();
try {
  await call(server.url, 'CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'SelfManaged',
    ResourceName: 'anatomy',
    SelfManagedResourceOptions: { ExternalClusterId: 'c' },
  });
  const group = await groupNamed(server.url, 'anatomy');
  const body = () => JSON.stringify({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
  const create = target(server.url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, body);
  // The JIT settles after several seconds of creates (fewer optimisations per second from then on).
  await runLoad(create, { seconds: warmSeconds, concurrency: inFlight });

  const states = new Map<string, number>();
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await watcher.query<{ state: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'running') || ' / ' || state as state
         from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() and datname = current_database()`,
      );
      samples++;
      for (const r of rows) states.set(r.state, (states.get(r.state) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const before = { server: cpuMs(server.child.pid!), me: process.cpuUsage(), postgres: postgresCpuMs(), idle: idleMs() };
  const load = await runLoad(create, { seconds, concurrency: inFlight });
  const me = process.cpuUsage(before.me);
  const spent = {
    server: cpuMs(server.child.pid!) - before.server,
    generator: (me.user + me.system) / 1000,
    postgres: postgresCpuMs() - before.postgres,
    idle: idleMs() - before.idle,
  };
  sampling = false;
  await sampler;
  if (load.errors) console.log(`${load.errors} creates failed, the first: ${load.firstError?.slice(0, 200)}`);
  const creates = load.requests - load.errors;
  const perCreate = (ms: number) => `${((ms * 1000) / creates).toFixed(0)} µs`;
  console.log(`creates/s ${load.rps.toFixed(0)}, p99 ${load.p99.toFixed(1)} ms, ${inFlight} in flight, ${os.cpus().length} CPUs`);
  console.log('CPU per create:');
  console.log(`  openeas             ${perCreate(spent.server)}`);
  console.log(`  PostgreSQL          ${perCreate(spent.postgres)}`);
  console.log(`  load generator      ${perCreate(spent.generator)} (this process; includes the sampler)`);
  console.log(
    `  idle (all cores)    ${perCreate(spent.idle)} (${((spent.idle / (seconds * 1000 * os.cpus().length)) * 100).toFixed(0)} % of the machine)`,
  );
  console.log(`connections by state (average over ${samples} samples):`);
  for (const [state, n] of [...states].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / samples).toFixed(2).padStart(6)}  ${state}`);
} finally {
  await watcher.end();
  await stop(server);
  await schema.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
