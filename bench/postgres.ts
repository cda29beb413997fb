// The `postgres` scenario (skipped unless OPENEAS_BENCH_DATABASE_URL is set; a fresh schema is
// made in that database and dropped afterwards), signed CreateResourceInstances (count 1):
//   1. on PostgreSQL as a ratio of the bare route, interleaved rounds at BENCH_IN_FLIGHT (target ≥ 15 %);
//   2. two server processes on the one database against one process (target ≥ 1.5× the creates):
//      the same load both times — half the requests in flight on each of two groups — sent to one
//      process, or each group's to a process of its own. The load generator (this process) is
//      pinned to CPU 0 with `taskset` when there is one and more than one CPU; the servers and
//      PostgreSQL keep every CPU, so on a 2-core machine all of them share two cores with the
//      generator and a second process has little to gain.
// Server CPU per call comes from /proc/<pid>/stat, summed over the processes answering.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad, type LoadResult } from './load.ts';
import { call, cpuMs, groupNamed, pgSchema, REGION, startBare, startOpeneas, stop, target, type Proc } from './harness.ts';

export interface PostgresContext {
  row(name: string, value: string, verdict?: string): void;
  fmt(r: LoadResult): string;
  rounds: number;
  roundSeconds: number;
  inFlight: number;
}

