// Prepared queries: Kysely builds an operation tree and compiles it to SQL on every call, which
// costs more than executing a simple indexed statement (measured ~15 µs against ~5 µs). A
// prepared query is written with the same builder, compiled once per database with named
// placeholders, and then executed with fresh values — one query layer, both engines, no
// hand-written SQL text.
import type BetterSqlite3 from 'better-sqlite3';
import {
  sql,
  type Compilable,
  type CompiledQuery,
  type Insertable,
  type RawBuilder,
  type QueryResult,
  type SelectQueryBuilder,
} from 'kysely';
import { exclusiveStatements, isPostgres, type Db, type Tx } from './database.ts';
import type { Schema } from './schema.ts';

const MARK = '\u0000openeas:param:';

/** A placeholder for the value of parameter `name`; typed as that value so builders accept it. */
export type Params<P> = { [K in keyof P]: P[K] };

interface Compiled {
  base: CompiledQuery;
  /** For each SQL parameter: the name of the value to bind, or undefined for a constant. */
  names: Array<string | undefined>;
}

export interface PreparedQuery<P, R> {
  execute(db: Db | Tx, params: P): Promise<QueryResult<R>>;
  /** The rows, for SELECT (and RETURNING) queries. */
  rows(db: Db | Tx, params: P): Promise<R[]>;
  first(db: Db | Tx, params: P): Promise<R | undefined>;
  /** Rows changed by INSERT/UPDATE/DELETE. */
  affected(db: Db | Tx, params: P): Promise<number>;
}

/**
 * Prepares `build(db, p)`, where every value that changes between calls is written as `p.name`.
 * Only values may vary: a query whose shape depends on the values (IN lists, `is null`) cannot be
 * prepared. Compiled forms are kept per database (its dialect decides the SQL).
 */
export function prepare<P extends object, R>(build: (db: Db, p: Params<P>) => Compilable<R>): PreparedQuery<P, R> {
  const byDialect = new WeakMap<object, Compiled>();
  const placeholders = new Proxy({}, { get: (_t, name) => `${MARK}${String(name)}` }) as Params<P>;

  const compiledFor = (db: Db | Tx): Compiled => {
    const adapter = db.getExecutor().adapter;
    let compiled = byDialect.get(adapter);
    if (!compiled) {
      const base = build(db as Db, placeholders).compile();
      const names = base.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : undefined));
      compiled = { base, names };
      byDialect.set(adapter, compiled);
    }
    return compiled;
  };

  const execute = (db: Db | Tx, params: P): Promise<QueryResult<R>> => {
    const { base, names } = compiledFor(db);
    const parameters = names.map((name, i) => {
      if (name === undefined) return base.parameters[i];
      const value = (params as Record<string, unknown>)[name];
      if (value === undefined) throw new Error(`prepared query: no value for ${name}`);
      return value;
    });
    return run<R>(db, base, parameters);
  };

  return {
    execute,
    rows: async (db, params) => (await execute(db, params)).rows,
    first: async (db, params) => (await execute(db, params)).rows[0],
    affected: async (db, params) => Number((await execute(db, params)).numAffectedRows ?? 0n),
  };
}

/**
 * Like prepare, for a read that must lock its rows until the transaction ends: FOR UPDATE on
 * PostgreSQL; SQLite has no row locks (its single write lock, taken by BEGIN IMMEDIATE, already
 * serialises writers).
 */
export function prepareLocked<P extends object, R>(
  build: (db: Db, p: Params<P>) => SelectQueryBuilder<Schema, keyof Schema, R>,
): PreparedQuery<P, R> {
  return prepare<P, R>((db, p) => (isPostgres(db) ? build(db, p).forUpdate() : build(db, p)));
}

/**
 * Runs a compiled statement straight on the SQLite connection when that is safe (the caller is a
 * group-commit member holding it, or it is a read and nothing holds it; see exclusiveStatements),
 * else through Kysely's driver (pooling, queueing, waiting for another process's lock).
 */
