// Signed creates (count 1) of two builds on PostgreSQL, for changes to what a create locks:
//   OPENEAS_BENCH_DATABASE_URL=postgres://… node --import tsx bench/pg-ab.ts <checkoutA> <checkoutB> [rounds] [seconds]
// Each build gets a schema of its own in the one database and the same load AT THE SAME TIME in
// every round (BENCH_IN_FLIGHT, default 32, on one group), so both meet the same host load; prints
// each side's creates/second and server CPU per call, and the median of the rounds' B/A ratios.
// A build whose creates wait for each other's locks answers fewer in the same time.
// BENCH_AB_FLAGS_A and BENCH_AB_FLAGS_B add Node flags to one side, so one checkout can be
// compared with itself under a V8 setting (e.g. BENCH_AB_FLAGS_B=--no-allocation-site-pretenuring).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './load.ts';
import { ACCOUNT, call, cpuMs, groupNamed, nodeFlagsOf, pgSchema, REGION, ROOT, start, stop, target, type Proc } from './harness.ts';

const [a, b] = [path.resolve(process.argv[2] ?? '.'), path.resolve(process.argv[3] ?? '.')];
const rounds = Number(process.argv[4] ?? 8);
const seconds = Number(process.argv[5] ?? 4);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const pgUrl = process.env.OPENEAS_BENCH_DATABASE_URL;
if (!pgUrl) throw new Error('set OPENEAS_BENCH_DATABASE_URL');

/** `openeas serve` of the build in `checkout` on the schema at `url`. */
function serve(checkout: string, url: string, dir: string, flags: string | undefined): Promise<Proc> {
  const env = {
    OPENEAS_ACCOUNT_ID: ACCOUNT,
    OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
    OPENEAS_DATABASE_URL: url,
    OPENEAS_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
    OPENEAS_PROVISION_SECONDS: '3600',
  };
  return start([...nodeFlagsOf(flags), 'bin/openeas.js', 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn'], env, checkout);
}

const body = () => JSON.stringify({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
const schemas = [await pgSchema(pgUrl), await pgSchema(pgUrl)];
const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-pg-ab-')));
const servers = await Promise.all(
  [a, b].map((checkout, i) => serve(checkout, schemas[i]!.url, dirs[i]!, [process.env.BENCH_AB_FLAGS_A, process.env.BENCH_AB_FLAGS_B][i])),
);
try {
  const creates = [];
  for (const s of servers) {
    await call(s.url, 'CreateResource', 'POST', '/api/v2/resources', {
      ResourceType: 'SelfManaged',
      ResourceName: 'ab',
      SelfManagedResourceOptions: { ExternalClusterId: 'c' },
    });
    const group = await groupNamed(s.url, 'ab');
    creates.push(target(s.url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, body));
  }
  await Promise.all(creates.map((t) => runLoad(t, { seconds: 1, concurrency: inFlight }))); // warm-up
  const rps: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const before = servers.map((s) => cpuMs(s.child.pid!));
    const loads = await Promise.all(creates.map((t) => runLoad(t, { seconds, concurrency: inFlight })));
    loads.forEach((l, i) => {
      if (l.errors > 0) console.log(`${i ? 'B' : 'A'}: ${l.errors} errors, first ${l.firstError}`);
      rps[i]!.push(l.rps);
      cpu[i]!.push(((cpuMs(servers[i]!.child.pid!) - before[i]!) * 1000) / Math.max(1, l.requests - l.errors));
    });
  }
  const sorted = (x: number[]) => [...x].sort((p, q) => p - q);
  const at = (x: number[], q: number) => sorted(x)[Math.floor(q * x.length)]!;
  const range = (x: number[]) => `${at(x, 0.5).toFixed(0)} (${sorted(x)[0]!.toFixed(0)}–${sorted(x).at(-1)!.toFixed(0)})`;
  const ratios = rps[0]!.map((x, i) => rps[1]![i]! / x);
  console.log(`A ${a}: ${range(rps[0]!)} creates/s, CPU ${range(cpu[0]!)} µs/call`);
  console.log(`B ${b}: ${range(rps[1]!)} creates/s, CPU ${range(cpu[1]!)} µs/call`);
  console.log(
    `B/A creates/s median ${at(ratios, 0.5).toFixed(2)} (quartiles ${at(ratios, 0.25).toFixed(2)}–${at(ratios, 0.75).toFixed(2)}, ` +
      `${rounds} rounds of ${seconds} s, ${inFlight} in flight each); load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
} finally {
  for (const s of servers) await stop(s);
  for (const s of schemas) await s.drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}
