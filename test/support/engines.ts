// Every end-to-end suite runs on each engine: SQLite always, PostgreSQL when
// OPENEAS_TEST_DATABASE_URL is set (CI sets it; then an unreachable server fails the run).
import pg from 'pg';
import crypto from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type KyselyConfig } from 'kysely';

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** A fresh, isolated database URL (a new schema) for one server, or undefined for SQLite. */
  freshDatabaseUrl(): Promise<string | undefined>;
}

const PG_URL = process.env.OPENEAS_TEST_DATABASE_URL;

/** Every test server's PostgreSQL schema starts with this (test/run.mjs drops old ones). */
export const TEST_SCHEMA_PREFIX = 'openeas_t_';

const sqlite: Engine = { name: 'sqlite', freshDatabaseUrl: async () => undefined };

const postgres: Engine = {
  name: 'postgres',
  async freshDatabaseUrl() {
    // Named with its creation time (seconds, base 36), so test/run.mjs can drop the day-old ones.
    const schema = `${TEST_SCHEMA_PREFIX}${Math.floor(Date.now() / 1000).toString(36)}_${crypto.randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`create schema ${schema}`);
    } finally {
      await client.end();
    }
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return url.toString();
  },
};

export const ENGINES: Engine[] = PG_URL ? [sqlite, postgres] : [sqlite];

/**
 * An empty database on `engine`, not migrated: for tests that run migrations one by one (SQLite in
 * memory; PostgreSQL a fresh schema over one connection). `log` as Kysely takes it.
 */
export async function emptyDatabase(engine: Engine, log?: KyselyConfig['log']): Promise<Kysely<any>> {
  const url = await engine.freshDatabaseUrl();
  return new Kysely<any>({
    dialect: url
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
      : new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    log,
  });
}
