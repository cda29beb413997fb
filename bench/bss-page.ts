// One BSS page at one request in flight after a year of billing, for A/B runs of what a page costs:
//   [OPENEAS_BENCH_DATABASE_URL=postgres://…] node --import tsx bench/bss-page.ts [checkout=.] [rounds=3] [seconds=3]
// The server of `checkout` (built: bin/openeas.js) gets 10,000 machines (half PrePaid with
// auto-renewal) through the API and a year's clock advance, as `BENCH_SCENARIOS=bss` does; then
// QueryInstanceBill page 1 (300 lines) of a mid-year cycle is read for `rounds` runs of `seconds`,
// printing p50 and p99 of each. PostgreSQL with OPENEAS_BENCH_DATABASE_URL (a schema of its own,
// dropped after), SQLite otherwise. BENCH_NODE_FLAGS adds flags to the server's node (--trace-gc,
// --cpu-prof --cpu-prof-dir=…); BENCH_SERVER_LOG=<file> appends the server's output there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './load.ts';
import { billAYear, nodeFlagsOf, pgSchema, startBillingServer, stop, target } from './harness.ts';

const checkout = path.resolve(process.argv[2] ?? '.');
const rounds = Number(process.argv[3] ?? 3);
const seconds = Number(process.argv[4] ?? 3);
const schema = process.env.OPENEAS_BENCH_DATABASE_URL ? await pgSchema(process.env.OPENEAS_BENCH_DATABASE_URL) : undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bss-page-'));
const flags = nodeFlagsOf(process.env.BENCH_NODE_FLAGS);
const server = await startBillingServer(checkout, dataDir, schema?.url, flags);
const log = process.env.BENCH_SERVER_LOG;
if (log) server.child.stdout!.on('data', (c) => fs.appendFileSync(log, c));
try {
  const { cycle } = await billAYear(server.url, 10_000);
  const page = { ...target(server.url, 'QueryInstanceBill', 'POST', `/?BillingCycle=${cycle}&PageSize=300`), version: '2017-12-14' };
  await runLoad(page, { seconds: 0.5, concurrency: 1 }); // warm-up
  if (log) fs.appendFileSync(log, '=== measured runs start\n');
  for (let round = 0; round < rounds; round++) {
    const r = await runLoad(page, { seconds, concurrency: 1 });
    if (r.errors) throw new Error(`QueryInstanceBill: ${r.firstError}`);
    console.log(
      `${path.basename(checkout)}: QueryInstanceBill page 1 (300) p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms (${r.requests} calls)`,
    );
  }
} finally {
  await stop(server);
  await schema?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
