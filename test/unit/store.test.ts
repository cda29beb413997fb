// The store layer's own promises: prepared queries bind fresh values into a once-compiled
// statement, every machine update bumps the row version that cached renderings trust, and a
// second process waiting for SQLite's write lock waits instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exclusiveStatements, openStore, sqliteText } from '../../src/store/database.ts';
import { insertRows, prepare, prepareLocked } from '../../src/store/prepared.ts';
import { forIdChunks, forRowChunks, inIds, valuesOf } from '../../src/store/id-lists.ts';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Schema } from '../../src/store/schema.ts';
import pg from 'pg';
import Database from 'better-sqlite3';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/store/migrations.ts';
import { emptyDatabase, ENGINES } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';

const lockedSetting = prepareLocked<{ key: string }, { value: string }>((db, p) =>
  db.selectFrom('settings').select('value').where('key', '=', p.key),
);
const settingByKey = prepare<{ key: string }, { value: string }>((db, p) =>
  db.selectFrom('settings').select('value').where('key', '=', p.key),
);

test('a prepared query binds new values on every call and refuses a missing one', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    await insertRows(store.db, 'settings', [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    await insertRows(store.db, 'settings', [{ key: 'c', value: '3' }]);
    assert.equal((await settingByKey.first(store.db, { key: 'b' }))?.value, '2');
    assert.equal((await settingByKey.first(store.db, { key: 'c' }))?.value, '3');
    assert.equal(await settingByKey.first(store.db, { key: 'zzz' }), undefined);
    await assert.rejects(settingByKey.first(store.db, {} as { key: string }), /no value for key/);
  } finally {
    await store.close();
  }
});

test('prepared reads give the rows Kysely gives, whatever the column names, and leave the shared statement as it was', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  type Build = (db: typeof store.db, p: { key: string }) => SelectQueryBuilder<Schema, 'settings', Record<string, unknown>>;
  const awkward: Build = (db, p) =>
    db
      .selectFrom('settings')
      .select([
        'key',
        'value',
        sql<string>`'x'`.as('constructor'),
        sql<string>`key`.as('with "quotes" and \\ backslash'),
        sql<null>`null`.as('nothing'),
        sql<number>`42`.as('0'),
        sql<string>`'later'`.as('value'), // a repeated name: the later column wins, as in better-sqlite3's own objects
      ])
      .where('key', '>=', p.key)
      .orderBy('key');
  // A literal would set the prototype for this name: its rows are built property by property.
  const proto: Build = (db, p) =>
    db
      .selectFrom('settings')
      .select(['key', sql<string>`value`.as('__proto__')])
      .where('key', '>=', p.key)
      .orderBy('key');
  const all: Build = (db, p) => db.selectFrom('settings').selectAll().where('key', '>=', p.key).orderBy('key');
  try {
    await insertRows(store.db, 'settings', [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    for (const build of [awkward, proto, all]) {
      const prepared = await prepare<{ key: string }, Record<string, unknown>>(build).rows(store.db, { key: 'a' });
      // Kysely's own path runs the same statement (one statement cache): it must still give objects.
      const viaKysely = await build(store.db, { key: 'a' }).execute();
      assert.equal(prepared.length, 2);
      assert.deepEqual(prepared, viaKysely);
      for (const r of prepared) assert.equal(Object.getPrototypeOf(r), Object.prototype);
    }
    const [first] = await prepare<{ key: string }, Record<string, unknown>>(awkward).rows(store.db, { key: 'a' });
    assert.deepEqual(Object.keys(first!), ['0', 'key', 'value', 'constructor', 'with "quotes" and \\ backslash', 'nothing']);
    assert.equal(first!.value, 'later');
    assert.equal(first!['with "quotes" and \\ backslash'], 'a');
    assert.equal(first!['0'], 42);
    assert.equal(first!.nothing, null);
  } finally {
    await store.close();
  }
});

test('a prepared read follows a table whose columns changed under it (another process migrated it)', async () => {
  const dataDir = tempDataDir();
  const store = await openStore({ dataDir });
  const other = new Database(path.join(dataDir, 'openeas.db'));
  const read = prepare<{ key: string }, Record<string, unknown>>((db, p) => db.selectFrom('settings').selectAll().where('key', '=', p.key));
  try {
    await insertRows(store.db, 'settings', [{ key: 'a', value: '1' }]);
    assert.deepEqual(await read.rows(store.db, { key: 'a' }), [{ key: 'a', value: '1' }]);
    other.exec(`alter table settings add column note text not null default 'n'`);
    assert.deepEqual(await read.rows(store.db, { key: 'a' }), [{ key: 'a', value: '1', note: 'n' }]);
  } finally {
    other.close();
    await store.close();
  }
});

test('every update of a machine row goes through updateInstances (which bumps its version)', () => {
  const src = path.resolve(import.meta.dirname, '../../src');
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('store', 'instances.ts'))) {
        if (/updateTable\(\s*['"]instances['"]/.test(fs.readFileSync(file, 'utf8'))) offenders.push(path.relative(src, file));
      }
    }
  };
  walk(src);
  assert.deepEqual(offenders, [], 'these files update instances without bumping the version');
});

