// PostgreSQL keeps the old version of every updated or deleted row until VACUUM removes it, and
// every index keeps an entry for each version. A clock advance that runs a year of due work in a
// minute (a renewal rewrites the machine's row and replaces its job, each month) leaves several
// dead versions per live row long before autovacuum looks (it wakes once a minute, and a server
// may run with it off): each later statement then wades through them. Measured on a year's
// advance with 10,000 machines: a 5,000-row renewal update took 2.5 s on the bloated table and
// 1.4 s after a VACUUM; the whole advance cost the server 17% less CPU (docs/billing.md, Speed).
// SQLite rewrites rows in place and needs none of this.
import { sql } from 'kysely';
import { isPostgres, type Db } from './database.ts';

/**
 * Vacuums the tables of the current schema whose dead rows exceed autovacuum's own default trigger
 * (50 + 20% of the live rows), skipping any another session is vacuuming; returns their names.
 * Outside any transaction (VACUUM cannot run inside one). Changes no data. No ANALYZE: on a year's
 * advance it cost more than it saved (docs/billing.md, Speed).
 */
export async function vacuumChurnedTables(db: Db): Promise<string[]> {
  if (!isPostgres(db)) return [];
  const { rows } = await sql<{ relname: string }>`select relname from pg_stat_user_tables
    where schemaname = current_schema() and n_dead_tup > 50 + 0.2 * n_live_tup order by relname`.execute(db);
  if (rows.length === 0) return [];
  await sql`vacuum (skip_locked) ${sql.join(rows.map((r) => sql.table(r.relname)))}`.execute(db);
  return rows.map((r) => r.relname);
}

/**
 * Once, at the end of a long run of due work (not between its batches, see vacuumChurnedTables):
 * - vacuums, and analyzes, the tables of the current schema that gained more rows since their last
 *   VACUUM than autovacuum's own insert trigger (1,000 + 20% of the live rows). Insert-only tables
 *   (bill items and lines, metered intervals) never reach the dead-row trigger, and until a VACUUM
 *   marks their pages all-visible an index-only scan still reads the table for every entry:
 *   QueryInstanceBill's count of a month's 10,000 lines took 7.6 ms unvacuumed, 3.3 ms vacuumed.
 * - analyzes the other tables whose rows changed more than autovacuum's analyze trigger (50 + 10%
 *   of the live rows) since their last ANALYZE. Without statistics PostgreSQL plans a freshly
 *   filled table as if it held a row: after a year's advance with autovacuum off, a GetOrderDetail
 *   walked 65,000 bill items by the wrong key columns (54 ms; 0.9 ms analyzed).
 * (So many inserts are always past the analyze trigger too.) Skips tables another session is
 * working on. Changes no data; returns the tables it vacuumed or analyzed.
 */
export async function tidyAfterLongRun(db: Db): Promise<string[]> {
  if (!isPostgres(db)) return [];
  const { rows } = await sql<{ relname: string; vacuum: boolean }>`select relname,
      n_ins_since_vacuum > 1000 + 0.2 * n_live_tup as vacuum
    from pg_stat_user_tables where schemaname = current_schema()
      and (n_ins_since_vacuum > 1000 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup)
    order by relname`.execute(db);
  const toVacuum = rows.filter((r) => r.vacuum).map((r) => sql.table(r.relname));
  const toAnalyze = rows.filter((r) => !r.vacuum).map((r) => sql.table(r.relname));
  if (toVacuum.length > 0) await sql`vacuum (analyze, skip_locked) ${sql.join(toVacuum)}`.execute(db);
  if (toAnalyze.length > 0) await sql`analyze (skip_locked) ${sql.join(toAnalyze)}`.execute(db);
  return rows.map((r) => r.relname);
}
