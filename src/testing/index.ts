// `openeas/testing`: an openeas server inside the test process, for users' own test suites
// (docs/testing.md). `startOpenEas()` starts one on a free loopback port with an in-memory
// database and hands back its endpoint, root credentials and handles on its clock, faults, stock
// and state. The handles call the admin plane (/_openeas) over HTTP, exactly as an operator would:
// one documented interface, whether the server runs in the process or not.
import crypto from 'node:crypto';
import type { DestinationStream } from 'pino';
import type { ConfigOverrides } from '../config.ts';
import type { FaultKind, FaultSpec } from '../engine/faults.ts';
import { startServer, type RunningServer } from '../server.ts';
import type { StateDocument } from '../store/state.ts';

export type { StateDocument } from '../store/state.ts';
export type { FaultKind, FaultSpec } from '../engine/faults.ts';

export interface StartOpenEasOptions extends Omit<ConfigOverrides, 'ephemeral' | 'defaultRegion'> {
  /** Region of calls that name none (the SDK's regionId is what clients normally send). Default cn-hangzhou. */
  regionId?: string;
  /** Where server log lines go (default stdout, at logLevel, which defaults to warn). */
  logStream?: DestinationStream;
}

/** A root AccessKey and its account. */
export interface OpenEasCredentials {
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface OpenEasClock {
  /** Business time now (wall time plus every advance since the start or the last reset). */
  now(): Date;
  /** Moves business time forward and runs, in due order, everything that falls due; returns the new time. */
  advance(seconds: number): Promise<Date>;
  /** Moves business time forward to `time` (only forward: reset() brings it back to wall time). */
  set(time: Date | string | number): Promise<Date>;
}

/** A fault as POST /_openeas/faults takes it. */
export interface OpenEasFault extends FaultSpec {
  Kind: FaultKind;
}

export interface OpenEasFaults {
  /** Injects a fault; returns its id. */
  add(fault: OpenEasFault): Promise<string>;
  /** Removes one fault, or all of them; returns how many went. */
  clear(id?: string): Promise<number>;
}

/** A stock entry as PUT /_openeas/stock takes it. */
export interface OpenEasStockEntry {
  Region: string;
  /** A zone of the region, or '*' (the default) for all its zones. */
  Zone?: string;
  InstanceType: string;
  Status?: 'WithStock' | 'ClosedWithStock' | 'NoStock';
  /** Machines that can still be created (absent = unlimited). */
  Available?: number;
}

export interface OpenEasStock {
  set(entry: OpenEasStockEntry): Promise<void>;
  /** Back to unlimited stock everywhere. */
  clear(): Promise<void>;
}

/**
 * A running server. `accessKeySecret` is empty only when a data directory or database given in the
 * options already had its root account and `rootAccessKeySecret` was not passed.
 */
export interface OpenEas extends OpenEasCredentials {
  /** `127.0.0.1:<port>`: what the SDK's Config takes as `endpoint` (with `protocol: 'http'`). */
  endpoint: string;
  protocol: 'http';
  /** `http://127.0.0.1:<port>`. */
  url: string;
  regionId: string;
  clock: OpenEasClock;
  faults: OpenEasFaults;
  stock: OpenEasStock;
  accounts: {
    /** A further account with its root AccessKey (ids and secret generated unless given). */
    create(input?: Partial<OpenEasCredentials>): Promise<OpenEasCredentials>;
  };
  state: {
    /** The whole state as one JSON document (GET /_openeas/state). */
    export(): Promise<StateDocument>;
    /** Replaces the whole state by a document (POST /_openeas/state); its secrets must be sealed under this server's master key. */
    import(document: StateDocument): Promise<void>;
  };
  /**
   * Back to the state of the first start: everything gone except the root account and its
   * AccessKey (the credentials above keep working), the clock back to wall time. With an
   * `accountId`, only that account's data goes (its root AccessKeys stay; the clock does not move).
   */
  reset(options?: { accountId?: string }): Promise<void>;
  /** Stops the server (in-flight requests finish first). */
  stop(): Promise<void>;
  /** The server itself, for openeas's own tests. */
  server: RunningServer;
}

/** An admin call failed; `code` is the envelope's Code. */
export class OpenEasAdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts openeas in this process on a free port of 127.0.0.1. With no `dataDir` and no
 * `databaseUrl` nothing touches the disk: the database and the master key live in memory and are
 * gone after stop(). OPENEAS_* environment variables are not read: only `options` configure it.
 */
export async function startOpenEas(options: StartOpenEasOptions = {}): Promise<OpenEas> {
  const { regionId, logStream, ...overrides } = options;
  const persistent = overrides.dataDir !== undefined || overrides.databaseUrl !== undefined;
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
      ...overrides,
      ephemeral: !persistent,
      // PostgreSQL without a data directory: the master key stays in memory too.
      masterKey:
        overrides.masterKey ?? (overrides.databaseUrl !== undefined && overrides.dataDir === undefined ? newMasterKey() : undefined),
      defaultRegion: regionId,
    },
    {},
    { logStream },
  );
  // Shown only by the start that created it: on existing data, only when given.
  const secret = server.root.accessKeySecret ?? overrides.rootAccessKeySecret ?? '';
  const admin = adminCaller(server);
  return {
    endpoint: server.url.replace(/^http:\/\//, ''),
    protocol: 'http',
    url: server.url,
    regionId: server.config.defaultRegion,
    accountId: server.root.accountId,
    accessKeyId: server.root.accessKeyId,
    accessKeySecret: secret,
    clock: {
      now: () => new Date(server.services.clock.now()),
      advance: async (seconds) => new Date((await admin('POST', '/clock/advance', { seconds })).NowMs as number),
      set: async (time) => new Date((await admin('POST', '/clock/advance', { to: new Date(time).toISOString() })).NowMs as number),
    },
    faults: {
      add: async (fault) => {
        const added = (await admin('POST', '/faults', fault)).Fault as Record<string, unknown>;
        return String(added.FaultId);
      },
      clear: async (id) => (await admin('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`)).Cleared as number,
    },
    stock: {
      set: async (entry) => void (await admin('PUT', '/stock', entry)),
      clear: async () => void (await admin('DELETE', '/stock')),
    },
    accounts: {
      create: async (input = {}) => {
        const made = await admin('POST', '/accounts', {
          AccountId: input.accountId,
          AccessKeyId: input.accessKeyId,
          AccessKeySecret: input.accessKeySecret,
        });
        return { accountId: String(made.AccountId), accessKeyId: String(made.AccessKeyId), accessKeySecret: String(made.AccessKeySecret) };
      },
    },
    state: {
      export: async () => (await admin('GET', '/state')) as unknown as StateDocument,
      import: async (document) => void (await admin('POST', '/state', document)),
    },
    reset: async ({ accountId } = {}) => void (await admin('POST', '/reset', accountId === undefined ? {} : { AccountId: accountId })),
    stop: () => server.close(),
    server,
  };
}

const newMasterKey = (): string => crypto.randomBytes(32).toString('hex');

type AdminCall = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** Calls /_openeas from loopback (with the admin token when one is configured). */
function adminCaller(server: RunningServer): AdminCall {
  return async (method, path, body) => {
    const headers: Record<string, string> = {};
    if (server.config.adminToken) headers.authorization = `Bearer ${server.config.adminToken}`;
    if (method !== 'GET') headers['content-type'] = 'application/json';
    const sent = method === 'GET' ? undefined : JSON.stringify(body ?? {});
    const res = await fetch(`${server.url}/_openeas${path}`, { method, headers, body: sent });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) {
      const code = String(answer.Code);
      throw new OpenEasAdminError(res.status, code, `${method} /_openeas${path}: ${code}: ${String(answer.Message)}`);
    }
    return answer;
  };
}
