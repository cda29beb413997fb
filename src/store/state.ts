// The whole state as one JSON document (docs/state.md), and the two ways of replacing it: an
// import of such a document, and deleting one account's rows. The tables come from the database
// itself (the migrations made them), so a table added later is exported, imported and reset
// without anyone listing it here; only the tables that are deliberately left out are named.
// Rows are plain values (text, integers, null) in a fixed order, so the same state gives the same
// bytes on SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';
import { isPostgres, type Store, type Tx, type Db } from './database.ts';
import { MIGRATION_NAMES } from './migrations.ts';

export const STATE_FORMAT = 'openeas-state';
export const STATE_FORMAT_VERSION = 1;
/** The schema a document belongs to: the last migration of this openeas. */
export const SCHEMA_VERSION = MIGRATION_NAMES[MIGRATION_NAMES.length - 1]!;

/** Tables a state document leaves out, and why (a unit test refuses a table that is neither exported nor here). */
export const UNEXPORTED_TABLES: Readonly<Record<string, string>> = {
  kysely_migration: 'schema bookkeeping: the document names its schema version instead',
  kysely_migration_lock: 'schema bookkeeping',
  nonces: 'replay protection on wall time: kept through reset and import, so a signed request is never accepted twice',
  console_sessions: 'browser sign-ins of the console (src/console/), on wall time with sealed secrets: not state of the emulated cloud',
  ram_epochs: 'cache counters of compiled policies: moved past every earlier value by reset and import instead',
};

export type StateValue = string | number | null;

export interface StateTable {
  /** Column names, sorted. */
  Columns: string[];
  /** Rows as arrays in the order of Columns; sorted by their values. */
  Rows: StateValue[][];
}

export interface StateDocument {
  Format: typeof STATE_FORMAT;
  FormatVersion: typeof STATE_FORMAT_VERSION;
  Schema: string;
  /** Every exported table, by name, sorted. */
  Tables: Record<string, StateTable>;
}

/** A document that cannot be imported; `kind` says which check refused it. */
export class StateDocumentError extends Error {
  constructor(
    readonly kind: 'document' | 'schema' | 'constraint',
    message: string,
  ) {
    super(message);
  }
}

/** The tables here are named at run time, not by the typed schema. */
const anyTable = (db: Db | Tx): Kysely<any> => db as unknown as Kysely<any>;

// ---- what the database holds -----------------------------------------------------------------

interface ColumnInfo {
  name: string;
  /** 'other' only in tables left out (Kysely's bookkeeping has varchar columns). */
  type: 'text' | 'integer' | 'other';
  nullable: boolean;
}

export interface TableInfo {
  name: string;
  /** Sorted by name. */
  columns: ColumnInfo[];
  /** Tables this one's foreign keys point at. */
  references: string[];
}

const described = new WeakMap<object, Promise<TableInfo[]>>();

/**
 * Every table of the database (its current schema on PostgreSQL), parents before the tables
 * whose foreign keys point at them. Read once per database: the schema only changes by migration,
 * before the server starts.
 */
export function describeTables(db: Db | Tx): Promise<TableInfo[]> {
  const key = db.getExecutor().adapter;
  let hit = described.get(key);
  if (!hit) {
    hit = (isPostgres(db) ? describePostgres(db) : describeSqlite(db)).then(parentsFirst);
    hit.catch(() => described.delete(key));
    described.set(key, hit);
  }
  return hit;
}

function columnType(declared: string): ColumnInfo['type'] {
  if (/int/i.test(declared)) return 'integer';
  if (/^text$/i.test(declared)) return 'text';
  return 'other';
}

async function describeSqlite(db: Db | Tx): Promise<TableInfo[]> {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'`.execute(db);
  return Promise.all(
    tables.rows.map(async ({ name }) => {
      const columns = await sql<{ name: string; type: string; notnull: number; pk: number }>`
      select name, type, "notnull", pk from pragma_table_info(${name})`.execute(db);
      const fks = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db);
      return {
        name,
        // SQLite lets a (non-integer) primary key column hold NULL unless declared NOT NULL; openeas never writes one.
        columns: columns.rows.map((c) => ({ name: c.name, type: columnType(c.type), nullable: c.notnull === 0 && c.pk === 0 })),
        references: fks.rows.map((f) => f.table),
      };
    }),
  );
}

