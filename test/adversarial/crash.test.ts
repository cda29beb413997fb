// The fast crash test in `npm test`: two SIGKILLs per engine under 16 signed creates in flight.
// The long run (more kills, a budget from the environment) is test/adversarial/crash.ts, run by CI.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { crashTest, summary } from './crash-harness.ts';

for (const engine of ENGINES) {
  describe(`crash [${engine.name}]`, () => {
    test('SIGKILL under concurrent signed creates loses no acknowledged write, keeps every counter equal to its rows, leaves no machine stuck', async () => {
      const seed = Number(process.env.OPENEAS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const report = await crashTest({ engine, kills: 2, seed });
      const detail = `${summary(report)}\n${[...report.lost, ...report.problems].slice(0, 30).join('\n')}`;
      assert.ok(report.acknowledged.machines > 0, `the load created nothing: ${detail}`);
      assert.deepEqual(report.lost, [], detail);
      assert.deepEqual(report.problems, [], detail);
    });
  });
}
