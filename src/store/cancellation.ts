// Per-request cancellation of PostgreSQL reads, and statements stopped for running too long.
//
// The gateway gives each request a Store of its own (`Store.forCall(signal)`) whose `db` checks its
// connections out for that request; the signal fires when the caller closes the connection before
// its answer. A read (SELECT outside a transaction) that is running on PostgreSQL through that `db`
// then is cancelled with pg_cancel_backend(pid) sent over a separate connection (the pool may be
// full), and a request still waiting for a pooled connection stops waiting. Writes and
// transactions are left to finish: their outcome must not depend on when the caller hung up. Every
// statement is also bounded by PostgreSQL's statement_timeout (a setting). On SQLite, statements
// run synchronously and cannot be interrupted; nothing here applies.
// The same connections send the texts the request path repeats as named statements (statement-names.ts).
//
// The request reaches its statements through that `db`, not through AsyncLocalStorage: in Node 20
// a store entered once makes every promise of the process run async_hooks' callbacks, which cost
// PostgreSQL creates 6-10 % of their rate (docs/ARCHITECTURE.md, "PostgreSQL").
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { forgetStatementNames, isStalePlan, statementName } from './statement-names.ts';

/**
 * The part of AbortSignal that request cancellation uses. The gateway makes one per call, and an
 * AbortController with its signal costs 2.5–4 µs to make (an EventTarget), a share of a short call
 * that a plain object does not cost (gateway/pipeline.ts CallerGoneSignal).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A statement was stopped: it ran past statement_timeout, or its caller went away. */
export class StatementCancelled extends Error {
  constructor(
    readonly reason: 'timeout' | 'caller-gone',
    cause?: unknown,
  ) {
    super(reason === 'timeout' ? 'statement timeout' : 'statement cancelled: the caller went away', { cause });
    this.name = 'StatementCancelled';
  }
}

const QUERY_CANCELED = '57014';
const READ = /^\s*(select|with)\b/i;
const TX_START = /^\s*(begin|start transaction)\b/i;
const TX_END = /^\s*(commit|rollback)\b/i;

/**
 * Sends pg_cancel_backend over one lazily opened connection of its own (never a pooled one). Cancels
 * take turns on it: node-postgres deprecates a query sent while its connection is busy (pg 9 refuses it).
 */
class Canceller {
  #client: Promise<pg.Client> | undefined;
  #turn: Promise<void> = Promise.resolve();

  constructor(private readonly config: pg.ClientConfig) {}

  cancel(pid: number): Promise<void> {
    const mine = this.#turn.then(() => this.#send(pid));
    this.#turn = mine;
    return mine;
  }

  async #send(pid: number): Promise<void> {
    try {
      this.#client ??= (async () => {
        const c = new pg.Client(this.config);
        c.on('error', () => {
          this.#client = undefined;
        });
        await c.connect();
        return c;
      })();
      const client = await this.#client;
      await client.query('select pg_cancel_backend($1)', [pid]);
    } catch {
      this.#client = undefined; // statement_timeout still bounds the statement
    }
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c) await c.then((client) => client.end()).catch(() => {});
  }
}

type PoolClient = pg.PoolClient;

/** A pooled connection's wrapper, and the request it is checked out for (none: not cancellable). */
interface Wrapped {
  client: PoolClient;
  checkout: { signal: CancelSignal | undefined };
}

/**
 * The pool Kysely's PostgresDialect uses: pg.Pool, with connections whose reads can be cancelled
 * by the signal of the request they are checked out for (requestDb), and with PostgreSQL's
 * query_canceled error turned into StatementCancelled. With `namedStatements`, a text that
 * statement-names.ts names is sent under its name (parsed and planned once per connection); off,
 * for poolers that hand a session's statements to other sessions (PgBouncer in transaction mode),
 * every statement goes unnamed.
 */
export class CancellablePool {
  readonly #canceller: Canceller;
  readonly #wrapped = new WeakMap<PoolClient, Wrapped>();
  readonly #namedStatements: boolean;

  constructor(
    private readonly pool: pg.Pool,
    config: pg.ClientConfig,
    options: { namedStatements?: boolean } = {},
  ) {
    this.#canceller = new Canceller(config);
    this.#namedStatements = options.namedStatements ?? true;
  }

