// Latency of one call at a time (nothing else running: its latency is the server's synchronous
// stretch plus I/O), for the calls the attack scenarios make big: node --import tsx bench/stretch.ts [--cpu-prof]
import { startBenchServer } from './bench-server.ts';
import { runLoad } from './load.ts';

const prof = process.argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR ?? '/tmp/prof-stretch'}`] : [];
const server = await startBenchServer(prof);
const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(128)]));
let n = 0;
const scenarios = {
  'largest legitimate body (101 KiB)': () =>
    JSON.stringify({
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: 1,
      ChargeType: 'PostPaid',
      UserData: '\u0001'.repeat(16 * 1024),
      Labels: labels,
    }),
  'UserData 16 KiB x 100 machines': () =>
    JSON.stringify({
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: 100,
      ChargeType: 'PostPaid',
      UserData: `${n++}`.padEnd(16 * 1024, 'u'),
    }),
  'one machine': () => JSON.stringify({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' }),
};
for (const [name, body] of Object.entries(scenarios)) {
  const t = server.target('CreateResourceInstances', 'POST', `${server.base}/instances`);
  const lat: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await runLoad({ ...t, body }, { seconds: 10, concurrency: 1, maxRequests: 1 });
    if (r.errors) console.log('error', r.firstError);
    lat.push(r.p50);
  }
  lat.sort((a, b) => a - b);
  console.log(`${name}: min ${lat[0]!.toFixed(1)} ms, p50 ${lat[15]!.toFixed(1)}, max ${lat.at(-1)!.toFixed(1)}`);
}
await server.stop();