async function describePostgres(db: Db | Tx): Promise<TableInfo[]> {
  const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>`
    select c.table_name, c.column_name, c.data_type, c.is_nullable from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(db);
  const fks = await sql<{ table_name: string; referenced: string }>`
    select cl.relname as table_name, ref.relname as referenced from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace ns on ns.oid = cl.relnamespace
    join pg_class ref on ref.oid = con.confrelid
    where con.contype = 'f' and ns.nspname = current_schema()`.execute(db);
  const byName = new Map<string, TableInfo>();
  for (const c of columns.rows) {
    let t = byName.get(c.table_name);
    if (!t) byName.set(c.table_name, (t = { name: c.table_name, columns: [], references: [] }));
    t.columns.push({ name: c.column_name, type: columnType(c.data_type), nullable: c.is_nullable === 'YES' });
  }
  for (const f of fks.rows) byName.get(f.table_name)?.references.push(f.referenced);
  return [...byName.values()];
}

/** Tables sorted by name, then each moved after the tables it references (Kahn's algorithm). */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const sorted = tables
    .map((t) => ({ ...t, columns: [...t.columns].sort((a, b) => compareText(a.name, b.name)) }))
    .sort((a, b) => compareText(a.name, b.name));
  const out: TableInfo[] = [];
  const placed = new Set<string>();
  while (out.length < sorted.length) {
    const next = sorted.find((t) => !placed.has(t.name) && t.references.every((r) => r === t.name || placed.has(r)));
    if (!next) throw new Error("the tables' foreign keys form a cycle; a state document cannot order them");
    out.push(next);
    placed.add(next.name);
  }
  return out;
}

/** The tables a state document carries, parents first. */
export async function exportedTables(db: Db | Tx): Promise<TableInfo[]> {
  const tables = (await describeTables(db)).filter((t) => !(t.name in UNEXPORTED_TABLES));
  for (const t of tables) {
    const other = t.columns.find((c) => c.type === 'other');
    if (other) throw new Error(`state documents hold text and integers; ${t.name}.${other.name} is neither`);
  }
  return tables;
}

// ---- export ----------------------------------------------------------------------------------

/** Code-unit order: what JavaScript compares, the same whatever a database's collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareValues(a: StateValue, b: StateValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareText(a, b);
}

function compareRows(a: StateValue[], b: StateValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Every exported table, read in one transaction (one snapshot), as a document. */
export async function exportState(store: Store): Promise<StateDocument> {
  const read = async (tx: Tx): Promise<StateDocument> => {
    const doc = emptyDocument(await exportedTables(tx));
    for (const t of await exportedTables(tx)) doc.Tables[t.name]!.Rows = await readRows(tx, t);
    return doc;
  };
  // PostgreSQL: one snapshot for every table (READ COMMITTED would take one per statement).
  if (store.dialect === 'postgres') return store.db.transaction().setIsolationLevel('repeatable read').execute(read);
  return store.transaction(read);
}

/** A document of `tables` without rows; its tables are sorted by name. */
function emptyDocument(tables: TableInfo[]): StateDocument {
  const sorted = [...tables].sort((a, b) => compareText(a.name, b.name));
  const Tables = Object.fromEntries(sorted.map((t) => [t.name, { Columns: t.columns.map((c) => c.name), Rows: [] as StateValue[][] }]));
  return { Format: STATE_FORMAT, FormatVersion: STATE_FORMAT_VERSION, Schema: SCHEMA_VERSION, Tables };
}

/** The rows of `t` (those `where` keeps), as sorted value arrays. */
async function readRows(tx: Tx, t: TableInfo, where: Record<string, string> = {}): Promise<StateValue[][]> {
  let q = anyTable(tx)
    .selectFrom(t.name)
    .select(t.columns.map((c) => c.name));
  for (const [column, value] of Object.entries(where)) q = q.where(column, '=', value);
  const rows: Record<string, unknown>[] = await q.execute();
  return rows.map((r) => t.columns.map((c) => normalise(r[c.name], c))).sort(compareRows);
}

/** A value as the document holds it: integers as numbers (SQLite may hand out bigint), text as is. */
function normalise(v: unknown, c: ColumnInfo): StateValue {
  if (v === null || v === undefined) return null;
  if (c.type === 'integer') return Number(v);
  return String(v);
}

// ---- checking a document ---------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks that `doc` is a state document of this schema whose every table, column and value fits
 * the database, so that an import fails only on relational constraints (checked by the database).
 */
export async function checkStateDocument(db: Db | Tx, doc: unknown): Promise<StateDocument> {
  const refuse = (message: string) => new StateDocumentError('document', message);
  if (!isObject(doc)) throw refuse('it must be a JSON object');
  if (doc.Format !== STATE_FORMAT) throw refuse(`Format must be "${STATE_FORMAT}" (the body of GET /_openeas/state)`);
  if (doc.FormatVersion !== STATE_FORMAT_VERSION) {
    throw refuse(`FormatVersion must be ${STATE_FORMAT_VERSION}, got ${JSON.stringify(doc.FormatVersion)}`);
  }
  if (doc.Schema !== SCHEMA_VERSION) {
    throw new StateDocumentError(
      'schema',
      `the document has schema ${JSON.stringify(doc.Schema)}, this openeas has ${SCHEMA_VERSION}; ` +
        'import it into the openeas version that exported it',
    );
  }
  if (!isObject(doc.Tables)) throw refuse('Tables must be an object of tables by name');
  const tables = await exportedTables(db);
  const expected = new Set(tables.map((t) => t.name));
  const unknown = Object.keys(doc.Tables).filter((name) => !expected.has(name));
  if (unknown.length > 0) throw refuse(`unknown tables: ${unknown.join(', ')}`);
  const missing = [...expected].filter((name) => !(name in (doc.Tables as object)));
  if (missing.length > 0) throw refuse(`missing tables: ${missing.join(', ')}`);
  for (const t of tables) checkTable(t, (doc.Tables as Record<string, unknown>)[t.name], refuse);
  return doc as unknown as StateDocument;
}

function checkTable(t: TableInfo, table: unknown, refuse: (message: string) => StateDocumentError): void {
  if (!isObject(table)) throw refuse(`table ${t.name} must be an object with Columns and Rows`);
  const columns = t.columns.map((c) => c.name);
  if (!Array.isArray(table.Columns) || table.Columns.length !== columns.length || table.Columns.some((c, i) => c !== columns[i])) {
    throw refuse(`table ${t.name} must have the columns ${columns.join(', ')}, in that order`);
  }
  if (!Array.isArray(table.Rows)) throw refuse(`table ${t.name}: Rows must be an array`);
  table.Rows.forEach((row: unknown, r: number) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw refuse(`table ${t.name}, row ${r}: it must be an array of ${columns.length} values`);
    }
    t.columns.forEach((c, i) => {
      const v: unknown = row[i];
      const fits = v === null ? c.nullable : c.type === 'text' ? typeof v === 'string' : Number.isSafeInteger(v);
      if (!fits) {
        const want = `${c.type === 'text' ? 'a string' : 'an integer'}${c.nullable ? ' or null' : ''}`;
        throw refuse(`table ${t.name}, row ${r}, column ${c.name}: it must be ${want}, got ${JSON.stringify(v)}`);
      }
    });
  });
}

// ---- replacing the state ---------------------------------------------------------------------

/** Values per INSERT statement: below SQLite's oldest limit of 999 parameters. */
const VALUES_PER_INSERT = 900;

/**
 * Replaces every exported table's rows by the document's, in the caller's transaction: the
 * children are emptied before their parents, and the parents filled first. A document whose rows
 * break a constraint (a duplicate key, a foreign key pointing nowhere) is refused as a whole.
 */
export async function replaceState(tx: Tx, doc: StateDocument): Promise<void> {
  const tables = await exportedTables(tx);
  await lockForReplacement(tx);
  for (const t of [...tables].reverse()) await anyTable(tx).deleteFrom(t.name).execute();
  for (const t of tables) {
    const { Columns: columns, Rows: rows } = doc.Tables[t.name]!;
    const perInsert = Math.max(1, Math.floor(VALUES_PER_INSERT / columns.length));
    for (let i = 0; i < rows.length; i += perInsert) {
      const values = rows.slice(i, i + perInsert).map((row) => Object.fromEntries(columns.map((c, j) => [c, row[j]])));
      await asConstraintError(t.name, () => anyTable(tx).insertInto(t.name).values(values).execute());
    }
  }
  await moveCacheEpochs(tx);
}

/**
 * The state of a first start, in the caller's transaction: only the root account (the one the
 * setting `rootSetting` names), its root AccessKeys (as they are: same ids, same sealed secrets)
 * and the settings (the master key check, which account is root) stay; `clearedSettings` (the
 * clock offset) go too. Returns the root account's id.
 */
export async function resetState(tx: Tx, rootSetting: string, clearedSettings: readonly string[]): Promise<string> {
  await lockForReplacement(tx);
  const tables = await exportedTables(tx);
  const doc = emptyDocument(tables);
  const table = (name: string) => tables.find((t) => t.name === name)!;
  const root = await tx.selectFrom('settings').select('value').where('key', '=', rootSetting).executeTakeFirstOrThrow();
  const rootAccountId = root.value;
  doc.Tables.accounts!.Rows = await readRows(tx, table('accounts'), { id: rootAccountId });
  doc.Tables.access_keys!.Rows = await readRows(tx, table('access_keys'), { account_id: rootAccountId, owner_type: 'root' });
  const key = table('settings').columns.findIndex((c) => c.name === 'key');
  doc.Tables.settings!.Rows = (await readRows(tx, table('settings'))).filter((row) => !clearedSettings.includes(row[key] as string));
  await replaceState(tx, doc);
  return rootAccountId;
}

/**
 * Deletes everything of one account except the account itself and its root AccessKeys (so its
 * credentials keep working), children before parents.
 */
export async function resetAccount(tx: Tx, accountId: string): Promise<void> {
  await lockForReplacement(tx);
  for (const t of [...(await exportedTables(tx))].reverse()) {
    if (t.name === 'accounts' || !t.columns.some((c) => c.name === 'account_id')) continue;
    let q = anyTable(tx).deleteFrom(t.name).where('account_id', '=', accountId);
    if (t.name === 'access_keys') q = q.where('owner_type', '<>', 'root');
    await q.execute();
  }
  await moveCacheEpochs(tx);
}

/**
 * PostgreSQL: nobody else reads or writes the tables until the replacement commits (requests
 * already running finish first). SQLite's single writer already serialises it.
 */
async function lockForReplacement(tx: Tx): Promise<void> {
  if (!isPostgres(tx)) return;
  const names = (await exportedTables(tx)).map((t) => sql.id(t.name));
  await sql`lock table ${sql.join(names)} in access exclusive mode`.execute(tx);
}

/**
 * Compiled policies are cached per account under its policy epoch (ram/authorizer.ts), in every
 * server process sharing the database. Moving every account's epoch past the highest value any
 * account ever had makes each of those caches reload, also for accounts that are gone and come
 * back with the same id; rows of accounts that are gone stay for that reason.
 */
async function moveCacheEpochs(tx: Tx): Promise<void> {
  const top = await tx
    .selectFrom('ram_epochs')
    .select((eb) => eb.fn.max('epoch').as('top'))
    .executeTakeFirst();
  const next = Number(top?.top ?? 0) + 1;
  await tx.updateTable('ram_epochs').set({ epoch: next }).execute();
  await tx
    .insertInto('ram_epochs')
    .columns(['account_id', 'epoch'])
    .expression((eb) =>
      eb
        .selectFrom('accounts')
        .select(['id', sql<number>`cast(${next} as bigint)`.as('epoch')])
        .where('id', 'not in', eb.selectFrom('ram_epochs').select('account_id')),
    )
    .execute();
}

/** A database constraint broken by the document's rows, as a refusal naming the table. */
async function asConstraintError<T>(table: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CONSTRAINT') || /^23\d{3}$/.test(code)) {
      throw new StateDocumentError('constraint', `table ${table}: ${(e as Error).message}`);
    }
    throw e;
  }
}
