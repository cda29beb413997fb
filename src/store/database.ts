// Opens the one query layer (Kysely) over either engine. Nothing above this file knows which
// engine it talks to, except through `Store.dialect` where SQL genuinely differs (row locking).
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import type { Schema } from './schema.ts';
import { migrateToLatest } from './migrations.ts';
import { ensureDataDir, ensurePrivateFile, restrictToOwner } from './data-dir.ts';
import { CancellablePool, requestDb, type CancelSignal } from './cancellation.ts';
import { type Checkpointer, startCheckpointer } from './checkpointer.ts';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;

/** The few places where SQL differs by engine (row locks, array parameters) ask this. */
export function isPostgres(db: Db | Tx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export interface Store {
  db: Db;
  dialect: DialectName;
  /** Runs `fn` in one transaction: every mutation of a request is all-or-nothing. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * A single-statement write that needs no transaction of its own: on SQLite it shares the next
   * group commit (see GroupCommit); on PostgreSQL it runs as one autocommit statement.
   */
  write<T>(fn: (db: Db | Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * The store one request uses: on PostgreSQL its `db` checks connections out for the request, so
   * its reads are cancelled when `signal` fires (the caller went away; see cancellation.ts).
   * Transactions and writes are the store's own (never cancelled). On SQLite, this store. A new
   * object per call on PostgreSQL: state kept per store (WeakMap<Store, …>) must be SQLite's only,
   * as the nonce batches and the AccessKey cache are, or be keyed by something calls share.
   */
  forCall(signal: CancelSignal): Store;
  /**
   * SQLite only (undefined on PostgreSQL): a stamp of `table`'s state, for caches of its rows. A
   * later stamp differs whenever the table may have changed in between: written by this connection
   * (a TEMP trigger counts its row changes, committed or not) or by any other connection or process
   * (`PRAGMA data_version`, which also moves for other writes and some checkpoints: a cache then
   * reads again). Another process's change is seen from the next event-loop turn (tableStamps).
   */
  stampOf?(table: 'access_keys'): () => string;
  /** How busy the database's connections are, for metrics. */
  usage(): StoreUsage;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * `fn` may run again from its start, its writes undone, before the transaction commits: it has
   * no effect outside the database (no state kept, nothing sent) until its promise settles, and
   * what it reads it reads again. PostgreSQL already runs any transaction again after a deadlock;
   * on SQLite this lets a group-commit member run without a savepoint of its own (GroupCommit).
   */
  rerunnable?: boolean;
}

/** PostgreSQL: the pool's connections; SQLite: transactions waiting for the next group commit. */
export interface StoreUsage {
  connections?: { total: number; idle: number; waiting: number };
  queuedTransactions?: number;
}

// BIGINT columns hold epoch milliseconds and money in fen; both fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then
 * writes can fail with SQLITE_BUSY when another process wrote in between, while an immediate
 * one takes the single write lock up front and waits for it (WaitingConnection, below). The
 * driver also tracks whether anything holds the one connection, for direct reads (exclusiveStatements).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;

  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#sqlite = sqlite;
  }

  /** Someone holds the connection (a query, a transaction or a group commit is running). */
  held = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.held = true;
    return new WaitingConnection(connection, this.#sqlite);
  }

  override async releaseConnection(): Promise<void> {
    this.held = false;
    await super.releaseConnection();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** How long a statement waits for another process's write lock before failing (SQLITE_BUSY). */
const LOCK_WAIT_MS = 5000;

/**
 * Waits for another process's write lock without blocking the event loop. SQLite's own
 * busy_timeout sleeps inside the call, which stops this process from serving anything else;
 * with several server processes on one file that wasted most of a core. A statement
 * outside a transaction (BEGIN IMMEDIATE itself, a single write) that finds the database locked is
 * retried after yielding to the event loop; inside a transaction the lock is already ours.
 */
class WaitingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly sqlite: BetterSqlite3.Database,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (e) {
        const busy = (e as { code?: string }).code === 'SQLITE_BUSY';
        if (!busy || this.sqlite.inTransaction || Date.now() > deadline) throw e;
        await new Promise((resolve) => (attempt < 4 ? setImmediate(resolve) : setTimeout(resolve, Math.min(20, attempt - 3))));
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: BetterSqlite3.Database;
  driver: ImmediateSqliteDriver | undefined;
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    this.driver = new ImmediateSqliteDriver(this.#config, this.#sqlite);
    return this.driver;
  }
}

/** better-sqlite3 statements by SQL text (named so compiled type declarations can refer to it). */
interface StatementCache {
  close(): void;
  prepare(sqlText: string): BetterSqlite3.Statement;
}

/**
 * The handles of SQLite group-commit members, each holding the one connection exclusively until
 * it returns: prepared queries (store/prepared.ts) run on it directly, synchronously, skipping
 * the driver's queueing — nothing else can use the connection meanwhile.
 */
const exclusiveHandles = new WeakMap<object, StatementCache>();

/** SQLite stores' own handles, for reads while the connection is idle. */
const idleReaders = new WeakMap<object, { statements: StatementCache; sqlite: BetterSqlite3.Database; dialect: ImmediateSqliteDialect }>();

export interface DirectStatements {
  statements: StatementCache;
  /** Only reads may run directly (an idle connection: writes need the lock-waiting path). */
  readOnly: boolean;
}

/**
 * Statements a prepared query may run straight on the SQLite connection, skipping the driver's
 * queue: a group-commit member's (it holds the connection), or the store's own handle while
 * nothing holds the connection — JavaScript runs one thing at a time, so a synchronous read then
 * cannot interleave with anything.
 */
export function exclusiveStatements(db: Db | Tx): DirectStatements | undefined {
  const member = exclusiveHandles.get(db);
  if (member) return { statements: member, readOnly: false };
  const idle = idleReaders.get(db);
  if (idle && !idle.dialect.driver?.held && !idle.sqlite.inTransaction) return { statements: idle.statements, readOnly: true };
  return undefined;
}

/**
 * The SQL SQLite is given for `sqlText`: a bound LIMIT or OFFSET (`limit ?`, as Kysely writes every
 * `.limit(n)`) becomes `limit (? + 0)`, the same value. With a bare `?` the placement read took
 * 18-30 µs against 8 with `limit 2` or `limit (? + 0)`, whatever the rows read: by every sign SQLite
 * (3.53 here) compiles the statement again on each run, its planner having read the bound LIMIT
 * (which marks the statement to be prepared again when that parameter is rebound). The planner
 * does not read an expression.
 */
export function sqliteText(sqlText: string): string {
  return sqlText.replace(/\b(limit|offset) \?/gi, '$1 (? + 0)');
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing is a
 * measurable share of a request. Keep the most recently used ones (LRU, bounded: queries with
 * IN-lists of varying length have many texts).
 */
function withStatementCache(sqlite: BetterSqlite3.Database, capacity = 512): StatementCache {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqliteText(sqlText));
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/**
 * Store.stampOf for a SQLite connection: one TEMP trigger set and change counter per table asked
 * for, and `PRAGMA data_version` read once per event-loop turn. The pragma begins a read
 * transaction of its own (5-8 µs in a loaded server, more than the key read it spares), and the
 * calls of one turn were parsed together: a change another process commits during the turn is seen
 * from the next one, as a change committed between a call's key read and its work always was.
 */
function tableStamps(sqlite: BetterSqlite3.Database): (table: 'access_keys') => () => string {
  const dataVersionStatement = sqlite.prepare('pragma data_version').pluck();
  let turnVersion: number | undefined;
  const forgetVersion = () => {
    turnVersion = undefined;
  };
  const dataVersion = (): number => {
    if (turnVersion === undefined) {
      turnVersion = dataVersionStatement.get() as number;
      setImmediate(forgetVersion);
    }
    return turnVersion;
  };
  const stamps = new Map<string, () => string>();
  return (table) => {
    let stamp = stamps.get(table);
    if (stamp) return stamp;
    let changes = 0;
    const counter = `openeas_changed_${table}`;
    sqlite.function(counter, { deterministic: false }, () => {
      changes++;
      return null;
    });
    for (const event of ['insert', 'update', 'delete']) {
      sqlite.exec(`create temp trigger if not exists ${counter}_${event} after ${event} on main.${table} begin select ${counter}(); end`);
    }
    stamp = () => `${dataVersion()}:${changes}`;
    stamps.set(table, stamp);
    return stamp;
  };
}

/** Most transactions one SQLite commit carries. */
const GROUP_LIMIT = 64;
/**
 * A group stops taking members after this long: members run back to back without the event loop
 * reading a socket in between, so an unbounded group (big orders arriving all the time) would hold
 * every other caller — health included — for as long as the flood lasts.
 */
const GROUP_BUDGET_MS = 8;

interface PendingTransaction {
  fn: (tx: Tx) => Promise<unknown>;
  rerunnable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** After a group had to run again, how long groups give every member a savepoint (ms). */
const SAVEPOINTS_AFTER_RERUN_MS = 1000;

/**
 * Group commit for SQLite. There is one connection and one writer, so transactions run one after
 * the other anyway; what costs is the commit (writing every touched page to the WAL, ~150 µs
 * here), twice per create (its nonce, then its order). Transactions that are waiting when the
 * connection frees up run together inside one BEGIN IMMEDIATE … COMMIT: one that fails is rolled
 * back alone and rejected; the others are answered only after the shared COMMIT, so nothing is
 * reported done before it is durable, and if the commit itself fails every member of the group
 * fails with it.
 *
 * Rolling back one member alone takes a savepoint around it, and savepoints cost a create about
 * 7 % of its CPU (the SAVEPOINT and RELEASE statements, and the page images SQLite keeps to undo
 * it; bench/cpu-ab.ts, both orders). So members whose function may run again
 * (TransactionOptions.rerunnable) run without one while every member before them in the group
 * could too. One of them that fails having changed no row (`total_changes()` did not move: a
 * create decides every refusal before its first write) is simply rejected. One that fails
 * after changing rows cannot be undone alone: the transaction is rolled back, the member is
 * rejected, and the members that had succeeded run again, each in a savepoint; none of them was
 * answered yet. For the next second every member gets a savepoint, so a caller whose writes keep
 * failing costs the others at most one such rerun a second.
 */
class GroupCommit {
  readonly #queue: PendingTransaction[] = [];
  #draining = false;
  /** Until when (performance.now()) every member gets a savepoint: a group ran again lately. */
  #savepointsUntil = 0;

  /** Transactions waiting for the connection. */
  get queued(): number {
    return this.#queue.length;
  }

  constructor(
    private readonly db: Db,
    private readonly statements: StatementCache,
    private readonly sqlite: BetterSqlite3.Database,
  ) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, rerunnable: options?.rerunnable === true, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#draining) {
        // Start a turn of the event loop later than the current one ends: the calls read by then,
        // and those the next poll of the sockets reads, join. Against starting after the current
        // turn (bench/cpu-ab.ts in turns, 32 in flight, main thread, both orders): describe's CPU
        // 0.937x and 0.917x, its rate 1.105x and 1.040x; create's CPU 1.000x and 0.982x; with
        // the official client, describe 0.929x and 0.935x. Idle, the extra turn costs microseconds.
        this.#draining = true;
        setImmediate(() => setImmediate(() => void this.#drain()));
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, GROUP_LIMIT);
        await this.#run(group).catch((e) => {
          for (const t of group.splice(0)) t.reject(e);
        });
        // Let the event loop read sockets (and other queries take the connection) between groups.
        if (this.#queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#draining = false;
    }
  }

  async #run(group: PendingTransaction[]): Promise<void> {
    await this.db.connection().execute(async (conn) => {
      const exec = (text: string) => conn.executeQuery(CompiledQuery.raw(text));
      // Savepoints run straight on the connection the group holds (they cannot meet another
      // process's lock); BEGIN and COMMIT go through the driver, which waits for that lock.
      const direct = (text: string) => {
        this.statements.prepare(text).run();
      };
      const changes = () => (this.statements.prepare('select total_changes() as n').get() as { n: number }).n;
      try {
        await exec('begin immediate');
      } catch (e) {
        for (const t of group.splice(0)) t.reject(e);
        return;
      }
      const done: Array<{ t: PendingTransaction; out: unknown }> = [];
      /** Members that succeeded before the transaction was started again, not yet run again. */
      const again: PendingTransaction[] = [];
      let current: PendingTransaction | undefined;
      let ran = 0;
      const started = performance.now();
      // Whether members still run without savepoints: until one that may not run again has run.
      let bare = started >= this.#savepointsUntil;
      // Members that join while the group runs ride along, up to the limit and the time budget;
      // those of the group not run by then go back to the front of the line.
      const next = () => {
        if (ran > 0 && performance.now() - started > GROUP_BUDGET_MS) return undefined;
        return group.shift() ?? (ran < GROUP_LIMIT ? this.#queue.shift() : undefined);
      };
      /** Runs a member in a savepoint: a failure is undone alone. */
      const inSavepoint = async (t: PendingTransaction): Promise<void> => {
        direct('savepoint member');
        try {
          const out = await this.#call(conn, t);
          direct('release member');
          done.push({ t, out });
        } catch (e) {
          direct('rollback to member');
          direct('release member');
          t.reject(e);
        }
      };
      try {
        while ((current = next())) {
          ran++;
          bare &&= current.rerunnable;
          if (!bare) await inSavepoint(current);
          else {
            const before = changes();
            try {
              done.push({ t: current, out: await this.#call(conn, current) });
            } catch (e) {
              // SQLite ended the transaction itself (a full disk, an I/O error): the group is lost.
              if (!this.sqlite.inTransaction) throw e;
              current.reject(e);
              if (changes() !== before) {
                // Its writes cannot be undone alone: start again without them, the others in savepoints.
                this.#savepointsUntil = performance.now() + SAVEPOINTS_AFTER_RERUN_MS;
                bare = false;
                current = undefined;
                for (const { t } of done.splice(0)) again.push(t);
                await exec('rollback');
                await exec('begin immediate');
                while ((current = again.shift())) await inSavepoint(current);
              }
            }
          }
          current = undefined;
        }
        this.#queue.unshift(...group.splice(0));
        await exec('commit');
      } catch (e) {
        // The shared transaction is lost: everything in it fails; members not yet run go back in line.
        if (this.sqlite.inTransaction) await exec('rollback').catch(() => {});
        for (const { t } of done) t.reject(e);
        for (const t of again) t.reject(e);
        current?.reject(e);
        this.#queue.unshift(...group.splice(0));
        return;
      }
      for (const { t, out } of done) t.resolve(out);
    });
  }

  /** A member's function on the group's connection, with a handle of its own. */
  async #call(conn: Kysely<Schema>, t: PendingTransaction): Promise<unknown> {
    // A distinct handle per member run: per-transaction state (the scheduler's marks) is keyed by it.
    const handle = conn.withoutPlugins();
    exclusiveHandles.set(handle, this.statements);
    try {
      return await t.fn(handle as unknown as Tx);
    } finally {
      exclusiveHandles.delete(handle);
    }
  }
}

export interface OpenStoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** An in-memory SQLite database: nothing is written to disk, everything is gone at close. */
  ephemeral?: boolean;
  /** Apply migrations (default true). */
  migrate?: boolean;
  /** PostgreSQL statement_timeout of request-path statements, ms (0 or absent = none; migrations have none). */
  statementTimeoutMs?: number;
  /** PostgreSQL: send statement texts that repeat as named statements (statement-names.ts; default true). */
  namedStatements?: boolean;
  /** SQLite: the size, MB, the WAL file is trimmed to when it starts again from its beginning (default 256). */
  walLimitMb?: number;
}

/**
 * PostgreSQL ends one of two transactions that wait for each other's locks (40P01, deadlock) and,
 * under stricter isolation, one of two that conflict (40001); its manual's remedy is to run the
 * transaction again. Lock orders differ between requests (group, then quota) and due jobs (machines,
 * then their groups, then quota), so this happens under concurrent load. The retried function runs
 * again from the start on a fresh transaction; nothing of the aborted attempt was committed.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

async function retryingAbortedTransactions<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(String((e as { code?: unknown }).code))) throw e;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt)); // de-synchronise the two
    }
  }
}

/**
 * The first ephemeral database of the process, just migrated: later ones start as a copy of it
 * (migrating an empty in-memory database was most of a test server's start, see docs/testing.md).
 */
let ephemeralTemplate: Buffer | undefined;

/** `<dataDir>/openeas.db`, private to its owner, in WAL mode. */
function openSqliteFile(dataDir: string): BetterSqlite3.Database {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, 'openeas.db');
  // Created 0600 before SQLite opens it; SQLite gives the -wal and -shm files it creates the
  // database file's mode, and ones left by older versions are tightened below.
  ensurePrivateFile(file);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  for (const suffix of ['-wal', '-shm']) restrictToOwner(file + suffix);
  return sqlite;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  let db: Db;
  let dialect: DialectName;
  let statements: StatementCache | undefined;
  let pool: pg.Pool | undefined;
  let sqlite: BetterSqlite3.Database | undefined;
  let checkpointer: Checkpointer | undefined;
  /** PostgreSQL: a Kysely whose connections are checked out for one call (cancellation.ts). */
  let callDb: ((signal: CancelSignal) => Db) | undefined;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const timeout = opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {};
    pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10, ...timeout });
    const cancellable = new CancellablePool(pool, { connectionString: opts.databaseUrl }, { namedStatements: opts.namedStatements });
    const pgDialect = new PostgresDialect({ pool: cancellable });
    const base = new Kysely<Schema>({ dialect: pgDialect });
    db = base;
    callDb = (signal) => requestDb(base, pgDialect, cancellable, signal);
  } else {
    dialect = 'sqlite';
    sqlite = opts.ephemeral ? new BetterSqlite3(ephemeralTemplate ?? ':memory:') : openSqliteFile(opts.dataDir);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Statement and savepoint journals (a group-commit member may be a savepoint; a placement of
    // 100 instances dirties ~500 KB of pages, past SQLite's 64 KiB in-memory spill) and temporary
    // b-trees in memory, not in temporary files: they only ever serve a rollback inside a live
    // transaction or one statement, never crash recovery, so nothing durable changes.
    sqlite.pragma('temp_store = MEMORY');
    if (!opts.ephemeral) {
      // Checkpoints run in a worker thread (checkpointer.ts), not inside a commit of the server's:
      // copying 80 MB of WAL back blocked the event loop for half a second. The server's own
      // checkpoint stays as a backstop at 256 MB (writes faster than the worker copies, for
      // seconds): by then it copies only the worker's last moments, and the WAL starts again
      // from its beginning. It is trimmed back to walLimitMb (default 256, the backstop's size):
      // trimmed to 64 MB, every commit past it under sustained writes extended the file again,
      // and those writes cost more than rewriting blocks in place (server CPU per create ×0.91
      // with the file kept whole, bench/cpu-ab.ts, rounds of 8,000 creates).
      sqlite.pragma('wal_autocheckpoint = 65536');
      sqlite.pragma(`journal_size_limit = ${(opts.walLimitMb ?? 256) * 1024 * 1024}`);
      checkpointer = startCheckpointer(path.join(opts.dataDir, 'openeas.db'));
    }
    // Several processes may open the same file: a locked database is waited for by
    // WaitingConnection (without blocking), not by SQLite sleeping inside the call.
    sqlite.pragma('busy_timeout = 0');
    statements = withStatementCache(sqlite);
    const sqliteDialect = new ImmediateSqliteDialect({ database: statements }, sqlite);
    db = new Kysely<Schema>({ dialect: sqliteDialect });
    idleReaders.set(db, { statements, sqlite, dialect: sqliteDialect });
  }
  const groupCommit = statements && sqlite ? new GroupCommit(db, statements, sqlite) : undefined;
  const store: Store = {
    db,
    dialect,
    transaction: groupCommit
      ? (fn, options) => groupCommit.transaction(fn, options)
      : (fn) => retryingAbortedTransactions(() => db.transaction().execute(fn)),
    write: groupCommit ? (fn, options) => groupCommit.transaction(fn, options) : (fn) => fn(db),
    forCall: callDb ? (signal) => ({ ...store, db: callDb(signal) }) : () => store,
    stampOf: sqlite ? tableStamps(sqlite) : undefined,
    usage: () =>
      pool
        ? { connections: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } }
        : { queuedTransactions: groupCommit?.queued ?? 0 },
    close: async () => {
      await checkpointer?.stop(); // first: the server's connection, closing last, checkpoints what is left
      await db.destroy();
    },
  };
  try {
    if (opts.migrate !== false) {
      if (dialect === 'postgres' && opts.statementTimeoutMs) {
        // Migrations may rewrite big tables: they run on a connection of their own, without the timeout.
        const migrationDb = new Kysely<Schema>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: opts.databaseUrl, max: 1 }) }),
        });
        try {
          await migrateToLatest(migrationDb, dialect);
        } finally {
          await migrationDb.destroy();
        }
      } else {
        await migrateToLatest(db, dialect);
        if (opts.ephemeral && sqlite && !ephemeralTemplate) ephemeralTemplate = sqlite.serialize();
      }
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
