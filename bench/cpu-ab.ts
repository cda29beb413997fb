// Server CPU per call of two builds, for changes smaller than a loaded host's noise:
//   node --import tsx bench/cpu-ab.ts <checkoutA> <checkoutB> [rounds] [calls]   (each checkout built: npm run build)
// Both servers take the same load at the same time in every round (create, list of 100, describe;
// describeService when asked for), so both numbers of a round meet the same host load; the median of the rounds' B/A ratios is
// printed with its quartiles. BENCH_AB_SCENARIOS=create,describe picks scenarios; BENCH_AB_ENV_A and
// BENCH_AB_ENV_B (`NAME=value,NAME=value`) set variables of one side only, so one checkout can be
// compared with itself under another setting (e.g. BENCH_AB_ENV_B=OPENEAS_AUDIT_TRAIL=false);
// BENCH_AB_FLAGS_A and BENCH_AB_FLAGS_B add Node flags to one side (e.g. --max-semi-space-size=64);
// BENCH_AB_MAIN_THREAD=1 counts the main thread's CPU only; BENCH_AB_TURNS=1 loads one server at a
// time (the host to itself, as npm run bench does) and compares throughput as well;
// BENCH_AB_OFFICIAL=1 sends the calls through the official client (callApi) instead of the signing
// generator (its calls reach the server more spread out).
import fs from 'node:fs';
import { type BenchServer, ROOT, startBenchServer } from './bench-server.ts';
import { type LoadResult, runClientLoad, runLoad, type Target } from './load.ts';
import { nodeFlagsOf } from './harness.ts';

const [a, b] = [process.argv[2] ?? '.', process.argv[3] ?? '.'];
const rounds = Number(process.argv[4] ?? 12);
const calls = Number(process.argv[5] ?? 250);
const scenarios = (process.env.BENCH_AB_SCENARIOS ?? 'create,list,describe').split(',');

function targetsOf(s: BenchServer): Record<string, Target> {
  const order = (count: number) => ({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: count, ChargeType: 'PostPaid' });
  return {
    create: s.target('CreateResourceInstances', 'POST', `${s.base}/instances`, order(1)),
    list: s.target('ListResourceInstances', 'GET', `${s.base}/instances?PageSize=100`),
    describe: s.target('DescribeResource', 'GET', s.base),
    order100: s.target('CreateResourceInstances', 'POST', `${s.base}/instances`, order(100)),
    describeService: s.target('DescribeService', 'GET', '/api/v2/services/cn-hangzhou/ab_service'),
  };
}

/** The service describeService reads (its instance stays Pending: the group's machines never provision here). */
function serviceOf(s: BenchServer): Target {
  return s.target('CreateService', 'POST', '/api/v2/services', {
    name: 'ab_service',
    containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
    metadata: { instance: 1, cpu: 1, memory: 512, resource: s.base.split('/').at(-1) },
  });
}

/**
 * User + system CPU of the server process, in clock ticks (1/100 s); with BENCH_AB_MAIN_THREAD=1,
 * of its main thread alone (what limits a SQLite server; work moved to other threads is left out).
 */
