// `column IN (…)` for long id lists. SQLite takes a parameter per id (and at most a few thousand
// per statement); PostgreSQL parses and plans a statement with hundreds of parameters anew every
// time, which cost more than the rows themselves in a year of renewals, so there the list is one
// array parameter (`= ANY($1)`) and chunks can be much larger.
import { sql, type Expression, type SqlBool } from 'kysely';
import { isPostgres, type Db, type Tx } from './database.ts';

const SQLITE_CHUNK = 500;
const POSTGRES_CHUNK = 10_000;

/** `column` is one of `ids`. */
export function inIds(db: Db | Tx, column: string, ids: readonly string[]): Expression<SqlBool> {
  return isPostgres(db) ? sql<SqlBool>`${sql.ref(column)} = any(${[...ids]})` : sql<SqlBool>`${sql.ref(column)} in (${sql.join([...ids])})`;
}

/** Runs `fn` over `ids` in chunks each engine takes in one statement. */
export async function forIdChunks(db: Db | Tx, ids: readonly string[], fn: (chunk: string[]) => Promise<unknown>): Promise<void> {
  const size = isPostgres(db) ? POSTGRES_CHUNK : SQLITE_CHUNK;
  for (let i = 0; i < ids.length; i += size) await fn(ids.slice(i, i + size));
}
