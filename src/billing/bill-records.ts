// QueryBill's records (store/schema.ts BillRecordsTable): every insert of bill items goes through
// here, in the same transaction, so a record always holds exactly the aggregates of its items —
// the GROUP BY QueryBill used to compute over the whole cycle on every page.
import type { Tx } from '../store/database.ts';
import type { BillItemsTable, BillRecordsTable } from '../store/schema.ts';
import { insertRows } from '../store/prepared.ts';

/**
 * Inserts `items` (existing keys are skipped: an item already billed is not billed again) and
 * the records of those actually inserted; returns the inserted items. Record ids are new for every
 * order and settlement run, so a record is written once, whole.
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
  return inserted;
}
