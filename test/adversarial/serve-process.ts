// The real `openeas serve` executable (bin/openeas.js) as a child process, as a user runs it: the
// endpoint and, on first start, the root credentials are read from its stdout. Every child still
// running when this process exits is killed, so a failed run never leaves servers behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/openeas.js', import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServeOptions {
  dataDir: string;
  databaseUrl?: string;
  /** OPENEAS_* settings; the caller's own OPENEAS_* environment is never inherited. */
  env?: Record<string, string>;
  /** How long start-up may take. */
  startTimeoutMs?: number;
}

export interface Served {
  url: string;
  pid: number;
  /** Root credentials, when this start created them (first start of a data directory). */
  created?: { accessKeyId: string; accessKeySecret: string; accountId: string };
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGKILL: no shutdown code runs, like a power cut of the process. */
  kill(): Promise<void>;
  /** SIGTERM, the clean shutdown. */
  stop(): Promise<void>;
  output(): string;
}

export function serve(opts: ServeOptions): Promise<Served> {
  const args = [BIN, 'serve', '--port', '0', '--data-dir', opts.dataDir, '--log-level', 'warn'];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_')));
  const child = spawn(process.execPath, args, { env: { ...clean, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const served: Omit<Served, 'url' | 'created'> = {
    pid: child.pid!,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    output: () => `stdout:\n${stdout}\nstderr:\n${stderr}`,
  };
  return new Promise<Served>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`openeas serve did not start within ${opts.startTimeoutMs ?? 60_000} ms\n${served.output()}`));
    }, opts.startTimeoutMs ?? 60_000);
    child.stdout!.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (!url || !/root AccessKey secret/.test(stdout)) return;
      clearTimeout(timer);
      const secret = /root AccessKey secret \(shown once\): (\S+)/.exec(stdout)?.[1];
      const id = /root AccessKey (LTAI\S+)/.exec(stdout)?.[1];
      const account = /account (\d{16})/.exec(stdout)?.[1];
      resolve({
        ...served,
        url,
        created: secret && id && account ? { accessKeyId: id, accessKeySecret: secret, accountId: account } : undefined,
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`openeas serve exited (${code}) before it was ready\n${served.output()}`));
    });
  });
}
