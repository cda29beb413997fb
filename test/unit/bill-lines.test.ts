// QueryInstanceBill's lines (store/schema.ts BillLinesTable) are kept with the bill items
// (billing/bill-records.ts): each line holds its items' sums and its earliest item's fields,
// whatever order the items arrive in, and a skipped (already billed) item adds nothing; each
// cycle's count of lines (bill_line_counts) follows them. Migrations 0021 and 0022 fill both from
// the items billed before them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { openStore, type Db } from '../../src/store/database.ts';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.ts';
import { insertBillItems } from '../../src/billing/bill-records.ts';
import type { BillItemsTable } from '../../src/store/schema.ts';
import { emptyDatabase, ENGINES } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';
import { counterProblems } from '../adversarial/invariants.ts';

const item = (instance: string, periodStart: number, extra: Partial<BillItemsTable> = {}): BillItemsTable => ({
  account_id: 'acct',
  record_id: `rec-${periodStart}`,
  instance_id: instance,
  resource_id: 'eas-r-first',
  region: 'cn-hangzhou',
  zone: 'cn-hangzhou-h',
  instance_type: 'ecs.g6.large',
  subscription_type: 'PayAsYouGo',
  billing_cycle: '2027-06',
  period_start: periodStart,
  period_end: periodStart + 3_600_000,
  usage_ms: 3_600_000,
  list_price_fen: 100,
  amount_fen: 100,
  created_at: periodStart,
  ...extra,
});

/** The lines as a GROUP BY of the items computes them: the oracle. */
async function linesFromItems(db: Db | Kysely<any>) {
  const items = await (db as Db).selectFrom('bill_items').selectAll().orderBy('period_start').execute();
  const lines = new Map<string, Record<string, unknown>>();
  for (const i of items) {
    const key = `${i.account_id}/${i.billing_cycle}/${i.instance_id}/${i.subscription_type}`;
    const l = lines.get(key);
    if (l) {
      l.amount_fen = Number(l.amount_fen) + Number(i.amount_fen);
      l.usage_ms = Number(l.usage_ms) + Number(i.usage_ms);
      l.item_count = Number(l.item_count) + 1;
    } else {
      lines.set(key, {
        account_id: i.account_id,
        billing_cycle: i.billing_cycle,
        instance_id: i.instance_id,
        subscription_type: i.subscription_type,
        first_period_start: Number(i.period_start),
        region: i.region,
        zone: i.zone,
        resource_id: i.resource_id,
        instance_type: i.instance_type,
        list_price_fen: Number(i.list_price_fen),
        amount_fen: Number(i.amount_fen),
        usage_ms: Number(i.usage_ms),
        item_count: 1,
      });
    }
  }
  const order = (l: Record<string, unknown>) => `${l.billing_cycle}/${l.instance_id}/${l.subscription_type}`;
  return [...lines.values()].sort((a, b) => (order(a) < order(b) ? -1 : 1));
}

async function storedLines(db: Db | Kysely<any>) {
  const rows = await (db as Db)
    .selectFrom('bill_lines')
    .selectAll()
    .orderBy('billing_cycle')
    .orderBy('instance_id')
    .orderBy('subscription_type')
    .execute();
  return rows.map((r) => ({
    ...r,
    first_period_start: Number(r.first_period_start),
    list_price_fen: Number(r.list_price_fen),
    amount_fen: Number(r.amount_fen),
    usage_ms: Number(r.usage_ms),
    item_count: Number(r.item_count),
  }));
}

for (const engine of ENGINES) {
  test(`${engine.name}: a line sums its items and takes the earliest one's fields, in whatever order they come`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      const insert = (items: BillItemsTable[]) => store.transaction((tx) => insertBillItems(tx, items));
      await insert([item('m1', 200_000_000, { resource_id: 'eas-r-later', amount_fen: 7 }), item('m2', 200_000_000)]);
      // Earlier than what the line holds: its fields become the line's.
      await insert([item('m1', 100_000_000, { resource_id: 'eas-r-first', zone: 'cn-hangzhou-j', list_price_fen: 90, amount_fen: 5 })]);
      // Later again: added to the sums only. Two items of one line in one call are summed first.
      await insert([
        item('m1', 300_000_000, { resource_id: 'eas-r-last', amount_fen: 11 }),
        item('m1', 400_000_000, { resource_id: 'eas-r-last', amount_fen: 13 }),
        item('m1', 500_000_000, { billing_cycle: '2027-07', amount_fen: 0 }),
        // A new line whose earlier item comes second in the call.
        item('m3', 600_000_000, { resource_id: 'eas-r-late' }),
        item('m3', 550_000_000, { resource_id: 'eas-r-early' }),
      ]);
      // Already billed: skipped, and the line does not grow.
      const again = await insert([item('m2', 200_000_000, { amount_fen: 1_000 })]);
      assert.equal(again.length, 0);
      const lines = await storedLines(store.db);
      assert.deepEqual(lines, await linesFromItems(store.db));
      const m1 = lines.find((l) => l.instance_id === 'm1' && l.billing_cycle === '2027-06')!;
      assert.equal(m1.resource_id, 'eas-r-first');
      assert.equal(m1.zone, 'cn-hangzhou-j');
      assert.equal(m1.list_price_fen, 90);
      assert.equal(m1.first_period_start, 100_000_000);
      assert.equal(m1.amount_fen, 7 + 5 + 11 + 13);
      assert.equal(m1.usage_ms, 4 * 3_600_000);
      assert.equal(lines.find((l) => l.instance_id === 'm2')!.amount_fen, 100);
      const m3 = lines.find((l) => l.instance_id === 'm3')!;
      assert.deepEqual([m3.resource_id, m3.first_period_start, m3.amount_fen], ['eas-r-early', 550_000_000, 200]);
      assert.equal(lines.length, 4);
      // The crash test's checker holds lines and records to their items.
      assert.deepEqual(await counterProblems(store), []);
      await store.db.updateTable('bill_lines').set({ amount_fen: 1 }).where('instance_id', '=', 'm2').execute();
      assert.deepEqual(await counterProblems(store), ['bill line acct/2027-06/m2/PayAsYouGo: 1 3600000 1, its items say 100 3600000 1']);
    } finally {
      await store.close();
    }
  });
}

