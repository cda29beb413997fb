// CPU time of the server process per call (user + system, from /proc), for A/B comparisons that
// host load would drown in throughput figures: node --import tsx bench/cpu-per-call.ts <label> [calls]
// Env of the server comes from this process (e.g. to compare two builds or settings).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './load.ts';

const label = process.argv[2] ?? 'run';
const calls = Number(process.argv[3] ?? 3000);
const ROOT = { accessKeyId: 'LTAI5tBenchmarkKeyId000000', accessKeySecret: 'BenchmarkSecret0123456789abcdef' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-cpu-'));
const child = spawn(process.execPath, ['bin/openeas.js', 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn'], {
  env: {
    ...process.env,
    OPENEAS_ACCOUNT_ID: '1000000000000001',
    OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
    OPENEAS_PROVISION_SECONDS: '3600',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url: string = await new Promise((resolve) => {
  let out = '';
  child.stdout!.on('data', (c) => {
    out += String(c);
    const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]!);
  });
});
const ticks = () => {
  const f = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(f[11]), Number(f[12])]; // utime, stime: clock ticks (1/100 s)
};
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
const { default: Database } = await import('better-sqlite3');
const db = new Database(path.join(dir, 'openeas.db'), { readonly: true });
const group = (db.prepare('select id from resources limit 1').get() as { id: string }).id;
db.close();
const create = t('CreateResourceInstances', 'POST', `/api/v2/resources/cn-hangzhou/${group}/instances`, {
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
console.log(
  `${label}: ${r.requests} calls, ${r.errors} errors, server CPU ${used} ms (user ${user}, system ${system}), ${(used / r.requests).toFixed(3)} ms per call`,
);
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
fs.rmSync(dir, { recursive: true, force: true });
