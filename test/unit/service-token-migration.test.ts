// Migration 0016: services created before it get a generated access token (or the token their
// JSON set) and the group their JSON names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrateToLatest, migrations } from '../../src/store/migrations.ts';

test('0016 gives services made before it a token and their metadata.group', async () => {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0016'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    assert.equal(error, undefined);
    const row = (id: string, config: Record<string, unknown>) => ({
      id,
      account_id: '1',
      region: 'cn-hangzhou',
      name: id,
      resource_id: 'eas-r-x',
      status: 'Running',
      reason: 'RUNNING',
      message: '',
      config: JSON.stringify(config),
      instance_count: 1,
      cpu: 1,
      memory_mb: 1024,
      gpu: 0,
      running_count: 1,
      created_at: 0,
      updated_at: 0,
    });
    await db
      .insertInto('services')
      .values([row('plain', { metadata: {} }), row('own', { token: 'given-token', metadata: { group: 'grp' } })])
      .execute();
    await migrateToLatest(db, 'sqlite');
    const rows = await db.selectFrom('services').select(['id', 'access_token', 'service_group']).orderBy('id').execute();
    assert.deepEqual(rows[0], { id: 'own', access_token: 'given-token', service_group: 'grp' });
    assert.equal(rows[1].service_group, '');
    assert.match(rows[1].access_token, /^[A-Za-z0-9+/]{54}==$/);
  } finally {
    await db.destroy();
  }
});
