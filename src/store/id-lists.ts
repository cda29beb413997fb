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

const SQLITE_ROWS = 500;
const POSTGRES_ROWS = 10_000;

/**
 * The body of a CTE holding `rows` (each a tuple in the order of `types`), for set-based updates
 * (`with d(id, n) as (<this>) update t set … from d where t.id = d.id`): one statement for many
 * rows with different values instead of one per row. SQLite: `values (?, cast(? as integer)), …`, a
 * parameter per cell (so at most SQLITE_ROWS rows, see forRowChunks); PostgreSQL: one typed array per column,
 * unnested — a constant statement text whatever the row count.
 */
export function valuesOf(db: Db | Tx, types: readonly ValueType[], rows: ReadonlyArray<readonly unknown[]>): RawBuilder<unknown> {
  if (isPostgres(db)) {
    const columns = types.map((t, i) => sql`${rows.map((r) => r[i])}::${sql.raw(t)}[]`);
    return sql`select * from unnest(${sql.join(columns)})`;
  }
  // better-sqlite3 binds every JavaScript number as a REAL: integer columns get integers.
  const cell = (t: ValueType, v: unknown) => (t === 'text' ? sql`${v}` : sql`cast(${v} as integer)`);
  return sql`values ${sql.join(rows.map((r) => sql`(${sql.join(types.map((t, i) => cell(t, r[i])))})`))}`;
}

/** Runs `fn` over `rows` in chunks valuesOf takes in one statement on each engine. */
export async function forRowChunks<T>(db: Db | Tx, rows: readonly T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  const size = isPostgres(db) ? POSTGRES_ROWS : SQLITE_ROWS;
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}
