// Migration 0017_audit_storage rebuilds audit_event_resources (keyed for ResourceName lookups, no
// key on the event id; WITHOUT ROWID on SQLite): the rows written under the earlier schema must
// survive it, on each engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.ts';
import { emptyDatabase, ENGINES } from '../support/engines.ts';

for (const engine of ENGINES) {
  test(`0017_audit_storage keeps the audit events' resource rows [${engine.name}]`, async () => {
    const db = await emptyDatabase(engine);
    try {
      await migrateTo(db, engine.name, '0016_service_access_token');
      await db.insertInto('accounts').values({ id: '1000000000000001', created_at: 1 }).execute();
      const event = {
        account_id: '1000000000000001',
        event_time: 1,
        event_name: 'CreateResourceInstances',
        service_name: 'Eas',
        event_rw: 'Write',
        acs_region: 'cn-hangzhou',
        is_global: 0,
        user_name: 'root',
        access_key_id: 'LTAI5tKey',
        source_ip: '127.0.0.1',
        error_code: '',
        event: '{}',
      };
      await db
        .insertInto('audit_events')
        .values([
          { ...event, event_id: 'A' },
          { ...event, event_id: 'B' },
        ])
        .execute();
      const rows = [
        { event_id: 'A', account_id: '1000000000000001', resource_type: 'ACS::EAS::Resource', resource_name: 'eas-r-1' },
        { event_id: 'A', account_id: '1000000000000001', resource_type: 'ACS::EAS::Instance', resource_name: 'eas-i-1' },
        { event_id: 'B', account_id: '1000000000000001', resource_type: 'ACS::EAS::Resource', resource_name: 'eas-r-1' },
      ];
      await db.insertInto('audit_event_resources').values(rows).execute();
      await migrateToLatest(db, engine.name);
      const after = await db
        .selectFrom('audit_event_resources')
        .select(['event_id', 'account_id', 'resource_type', 'resource_name'])
        .orderBy('event_id')
        .orderBy('resource_name')
        .execute();
      assert.deepEqual(after, [rows[1], rows[0], rows[2]]);
      if (engine.name === 'sqlite') {
        const table = await sql<{ sql: string }>`select sql from sqlite_master where name = 'audit_event_resources'`.execute(db);
        assert.match(table.rows[0]!.sql, /without rowid/i);
      }
    } finally {
      await db.destroy();
    }
  });
}
