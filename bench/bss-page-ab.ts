// QueryInstanceBill page 1 (300 lines) of two servers in turns, for A/B runs of a page's tail:
//   [OPENEAS_BENCH_DATABASE_URL=postgres://…] node --import tsx bench/bss-page-ab.ts [checkoutA=.] [checkoutB=.] [rounds=8] [seconds=3]
// Each server gets 10,000 machines and a year's billing as bench/bss-page.ts does (a schema of its
// own on PostgreSQL, a data directory on SQLite); then the two are loaded one at a time at one
// request in flight, alternating which goes first, and the median p50 and p99 of each side's rounds
// are printed. BENCH_AB_FLAGS_A and BENCH_AB_FLAGS_B add Node flags to one side, so one checkout can
// be compared with itself under a V8 setting (e.g. BENCH_AB_FLAGS_B=--no-allocation-site-pretenuring).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LoadResult, runLoad, type Target } from './load.ts';
import { billAYear, nodeFlagsOf, pgSchema, type Proc, startBillingServer, stop, target } from './harness.ts';

const checkouts = [path.resolve(process.argv[2] ?? '.'), path.resolve(process.argv[3] ?? '.')];
const rounds = Number(process.argv[4] ?? 8);
const seconds = Number(process.argv[5] ?? 3);
const flags = [process.env.BENCH_AB_FLAGS_A, process.env.BENCH_AB_FLAGS_B].map(nodeFlagsOf);

interface Side {
  name: 'A' | 'B';
  server: Proc;
  page: Target;
  p50: number[];
  p99: number[];
}

const cleanups: Array<() => Promise<void>> = [];
try {
  const sides: Side[] = [];
  for (const [i, name] of (['A', 'B'] as const).entries()) {
    const schema = process.env.OPENEAS_BENCH_DATABASE_URL ? await pgSchema(process.env.OPENEAS_BENCH_DATABASE_URL) : undefined;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bss-page-ab-'));
    // Run last first: the server is stopped before its schema and directory go.
    cleanups.unshift(async () => {
      await schema?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const server = await startBillingServer(checkouts[i]!, dataDir, schema?.url, flags[i]);
    cleanups.unshift(() => stop(server));
    const { cycle } = await billAYear(server.url, 10_000);
    const page = { ...target(server.url, 'QueryInstanceBill', 'POST', `/?BillingCycle=${cycle}&PageSize=300`), version: '2017-12-14' };
    await runLoad(page, { seconds: 0.5, concurrency: 1 }); // warm-up
    sides.push({ name, server, page, p50: [], p99: [] });
  }
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const r: LoadResult = await runLoad(side.page, { seconds, concurrency: 1 });
      if (r.errors) throw new Error(`QueryInstanceBill (${side.name}): ${r.firstError}`);
      side.p50.push(r.p50);
      side.p99.push(r.p99);
      console.log(`round ${round} ${side.name}: p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms (${r.requests} calls)`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  for (const side of sides) {
    console.log(
      `${side.name} ${checkouts[side.name === 'A' ? 0 : 1]} ${flags[side.name === 'A' ? 0 : 1]!.join(' ')}: median p50 ${median(side.p50).toFixed(2)} ms, median p99 ${median(side.p99).toFixed(2)} ms (rounds: ${side.p99.map((x) => x.toFixed(1)).join(' ')})`,
    );
  }
} finally {
  for (const cleanup of cleanups) await cleanup();
}
