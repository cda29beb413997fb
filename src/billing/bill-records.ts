// QueryBill's records and QueryInstanceBill's lines and their counts (store/schema.ts
// BillRecordsTable, BillLinesTable, BillLineCountsTable): every insert of bill items goes through
// here, in the same transaction, so a record or a line always holds exactly the aggregates of its
// items — the GROUP BYs and COUNTs those pages used to compute over the whole cycle on every call.
import type { Tx } from '../store/database.ts';
import type { BillItemsTable, BillLineCountsTable, BillLinesTable, BillRecordsTable } from '../store/schema.ts';
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
    item_count: 'bill_lines.item_count + excluded.item_count',
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
  const records = foldBy(
    inserted,
    (i) => [i.account_id, i.billing_cycle, i.record_id, i.subscription_type],
    (i): BillRecordsTable => ({
      account_id: i.account_id,
      billing_cycle: i.billing_cycle,
      record_id: i.record_id,
      subscription_type: i.subscription_type,
      period_start: i.period_start,
      period_end: i.period_end,
      paid_at: i.created_at,
      amount_fen: i.amount_fen,
    }),
    (r, i) => {
      r.period_start = Math.min(r.period_start, i.period_start);
      r.period_end = Math.max(r.period_end, i.period_end);
      r.paid_at = Math.max(r.paid_at, i.created_at);
      r.amount_fen += i.amount_fen;
    },
  );
  await insertRows(tx, 'bill_records', records);
  const lines = linesOf(inserted);
  const written = await insertRows(tx, 'bill_lines', lines, { mergeOn: MERGE_LINES, returning: LINE_STATE });
  await insertRows(tx, 'bill_line_counts', countChanges(lines, written), { mergeOn: MERGE_COUNTS });
  return inserted;
}

/** What the lines' upsert returns of each line it wrote: its key, and its item count and amount after. */
const LINE_STATE = ['account_id', 'billing_cycle', 'instance_id', 'subscription_type', 'item_count', 'amount_fen'] as const;

const MERGE_COUNTS = {
  key: ['account_id', 'billing_cycle', 'subscription_type'],
  set: {
    lines: 'bill_line_counts.lines + excluded.lines',
    charged_lines: 'bill_line_counts.charged_lines + excluded.charged_lines',
  },
} as const;

const lineKey = (l: Pick<BillLinesTable, 'account_id' | 'billing_cycle' | 'instance_id' | 'subscription_type'>) =>
  `${l.account_id}\u0000${l.billing_cycle}\u0000${l.instance_id}\u0000${l.subscription_type}`;

/**
 * How the cycles' counts of lines change with `added` (the sums just upserted) given what the upsert
 * returned of each line: a line whose item count is the one just added is new; a line's amount
 * before is its amount after less the one just added, which says whether it left or joined the
 * lines that are not zero. Counts that do not change are left out.
 */
function countChanges(added: BillLinesTable[], written: Array<Pick<BillLinesTable, (typeof LINE_STATE)[number]>>): BillLineCountsTable[] {
  const after = new Map(written.map((w) => [lineKey(w), w]));
  const changes = new Map<string, BillLineCountsTable>();
  for (const line of added) {
    const now = after.get(lineKey(line));
    if (now === undefined) throw new Error(`bill line ${lineKey(line)} was not returned by its upsert`);
    const isNew = Number(now.item_count) === line.item_count;
    const amountAfter = Number(now.amount_fen);
    const chargedBefore = !isNew && amountAfter - line.amount_fen !== 0;
    const lines = isNew ? 1 : 0;
    const charged = Number(amountAfter !== 0) - Number(chargedBefore);
    if (lines === 0 && charged === 0) continue;
    const key = `${line.account_id}\u0000${line.billing_cycle}\u0000${line.subscription_type}`;
    const change = changes.get(key);
    if (change) {
      change.lines += lines;
      change.charged_lines += charged;
    } else {
      changes.set(key, {
        account_id: line.account_id,
        billing_cycle: line.billing_cycle,
        subscription_type: line.subscription_type,
        lines,
        charged_lines: charged,
      });
    }
  }
  return [...changes.values()];
}

/** The items summed per (account, cycle, machine, billing method), as MERGE_LINES adds them to a line. */
function linesOf(items: BillItemsTable[]): BillLinesTable[] {
  const firstItem = (i: BillItemsTable) => ({
    first_period_start: i.period_start,
    region: i.region,
    zone: i.zone,
    resource_id: i.resource_id,
    instance_type: i.instance_type,
    list_price_fen: i.list_price_fen,
  });
  return foldBy(
    items,
    (i) => [i.account_id, i.billing_cycle, i.instance_id, i.subscription_type],
    (i): BillLinesTable => ({
      account_id: i.account_id,
      billing_cycle: i.billing_cycle,
      instance_id: i.instance_id,
      subscription_type: i.subscription_type,
      ...firstItem(i),
      amount_fen: i.amount_fen,
      usage_ms: i.usage_ms,
      item_count: 1,
    }),
    (l, i) => {
      if (i.period_start < l.first_period_start) Object.assign(l, firstItem(i));
      l.amount_fen += i.amount_fen;
      l.usage_ms += i.usage_ms;
      l.item_count += 1;
    },
  );
}

/** One row per key of `items`: made from the key's first item, then each further one added. */
function foldBy<T>(
  items: BillItemsTable[],
  keyOf: (i: BillItemsTable) => string[],
  start: (i: BillItemsTable) => T,
  add: (row: T, i: BillItemsTable) => void,
): T[] {
  const rows = new Map<string, T>();
  for (const i of items) {
    const key = keyOf(i).join('\u0000');
    const row = rows.get(key);
    if (row === undefined) rows.set(key, start(i));
    else add(row, i);
  }
  return [...rows.values()];
}
