// Every end-to-end suite runs on each engine: SQLite always, PostgreSQL when
// OPENEAS_TEST_DATABASE_URL is set (CI sets it; then an unreachable server fails the run).
import pg from 'pg';
import crypto from 'node:crypto';

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** A fresh, isolated database URL (a new schema) for one server, or undefined for SQLite. */
  freshDatabaseUrl(): Promise<string | undefined>;
}

const PG_URL = process.env.OPENEAS_TEST_DATABASE_URL;

const sqlite: Engine = { name: 'sqlite', freshDatabaseUrl: async () => undefined };

const postgres: Engine = {
  name: 'postgres',
  async freshDatabaseUrl() {
    const schema = `openeas_t_${crypto.randomBytes(6).toString('hex')}`;
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
