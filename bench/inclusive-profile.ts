// Inclusive time of named functions in a .cpuprofile: node --import tsx bench/inclusive-profile.ts <dir> fn1 fn2 …
import fs from 'node:fs';
import path from 'node:path';

const [dir, ...names] = process.argv.slice(2);
const file = fs
  .readdirSync(dir!)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => path.join(dir!, f))[0]!;
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: Array<{ id: number; callFrame: { functionName: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
};
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const totals = new Map<string, number>(names.map((n) => [n, 0]));
let all = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  all += dt;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const fn = byId.get(cur)!.callFrame.functionName;
    if (totals.has(fn) && !seen.has(fn)) {
      seen.add(fn);
      totals.set(fn, totals.get(fn)! + dt);
    }
  }
});
for (const [fn, t] of totals) console.log(`${((t / all) * 100).toFixed(1).padStart(5)}% ${fn}`);