test('SQLite: a process that finds the write lock taken waits for it instead of failing', async () => {
  const dataDir = tempDataDir();
  const first = await openStore({ dataDir });
  const second = await openStore({ dataDir }).catch(async (e) => {
    await first.close();
    throw e;
  });
  try {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = first.transaction(async (tx) => {
      await tx.insertInto('settings').values({ key: 'held', value: '1' }).execute();
      entered();
      await held;
    });
    await inside;
    // Both a single write and a transaction queue behind the holder.
    const write = second.db.insertInto('settings').values({ key: 'single', value: '2' }).execute();
    const tx = second.transaction((t) => t.insertInto('settings').values({ key: 'tx', value: '3' }).execute());
    setTimeout(release, 150);
    await Promise.all([holder, write, tx]);
    const keys = (await second.db.selectFrom('settings').select('key').where('key', 'in', ['held', 'single', 'tx']).execute())
      .map((r) => r.key)
      .sort();
    assert.deepEqual(keys, ['held', 'single', 'tx']);
  } finally {
    await second.close();
    await first.close();
  }
});

test('transactions that share a commit stay separate: one that fails is undone alone', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    // Started together, these run in one group commit on SQLite (each in its own savepoint).
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx
            .insertInto('settings')
            .values({ key: `member-${i}`, value: String(i) })
            .execute();
          if (i === 4) throw new Error('member 4 changed its mind');
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    assert.match(String((results[4] as PromiseRejectedResult).reason), /changed its mind/);
    assert.deepEqual(
      results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value),
      [0, 1, 2, 3, 5, 6, 7, 8, 9],
    );
    const keys = (await store.db.selectFrom('settings').select('key').where('key', 'like', 'member-%').execute()).map((r) => r.key).sort();
    assert.deepEqual(keys, ['member-0', 'member-1', 'member-2', 'member-3', 'member-5', 'member-6', 'member-7', 'member-8', 'member-9']);
    // A single write shares the same path and is durable when it resolves.
    await store.write((db) => db.insertInto('settings').values({ key: 'write', value: 'w' }).execute());
    assert.equal((await store.db.selectFrom('settings').select('value').where('key', '=', 'write').executeTakeFirst())?.value, 'w');
  } finally {
    await store.close();
  }
});

/**
 * Members started together (one SQLite group commit) that count their runs and insert a row each;
 * `failing` throws after its insert (`afterWrite`) or before it.
 */
async function groupOfMembers(
  store: Awaited<ReturnType<typeof openStore>>,
  count: number,
  opts: { failing?: number; afterWrite?: boolean; rerunnable?: (i: number) => boolean; prefix?: string },
): Promise<{ statuses: string[]; runs: number[]; keys: string[] }> {
  const prefix = opts.prefix ?? 'm';
  const runs = Array.from({ length: count }, () => 0);
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      store.transaction(
        async (tx) => {
          runs[i]!++;
          if (i === opts.failing && !opts.afterWrite) throw new Error(`member ${i} refused`);
          await tx
            .insertInto('settings')
            .values({ key: `${prefix}-${i}`, value: String(runs[i]) })
            .execute();
          if (i === opts.failing) throw new Error(`member ${i} changed its mind`);
          return i;
        },
        { rerunnable: opts.rerunnable?.(i) ?? true },
      ),
    ),
  );
  const rows = await store.db.selectFrom('settings').select('key').where('key', 'like', `${prefix}-%`).execute();
  return { statuses: results.map((r) => r.status), runs, keys: rows.map((r) => r.key).sort() };
}