function run<R>(db: Db | Tx, base: CompiledQuery, parameters: unknown[]): Promise<QueryResult<R>> {
  const direct = exclusiveStatements(db);
  if (direct) {
    const stmt = direct.statements.prepare(base.sql);
    if (stmt.reader) {
      try {
        return Promise.resolve({ rows: readRows(stmt, parameters) as R[] });
      } catch (e) {
        // Another process is recovering the WAL: take the path that waits for it.
        if (!direct.readOnly || (e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      }
    } else if (!direct.readOnly) {
      return Promise.resolve({ rows: [], numAffectedRows: BigInt(stmt.run(parameters).changes) });
    }
  }
  return db.executeQuery<R>({ ...base, parameters } as CompiledQuery<R>);
}

/**
 * Makes row objects from a statement's columns, one object literal of a fixed shape per row.
 * better-sqlite3 sets a row object's properties one at a time: 10–12 µs for a group's 27 columns,
 * where rows read as arrays and turned into objects by this function cost 6–8 µs. A column named
 * `__proto__` would set the prototype in a literal: such rows are assigned property by property,
 * which is what better-sqlite3 does (the assignment to `__proto__` changes nothing).
 */
function rowBuilderOf(columns: string[]): (values: unknown[]) => object {
  if (columns.includes('__proto__')) {
    return (v) => {
      const row: Record<string, unknown> = {};
      columns.forEach((name, i) => {
        row[name] = v[i];
      });
      return row;
    };
  }
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as (values: unknown[]) => object;
}

interface RowBuilder {
  width: number;
  build: (values: unknown[]) => object;
}

const rowBuilders = new WeakMap<BetterSqlite3.Statement, RowBuilder>();

function rowBuilderFor(stmt: BetterSqlite3.Statement): RowBuilder {
  const columns = stmt.columns().map((c) => c.name);
  const builder = { width: columns.length, build: rowBuilderOf(columns) };
  rowBuilders.set(stmt, builder);
  return builder;
}

/** The rows of a reading statement, as objects (as `stmt.all` gives them, built faster). */
function readRows(stmt: BetterSqlite3.Statement, parameters: unknown[]): object[] {
  let builder = rowBuilders.get(stmt) ?? rowBuilderFor(stmt);
  // The statement is shared through the statement cache: raw mode only for this call.
  stmt.raw(true);
  let rows: unknown[][];
  try {
    rows = stmt.all(parameters) as unknown[][];
  } finally {
    stmt.raw(false);
  }
  // Another process changed the table's columns (SQLite prepared the statement again by itself).
  // The width tells; a migration that drops and adds as many columns at once would not, but an
  // older server reading such a table is already refused as soon as it starts again.
  if (rows.length > 0 && rows[0]!.length !== builder.width) builder = rowBuilderFor(stmt);
  return rows.map(builder.build);
}

/** Rows per INSERT statement: SQLite limits bound parameters per statement. */
export const INSERT_CHUNK = 200;
/** Rows per INSERT on PostgreSQL, where the rows travel as one JSON parameter. */
const PG_INSERT_CHUNK = 5000;

interface CompiledInsert {
  columns: readonly string[];
  /** The options' conflict clause and RETURNING list, as conflictKey and returned.join(',') spell them. */
  conflict: string;
  returned: string;
  base: CompiledQuery;
  /** For each SQL parameter: [row index, column]. */
  slots: Array<[number, string]>;
}

/**
 * Compiled inserts by dialect, table and row count, then matched on columns and options. A key
 * string spelling all of them (the table's 25 column names and more) cost 1.5 µs a call to build
 * and hash, more than the rest of insertRows, and a CreateService makes five.
 */
const insertsByDialect = new WeakMap<object, Map<string, Map<number, CompiledInsert[]>>>();

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function conflictKey(opts: InsertOptions<string>): string {
  if (!opts.ignoreConflicts && opts.replaceOn === undefined && !opts.mergeOn) return '';
  return `${opts.ignoreConflicts ? 'ignore' : ''}|${opts.replaceOn ?? ''}|${opts.mergeOn ? JSON.stringify(opts.mergeOn) : ''}`;
}

export interface InsertOptions<C> {
  /** ON CONFLICT DO NOTHING: rows whose key exists are skipped (and not returned). */
  ignoreConflicts?: boolean;
  /**
   * ON CONFLICT (column) DO UPDATE: a row whose value of this uniquely indexed column exists
   * replaces the existing row (every inserted column). Rows of one call must not share a value.
   */
  replaceOn?: string;
  /**
   * ON CONFLICT (columns) DO UPDATE SET column = expression: a row whose key exists updates the
   * existing one. Expressions are fixed SQL text naming the table's columns (the existing row) and
   * `excluded.` ones (the row offered); both engines read them alike. Rows of one call must not
   * share a key.
   */
  mergeOn?: { key: readonly string[]; set: Readonly<Record<string, string>> };
  /** Columns to return for every inserted (or, with mergeOn, updated) row. */
  returning?: C | readonly C[];
}

/** ON CONFLICT … DO UPDATE of `replaceOn` or `mergeOn`: the key, and each updated column's value. */
function conflictUpdate(
  opts: InsertOptions<string>,
  columns: string[],
): { key: readonly string[]; set: Array<[string, RawBuilder<unknown>]> } | undefined {
  if (opts.mergeOn) return { key: opts.mergeOn.key, set: Object.entries(opts.mergeOn.set).map(([c, e]) => [c, sql.raw(e)]) };
  if (opts.replaceOn) return { key: [opts.replaceOn], set: columns.map((c) => [c, sql.ref(`excluded.${c}`)]) };
  return undefined;
}

/**
 * Inserts `rows` (all with the same columns) in chunks. SQLite: each statement is compiled once per
 * (table, columns, row count) instead of being rebuilt for every call. PostgreSQL: the rows go as
 * one JSON parameter expanded by json_populate_recordset — a constant statement text instead of one
 * with thousands of parameters to parse for every chunk (a year of bills: 4.8 s of 16).
 */
export async function insertRows<T extends keyof Schema & string, C extends keyof Schema[T] & string = never>(
  db: Db | Tx,
  table: T,
  rows: Array<Insertable<Schema[T]>>,
  opts: InsertOptions<C> = {},
): Promise<Array<Pick<Schema[T], C>>> {
  const out: Array<Pick<Schema[T], C>> = [];
  if (rows.length === 0) return out;
  const columns = Object.keys(rows[0]!);
  const returned: readonly string[] =
    opts.returning === undefined ? [] : typeof opts.returning === 'string' ? [opts.returning] : opts.returning;
  const adapter = db.getExecutor().adapter;
  if (isPostgres(db)) {
    const update = conflictUpdate(opts, columns);
    const cols = sql.join(columns.map((c) => sql.ref(c)));
    for (let start = 0; start < rows.length; start += PG_INSERT_CHUNK) {
      const chunk = JSON.stringify(rows.slice(start, start + PG_INSERT_CHUNK));
      const conflict = update
        ? sql` on conflict (${sql.join(update.key.map((c) => sql.ref(c)))}) do update set ${sql.join(
            update.set.map(([c, e]) => sql`${sql.ref(c)} = ${e}`),
          )}`
        : opts.ignoreConflicts
          ? sql` on conflict do nothing`
          : sql``;
      const result = await sql<
        Pick<Schema[T], C>
      >`insert into ${sql.table(table)} (${cols}) select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${chunk}::json)${
        conflict
      }${returned.length > 0 ? sql` returning ${sql.join(returned.map((c) => sql.ref(c)))}` : sql``}`.execute(db);
      out.push(...result.rows);
    }
    return out;
  }
  let tables = insertsByDialect.get(adapter);
  if (!tables) insertsByDialect.set(adapter, (tables = new Map()));
  let byCount = tables.get(table);
  if (!byCount) tables.set(table, (byCount = new Map()));
  const conflict = conflictKey(opts);
  const returnedKey = returned.length === 0 ? '' : returned.join(',');
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.length <= INSERT_CHUNK ? rows : rows.slice(start, start + INSERT_CHUNK);
    let candidates = byCount.get(chunk.length);
    if (!candidates) byCount.set(chunk.length, (candidates = []));
    let compiled = candidates.find((c) => c.conflict === conflict && c.returned === returnedKey && sameColumns(c.columns, columns));
    if (!compiled) {
      const marked = chunk.map((_, i) => Object.fromEntries(columns.map((c) => [c, `${MARK}${i}:${c}`])));
      let query = (db as Db).insertInto(table).values(marked as never);
      const update = conflictUpdate(opts, columns);
      if (update) {
        query = query.onConflict((oc) => oc.columns(update.key as never).doUpdateSet(Object.fromEntries(update.set) as never));
      } else if (opts.ignoreConflicts) query = query.onConflict((oc) => oc.doNothing());
      const base = (returned.length > 0 ? query.returning(returned as never) : query).compile();
      const slots = base.parameters.map((v): [number, string] => {
        const m = /^\u0000openeas:param:(\d+):(.+)$/.exec(String(v));
        if (!m) throw new Error(`insertRows: unexpected constant in ${table} insert`);
        return [Number(m[1]), m[2]!];
      });
      compiled = { columns, conflict, returned: returnedKey, base, slots };
      candidates.push(compiled);
    }
    const parameters = compiled.slots.map(([i, c]) => (chunk[i] as Record<string, unknown>)[c] ?? null);
    const result = await run<Pick<Schema[T], C>>(db, compiled.base, parameters);
    if (returned.length > 0) out.push(...result.rows);
  }
  return out;
}
