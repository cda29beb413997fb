// Every table is either in the state document or deliberately left out (store/state.ts): a table
// added by a migration, or named in the typed Schema, cannot be forgotten by export, import and reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openStore } from '../../src/store/database.ts';
import { describeTables, exportState, exportedTables, SCHEMA_VERSION, UNEXPORTED_TABLES } from '../../src/store/state.ts';
import { MIGRATION_NAMES } from '../../src/store/migrations.ts';
import { ENGINES } from '../support/engines.ts';

/** The table names of `interface Schema` in src/store/schema.ts. */
function typedTables(): string[] {
  const text = fs.readFileSync(new URL('../../src/store/schema.ts', import.meta.url), 'utf8');
  const body = /export interface Schema \{([^}]*)\}/.exec(text)?.[1];
  assert.ok(body, 'schema.ts declares interface Schema');
  return [...body.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]!);
}

for (const engine of ENGINES) {
  test(`every table is exported or left out on purpose [${engine.name}]`, async () => {
    const databaseUrl = await engine.freshDatabaseUrl();
    const store = await openStore({ dataDir: '', databaseUrl, ephemeral: databaseUrl === undefined });
    try {
      const all = (await describeTables(store.db)).map((t) => t.name);
      const exported = (await exportedTables(store.db)).map((t) => t.name);
      for (const name of [...all, ...typedTables()]) {
        assert.ok(exported.includes(name) || name in UNEXPORTED_TABLES, `table ${name} is neither exported nor in UNEXPORTED_TABLES`);
      }
      for (const name of Object.keys(UNEXPORTED_TABLES)) assert.ok(all.includes(name), `UNEXPORTED_TABLES names ${name}: no such table`);
      const doc = await exportState(store);
      assert.deepEqual(Object.keys(doc.Tables), [...exported].sort());
      assert.equal(doc.Schema, SCHEMA_VERSION);
      assert.equal(SCHEMA_VERSION, MIGRATION_NAMES.at(-1));
    } finally {
      await store.close();
    }
  });
}
