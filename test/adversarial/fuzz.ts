// The long fuzz run (CI): every case, plus seeded random strings, on SQLite and (when
// OPENEAS_TEST_DATABASE_URL is set) PostgreSQL. `npm test` runs a bounded sample (fuzz.test.ts).
//
//   node --import tsx test/adversarial/fuzz.ts
//
// Environment: FUZZ_BUDGET   requests per engine (default: every case, about 4,000)
//              FUZZ_SEED     the seed (default 1); FUZZ_RANDOM_STRINGS extra random strings (default 8)
// Prints requests tried, 5xx, slow answers (over 1 s) and envelope violations per engine; exits 1
// on any 5xx, slow answer or envelope violation.
import { ENGINES } from '../support/engines.ts';
import { caseCount, fuzz, type Finding } from './fuzz-run.ts';

const seed = Number(process.env.FUZZ_SEED ?? 1);
const budget = process.env.FUZZ_BUDGET ? Number(process.env.FUZZ_BUDGET) : undefined;
const randomStrings = Number(process.env.FUZZ_RANDOM_STRINGS ?? 8);
console.log(
  `fuzz: seed ${seed}, ${budget ?? 'all'} of ${caseCount({ seed, randomStrings })} cases per engine, engines: ${ENGINES.map((e) => e.name).join(', ')}`,
);

const show = (label: string, findings: Finding[]) => {
  for (const f of findings.slice(0, 50))
    console.log(`  ${label}: ${f.target} → ${f.status} ${f.code ?? ''} ${f.ms} ms ${f.problems.join('; ')}`);
  if (findings.length > 50) console.log(`  … and ${findings.length - 50} more`);
};

let failed = false;
for (const engine of ENGINES) {
  const r = await fuzz({ engine, seed, budget, randomStrings });
  console.log(
    `${r.engine}: ${r.tried} requests tried, ${r.serverErrors.length} 5xx, ${r.slow.length} slow (>1 s), ${r.envelopeViolations.length} envelope violations, ${r.signatureRejected} stopped at the signature, ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
  show('5xx', r.serverErrors);
  show('slow', r.slow);
  show('envelope', r.envelopeViolations);
  if (r.serverErrors.length + r.slow.length + r.envelopeViolations.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
