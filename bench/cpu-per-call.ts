// CPU time of the server process per call (user + system, from /proc), for A/B comparisons that
// host load would drown in throughput figures: node --import tsx bench/cpu-per-call.ts <label> [calls]
// Env of the server comes from this process (e.g. to compare two builds or settings).
import fs from 'node:fs';
import { startBenchServer } from './bench-server.ts';
import { runLoad } from './load.ts';

const label = process.argv[2] ?? 'run';
const calls = Number(process.argv[3] ?? 3000);
const server = await startBenchServer();
const ticks = () => {
  const f = fs.readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(f[11]), Number(f[12])]; // utime, stime: clock ticks (1/100 s)
};
const create = server.target('CreateResourceInstances', 'POST', `${server.base}/instances`, {
  EcsInstanceType: 'ecs.g6.large',
  EcsInstanceCount: 1,
  ChargeType: 'PostPaid',
});
await runLoad(create, { seconds: 30, concurrency: 16, maxRequests: 500 }); // warm-up
const before = ticks();
const r = await runLoad(create, { seconds: 120, concurrency: 16, maxRequests: calls });
const after = ticks();
const user = (after[0]! - before[0]!) * 10;
const system = (after[1]! - before[1]!) * 10; // ms
const used = user + system;
const perCall = (used / r.requests).toFixed(3);
console.log(
  `${label}: ${r.requests} calls, ${r.errors} errors, server CPU ${used} ms (user ${user}, system ${system}), ${perCall} ms per call`,
);
await server.stop();
