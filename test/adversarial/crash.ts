// The long crash run, for CI (.ci/run): `node --import tsx test/adversarial/crash.ts`.
//   OPENEAS_CRASH_KILLS    kills per engine (default 10)
//   OPENEAS_CRASH_SEED     repeat a run (default: random, printed)
//   OPENEAS_TEST_DATABASE_URL  also run on PostgreSQL (as the test suite does)
// Prints what was acknowledged and what was lost; exits 1 on any loss, counter mismatch or stuck machine.
import { ENGINES } from '../support/engines.ts';
import { crashTest, summary } from './crash-harness.ts';

// Stopped from outside (CI's time limit): exit through 'exit' handlers, which kill the servers started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));

const kills = Number(process.env.OPENEAS_CRASH_KILLS ?? 10);
const seed = Number(process.env.OPENEAS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(
  `crash test: ${kills} SIGKILLs per engine (${ENGINES.map((e) => e.name).join(', ')}), 16 signed requests in flight, seed ${seed}`,
);

let failed = false;
for (const engine of ENGINES) {
  const report = await crashTest({ engine, kills, seed, log: (line) => console.log(line) });
  console.log(summary(report));
  for (const line of report.serverErrors) console.log(`  SERVER ERROR: ${line}`);
  for (const line of report.lost) console.log(`  LOST: ${line}`);
  for (const line of report.problems) console.log(`  PROBLEM: ${line}`);
  if (report.lost.length > 0 || report.problems.length > 0 || report.acknowledged.machines === 0) failed = true;
}
console.log(
  failed ? 'crash test FAILED' : 'crash test passed: nothing acknowledged was lost, every counter equals its rows, no machine stuck',
);
process.exit(failed ? 1 : 0);