test('SQLite: rerunnable members share a commit without savepoints; one that fails after writing is undone and the rest run again', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    const first = await groupOfMembers(store, 8, { failing: 3, afterWrite: true, prefix: 'a' });
    assert.deepEqual(first.statuses, [
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    assert.deepEqual(first.keys, ['a-0', 'a-1', 'a-2', 'a-4', 'a-5', 'a-6', 'a-7']);
    // The transaction was started again without member 3: the members before it ran twice, the
    // ones after it once (in savepoints), member 3 once.
    assert.deepEqual(first.runs, [2, 2, 2, 1, 1, 1, 1, 1]);
    // For a while after, every member gets a savepoint: a failure is undone alone, nothing runs twice.
    const next = await groupOfMembers(store, 5, { failing: 2, afterWrite: true, prefix: 'b' });
    assert.deepEqual(next.keys, ['b-0', 'b-1', 'b-3', 'b-4']);
    assert.deepEqual(next.runs, [1, 1, 1, 1, 1]);
  } finally {
    await store.close();
  }
});

test('SQLite: a rerunnable member refused before it wrote is rejected alone, and nothing runs twice', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    const group = await groupOfMembers(store, 6, { failing: 2, afterWrite: false });
    assert.deepEqual(group.statuses, ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.deepEqual(group.keys, ['m-0', 'm-1', 'm-3', 'm-4', 'm-5']);
    assert.deepEqual(group.runs, [1, 1, 1, 1, 1, 1]);
  } finally {
    await store.close();
  }
});

test('SQLite: a member that may not run again never does: the members after it get savepoints', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    // Member 2 is not rerunnable; member 4 fails after writing: undone alone, and 0–3 run once.
    const group = await groupOfMembers(store, 6, { failing: 4, afterWrite: true, rerunnable: (i) => i !== 2 });
    assert.deepEqual(group.statuses, ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(group.keys, ['m-0', 'm-1', 'm-2', 'm-3', 'm-5']);
    assert.deepEqual(group.runs, [1, 1, 1, 1, 1, 1]);
  } finally {
    await store.close();
  }
});

test('SQLite: a long line of transactions lets the event loop in between commits (a flood never holds everyone else)', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    // 30 transactions of ~3 ms of work each, all waiting at once: one group would run them back
    // to back (~90 ms) without the event loop reading a socket.
    let committed = 0;
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const line = Array.from({ length: 30 }, (_, i) =>
      store
        .transaction(async (tx) => {
          busy(3);
          await tx
            .insertInto('settings')
            .values({ key: `k${i}`, value: '1' })
            .execute();
        })
        .then(() => committed++),
    );
    const seenAt = await new Promise<number>((resolve) => setTimeout(() => resolve(committed), 1));
    await Promise.all(line);
    assert.equal(committed, 30);
    assert.ok(seenAt < 30, `a timer ran before the last commit (it saw ${seenAt} of 30 done)`);
  } finally {
    await store.close();
  }
});

test('a prepared read never sees another transaction half-done: it waits while the connection is held', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let committed = false;
    const writer = store
      .transaction(async (tx) => {
        await tx.insertInto('settings').values({ key: 'half', value: '1' }).execute();
        entered();
        await held;
      })
      .then(() => (committed = true));
    await inside;
    const read = settingByKey.first(store.db, { key: 'half' }).then((row) => ({ row, committed }));
    setTimeout(release, 50);
    const seen = await read;
    await writer;
    assert.equal(seen.committed, true, 'the read ran only after the writer committed');
    assert.equal(seen.row?.value, '1');
    // With the connection idle again, reads run at once.
    assert.equal((await settingByKey.first(store.db, { key: 'half' }))?.value, '1');
  } finally {
    await store.close();
  }
});

