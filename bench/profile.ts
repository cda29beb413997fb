// Profiles one scenario of the server (CPU), for finding hot spots: node --import tsx bench/profile.ts <list|create|bigcreate|describe>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBenchServer } from './bench-server.ts';
import { runLoad } from './load.ts';

const scenario = process.argv[2] ?? 'list';
const profDir = process.env.PROF_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-cpuprof-'));
const server = await startBenchServer(['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
const t = server.target;
const base = server.base;
await runLoad(
  t('CreateResourceInstances', 'POST', `${base}/instances`, {
    EcsInstanceType: 'ecs.g6.large',
    EcsInstanceCount: 100,
    ChargeType: 'PostPaid',
  }),
  { seconds: 10, concurrency: 1, maxRequests: 1 },
);
// The largest legitimate create: 16 KiB of UserData that JSON must escape, 20 of the longest labels.
const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(128)]));
const bigCreate = {
  EcsInstanceType: 'ecs.g6.large',
  EcsInstanceCount: 1,
  ChargeType: 'PostPaid',
  UserData: '\u0001'.repeat(16 * 1024),
  Labels: labels,
};
const target =
  scenario === 'bigcreate'
    ? t('CreateResourceInstances', 'POST', `${base}/instances`, bigCreate)
    : scenario === 'create'
      ? t('CreateResourceInstances', 'POST', `${base}/instances`, {
          EcsInstanceType: 'ecs.g6.large',
          EcsInstanceCount: 1,
          ChargeType: 'PostPaid',
        })
      : scenario === 'describe'
        ? t('DescribeResource', 'GET', base)
        : t('ListResourceInstances', 'GET', `${base}/instances?PageSize=100`);
const r = await runLoad(target, { seconds: 6, concurrency: 16 });
console.log(scenario, r.rps.toFixed(0), 'req/s', 'errors', r.errors, r.firstError ?? '');
await server.stop();
console.log('profile in', profDir);
