// Starts a real openeas server on a free port, as a user would: through `openeas/testing`'s
// startOpenEas, here with a fresh data directory (SQLite) or database (PostgreSQL) so that tests
// can restart the server on the same data. Tests that never restart can call startOpenEas itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer, ServerOptions } from '../../src/server.ts';
import type { ConfigOverrides } from '../../src/config.ts';
import { startOpenEas, type OpenEas } from '../../src/testing/index.ts';
import type { Engine } from './engines.ts';
import type { Credentials } from './client.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  databaseUrl?: string;
  /** The startOpenEas handles (clock, faults, stock, state, reset) of this server. */
  eas: OpenEas;
  /** Stops and starts the server again on the same data (same port not guaranteed). */
  restart(overrides?: ConfigOverrides): Promise<TestServer>;
}

/** The root account's AccessKey of a test server, as the clients take it. */
export function rootCredentials(server: RunningServer): Credentials {
  return { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
}

/**
 * Data directories this test process made, removed when it exits (each test file is a process of
 * its own): left behind, a full run's 236 directories took 95 MB of the temp directory, every run.
 */
const madeDataDirs: string[] = [];

export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-test-'));
  if (madeDataDirs.push(dir) === 1) {
    process.once('exit', () => {
      for (const made of madeDataDirs) fs.rmSync(made, { recursive: true, force: true });
    });
  }
  return dir;
}

/**
 * What every test server runs with unless a test asks: no event-loop load shedding, and a generous
 * PostgreSQL statement timeout: on a busy test machine the host's own load would shed calls, and
 * lock waits outlast 10 s, at random (test/e2e/bounds.test.ts and postgres-limits.test.ts test both limits themselves).
 */
export const TEST_DEFAULTS: ConfigOverrides = { maxEventLoopDelayMs: 0, pgStatementTimeoutMs: 60_000, logFormat: 'json' };

export async function startTestServer(engine: Engine, overrides: ConfigOverrides = {}, options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDataDir();
  const databaseUrl = overrides.databaseUrl ?? (await engine.freshDatabaseUrl());
  return boot({ ...TEST_DEFAULTS, ...overrides, dataDir, databaseUrl }, options);
}

async function boot(overrides: ConfigOverrides, options: ServerOptions = {}): Promise<TestServer> {
  // startOpenEas never reads the developer's OPENEAS_* environment.
  const eas = await startOpenEas({ ...overrides, logStream: options.logStream });
  const server = eas.server;
  return Object.assign(server, {
    dataDir: overrides.dataDir!,
    databaseUrl: overrides.databaseUrl,
    eas,
    async restart(more: ConfigOverrides = {}) {
      await server.close();
      // The secret is shown only on the start that created it; startOpenEas is told it (and checks it).
      const root = { rootAccessKeyId: server.root.accessKeyId, rootAccessKeySecret: eas.accessKeySecret };
      return boot({ ...root, ...overrides, ...more }, options);
    },
  });
}