const body = () => JSON.stringify({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' });

/** Pins this process (every thread) to `cpus` ("0", "0-1"); false when taskset is missing. */
function pin(cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs in parallel, as one result: their requests over the longest one's seconds. */
function combined(runs: LoadResult[]): LoadResult {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const seconds = Math.max(...runs.map((r) => r.seconds));
  const worst = runs.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  return {
    requests,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    seconds,
    rps: requests / seconds,
    p50: worst.p50,
    p99: worst.p99,
    statuses: {},
    firstError: runs.find((r) => r.firstError)?.firstError,
  };
}

/** The median round by `ratio`, its ratio and the lowest and highest. */
function medianOf<T>(rounds: T[], ratio: (r: T) => number): { median: T; ratio: number; low: number; high: number } {
  const sorted = [...rounds].sort((a, b) => ratio(a) - ratio(b));
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { median, ratio: ratio(median), low: ratio(sorted[0]!), high: ratio(sorted.at(-1)!) };
}

export async function postgresBench(ctx: PostgresContext): Promise<Record<string, unknown>> {
  const { row, fmt, rounds, roundSeconds: seconds, inFlight } = ctx;
  const pgUrl = process.env.OPENEAS_BENCH_DATABASE_URL;
  if (!pgUrl) {
    row('postgres: creates on PostgreSQL, one and two processes', 'skipped', 'set OPENEAS_BENCH_DATABASE_URL');
    return { skipped: true };
  }
  const schema = await pgSchema(pgUrl);
  // Both processes seal and read AccessKey secrets with the one key.
  const masterKey = crypto.randomBytes(32).toString('hex');
  const dirs: string[] = [];
  const servers: Proc[] = [];
  const startServer = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bench-pg-'));
    dirs.push(dir);
    const server = await startOpeneas(dir, {
      OPENEAS_PROVISION_SECONDS: '3600',
      OPENEAS_DATABASE_URL: schema.url,
      OPENEAS_MASTER_KEY: masterKey,
    });
    servers.push(server);
    return server;
  };
  const bare = await startBare();
  const cpus = os.cpus().length;
  let pinned = false;
  try {
    const one = await startServer();
    const groups: string[] = [];
    for (const name of ['bench_a', 'bench_b']) {
      await call(one.url, 'CreateResource', 'POST', '/api/v2/resources', {
        ResourceType: 'SelfManaged',
        ResourceName: name,
        SelfManagedResourceOptions: { ExternalClusterId: 'c' },
      });
      groups.push(await groupNamed(one.url, name));
    }
    const create = (p: Proc, group: string) =>
      target(p.url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, body);
    /** Runs `run` and adds the CPU time the servers used meanwhile to `into`. */
    const cpuOver = async (procs: Proc[], into: { ms: number; calls: number }, run: () => Promise<LoadResult>) => {
      const before = procs.map((p) => cpuMs(p.child.pid!));
      const r = await run();
      into.ms += procs.reduce((a, p, i) => a + cpuMs(p.child.pid!) - before[i]!, 0);
      into.calls += r.requests - r.errors;
      return r;
    };
    const us = (t: { ms: number; calls: number }) => `${t.calls ? ((t.ms * 1000) / t.calls).toFixed(0) : '–'} µs`;

    // 1. Against the bare route, interleaved as in the throughput scenario.
    await runLoad(create(one, groups[0]!), { seconds: 1, concurrency: inFlight }); // warm-up
    const oursCpu = { ms: 0, calls: 0 };
    const vsBare: Array<{ bare: LoadResult; ours: LoadResult }> = [];
    for (let i = 0; i < rounds; i++) {
      const bareRun = await runLoad(target(bare.url, 'Bare', 'POST', '/bench', body), { seconds, concurrency: inFlight });
      const ours = await cpuOver([one], oursCpu, () => runLoad(create(one, groups[0]!), { seconds, concurrency: inFlight }));
      vsBare.push({ bare: bareRun, ours });
    }
    const ratio = medianOf(vsBare, (r) => r.ours.rps / r.bare.rps);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    row(
      `postgres: CreateResourceInstances (count 1) vs bare POST, ${inFlight} in flight`,
      fmt(ratio.median.ours),
      `${pct(ratio.ratio)} of bare ${ratio.median.bare.rps.toFixed(0)} req/s; rounds ${pct(ratio.low)}–${pct(ratio.high)} (target ≥ 15%) ${ratio.ratio >= 0.15 ? 'PASS' : 'FAIL'}`,
    );
    row('postgres: server CPU per call: CreateResourceInstances (count 1)', us(oursCpu), `${oursCpu.calls} calls`);

    // 2. One process against two, the same load; ABBA rounds.
    const two = await startServer();
    pinned = cpus > 1 && pin('0');
    const half = Math.max(1, Math.floor(inFlight / 2));
    const cpu = { one: { ms: 0, calls: 0 }, two: { ms: 0, calls: 0 } };
    const load = async (kind: 'one' | 'two') => {
      const second = kind === 'one' ? one : two;
      const procs = kind === 'one' ? [one] : [one, two];
      return cpuOver(procs, cpu[kind], async () =>
        combined(
          await Promise.all([
            runLoad(create(one, groups[0]!), { seconds, concurrency: half }),
            runLoad(create(second, groups[1]!), { seconds, concurrency: half }),
          ]),
        ),
      );
    };
    await load('two'); // warm-up of the second process
    const scaled: Array<{ one: LoadResult; two: LoadResult }> = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        const a = await load('one');
        scaled.push({ one: a, two: await load('two') });
      } else {
        const b = await load('two');
        scaled.push({ two: b, one: await load('one') });
      }
    }
    const gain = medianOf(scaled, (r) => r.two.rps / r.one.rps);
    const where = pinned
      ? `generator pinned to CPU 0 of ${cpus}`
      : `generator not pinned (${cpus} CPU${cpus > 1 ? 's' : ''}, taskset ${cpus > 1 ? 'missing' : 'pointless'})`;
    row(`postgres: creates, 1 process (${half} in flight on each of 2 groups)`, fmt(gain.median.one), `CPU ${us(cpu.one)}/call`);
    row(
      'postgres: creates, 2 processes on one database (a group each)',
      fmt(gain.median.two),
      `${gain.ratio.toFixed(2)}× (rounds ${gain.low.toFixed(2)}–${gain.high.toFixed(2)}×; target ≥ 1.5×) ${gain.ratio >= 1.5 ? 'PASS' : 'FAIL'}; CPU ${us(cpu.two)}/call; ${where}`,
    );
    return {
      inFlight,
      vsBare: { ...ratio.median, ratio: ratio.ratio, rounds: vsBare.map((r) => r.ours.rps / r.bare.rps) },
      cpuPerCallUs: (oursCpu.ms * 1000) / Math.max(1, oursCpu.calls),
      twoProcesses: {
        ...gain.median,
        ratio: gain.ratio,
        rounds: scaled.map((r) => r.two.rps / r.one.rps),
        cpuPerCallUs: { one: (cpu.one.ms * 1000) / Math.max(1, cpu.one.calls), two: (cpu.two.ms * 1000) / Math.max(1, cpu.two.calls) },
        cpus,
        pinned,
      },
    };
  } finally {
    if (pinned) pin(`0-${cpus - 1}`);
    for (const s of servers) await stop(s);
    await stop(bare);
    await schema.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
