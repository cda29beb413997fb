// Prints the functions with the most self time in a .cpuprofile: node --import tsx bench/summarize-profile.ts <dir>
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2]!;
const file = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => path.join(dir, f))[0]!;
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
};
const self = new Map<number, number>();
for (const [i, id] of prof.samples.entries()) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
const byFn = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0;
  total += t;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
}
const byFile = new Map<string, number>();
for (const [k, v] of byFn) {
  const f = k
    .split(' ')[1]!
    .replace(/:\d+$/, '')
    .replace(/^(nm\/(@[^/]+\/)?[^/]+).*$/, '$1');
  byFile.set(f, (byFile.get(f) ?? 0) + v);
}
console.log('total ms', (total / 1000).toFixed(0));
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30)))
  console.log(((v / total) * 100).toFixed(1).padStart(5) + '%', k);
console.log('--- by file/package');
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(((v / total) * 100).toFixed(1).padStart(5) + '%', k);