test('internal row ids are version-7 UUIDs that sort by creation time', async () => {
  const { newSortableId } = await import('../../src/ids.ts');
  const ids = [newSortableId(1_700_000_000_000), newSortableId(1_700_000_000_001), newSortableId(1_800_000_000_000)];
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.notEqual(newSortableId(1), newSortableId(1), 'random below the millisecond');
  // The first 48 bits are the milliseconds, big-endian (RFC 9562), at both ends of the range.
  for (const ms of [0, 1, 0xffff_ffff, 0x1_0000_0000, 1_767_225_600_123, 2 ** 48 - 1]) {
    const hex = ms.toString(16).padStart(12, '0');
    assert.equal(newSortableId(ms).replace(/-/g, '').slice(0, 12), hex);
    assert.equal(newSortableId(ms, true).replace(/-/g, '').slice(0, 12), hex.toUpperCase());
  }
  assert.match(newSortableId(5, true), /^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
});

test('machine ids keep the documented format and sort by creation time', async () => {
  const { newInstanceId } = await import('../../src/ids.ts');
  const ids = [newInstanceId(1_700_000_000_000), newInstanceId(1_700_000_000_001), newInstanceId(1_900_000_000_000)];
  for (const id of ids) assert.match(id, /^eas-i-[a-z0-9]{18}$/);
  assert.deepEqual([...ids].sort(), ids);
  const sameInstant = new Set(Array.from({ length: 1000 }, () => newInstanceId(1_700_000_000_000)));
  assert.equal(sameInstant.size, 1000, 'nine random characters tell apart machines created together');
});

for (const engine of ENGINES) {
  test(`bulk writes and id lists behave alike on each engine [${engine.name}]`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      const rows = Array.from({ length: 1200 }, (_, i) => ({ key: `bulk-${String(i).padStart(4, '0')}`, value: String(i) }));
      await insertRows(store.db, 'settings', rows.slice(0, 700));
      // Conflicting rows are skipped and not returned (settlement relies on this to charge once).
      const inserted = await insertRows(store.db, 'settings', rows, { ignoreConflicts: true, returning: 'key' });
      assert.deepEqual(
        inserted.map((r) => r.key).sort(),
        rows.slice(700).map((r) => r.key),
      );
      const ids = rows.filter((_, i) => i % 2 === 0).map((r) => r.key); // 600: two chunks on SQLite
      const found: string[] = [];
      await forIdChunks(store.db, ids, async (c) => {
        found.push(
          ...(
            await store.db
              .selectFrom('settings')
              .select('key')
              .where(inIds(store.db, 'key', c))
              .execute()
          ).map((r) => r.key),
        );
      });
      assert.deepEqual(found.sort(), ids);
      // A locked read runs on both engines (FOR UPDATE only where rows can be locked).
      const one = await store.transaction((tx) => lockedSetting.first(tx, { key: 'bulk-0042' }));
      assert.equal(one?.value, '42');
    } finally {
      await store.close();
    }
  });
}

for (const engine of ENGINES) {
  test(`placed instances have no entry in the index of waiting ones, which placement reads [${engine.name}]`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      // Every CreateService places its instances at once: an entry per placed instance, keyed by
      // its machine, would be a scattered page written per instance for an index nobody reads so.
      const definition =
        engine.name === 'sqlite'
          ? (await sql<{ d: string }>`select sql as d from sqlite_master where name = 'service_instances_pending'`.execute(store.db))
              .rows[0]?.d
          : (
              await sql<{
                d: string;
              }>`select indexdef as d from pg_indexes where indexname = 'service_instances_pending' and schemaname = current_schema()`.execute(
                store.db,
              )
            ).rows[0]?.d;
      assert.match(definition ?? '', /where\s*\(?\s*"?machine_id"?\s+is\s+null/i);
      if (engine.name === 'sqlite') {
        const plan = await sql<{ detail: string }>`explain query plan select * from service_instances
          where resource_id = ${'eas-r-x'} and machine_id is null order by created_at, id`.execute(store.db);
        assert.match(plan.rows.map((r) => r.detail).join('; '), /USING INDEX service_instances_pending/);
        assert.doesNotMatch(plan.rows.map((r) => r.detail).join('; '), /TEMP B-TREE/);
      }
    } finally {
      await store.close();
    }
  });
}