async function storedCounts(db: Db | Kysely<any>) {
  const rows = await (db as Db).selectFrom('bill_line_counts').selectAll().orderBy('billing_cycle').orderBy('subscription_type').execute();
  return rows.map((r) => `${r.billing_cycle} ${r.subscription_type}: ${Number(r.lines)} lines, ${Number(r.charged_lines)} charged`);
}

for (const engine of ENGINES) {
  test(`${engine.name}: a cycle's counts of lines follow new lines and lines that turn zero or not`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      const insert = (items: BillItemsTable[]) => store.transaction((tx) => insertBillItems(tx, items));
      await insert([
        item('a', 100, { amount_fen: 0 }),
        item('b', 100, { amount_fen: 5 }),
        item('c', 100, { subscription_type: 'Subscription', amount_fen: 9 }),
      ]);
      assert.deepEqual(await storedCounts(store.db), [
        '2027-06 PayAsYouGo: 2 lines, 1 charged',
        '2027-06 Subscription: 1 lines, 1 charged',
      ]);
      await insert([
        item('a', 200, { amount_fen: 3 }), // joins the charged lines
        item('b', 200, { amount_fen: -5 }), // leaves them: its sum is zero
        item('d', 200, { amount_fen: 0 }), // a new line of zero
        item('d', 300, { amount_fen: 0 }),
        item('e', 200, { billing_cycle: '2027-07', amount_fen: 1 }),
      ]);
      const after = [
        '2027-06 PayAsYouGo: 3 lines, 1 charged',
        '2027-06 Subscription: 1 lines, 1 charged',
        '2027-07 PayAsYouGo: 1 lines, 1 charged',
      ];
      assert.deepEqual(await storedCounts(store.db), after);
      // Items already billed are skipped and change no count.
      assert.equal((await insert([item('a', 200, { amount_fen: 3 }), item('e', 200, { billing_cycle: '2027-07' })])).length, 0);
      assert.deepEqual(await storedCounts(store.db), after);
      assert.deepEqual(await counterProblems(store), []);
      await store.db
        .updateTable('bill_line_counts')
        .set({ lines: 4 })
        .where('subscription_type', '=', 'PayAsYouGo')
        .where('billing_cycle', '=', '2027-06')
        .execute();
      assert.deepEqual(await counterProblems(store), ['bill line count acct/2027-06/PayAsYouGo: 4 1, its items say 3 1']);
    } finally {
      await store.close();
    }
  });
}

for (const engine of ENGINES) {
  test(`0021 fills the lines from the items billed before it, 0022 their item counts and the cycles' counts [${engine.name}]`, async () => {
    const db = await emptyDatabase(engine);
    try {
      await migrateTo(db, engine.name, '0020_audit_lookup_walks');
      await db
        .insertInto('bill_items')
        .values([
          item('m1', 300, { resource_id: 'eas-r-later', amount_fen: 3 }),
          item('m1', 100, { resource_id: 'eas-r-first', amount_fen: 1 }),
          item('m1', 200, { subscription_type: 'Subscription', amount_fen: 2 }),
          item('m2', 100, { billing_cycle: '2027-07' }),
          item('m3', 100, { billing_cycle: '2027-07', amount_fen: 0 }),
        ])
        .execute();
      await migrateToLatest(db, engine.name);
      const lines = await storedLines(db);
      assert.deepEqual(lines, await linesFromItems(db));
      assert.equal(lines.length, 4);
      const m1 = lines.find((l) => l.instance_id === 'm1' && l.subscription_type === 'PayAsYouGo')!;
      assert.deepEqual([m1.resource_id, m1.amount_fen, m1.first_period_start, m1.item_count], ['eas-r-first', 4, 100, 2]);
      assert.deepEqual(await storedCounts(db), [
        '2027-06 PayAsYouGo: 1 lines, 1 charged',
        '2027-06 Subscription: 1 lines, 1 charged',
        '2027-07 PayAsYouGo: 2 lines, 1 charged',
      ]);
    } finally {
      await db.destroy();
    }
  });
}
