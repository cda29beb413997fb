// NonceBatch (gateway/nonce-batch.ts) when its write fails: every nonce it holds fails with that
// error (none is left waiting), and the next nonces are written by a new member.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Db, type Store, type Tx } from '../../src/store/database.ts';
import { NonceBatch } from '../../src/gateway/nonce-batch.ts';

const nonce = (n: string) => ({ keyId: 'LTAI5tUnitKey', nonce: n, wallNow: Date.now(), expiresAt: Date.now() + 60_000 });

test('a batch whose write fails rejects every nonce it holds, and the next batch is written', async () => {
  const store = await openStore({ dataDir: '', ephemeral: true });
  try {
    let failNext: Error | undefined = new Error('disk full');
    // The group commit's BEGIN failing: the member is rejected without running.
    const failing: Store = {
      ...store,
      write: <T>(fn: (db: Db | Tx) => Promise<T>): Promise<T> => {
        const e = failNext;
        failNext = undefined;
        return e ? Promise.reject(e) : store.write(fn);
      },
    };
    const batch = new NonceBatch(failing, async () => false);
    const first = await Promise.allSettled([batch.spend(nonce('a')), batch.spend(nonce('b'))]);
    assert.deepEqual(
      first.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')),
      ['disk full', 'disk full'],
    );
    // Nothing was stored: the same nonces are accepted now, once.
    const second = await Promise.allSettled([batch.spend(nonce('a')), batch.spend(nonce('b')), batch.spend(nonce('a'))]);
    assert.deepEqual(
      second.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'ok')),
      ['ok', 'ok', 'SignatureNonceUsed'],
    );
    const rows = await store.db.selectFrom('nonces').select('nonce').orderBy('nonce').execute();
    assert.deepEqual(
      rows.map((r) => r.nonce),
      ['a', 'b'],
    );
  } finally {
    await store.close();
  }
});

test('a batch that fails while it runs rejects every nonce it took, and stores none of them', async () => {
  const store = await openStore({ dataDir: '', ephemeral: true });
  try {
    const batch = new NonceBatch(store, async () => {
      throw new Error('claim failed');
    });
    await batch.spend(nonce('used'));
    // 'used' is in the table, so the batch tries to claim it, and the claim throws.
    const settled = await Promise.allSettled([batch.spend(nonce('fresh')), batch.spend(nonce('used'))]);
    assert.deepEqual(
      settled.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')),
      ['claim failed', 'claim failed'],
    );
    const rows = await store.db.selectFrom('nonces').select('nonce').execute();
    assert.deepEqual(
      rows.map((r) => r.nonce),
      ['used'],
      "the member's savepoint was rolled back",
    );
  } finally {
    await store.close();
  }
});

test('a batch whose group runs again stores the nonces it took, not those that arrived since', async () => {
  const store = await openStore({ dataDir: '', ephemeral: true });
  try {
    const batch = new NonceBatch(store, async () => false);
    const spent = [batch.spend(nonce('x')), batch.spend(nonce('y'))];
    // In the same group, after the batch: a rerunnable member that fails after writing, so the
    // group starts again and the batch's member runs a second time. Meanwhile another nonce waits.
    const failing = store.transaction(
      async (tx) => {
        await tx.insertInto('settings').values({ key: 'doomed', value: '1' }).execute();
        void batch.spend(nonce('late'));
        throw new Error('changed its mind');
      },
      { rerunnable: true },
    );
    const within = (p: Promise<unknown>) =>
      Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('a nonce was left waiting')), 2000))]);
    await assert.rejects(failing, /changed its mind/);
    await within(Promise.all(spent));
    await within(batch.spend(nonce('z')));
    const rows = await store.db.selectFrom('nonces').select('nonce').orderBy('nonce').execute();
    assert.deepEqual(
      rows.map((r) => r.nonce),
      ['late', 'x', 'y', 'z'],
    );
    await assert.rejects(batch.spend(nonce('x')), (e: { code?: string }) => e.code === 'SignatureNonceUsed');
  } finally {
    await store.close();
  }
});
