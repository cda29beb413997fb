// Profiles one scenario of the server (CPU), for finding hot spots: node --import tsx bench/profile.ts <list|create|bigcreate|describe>
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './load.ts';

const scenario = process.argv[2] ?? 'list';
const ROOT = { accessKeyId: 'LTAI5tBenchmarkKeyId000000', accessKeySecret: 'BenchmarkSecret0123456789abcdef' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-prof-'));
const profDir = process.env.PROF_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-cpuprof-'));
const child = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${profDir}`, 'bin/openeas.js', 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn'],
  {
    env: {
      ...process.env,
      OPENEAS_ACCOUNT_ID: '1000000000000001',
      OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
      OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
      OPENEAS_PROVISION_SECONDS: '3600',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url: string = await new Promise((resolve) => {
  let out = '';
  child.stdout!.on('data', (c) => {
    out += String(c);
    const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]!);
  });
});
const t = (action: string, method: 'GET' | 'POST', p: string, body?: unknown) => ({
  url,
  action,
  method,
  path: p,
  body: body ? () => JSON.stringify(body) : undefined,
  ...ROOT,
});
await runLoad(
  t('CreateResource', 'POST', '/api/v2/resources', { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } }),
  { seconds: 10, concurrency: 1, maxRequests: 1 },
);
const list = await fetch(`${url}/_openeas/health`);
void list;
const { default: Database } = await import('better-sqlite3');
const db = new Database(path.join(dir, 'openeas.db'), { readonly: true });
const group = (db.prepare('select id from resources limit 1').get() as { id: string }).id;
db.close();
const base = `/api/v2/resources/cn-hangzhou/${group}`;
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
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
console.log('profile in', profDir);