const MAIN_THREAD = process.env.BENCH_AB_MAIN_THREAD === '1';
/** BENCH_AB_TURNS=1: each round loads A and B one after the other (ABBA), 32 in flight, and compares their rates too. */
const TURNS = process.env.BENCH_AB_TURNS === '1';
function ticks(s: BenchServer): number {
  const file = MAIN_THREAD ? `/proc/${s.child.pid}/task/${s.child.pid}/stat` : `/proc/${s.child.pid}/stat`;
  const f = fs.readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

const envOf = (spec = '') =>
  Object.fromEntries(
    spec
      .split(',')
      .filter(Boolean)
      // At the first '=' only: a value may hold one (EXP=mmap_size=268435456).
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
const servers = [
  await startBenchServer(nodeFlagsOf(process.env.BENCH_AB_FLAGS_A), a, envOf(process.env.BENCH_AB_ENV_A)),
  await startBenchServer(nodeFlagsOf(process.env.BENCH_AB_FLAGS_B), b, envOf(process.env.BENCH_AB_ENV_B)),
];
const targets = servers.map(targetsOf);
for (const [i, t] of targets.entries()) {
  await runLoad(t.order100!, { seconds: 10, concurrency: 1, maxRequests: 1 }); // a full page to list
  if (scenarios.includes('describeService')) {
    const made = await runLoad(serviceOf(servers[i]!), { seconds: 10, concurrency: 1, maxRequests: 1 });
    if (made.errors > 0) throw new Error(`CreateService: ${made.firstError}`);
  }
  for (const k of scenarios) await runLoad(t[k]!, { seconds: 20, concurrency: 16, maxRequests: 300 }); // warm-up
}
const perCall: Record<string, number[][]> = {};
const rates: Record<string, number[][]> = {};
const OFFICIAL = process.env.BENCH_AB_OFFICIAL === '1';
const load = (t: Record<string, Target>, k: string) => {
  const target = t[k]!;
  const opts = { seconds: 120, concurrency: TURNS ? 32 : 16, maxRequests: calls };
  if (!OFFICIAL) return runLoad(target, opts);
  const [pathname, search] = target.path.split('?') as [string, string | undefined];
  const call = {
    action: target.action,
    method: target.method,
    pathname,
    ...(search ? { query: Object.fromEntries(new URLSearchParams(search)) } : {}),
    ...(target.body ? { body: JSON.parse(target.body()) as Record<string, unknown> } : {}),
  };
  return runClientLoad(target.url, ROOT, call, opts);
};
for (let r = 0; r < rounds; r++) {
  for (const k of scenarios) {
    const before = servers.map(ticks);
    let loads: LoadResult[];
    if (TURNS) {
      // One server at a time, in ABBA order: what a server does with the host to itself.
      loads = [];
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) loads[i] = await load(targets[i]!, k);
    } else {
      loads = await Promise.all(targets.map((t) => load(t, k)));
    }
    servers.forEach((s, i) => {
      if (loads[i]!.errors > 0) console.log(`${i ? 'B' : 'A'} ${k}: ${loads[i]!.errors} errors, first ${loads[i]!.firstError}`);
      ((perCall[k] ??= [[], []])[i] as number[]).push(((ticks(s) - before[i]!) * 10_000) / loads[i]!.requests);
      ((rates[k] ??= [[], []])[i] as number[]).push(loads[i]!.rps);
    });
  }
}
const sorted = (x: number[]) => [...x].sort((p, q) => p - q);
const at = (x: number[], q: number) => sorted(x)[Math.floor(q * x.length)]!;
for (const k of scenarios) {
  const [ua, ub] = perCall[k] as [number[], number[]];
  const ratios = ua.map((x, i) => ub[i]! / x);
  console.log(
    `${k}: A ${at(ua, 0.5).toFixed(0)} µs/call, B ${at(ub, 0.5).toFixed(0)} µs/call; B/A median ${at(ratios, 0.5).toFixed(3)} ` +
      `(quartiles ${at(ratios, 0.25).toFixed(3)}–${at(ratios, 0.75).toFixed(3)}, ${rounds} rounds of ${calls} calls)`,
  );
  if (TURNS) {
    const [ra, rb] = rates[k] as [number[], number[]];
    const r = ra.map((x, i) => rb[i]! / x);
    console.log(
      `${k}: A ${at(ra, 0.5).toFixed(0)} calls/s, B ${at(rb, 0.5).toFixed(0)} calls/s at 32 in flight; B/A median ${at(r, 0.5).toFixed(3)} ` +
        `(quartiles ${at(r, 0.25).toFixed(3)}–${at(r, 0.75).toFixed(3)})`,
    );
  }
}
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
await Promise.all(servers.map((s) => s.stop()));
