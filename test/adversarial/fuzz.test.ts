// The fuzzer's fast part: a bounded, seeded sample (the defect classes found before first: NUL,
// lone surrogates, huge integers, malformed URLs) on every engine. No answer may be a 5xx, take
// over 1 s, or lack Alibaba's error envelope. The long run is test/adversarial/fuzz.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { fuzz, type Finding } from './fuzz-run.ts';

const BUDGET = 500;
const show = (findings: Finding[]) =>
  findings
    .slice(0, 20)
    .map((f) => `${f.target} → ${f.status} ${f.code ?? ''} ${f.ms} ms ${f.problems.join('; ')}`)
    .join('\n');

for (const engine of ENGINES) {
  describe(`fuzzing every API (${engine.name})`, () => {
    test('hostile values get a 4xx in the envelope, never a 5xx, within 1 s', async () => {
      const r = await fuzz({ engine, seed: 20261201, budget: BUDGET });
      assert.equal(r.tried, BUDGET);
      assert.deepEqual(r.serverErrors, [], show(r.serverErrors));
      assert.deepEqual(r.envelopeViolations, [], show(r.envelopeViolations));
      assert.deepEqual(r.slow, [], show(r.slow));
      assert.ok(r.signatureRejected < BUDGET / 10, `${r.signatureRejected} requests stopped at the signature check`);
    });
  });
}
