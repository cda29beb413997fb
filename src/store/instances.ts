// The one way to change machine rows. Every update bumps `version`, which is what a cached
// rendering of a machine (eas/instance-views.ts) is checked against; an update that forgot the
// bump would let lists show stale machines, so nothing else may write `updateTable('instances')`
// (test/unit/instance-versions.test.ts holds the code to that).
import type { UpdateObject } from 'kysely';
import type { Db, Tx } from './database.ts';
import type { Schema } from './schema.ts';

export function updateInstances(db: Db | Tx, values: UpdateObject<Schema, 'instances'>) {
  return db.updateTable('instances').set(values).set((eb) => ({ version: eb('version', '+', 1) }));
}
