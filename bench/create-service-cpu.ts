// CPU time and SQL statements per CreateService, server in this process (SQLite), for A/B
// comparisons of the services path that host load would drown in wall-clock figures:
//   node --import tsx bench/create-service-cpu.ts [label] [calls=200] [instances=1]
// Seeds one group of 1,000 16-core machines; warms up with 30 calls, then measures `calls`
// CreateService calls of `instances` instances each, one after another (BENCH_IN_FLIGHT: that many
// at once). CPU is this process's (user + system, process.cpuUsage), so it includes the load
// generator's signing (bench/load.ts, light): compare runs, not absolute figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import inspector from 'node:inspector/promises';
import BetterSqlite3 from 'better-sqlite3';
import { seedMachines } from './seed.ts';
import { BIG_MACHINE, preparedServer } from './services.ts';
import { startOpenEas } from '../src/testing/index.ts';
import { runLoad, type Target } from './load.ts';

const label = process.argv[2] ?? 'run';
const calls = Number(process.argv[3] ?? 200);
const instances = Number(process.argv[4] ?? 1);
const account = '1000000000000001';
const region = 'cn-hangzhou';
const root = { accessKeyId: 'LTAI5tBenchmarkKeyId000000', accessKeySecret: 'BenchmarkSecret0123456789abcdef' };

/** BENCH_IN_FLIGHT: calls in flight while measuring (default 1: one after another, each its own commit). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 1);
let statements = 0;
let counting = false;
/** BENCH_SQL_LOG=1: statements per call and their CPU time, most costly first. */
const SQL_LOG = process.env.BENCH_SQL_LOG === '1';
const bySql = new Map<string, { n: number; us: number }>();
const probe = new BetterSqlite3(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
probe.close();
for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = proto[method]!;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    if (!counting) return original.apply(this, args);
    statements += 1;
    if (!SQL_LOG) return original.apply(this, args);
    const source = String((this as { source: string }).source)
      .replace(/\s+/g, ' ')
      .slice(0, 110);
    const c0 = process.cpuUsage();
    try {
      return original.apply(this, args);
    } finally {
      const c = process.cpuUsage(c0);
      const e = bySql.get(source) ?? { n: 0, us: 0 };
      bySql.set(source, { n: e.n + 1, us: e.us + c.user + c.system });
    }
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bench-create-'));
const options = await preparedServer(dataDir, account, root);
const [group] = seedMachines(dataDir, { accountId: account, region, groups: [1000], machine: BIG_MACHINE, allReady: true });
const eas = await startOpenEas(options);
try {
  let n = 0;
  const target = (prefix: string): Target => ({
    url: eas.url,
    action: 'CreateService',
    method: 'POST',
    path: '/api/v2/services',
    body: () =>
      JSON.stringify({
        name: `${prefix}_${n++}`,
        containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
        metadata: { instance: instances, cpu: 1, memory: 512, resource: group },
      }),
    ...root,
  });
  const create = async (prefix: string, count: number) => {
    const r = await runLoad(target(prefix), { seconds: 3600, concurrency: prefix === 'warm' ? 1 : IN_FLIGHT, maxRequests: count });
    if (r.errors) throw new Error(`CreateService: ${r.firstError}`);
  };
  await create('warm', 30);
  // BENCH_PROFILE_DIR: a .cpuprofile of the measured calls alone (bench/summarize-profile.ts reads it).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const session = profileDir ? new inspector.Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  counting = true;
  await create('svc', calls);
  counting = false;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (session && profileDir) {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  const us = (cpu.user + cpu.system) / calls;
  console.log(
    `${label}: ${calls} CreateService x ${instances}: ${us.toFixed(0)} µs CPU/call (user ${(cpu.user / calls).toFixed(0)}, system ${(cpu.system / calls).toFixed(0)}), ` +
      `${(statements / calls).toFixed(2)} statements/call, ${(ms / calls).toFixed(2)} ms/call wall, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  for (const [source, e] of [...bySql].sort((a, b) => b[1].us - a[1].us)) {
    console.log(`  ${(e.n / calls).toFixed(2)}/call ${(e.us / calls).toFixed(0).padStart(5)} µs CPU/call  ${source}`);
  }
} finally {
  await eas.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
