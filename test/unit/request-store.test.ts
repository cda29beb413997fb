// PostgreSQL only: the store a request reads through (Store.forCall). Its reads are cancelled when
// the request's caller goes away, its connections forget the request when they go back to the
// pool (a later user of the same connection is never cancelled by it), and it runs statements and
// transactions as the server's own store does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.ts';
import { StatementCancelled } from '../../src/store/cancellation.ts';
import { ENGINES } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';

const postgres = ENGINES.find((e) => e.name === 'postgres');

async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await postgres!.freshDatabaseUrl() });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

/**
 * This file's sleeps carry a tag of their own: test files run at once, and another one's sleeping
 * reads (test/e2e/postgres-limits.test.ts counts `select pg_sleep…`) must not be counted here, nor
 * these there.
 */
const TAG = `request_store_${process.pid}_${Date.now().toString(36)}`;
const sleep = (db: Store['db'], seconds: number) => sql`select /* ${sql.raw(TAG)} */ pg_sleep(${seconds})`.execute(db);

/** Connections running this file's sleeps now. */
async function sleeping(store: Store): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
    where state = 'active' and query like ${`%/* ${TAG} */ pg_sleep%`} and pid <> pg_backend_pid()`.execute(store.db);
  return rows[0]!.n;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail('gave up waiting');
}

describe('a request’s store (PostgreSQL)', { skip: !postgres && 'set OPENEAS_TEST_DATABASE_URL' }, () => {
  test('is a store of its own on PostgreSQL, whose read stops when the caller goes away', async () => {
    await withStore(async (store) => {
      const caller = new AbortController();
      const call = store.forCall(caller.signal);
      assert.notEqual(call, store);
      assert.equal(call.dialect, 'postgres');
      const read = sleep(call.db, 30);
      await until(async () => (await sleeping(store)) === 1);
      caller.abort();
      await assert.rejects(read, (e: unknown) => e instanceof StatementCancelled && e.reason === 'caller-gone');
      await until(async () => (await sleeping(store)) === 0);
      // A call whose caller has already gone starts no read at all.
      await assert.rejects(sleep(call.db, 30), StatementCancelled);
    });
  });

  test('a connection it gave back is not cancelled for it when the next user reads on it', async () => {
    await withStore(async (store) => {
      const caller = new AbortController();
      const call = store.forCall(caller.signal);
      await sql`select 1`.execute(call.db);
      // The pool hands out its most recently returned connection: the one the call used.
      const later = sleep(store.db, 0.4);
      await until(async () => (await sleeping(store)) === 1);
      caller.abort();
      await later; // finishes: the server's own read was never the call's
    });
  });

  test('callers that go away at once each get their read cancelled, one cancel at a time on the canceller’s connection', async () => {
    // node-postgres queues a query sent while its connection is busy, but deprecates it (pg 9
    // refuses it): the cancels share one connection, so they must take turns.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await withStore(async (store) => {
        const callers = Array.from({ length: 4 }, () => new AbortController());
        // Settled as they are made: a read that fails before the others is handled, never unhandled.
        const reads = Promise.allSettled(callers.map((c) => sleep(store.forCall(c.signal).db, 30)));
        await until(async () => (await sleeping(store)) === callers.length);
        for (const c of callers) c.abort();
        for (const read of await reads) {
          assert.equal(read.status, 'rejected');
          const e = (read as PromiseRejectedResult).reason;
          assert.ok(e instanceof StatementCancelled && e.reason === 'caller-gone', String(e));
        }
        await until(async () => (await sleeping(store)) === 0);
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      assert.deepEqual(
        warnings.filter((w) => w.includes('already executing a query')),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('runs writes and transactions as the server’s store does', async () => {
    await withStore(async (store) => {
      const call = store.forCall(new AbortController().signal);
      await call.db
        .insertInto('settings')
        .values([
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ])
        .execute();
      const updated = await call.db.updateTable('settings').set({ value: '3' }).where('key', 'in', ['a', 'b']).executeTakeFirst();
      assert.equal(updated.numUpdatedRows, 2n);
      await call.db.transaction().execute(async (tx) => {
        await tx.insertInto('settings').values({ key: 'c', value: '4' }).execute();
      });
      await assert.rejects(
        call.db.transaction().execute(async (tx) => {
          await tx.insertInto('settings').values({ key: 'd', value: '5' }).execute();
          throw new Error('undo');
        }),
        /undo/,
      );
      const trx = await call.db.startTransaction().execute();
      await trx.insertInto('settings').values({ key: 'e', value: '6' }).execute();
      const inner = await trx.savepoint('before "f"').execute();
      await inner.insertInto('settings').values({ key: 'f', value: '7' }).execute();
      await inner.rollbackToSavepoint('before "f"').execute();
      await trx.commit().execute();
      const rows = await store.db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'in', ['a', 'b', 'c', 'd', 'e', 'f'])
        .orderBy('key')
        .execute();
      assert.deepEqual(rows, [
        { key: 'a', value: '3' },
        { key: 'b', value: '3' },
        { key: 'c', value: '4' },
        { key: 'e', value: '6' },
      ]);
    });
  });
});

test('on SQLite a request reads through the server’s own store', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  try {
    assert.equal(store.forCall(new AbortController().signal), store);
  } finally {
    await store.close();
  }
});
