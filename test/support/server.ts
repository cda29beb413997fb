// Starts a real openeas server on a free port with a fresh data directory, as a user would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.ts';
import type { ConfigOverrides } from '../../src/config.ts';
import type { Engine } from './engines.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  databaseUrl?: string;
  /** Stops and starts the server again on the same data (same port not guaranteed). */
  restart(overrides?: ConfigOverrides): Promise<TestServer>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-test-'));
}

export async function startTestServer(engine: Engine, overrides: ConfigOverrides = {}, options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDataDir();
  const databaseUrl = overrides.databaseUrl ?? (await engine.freshDatabaseUrl());
  // No event-loop load shedding, and a generous PostgreSQL statement timeout, unless a test asks:
  // on a busy test machine the host's own load would shed calls, and lock waits outlast 10 s, at
  // random (test/e2e/bounds.test.ts and postgres-limits.test.ts test both limits themselves).
  return boot({ logLevel: 'warn', logFormat: 'json', maxEventLoopDelayMs: 0, pgStatementTimeoutMs: 60_000, ...overrides, dataDir, databaseUrl, port: overrides.port ?? 0 }, options);
}

async function boot(overrides: ConfigOverrides, options: ServerOptions = {}): Promise<TestServer> {
  // Tests never inherit a developer's OPENEAS_* environment.
  const server = await startServer(overrides, {}, options);
  return Object.assign(server, {
    dataDir: overrides.dataDir!,
    databaseUrl: overrides.databaseUrl,
    async restart(more: ConfigOverrides = {}) {
      await server.close();
      return boot({ ...overrides, ...more }, options);
    },
  });
}