  /**
   * A pooled connection, checked out for a request when `signal` is given: its reads outside a
   * transaction are cancelled when the signal fires, and waiting for the connection stops then.
   */
  async connect(signal?: CancelSignal): Promise<PoolClient> {
    if (!signal) return this.#checkOut(await this.pool.connect(), undefined);
    if (signal.aborted) throw new StatementCancelled('caller-gone');
    // Stop waiting for a connection when the caller goes away; one that arrives later goes back.
    const pending = this.pool.connect();
    return new Promise<PoolClient>((resolve, reject) => {
      const onAbort = () => {
        reject(new StatementCancelled('caller-gone'));
        pending.then(
          (c) => c.release(),
          () => {},
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (c) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return; // already rejected and released above
          resolve(this.#checkOut(c, signal));
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  async end(): Promise<void> {
    await this.#canceller.close();
    await this.pool.end();
  }

  /** The wrapper of `client`, holding `signal` (the request it is checked out for) until released. */
  #checkOut(client: PoolClient, signal: CancelSignal | undefined): PoolClient {
    let wrapped = this.#wrapped.get(client);
    if (!wrapped) {
      wrapped = this.#cancellable(client);
      this.#wrapped.set(client, wrapped);
    }
    wrapped.checkout.signal = signal;
    return wrapped.client;
  }

  #cancellable(client: PoolClient): Wrapped {
    const canceller = this.#canceller;
    const checkout: Wrapped['checkout'] = { signal: undefined };
    const namedStatements = this.#namedStatements;
    let inTransaction = false;
    const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const query = async (...args: unknown[]): Promise<unknown> => {
      const text = typeof args[0] === 'string' ? args[0] : undefined;
      if (text === undefined) return original(...args); // cursors (streams)
      const values = args[1];
      const name = namedStatements && Array.isArray(values) ? statementName(text) : undefined;
      if (name !== undefined) args = [{ name, text, values }];
      if (TX_START.test(text)) inTransaction = true;
      const signal = checkout.signal;
      const cancellable = signal !== undefined && !inTransaction && READ.test(text);
      let cancelling: Promise<void> | undefined;
      const onAbort = () => {
        cancelling = canceller.cancel((client as unknown as { processID: number }).processID);
      };
      try {
        if (cancellable) {
          if (signal.aborted) throw new StatementCancelled('caller-gone');
          signal.addEventListener('abort', onAbort, { once: true });
        }
        return await original(...args);
      } catch (e) {
        if ((e as { code?: string }).code === QUERY_CANCELED) {
          throw new StatementCancelled(cancelling || signal?.aborted ? 'caller-gone' : 'timeout', e);
        }
        if (name !== undefined && isStalePlan(e)) {
          // The schema changed under the named statements (another server migrated): name them
          // afresh, and run this one again (unnamed now, and through this same wrapper, so a
          // timeout or a caller gone is still told apart); inside a transaction, which the error
          // has aborted, the store runs the whole transaction again (40001 is its retryable code).
          forgetStatementNames();
          if (!inTransaction) return await query(text, values);
          throw Object.assign(new Error('a prepared statement no longer fits the schema; the transaction runs again', { cause: e }), {
            code: '40001',
          });
        }
        throw e;
      } finally {
        if (cancellable) signal.removeEventListener('abort', onAbort);
        // Keep the connection until the cancel has landed, so it can never hit the next user's query.
        if (cancelling) await cancelling;
        if (TX_END.test(text)) inTransaction = false;
      }
    };
    const release = (err?: Error | boolean) => {
      checkout.signal = undefined;
      client.release(err);
    };
    return { client: Object.assign(Object.create(client) as PoolClient, { query, release }), checkout };
  }
}

/** pg's command tags whose row count Kysely reports as rows changed. */
const CHANGES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** A connection checked out for one request (what Kysely's own PostgresConnection does, minus cursors). */
class RequestConnection implements DatabaseConnection {
  /** A failed ROLLBACK leaves the session in an unknown state: the pool then closes it. */
  discarded = false;

  constructor(readonly client: PoolClient) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { command, rowCount, rows } = (await this.client.query(query.sql, [...query.parameters])) as pg.QueryResult;
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
    return { numAffectedRows: CHANGES.has(command) ? BigInt(rowCount ?? 0) : undefined, rows: (rows ?? []) as R[] };
  }

  // biome-ignore lint/correctness/useYield: streaming is refused, not implemented
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming reads are not supported on a request’s connection');
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Kysely's driver for one request's statements: every connection is checked out for its signal. */
class RequestDriver implements Driver {
  constructor(
    private readonly pool: CancellablePool,
    private readonly signal: CancelSignal,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RequestConnection(await this.pool.connect(this.signal));
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let text = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      text = 'start transaction';
      if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) text += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(text));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command?: string }>(CompiledQuery.raw('commit'));
    // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier statement aborted the transaction.
    if (rows[0]?.command === 'ROLLBACK') throw new Error('the transaction was aborted by an earlier error; COMMIT rolled it back');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (e) {
      (connection as RequestConnection).discarded = true;
      throw e;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoted(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as RequestConnection;
    c.client.release(c.discarded);
  }

  async destroy(): Promise<void> {}
}

/**
 * A Kysely for one request's statements: `base`'s compiler and adapter (so prepared queries stay
 * compiled once), with connections checked out for `signal` (CancellablePool.connect). Made per
 * request on PostgreSQL (Store.forCall); a few objects, nothing is opened.
 */
export function requestDb<DB>(base: Kysely<DB>, dialect: Dialect, pool: CancellablePool, signal: CancelSignal): Kysely<DB> {
  const driver = new RequestDriver(pool, signal);
  const connections: ConnectionProvider = {
    async provideConnection(consume) {
      const connection = await driver.acquireConnection();
      try {
        return await consume(connection);
      } finally {
        await driver.releaseConnection(connection);
      }
    },
  };
  return new Kysely<DB>({ config: { dialect }, dialect, driver, executor: base.getExecutor().withConnectionProvider(connections) });
}
