// QueryBill's records and QueryInstanceBill's lines (store/schema.ts BillRecordsTable,
// BillLinesTable): every insert of bill items goes through here, in the same transaction, so a
// record or a line always holds exactly the aggregates of its items — the GROUP BYs those pages
// used to compute over the whole cycle on every call.
import type { Tx } from '../store/database.ts';
import type { BillItemsTable, BillLinesTable, BillRecordsTable } from '../store/schema.ts';
import { insertRows } from '../store/prepared.ts';

/** A line takes the fields of its earliest item, whichever insert brought it. */
const fromEarliest = (c: string) =>
  `case when excluded.first_period_start < bill_lines.first_period_start then excluded.${c} else bill_lines.${c} end`;

/** Lines are added to: their sums grow, their first item's fields go to the earliest item. */
const MERGE_LINES = {
  key: ['account_id', 'billing_cycle', 'instance_id', 'subscription_type'],
  set: {
    amount_fen: 'bill_lines.amount_fen + excluded.amount_fen',
    usage_ms: 'bill_lines.usage_ms + excluded.usage_ms',
    ...Object.fromEntries(
      ['region', 'zone', 'resource_id', 'instance_type', 'list_price_fen', 'first_period_start'].map((c) => [c, fromEarliest(c)]),
    ),
  },
} as const;

/**
 * Inserts `items` (existing keys are skipped: an item already billed is not billed again), the
 * records of those actually inserted, and adds them to their lines; returns the inserted items.
 * Record ids are new for every order and settlement run, so a record is written once, whole.
 */
export async function insertBillItems(tx: Tx, items: BillItemsTable[]): Promise<BillItemsTable[]> {
  const returned = await insertRows(tx, 'bill_items', items, { ignoreConflicts: true, returning: 'instance_id' });
  // Within one call the key (account, machine, billing method, first hour) is unique per machine.
  const ids = new Set(returned.map((r) => r.instance_id));
  const inserted = ids.size === items.length ? items : items.filter((i) => ids.has(i.instance_id));
  const records = new Map<string, BillRecordsTable>();
  for (const i of inserted) {
    const key = `${i.account_id}\u0000${i.billing_cycle}\u0000${i.record_id}\u0000${i.subscription_type}`;
    const r = records.get(key);
    if (!r) {
      records.set(key, {
        account_id: i.account_id,
        billing_cycle: i.billing_cycle,
        record_id: i.record_id,
        subscription_type: i.subscription_type,
        period_start: i.period_start,
        period_end: i.period_end,
        paid_at: i.created_at,
        amount_fen: i.amount_fen,
      });
    } else {
      r.period_start = Math.min(r.period_start, i.period_start);
      r.period_end = Math.max(r.period_end, i.period_end);
      r.paid_at = Math.max(r.paid_at, i.created_at);
      r.amount_fen += i.amount_fen;
    }
  }
  await insertRows(tx, 'bill_records', [...records.values()]);
  await insertRows(tx, 'bill_lines', linesOf(inserted), { mergeOn: MERGE_LINES });
  return inserted;
}

/** The items summed per (account, cycle, machine, billing method): one row per line key. */
function linesOf(items: BillItemsTable[]): BillLinesTable[] {
  const lines = new Map<string, BillLinesTable>();
  for (const i of items) {
    const key = `${i.account_id}\u0000${i.billing_cycle}\u0000${i.instance_id}\u0000${i.subscription_type}`;
    const l = lines.get(key);
    if (!l || i.period_start < l.first_period_start) {
      lines.set(key, {
        account_id: i.account_id,
        billing_cycle: i.billing_cycle,
        instance_id: i.instance_id,
        subscription_type: i.subscription_type,
        first_period_start: i.period_start,
        region: i.region,
        zone: i.zone,
        resource_id: i.resource_id,
        instance_type: i.instance_type,
        list_price_fen: i.list_price_fen,
        amount_fen: i.amount_fen + (l?.amount_fen ?? 0),
        usage_ms: i.usage_ms + (l?.usage_ms ?? 0),
      });
    } else {
      l.amount_fen += i.amount_fen;
      l.usage_ms += i.usage_ms;
    }
  }
  return [...lines.values()];
}