test('SQLite: an update from a row list reads the list first and finds each row by its key (never scans the table for the list)', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    // json_each gives the planner no row count: a plan driven by the table (here: every waiting
    // instance, through the index on machine_id) would cost the table's size per statement.
    const update = sql`explain query plan with p(id, machine) as materialized (${valuesOf(store.db, ['text', 'text'], [['a', 'm']])})
      update service_instances set machine_id = p.machine from p where service_instances.id = p.id and service_instances.machine_id is null`;
    const plan = (await update.execute(store.db)).rows.map((r) => (r as { detail: string }).detail);
    assert.ok(
      plan.some((d) => /^SCAN p$/.test(d)),
      plan.join('; '),
    );
    assert.ok(
      plan.some((d) => /^SEARCH service_instances USING INDEX sqlite_autoindex_service_instances_1 \(id=\?\)$/.test(d)),
      plan.join('; '),
    );
  } finally {
    await store.close();
  }
});

test('SQLite: savepoint journals and temporary b-trees stay in memory (no temporary files in a commit)', async () => {
  // A group-commit member in a savepoint: its journal spilled to a temporary file past 64 KiB
  // (a placement of 100 instances): that cost about a fifth of a create's server CPU (bench/cpu-ab.ts).
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    const { rows } = await sql<{ temp_store: number }>`pragma temp_store`.execute(store.db);
    assert.equal(rows[0]?.temp_store, 2);
  } finally {
    await store.close();
  }
});

const pgEngine = ENGINES.find((e) => e.name === 'postgres');
test('PostgreSQL: two transactions that deadlock both complete (the one PostgreSQL aborts runs again)', {
  skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
}, async () => {
  const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await pgEngine!.freshDatabaseUrl() });
  try {
    await insertRows(store.db, 'settings', [
      { key: 'a', value: '0' },
      { key: 'b', value: '0' },
    ]);
    const bump = (tx: Parameters<Parameters<typeof store.transaction>[0]>[0], key: string) =>
      tx
        .updateTable('settings')
        .set({ value: String(Date.now()) })
        .where('key', '=', key)
        .execute();
    // Each takes one row, waits until the other holds its row, then asks for the other's: a deadlock.
    let attempts = 0;
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    };
    const holding = [signal(), signal()];
    const crossing = (first: string, second: string, mine: number) =>
      store.transaction(async (tx) => {
        attempts += 1;
        await bump(tx, first);
        holding[mine]!.resolve();
        await holding[1 - mine]!.promise;
        await bump(tx, second);
      });
    await Promise.all([crossing('a', 'b', 0), crossing('b', 'a', 1)]);
    assert.ok(attempts >= 3, 'one of the two ran again');
  } finally {
    await store.close();
  }
});

test('PostgreSQL: a statement sent again is parsed and planned once per connection (named), unless turned off', {
  skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
}, async () => {
  // PostgreSQL parsed and planned every unnamed statement each time: most of its CPU under creates.
  const settingOf = prepare<{ key: string }, { value: string }>((db, p) =>
    db.selectFrom('settings').select('value').where('key', '=', p.key),
  );
  const prepared = async (namedStatements: boolean) => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await pgEngine!.freshDatabaseUrl(), namedStatements });
    try {
      await insertRows(store.db, 'settings', [{ key: 'k', value: 'v' }]);
      // One transaction: one connection, whose prepared statements pg_prepared_statements lists.
      return await store.transaction(async (tx) => {
        for (let i = 0; i < 3; i++) assert.equal((await settingOf.first(tx, { key: 'k' }))?.value, 'v');
        const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx);
        return rows.map((r) => r.statement);
      });
    } finally {
      await store.close();
    }
  };
  const on = await prepared(true);
  assert.ok(
    on.some((s) => s.includes('from "settings"')),
    `the repeated read is a prepared statement of the connection: ${JSON.stringify(on)}`,
  );
  assert.deepEqual(await prepared(false), [], 'OPENEAS_PG_NAMED_STATEMENTS=false: nothing prepared');
});

