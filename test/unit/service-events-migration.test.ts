// Migration 0024_service_events_by_service rebuilds service_events keyed by (service_id, time, id)
// (WITHOUT ROWID on SQLite, no key on the id alone, no separate service index): the events written
// under the earlier schema must survive it with every column, on each engine, and reads by service
// must use the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.ts';
import { emptyDatabase, ENGINES } from '../support/engines.ts';

for (const engine of ENGINES) {
  test(`0024_service_events_by_service keeps every event [${engine.name}]`, async () => {
    const db = await emptyDatabase(engine);
    try {
      await migrateTo(db, engine.name, '0023_machine_pages_cover');
      const event = (id: string, service: string, time: number, more: object = {}) => ({
        id,
        service_id: service,
        account_id: '1000000000000001',
        type: 'Normal',
        reason: 'SCALING',
        message: `message of ${id}`,
        time,
        ...more,
      });
      const rows = [
        event('e3', 'eas-m-b', 20, { resource: 'Pod', instance_name: 'b-0123456789-abcde', version: 2 }),
        event('e1', 'eas-m-a', 10),
        event('e2', 'eas-m-a', 10, { type: 'Warning' }),
        event('e0', 'eas-m-a', 30),
      ];
      // One by one: rows of a multi-row insert would need the same columns (defaults left out here).
      for (const row of rows) await db.insertInto('service_events').values(row).execute();
      await migrateToLatest(db, engine.name);
      const after = await db.selectFrom('service_events').selectAll().orderBy('service_id').orderBy('time').orderBy('id').execute();
      const defaults = { resource: 'Service', instance_name: '', version: 1 };
      assert.deepEqual(
        after.map((r) => ({ ...r, time: Number(r.time) })),
        [rows[1], rows[2], rows[3], rows[0]].map((r) => ({ ...defaults, ...r })),
      );
      // One service's events, in time order, are one range of the key.
      if (engine.name === 'sqlite') {
        const table = await sql<{ sql: string }>`select sql from sqlite_master where name = 'service_events'`.execute(db);
        assert.match(table.rows[0]!.sql, /without rowid/i);
        const plan = await sql<{ detail: string }>`explain query plan select * from service_events
          where service_id = 'eas-m-a' and time >= 0 order by time, id`.execute(db);
        assert.deepEqual(
          plan.rows.map((r) => r.detail),
          ['SEARCH service_events USING PRIMARY KEY (service_id=? AND time>?)'],
        );
      } else {
        const key = await sql<{ def: string }>`select pg_get_indexdef(i.indexrelid) as def from pg_index i
          join pg_class c on c.oid = i.indrelid where c.relname = 'service_events' and c.relnamespace = current_schema()::regnamespace`.execute(
          db,
        );
        assert.deepEqual(
          key.rows.map((r) => r.def.replace(/^.* USING btree /, '')),
          ['(service_id, "time", id)'],
        );
      }
    } finally {
      await db.destroy();
    }
  });
}
