// One `openeas serve` child for the profiling benches (profile.ts, cpu-per-call.ts): a fresh data
// directory, fixed root credentials, machines that stay Attaching, and one SelfManaged group.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad, type Target } from './load.ts';

export const ROOT = { accessKeyId: 'LTAI5tBenchmarkKeyId000000', accessKeySecret: 'BenchmarkSecret0123456789abcdef' };

export interface BenchServer {
  child: ChildProcess;
  url: string;
  dir: string;
  /** `/api/v2/resources/cn-hangzhou/<group>` of the group created at start. */
  base: string;
  target(action: string, method: 'GET' | 'POST', p: string, body?: unknown): Target;
  stop(): Promise<void>;
}

/**
 * Starts the server (with `nodeFlags`, e.g. --cpu-prof; built in `checkout`, default this one; `env`
 * added to this process's) and creates its group.
 */
export async function startBenchServer(nodeFlags: string[] = [], checkout = '.', env: Record<string, string> = {}): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bench-'));
  const child = spawn(
    process.execPath,
    [...nodeFlags, 'bin/openeas.js', 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn'],
    {
      cwd: checkout,
      env: {
        ...process.env,
        OPENEAS_ACCOUNT_ID: '1000000000000001',
        OPENEAS_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
        OPENEAS_ROOT_ACCESS_KEY_SECRET: ROOT.accessKeySecret,
        OPENEAS_PROVISION_SECONDS: '3600',
        ...env,
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
  const target = (action: string, method: 'GET' | 'POST', p: string, body?: unknown): Target => ({
    url,
    action,
    method,
    path: p,
    body: body ? () => JSON.stringify(body) : undefined,
    ...ROOT,
  });
  const group = { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } };
  await runLoad(target('CreateResource', 'POST', '/api/v2/resources', group), { seconds: 10, concurrency: 1, maxRequests: 1 });
  const id = await firstGroupId(dir, env.OPENEAS_DATABASE_URL ?? process.env.OPENEAS_DATABASE_URL);
  return {
    child,
    url,
    dir,
    base: `/api/v2/resources/cn-hangzhou/${id}`,
    target,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The id of the group created at start, read from the server's database (SQLite file or PostgreSQL). */
async function firstGroupId(dir: string, databaseUrl: string | undefined): Promise<string> {
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ id: string }>('select id from resources limit 1')).rows[0]!.id;
    } finally {
      await client.end();
    }
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(dir, 'openeas.db'), { readonly: true });
  try {
    return (db.prepare('select id from resources limit 1').get() as { id: string }).id;
  } finally {
    db.close();
  }
}