test('PostgreSQL: named statements outlive a schema change under them (a newer server migrating during a rolling upgrade)', {
  skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
}, async () => {
  const url = await pgEngine!.freshDatabaseUrl();
  const store = await openStore({ dataDir: tempDataDir(), databaseUrl: url });
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  try {
    await insertRows(store.db, 'settings', [{ key: 'k', value: 'v' }]);
    const everything = prepare<{ key: string }, { value: string }>((db, p) =>
      db.selectFrom('settings').selectAll().where('key', '=', p.key),
    );
    const read = async () => (await everything.first(store.db, { key: 'k' }))?.value;
    const readInTransaction = () => store.transaction(async (tx) => (await everything.first(tx, { key: 'k' }))?.value);
    for (let i = 0; i < 3; i++) assert.equal(await read(), 'v'); // named and prepared on the pool's connection
    for (let i = 0; i < 3; i++) assert.equal(await readInTransaction(), 'v');
    // Another server adds a column: `select *` of the prepared statements no longer has their result type.
    await other.query('alter table settings add column extra text');
    assert.equal(await read(), 'v');
    await other.query('alter table settings drop column extra');
    assert.equal(await readInTransaction(), 'v', 'the aborted transaction ran again');
    assert.equal(await read(), 'v');
  } finally {
    await other.end();
    await store.close();
  }
});

