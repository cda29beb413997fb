// Garbage collection per call of the server under 16 concurrent creates (from --trace-gc-nvp):
// bytes promoted to the old generation per call depend little on the host's load, unlike CPU time,
// so they compare two builds or settings on a busy machine: node --import tsx bench/gc-per-call.ts <label>
import { startBenchServer } from './bench-server.ts';
import { runLoad } from './load.ts';
const server = await startBenchServer(['--trace-gc-nvp']);
let out = '';
server.child.stdout!.on('data', (c) => {
  out += String(c);
});
const create = server.target('CreateResourceInstances', 'POST', `${server.base}/instances`, {
  EcsInstanceType: 'ecs.g6.large',
  EcsInstanceCount: 1,
  ChargeType: 'PostPaid',
});
await runLoad(create, { seconds: 30, concurrency: 16, maxRequests: 500 });
out = '';
const r = await runLoad(create, { seconds: 120, concurrency: 16, maxRequests: 3000 });
await new Promise((res) => setTimeout(res, 200));
let promoted = 0;
let scav = 0;
let mc = 0;
let pause = 0;
for (const line of out.split('\n')) {
  const gc = /gc=(\w+)/.exec(line)?.[1];
  if (!gc) continue;
  if (gc === 's') scav++;
  else mc++;
  promoted += Number(/promoted=(\d+)/.exec(line)?.[1] ?? 0);
  pause += Number(/pause=([\d.]+)/.exec(line)?.[1] ?? 0);
}
console.log(
  `${process.argv[2]}: ${r.requests} calls ${r.rps.toFixed(0)}/s; scavenges ${scav}, mark-compacts ${mc}, promoted ${(promoted / r.requests).toFixed(0)} B/call, GC pause ${((pause / r.requests) * 1000).toFixed(0)} µs/call`,
);
await server.stop();
