// `column IN (…)` for long id lists. SQLite takes a parameter per id (and at most a few thousand
// per statement); PostgreSQL parses and plans a statement with hundreds of parameters anew every
// time, which cost more than the rows themselves in a year of renewals, so there the list is one
// array parameter (`= ANY($1)`) and chunks can be much larger.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
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

export type ValueType = 'text' | 'integer' | 'bigint';

const SQLITE_ROWS = 5_000;
const POSTGRES_ROWS = 10_000;

/**
 * The body of a CTE holding `rows` (each a tuple in the order of `types`), for set-based updates
 * (`with d(id, n) as materialized (<this>) update t set … from d where t.id = d.id`; materialized,
 * or SQLite, which cannot tell how many rows json_each gives, may plan a scan of t): one statement for many
 * rows with different values instead of one per row. Both engines take the rows as parameters of
 * a statement text that does not depend on the row count (so it is compiled and prepared once):
 * PostgreSQL one typed array per column, unnested; SQLite one JSON array of the rows, read by
 * json_each (JSON integers come out as INTEGER, strings as TEXT, null as NULL). A `values (?, …)`
 * list instead cost a query-builder node per cell, rebuilt and compiled on every call: 0.4 ms of a
 * CreateService placing 100 instances.
 */
export function valuesOf(db: Db | Tx, types: readonly ValueType[], rows: ReadonlyArray<readonly unknown[]>): RawBuilder<unknown> {
  if (isPostgres(db)) {
    const columns = types.map((t, i) => sql`${rows.map((r) => r[i])}::${sql.raw(t)}[]`);
    return sql`select * from unnest(${sql.join(columns)})`;
  }
  return sql`select ${sql.raw(types.map((_t, i) => `value ->> ${i}`).join(', '))} from json_each(${JSON.stringify(rows)})`;
}

/** Runs `fn` over `rows` in chunks valuesOf takes in one statement on each engine. */
export async function forRowChunks<T>(db: Db | Tx, rows: readonly T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  const size = isPostgres(db) ? POSTGRES_ROWS : SQLITE_ROWS;
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}
