// Per-request cancellation of PostgreSQL reads, and statements stopped for running too long.
//
// The gateway runs each request inside `withCancellation(signal, …)`; the signal fires when the
// caller closes the connection before its answer. A read (SELECT outside a transaction) that is
// running on PostgreSQL then is cancelled with pg_cancel_backend(pid) sent over a separate
// connection (the pool may be full), and a request still waiting for a pooled connection stops
// waiting. Writes and transactions are left to finish: their outcome must not depend on when the
// caller hung up. Every statement is also bounded by PostgreSQL's statement_timeout (a setting).
// On SQLite, statements run synchronously and cannot be interrupted; nothing here applies.
// The same connections send the texts the request path repeats as named statements (statement-names.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
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

const scope = new AsyncLocalStorage<CancelSignal>();

export function runWithSignal<T>(signal: CancelSignal, fn: () => Promise<T>): Promise<T> {
  return scope.run(signal, fn);
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

/** Sends pg_cancel_backend over one lazily opened connection of its own (never a pooled one). */
class Canceller {
  #client: Promise<pg.Client> | undefined;

  constructor(private readonly config: pg.ClientConfig) {}

  async cancel(pid: number): Promise<void> {
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

/**
 * The pool Kysely's PostgresDialect uses: pg.Pool, with connections whose reads can be cancelled
 * by the current request's signal, and with PostgreSQL's query_canceled error turned into
 * StatementCancelled. With `namedStatements`, a text that statement-names.ts names is sent
 * under its name (parsed and planned once per connection); off, for poolers that hand a session's
 * statements to other sessions (PgBouncer in transaction mode), every statement goes unnamed.
 */
export class CancellablePool {
  readonly #canceller: Canceller;
  readonly #wrapped = new WeakMap<PoolClient, PoolClient>();
  readonly #namedStatements: boolean;

  constructor(
    private readonly pool: pg.Pool,
    config: pg.ClientConfig,
    options: { namedStatements?: boolean } = {},
  ) {
    this.#canceller = new Canceller(config);
    this.#namedStatements = options.namedStatements ?? true;
  }

  async connect(): Promise<PoolClient> {
    const signal = scope.getStore();
    if (!signal) return this.#wrap(await this.pool.connect());
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
          resolve(this.#wrap(c));
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

  #wrap(client: PoolClient): PoolClient {
    let wrapped = this.#wrapped.get(client);
    if (!wrapped) {
      wrapped = this.#cancellable(client);
      this.#wrapped.set(client, wrapped);
    }
    return wrapped;
  }

  #cancellable(client: PoolClient): PoolClient {
    const canceller = this.#canceller;
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
      const signal = scope.getStore();
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
    return Object.assign(Object.create(client) as PoolClient, { query, release: (err?: Error | boolean) => client.release(err) });
  }
}
