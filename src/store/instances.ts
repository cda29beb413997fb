// The one way to change machine rows. Every update bumps `version`, which is what a cached
// rendering of a machine (eas/instance-views.ts) is checked against; an update that forgot the
// bump would let lists show stale machines, so nothing else may write `updateTable('instances')`
// (test/unit/store.test.ts holds the code to that).
import { sql, type UpdateObject } from 'kysely';
import { isPostgres, type Db, type Tx } from './database.ts';
import type { Schema } from './schema.ts';
import { pushTo } from '../collections.ts';
import { forIdChunks, inIds } from './id-lists.ts';

export function updateInstances(db: Db | Tx, values: UpdateObject<Schema, 'instances'>) {
  return db
    .updateTable('instances')
    .set(values)
    .set((eb) => ({ version: eb('version', '+', 1) }));
}

/**
 * Sets each machine's own expiry (renewals: every machine keeps its own day of the month).
 * PostgreSQL takes them all in one statement (id and expiry arrays, unnested); SQLite, one
 * statement per distinct expiry — machines bought together share one.
 */
export async function setExpiries(db: Db | Tx, expiries: ReadonlyArray<{ id: string; expiredAt: number }>, now: number): Promise<void> {
  if (expiries.length === 0) return;
  if (isPostgres(db)) {
    await sql`update instances set expired_at = v.expired_at, updated_at = ${now}, version = version + 1
      from (select unnest(${expiries.map((e) => e.id)}::text[]) as id,
                   unnest(${expiries.map((e) => e.expiredAt)}::bigint[]) as expired_at) v
      where instances.id = v.id`.execute(db);
    return;
  }
  const byExpiry = new Map<number, string[]>();
  for (const e of expiries) pushTo(byExpiry, e.expiredAt, e.id);
  for (const [expiredAt, ids] of byExpiry) {
    await forIdChunks(db, ids, (c) =>
      updateInstances(db, { expired_at: expiredAt, updated_at: now })
        .where(inIds(db, 'id', c))
        .execute(),
    );
  }
}
