// What the bench scenarios share: openeas and the bare route as child processes, signed one-off
// calls, the server's CPU time, and a fresh PostgreSQL schema per server.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runLoad, type Target } from './load.ts';

export const ROOT = { accessKeyId: 'LTAI5tBenchmarkKeyId000000', accessKeySecret: 'BenchmarkSecret0123456789abcdef' };
export const ACCOUNT = '1000000000000001';
export const REGION = 'cn-hangzhou';
export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export interface Proc {
  child: ChildProcess;
  url: string;
}

/** Node flags given as one space-separated setting (BENCH_NODE_FLAGS, BENCH_AB_FLAGS_A/B). */
export function nodeFlagsOf(spec = ''): string[] {
  return spec.split(' ').filter(Boolean);
}

/** Runs `node args` in `cwd` (this checkout unless given) until it prints the address it listens on. */
export function start(args: string[], env: Record<string, string> = {}, cwd = repo): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += String(c);
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

export function stop(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    p.child.removeAllListeners('exit');
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}

/** The bare Fastify route (bench/bare-server.ts). */
export const startBare = (): Promise<Proc> => start(['--import', 'tsx', 'bench/bare-server.ts']);

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux that ships today). */
export const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
}

export function startOpeneas(dataDir: string, extraEnv: Record<string, string> = {}): Promise<Proc> {
  return start(['bin/openeas.js', 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    OPENEAS_ACCOUNT_ID: ACCOUNT,
    OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
    OPENEAS_DATABASE_URL: '',
    ...extraEnv,
  });
}

export const target = (url: string, action: string, method: Target['method'], p: string, body?: () => string): Target => ({
  url,
  action,
  method,
  path: p,
  body,
  ...ROOT,
});

export async function admin(url: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/_openeas${p}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

export async function call(url: string, action: string, method: Target['method'], p: string, body?: unknown): Promise<any> {
  const r = await runLoad(target(url, action, method, p, body ? () => JSON.stringify(body) : undefined), {
    seconds: 60,
    concurrency: 1,
    maxRequests: 1,
  });
  if (r.errors) throw new Error(`${action} failed: ${r.firstError}`);
  return r;
}

/** One signed call whose body is read (the load generator only reports statuses). */
export async function signedJson(
  url: string,
  action: string,
  method: Target['method'],
  rawUrl: string,
  version = '2021-07-01',
): Promise<any> {
  const { hashPayload, signV3 } = await import('../src/gateway/signature/index.ts');
  const u = new URL(url);
  const headers: Record<string, string> = {
    host: u.host,
    'x-acs-version': version,
    'x-acs-action': action,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': `${Date.now()}${Math.random()}`,
    'x-acs-content-sha256': hashPayload('ACS3-HMAC-SHA256', Buffer.alloc(0)),
  };
  headers.authorization = signV3({
    method,
    rawUrl,
    headers,
    body: Buffer.alloc(0),
    accessKeyId: ROOT.accessKeyId,
    secret: ROOT.accessKeySecret,
  });
  const res = await fetch(`${url}${rawUrl}`, { method, headers });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function fetchGroupId(url: string): Promise<string> {
  const body = await signedJson(url, 'ListResources', 'GET', '/api/v2/resources');
  return body.Resources[0].ResourceId;
}

/** The id of the group called `name`. */
export async function groupNamed(url: string, name: string): Promise<string> {
  const body = await signedJson(url, 'ListResources', 'GET', '/api/v2/resources?PageSize=100');
  return (body.Resources as Array<{ ResourceId: string; ResourceName: string }>).find((r) => r.ResourceName === name)!.ResourceId;
}

/**
 * `openeas serve` of `checkout` as the BSS benches run it: machines that come up at once and money
 * for a year of 10,000 of them; `databaseUrl` (a schema's) for PostgreSQL, SQLite in `dataDir` otherwise.
 */
export function startBillingServer(
  checkout: string,
  dataDir: string,
  databaseUrl: string | undefined,
  nodeFlags: string[] = [],
): Promise<Proc> {
  return start(
    [...nodeFlags, 'bin/openeas.js', 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    {
      OPENEAS_ACCOUNT_ID: ACCOUNT,
      OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
      OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
      OPENEAS_PROVISION_SECONDS: '0',
      OPENEAS_INITIAL_BALANCE: '10000000000',
      OPENEAS_DATABASE_URL: databaseUrl ?? '',
    },
    checkout,
  );
}

/**
 * What the bss benches bill: a SelfManaged group of `machines` machines (the first half PrePaid
 * with auto-renewal, the rest PostPaid) created through the API, then one clock advance of a year.
 * Returns the creates' and the advance's wall time, the jobs the advance ran, and the billing cycle
 * in the middle of the year (billing time zone UTC+8).
 */
export async function billAYear(
  url: string,
  machines: number,
): Promise<{ createMs: number; advanceMs: number; jobsRun: number; cycle: string }> {
  await call(url, 'CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'SelfManaged',
    SelfManagedResourceOptions: { ExternalClusterId: 'c' },
  });
  const group = await fetchGroupId(url);
  const start = (await admin(url, 'GET', '/clock')).NowMs as number;
  const t0 = Date.now();
  for (let made = 0; made < machines; made += 100) {
    const prepaid = made < machines / 2;
    await call(url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, {
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: Math.min(100, machines - made),
      ChargeType: prepaid ? 'PrePaid' : 'PostPaid',
      AutoRenewal: prepaid,
    });
  }
  const t1 = Date.now();
  const advanced = await admin(url, 'POST', '/clock/advance', { seconds: 365 * 24 * 3600 });
  return {
    createMs: t1 - t0,
    advanceMs: Date.now() - t1,
    jobsRun: advanced.JobsRun as number,
    cycle: new Date(start + 182 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 7),
  };
}

/** A fresh schema in the PostgreSQL database at `pgUrl`: the URL that selects it, and its removal. */
export async function pgSchema(pgUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `openeas_bench_${crypto.randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      await client.query(`drop schema ${schema} cascade`).catch(() => {});
      await client.end();
    },
  };
}