test("SQLite: the WAL is copied back into the database by a worker thread, not inside the server's commits", async () => {
  const dataDir = tempDataDir();
  const file = path.join(dataDir, 'openeas.db');
  const store = await openStore({ dataDir });
  try {
    const before = fs.statSync(file).size;
    // ~8 MB of writes: far below the server connection's own checkpoint (256 MB), so only a
    // background checkpoint grows the database file.
    const value = 'x'.repeat(4000);
    for (let batch = 0; batch < 20; batch++) {
      await insertRows(
        store.db,
        'settings',
        Array.from({ length: 100 }, (_, i) => ({ key: `k${batch}-${i}`, value })),
      );
    }
    const deadline = Date.now() + 20_000;
    while (fs.statSync(file).size < before + 4_000_000) {
      assert.ok(Date.now() < deadline, 'the database file never grew: nothing checkpointed the WAL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The server reads its writes whatever the checkpoint's progress.
    assert.equal((await settingByKey.first(store.db, { key: 'k19-99' }))?.value, value);
  } finally {
    await store.close();
  }
  assert.equal(fs.existsSync(`${file}-wal`), false, 'closing leaves no WAL behind');
  const reopened = await openStore({ dataDir });
  try {
    assert.equal((await settingByKey.first(reopened.db, { key: 'k0-0' }))?.value.length, 4000);
  } finally {
    await reopened.close();
  }
});

test('SQLite: the WAL file is trimmed back to OPENEAS_SQLITE_WAL_LIMIT_MB when it starts again (256 MB unless set)', async () => {
  const defaults = await openStore({ dataDir: tempDataDir() });
  try {
    const { rows } = await sql<{ journal_size_limit: number }>`pragma journal_size_limit`.execute(defaults.db);
    assert.equal(rows[0]?.journal_size_limit, 256 * 1024 * 1024, 'kept whole up to the backstop: rewritten in place, not extended');
  } finally {
    await defaults.close();
  }
  const dataDir = tempDataDir();
  const wal = path.join(dataDir, 'openeas.db-wal');
  const store = await openStore({ dataDir, walLimitMb: 1 });
  try {
    const value = 'x'.repeat(4000);
    const write = (batch: number) =>
      insertRows(
        store.db,
        'settings',
        Array.from({ length: 100 }, (_, i) => ({ key: `k${batch}-${i}`, value })),
      );
    for (let batch = 0; batch < 10; batch++) await write(batch); // ~4 MB of WAL
    assert.ok(fs.statSync(wal).size > 2 * 1024 * 1024);
    // Once the worker has copied everything back, the next write starts the WAL again and trims it.
    const deadline = Date.now() + 20_000;
    for (let batch = 10; fs.statSync(wal).size > 1024 * 1024 + 64 * 1024; batch++) {
      assert.ok(Date.now() < deadline, `the WAL stayed at ${fs.statSync(wal).size} bytes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await insertRows(store.db, 'settings', [{ key: `again-${batch}`, value: 'y' }]);
    }
  } finally {
    await store.close();
  }
});

for (const engine of ENGINES) {
  test(`set-based updates from rows change each row by its own values, across chunks [${engine.name}]`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      // 6,000 settings (more than one SQLite chunk), each set to its own value in one call; values
      // that look like numbers stay text, numbers stay integers.
      const keys = Array.from({ length: 6000 }, (_, i) => `k${i}`);
      await insertRows(
        store.db,
        'settings',
        keys.map((key) => ({ key, value: 'old' })),
      );
      const rows = keys.map((key, i) => [key, i % 2 ? `v${i * 7}` : `${i * 7}`, i] as const);
      await store.transaction((tx) =>
        forRowChunks(tx, rows, (chunk) =>
          sql`with d(key, value, n) as materialized (${valuesOf(tx, ['text', 'text', 'integer'], chunk)})
            update settings set value = d.value || '-' || cast(d.n + 1 as text) from d where settings.key = d.key`.execute(tx),
        ),
      );
      const got = await store.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'k%').execute();
      assert.equal(got.length, 6000);
      for (const r of got) {
        const i = Number(r.key.slice(1));
        assert.equal(r.value, `${i % 2 ? 'v' : ''}${i * 7}-${i + 1}`);
      }
    } finally {
      await store.close();
    }
  });
}

test('PostgreSQL: migrations read only their own schema, never the catalog of every schema in the database', {
  skip: !pgEngine && 'needs OPENEAS_TEST_DATABASE_URL',
}, async () => {
  // Kysely's Migrator, left to itself, asks whether its bookkeeping tables exist by reading every
  // column of every table of every schema: seconds on a database shared by a few hundred schemas,
  // and "schema … does not exist" when one of them is dropped meanwhile (seen in this suite).
  const statements: string[] = [];
  const db = await emptyDatabase(pgEngine!, (event) => {
    statements.push(event.query.sql);
  });
  try {
    await migrateToLatest(db, 'postgres');
    await migrateToLatest(db, 'postgres'); // a restart: everything already applied
    const applied = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(db);
    assert.equal(applied.rows[0]!.n, MIGRATION_NAMES.length);
    const wide = statements.filter((s) => /pg_attribute|pg_namespace/.test(s));
    assert.deepEqual(wide, [], 'no statement reads the whole catalog');
  } finally {
    await db.destroy();
  }
});

test('SQLite: a bound LIMIT or OFFSET reaches SQLite as an expression, so the statement is not compiled again on every run', async () => {
  // SQLite marks a statement whose LIMIT its planner read as expired each time that parameter is
  // bound again; `limit (? + 0)` keeps the compiled statement and means the same.
  assert.equal(sqliteText('select * from t where a = ? limit ? offset ?'), 'select * from t where a = ? limit (? + 0) offset (? + 0)');
  assert.equal(sqliteText('select "limit" from t'), 'select "limit" from t');
  const store = await openStore({ dataDir: '', ephemeral: true });
  try {
    await insertRows(
      store.db,
      'settings',
      ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key.toUpperCase() })),
    );
    const page = store.db.selectFrom('settings').select('key').where('key', 'in', ['a', 'b', 'c', 'd']).orderBy('key').limit(2).offset(1);
    assert.deepEqual(
      (await page.execute()).map((r) => r.key),
      ['b', 'c'],
    );
    const statement = exclusiveStatements(store.db)!.statements.prepare(page.compile().sql);
    assert.match(statement.source, /limit \(\? \+ 0\) offset \(\? \+ 0\)$/);
  } finally {
    await store.close();
  }
});
