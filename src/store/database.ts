// Opens the one query layer (Kysely) over either engine. Nothing above this file knows which
// engine it talks to, except through `Store.dialect` where SQL genuinely differs (row locking).
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type Transaction } from 'kysely';
import type { Schema } from './schema.ts';
import { migrateToLatest } from './migrations.ts';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;

export interface Store {
  db: Db;
  dialect: DialectName;
  /** Runs `fn` in one transaction: every mutation of a request is all-or-nothing. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// BIGINT columns hold epoch milliseconds and money in fen; both fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then
 * writes can fail with SQLITE_BUSY when another process wrote in between, while an immediate
 * one takes the single write lock up front and simply waits (busy_timeout) for it.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;

  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#sqlite = sqlite;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new WaitingConnection(await super.acquireConnection(), this.#sqlite);
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
 * with several server processes on one file (`--workers`) that wasted most of a core. A statement
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
  constructor(config: SqliteDialectConfig, sqlite: BetterSqlite3.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#sqlite);
  }
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing is a
 * measurable share of a request. Keep the most recently used ones (LRU, bounded: queries with
 * IN-lists of varying length have many texts).
 */
function withStatementCache(sqlite: BetterSqlite3.Database, capacity = 512) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

export interface OpenStoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  let db: Db;
  let dialect: DialectName;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const file = path.join(opts.dataDir, 'openeas.db');
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Checkpoint the WAL every ~80 MB instead of every 4 MB: each checkpoint syncs the database
    // file, and long clock advances write in big transactions (a year of billing: 1 s of 10).
    sqlite.pragma('wal_autocheckpoint = 20000');
    // Several processes may open the same file: a locked database is waited for by
    // WaitingConnection (without blocking), not by SQLite sleeping inside the call.
    sqlite.pragma('busy_timeout = 0');
    db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite) });
  }
  const store: Store = {
    db,
    dialect,
    transaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
  try {
    if (opts.migrate !== false) await migrateToLatest(db, dialect);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return store;
}
