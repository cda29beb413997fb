// Subscription (PrePaid) machines: the paid order when they are created, the term's end
// (auto-renewal charged `renewalLeadDays` before expiry and retried, else expiry → Stopped),
// manual renewal (BSS RenewInstance), and release when the grace period ends.
import type { Tx } from '../store/database.ts';
import type { BillItemsTable, BillingAccountsTable, InstancesTable, OrdersTable } from '../store/schema.ts';
import type { Services } from '../services.ts';
import type { Scheduler } from '../engine/scheduler.ts';
import { cancelJobs, enqueueJobs, jobKey, jobsByKey, type JobRow } from '../engine/jobs.ts';
import { removeInstances, transitionInstances, isRunning } from '../engine/instance-lifecycle.ts';
import { groupsOfMachineJobs } from '../engine/group-locks.ts';
import { addMonths, billingCycleOf, DAY_MS, HOUR_MS } from './calendar.ts';
import { billingAccount, pay, takeMoney } from './accounts.ts';
import { monthlyPrice } from './rates.ts';
import { newOrderId } from './ids.ts';
import { RELEASE_STOPPED_JOB, TERM_JOB } from './job-kinds.ts';
import { pushTo } from '../collections.ts';
import { setExpiries } from '../store/instances.ts';
import { insertBillItems } from './bill-records.ts';
import { insertRows } from '../store/prepared.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';

type Row = InstancesTable;

/** When a machine's next term event is due: the renewal attempt (auto-renewal) or its expiry. */
function nextTermDue(s: Services, row: Pick<Row, 'auto_renewal' | 'expired_at'>, now: number): number {
  const expiry = row.expired_at!;
  if (row.auto_renewal !== 1) return expiry;
  return Math.min(expiry, Math.max(now, expiry - s.config.renewalLeadDays * DAY_MS));
}

/** Replaces the machines' pending term events (after an order, a renewal or SetRenewal). */
export async function scheduleTerms(tx: Tx, s: Services, rows: Row[], now: number, months: Map<string, number> = new Map()): Promise<void> {
  // Keep the auto-renewal period already chosen (SetRenewal) unless a new one is given.
  for (const j of await jobsByKey(
    tx,
    rows.map((r) => jobKey(TERM_JOB, r.id)),
  )) {
    if (!months.has(j.subject_id)) months.set(j.subject_id, Number((JSON.parse(j.payload) as { months?: number }).months ?? 1) || 1);
  }
  await enqueueJobs(
    tx,
    rows.map((r) => ({
      kind: TERM_JOB,
      accountId: r.account_id,
      subjectId: r.id,
      dueAt: nextTermDue(s, r, now),
      payload: { months: months.get(r.id) ?? 1 },
      key: jobKey(TERM_JOB, r.id),
    })),
    now,
  );
}

interface Purchase {
  row: Row;
  from: number;
  to: number;
  months: number;
  amount: number;
}

/** One paid order, built in memory: its row and its bill items (written by writeOrders). */
interface BuiltOrder {
  order: OrdersTable;
  items: BillItemsTable[];
}

/** An order of `purchases` paid at `now`, with a bill item per machine-term. */
function buildOrder(s: Services, accountId: string, orderType: 'New' | 'Renew', purchases: Purchase[], now: number): BuiltOrder {
  const total = purchases.reduce((sum, p) => sum + p.amount, 0);
  const orderId = newOrderId();
  const cycle = billingCycleOf(now, s.config.billingUtcOffsetMinutes);
  const items: BillItemsTable[] = purchases.map((p) => ({
    account_id: accountId,
    record_id: orderId,
    instance_id: p.row.id,
    resource_id: p.row.resource_id,
    region: p.row.region,
    zone: p.row.zone,
    instance_type: p.row.instance_type,
    subscription_type: 'Subscription',
    billing_cycle: cycle,
    period_start: p.from,
    period_end: p.to,
    usage_ms: p.to - p.from,
    list_price_fen: monthlyPrice(s, p.row.instance_type, p.row.system_disk_gb),
    amount_fen: p.amount,
    created_at: now,
  }));
  items.sort((x, y) => (x.instance_id < y.instance_id ? -1 : x.instance_id > y.instance_id ? 1 : 0));
  return {
    order: {
      id: orderId,
      account_id: accountId,
      order_type: orderType,
      subscription_type: 'Subscription',
      region: purchases[0]!.row.region,
      instance_ids: JSON.stringify(purchases.map((p) => p.row.id)),
      quantity: purchases.length,
      months: Math.max(...purchases.map((p) => p.months)),
      amount_fen: total,
      payment_status: 'Paid',
      usage_start: Math.min(...purchases.map((p) => p.from)),
      usage_end: Math.max(...purchases.map((p) => p.to)),
      created_at: now,
    },
    items,
  };
}

/**
 * Writes paid orders and their bill items, a statement per table however many orders (a batch of
 * renewals is one round trip each on PostgreSQL, not one per order). The money was taken already.
 */
async function writeOrders(tx: Tx, orders: BuiltOrder[]): Promise<void> {
  if (orders.length === 0) return;
  await insertRows(
    tx,
    'orders',
    orders.map((o) => o.order),
  );
  await insertBillItems(
    tx,
    orders.flatMap((o) => o.items),
  );
}

/** Records one paid order with a bill item per machine-term, and takes the money (all or nothing). */
async function placeOrder(
  tx: Tx,
  s: Services,
  accountId: string,
  orderType: 'New' | 'Renew',
  purchases: Purchase[],
  now: number,
): Promise<string> {
  const account = await billingAccount(tx, s, accountId, now);
  const built = buildOrder(s, accountId, orderType, purchases, now);
  await pay(tx, account, built.order.amount_fen);
  await writeOrders(tx, [built]);
  return built.order.id;
}

/** The paid order of a create call's PrePaid machines (rows already carry their expiry). */
export async function orderSubscriptions(tx: Tx, s: Services, accountId: string, rows: Row[], now: number): Promise<string> {
  const months = s.config.subscriptionMonths;
  const orderId = await placeOrder(
    tx,
    s,
    accountId,
    'New',
    rows.map((row) => ({
      row,
      from: row.created_at,
      to: row.expired_at!,
      months,
      amount: monthlyPrice(s, row.instance_type, row.system_disk_gb) * months,
    })),
    now,
  );
  await scheduleTerms(tx, s, rows, now);
  return orderId;
}

/** A renewal extends the term from the old expiry (a machine in its grace period pays for the gap). */
function renewedExpiry(row: Row, months: number, now: number): number {
  const next = addMonths(row.expired_at!, months);
  return next > now ? next : addMonths(now, months);
}

/** Machines of one account to renew by `months` in one paid order at `now`. */
export interface Renewal {
  accountId: string;
  rows: Row[];
  months: number;
  now: number;
}

/**
 * Renews machines by `months` in one paid order. `affordableOnly` renews those the balance
 * covers (auto-renewal); otherwise the whole order is paid or refused. Stopped machines in their
 * grace period run again. Returns the renewed machines and the order id.
 */
export async function renewMachines(
  tx: Tx,
  s: Services,
  accountId: string,
  rows: Row[],
  months: number,
  now: number,
  affordableOnly: boolean,
): Promise<{ renewed: Row[]; orderId?: string }> {
  return (await renewMachinesBatch(tx, s, [{ accountId, rows, months, now }], affordableOnly))[0]!;
}

/**
 * Several renewals, each its own order, as if made one after the other in this order (each sees
 * the balance the ones before it left), with a few statements for all of them: each account's
 * billing row is locked once, its balance updated once, and the orders, bill items and new
 * expiries are written a statement per table.
 */
export async function renewMachinesBatch(
  tx: Tx,
  s: Services,
  renewals: Renewal[],
  affordableOnly: boolean,
): Promise<Array<{ renewed: Row[]; orderId?: string }>> {
  const accounts = new Map<string, BillingAccountsTable>();
  const spent = new Map<string, number>();
  const orders: BuiltOrder[] = [];
  const expiries: Array<{ id: string; expiredAt: number; updatedAt: number }> = [];
  const results: Array<{ renewed: Row[]; orderId?: string }> = [];
  for (const { accountId, rows, months, now } of renewals) {
    let account = accounts.get(accountId);
    if (!account) accounts.set(accountId, (account = await billingAccount(tx, s, accountId, now)));
    const price = (r: Row) => monthlyPrice(s, r.instance_type, r.system_disk_gb) * months;
    let chosen = rows;
    if (affordableOnly) {
      let left = account.balance_fen;
      chosen = [];
      for (const r of rows) {
        if (price(r) <= left) {
          chosen.push(r);
          left -= price(r);
        }
      }
    }
    if (chosen.length === 0) {
      results.push({ renewed: [] });
      continue;
    }
    const purchases = chosen.map((row) => ({
      row,
      from: row.expired_at!,
      to: renewedExpiry(row, months, now),
      months,
      amount: price(row),
    }));
    const built = buildOrder(s, accountId, 'Renew', purchases, now);
    const total = built.order.amount_fen;
    if (account.balance_fen < total) await pay(tx, account, total); // refuses, as a single order would
    account.balance_fen -= total;
    spent.set(accountId, (spent.get(accountId) ?? 0) + total);
    orders.push(built);
    for (const p of purchases) expiries.push({ id: p.row.id, expiredAt: p.to, updatedAt: now });
    results.push({ renewed: purchases.map((p) => ({ ...p.row, expired_at: p.to })), orderId: built.order.id });
  }
  for (const [accountId, fen] of spent) await takeMoney(tx, accountId, fen);
  await writeOrders(tx, orders);
  await setExpiries(tx, expiries);
  for (const [i, { renewed }] of results.entries()) {
    const stopped = renewed.filter((r) => r.health === 'Stopped');
    if (stopped.length === 0) continue;
    await cancelJobs(
      tx,
      stopped.map((r) => jobKey(RELEASE_STOPPED_JOB, r.id)),
    );
    await transitionInstances(tx, stopped, 'Ready', renewals[i]!.now);
  }
  return results;
}

async function loadRows(tx: Tx, ids: string[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  await forIdChunks(tx, ids, async (c) => {
    for (const r of await tx
      .selectFrom('instances')
      .selectAll()
      .where(inIds(tx, 'id', c))
      .execute())
      out.set(r.id, r);
  });
  return out;
}

const dueOf = (jobs: JobRow[]) => Math.max(...jobs.map((j) => j.due_at ?? 0));

/**
 * Stops running machines at `at` (expiry, or an account overdue too long) and schedules their release
 * for `releaseAt`; RELEASE_STOPPED_JOB releases them then unless they were renewed or paid for meanwhile.
 */
export async function stopForRelease(tx: Tx, rows: InstancesTable[], at: number, releaseAt: number): Promise<void> {
  const { moved } = await transitionInstances(tx, rows, 'Stopped', at);
  const release = (r: InstancesTable) => ({
    kind: RELEASE_STOPPED_JOB,
    accountId: r.account_id,
    subjectId: r.id,
    dueAt: releaseAt,
    key: jobKey(RELEASE_STOPPED_JOB, r.id),
  });
  await enqueueJobs(tx, moved.map(release), at);
}

export function registerSubscriptionJobs(scheduler: Scheduler, s: Services): void {
  scheduler.register(
    TERM_JOB,
    async (tx, jobs) => {
      const rows = await loadRows(
        tx,
        jobs.map((j) => j.subject_id),
      );
      const expire: Row[] = [];
      const renew = new Map<string, { job: JobRow; row: Row }[]>(); // by account and months
      const later: { row: Row; dueAt: number; months: number }[] = [];
      for (const job of jobs) {
        const row = rows.get(job.subject_id);
        const due = job.due_at!;
        if (!row || row.charge_type !== 'PrePaid' || row.expired_at === null || row.health === 'Stopped') continue;
        if (due >= row.expired_at) {
          if (isRunning(row.health)) expire.push(row);
          continue;
        }
        const months = Number((JSON.parse(job.payload) as { months?: number }).months ?? 1) || 1;
        if (row.auto_renewal === 1) {
          const key = `${row.account_id}/${months}/${due}`;
          pushTo(renew, key, { job, row });
        } else {
          later.push({ row, dueAt: row.expired_at, months });
        }
      }
      // Every renewal of the run in one batch (each still its own order, in the order they were due).
      const renewals = [...renew].map(([key, list]) => {
        const [accountId, m] = key.split('/') as [string, string, string];
        return { accountId, rows: list.map((l) => l.row), months: Number(m), now: dueOf(list.map((l) => l.job)) };
      });
      const results = await renewMachinesBatch(tx, s, renewals, true);
      for (const [i, list] of [...renew.values()].entries()) {
        const { months, now } = renewals[i]!;
        const { renewed } = results[i]!;
        const ok = new Set(renewed.map((r) => r.id));
        for (const r of renewed) later.push({ row: r, dueAt: nextTermDue(s, r, now), months });
        for (const { job, row } of list) {
          if (ok.has(row.id)) continue;
          // Failed (balance): retry until expiry; the last attempt is the expiry itself.
          later.push({ row, dueAt: Math.min(row.expired_at!, job.due_at! + s.config.renewalRetryHours * HOUR_MS), months });
        }
      }
      const now = dueOf(jobs);
      await enqueueJobs(
        tx,
        later.map((l) => ({
          kind: TERM_JOB,
          accountId: l.row.account_id,
          subjectId: l.row.id,
          dueAt: l.dueAt,
          payload: { months: l.months },
          key: jobKey(TERM_JOB, l.row.id),
        })),
        now,
      );
      if (expire.length > 0) {
        // Stamped with each machine's own expiry: a batch may hold several due times.
        const byExpiry = new Map<number, Row[]>();
        for (const r of expire) pushTo(byExpiry, r.expired_at!, r);
        for (const [expiry, list] of byExpiry) {
          await stopForRelease(tx, list, expiry, expiry + s.config.expiryGraceDays * DAY_MS);
        }
      }
    },
    groupsOfMachineJobs,
  );

  scheduler.register(
    RELEASE_STOPPED_JOB,
    async (tx, jobs) => {
      const rows = await loadRows(
        tx,
        jobs.map((j) => j.subject_id),
      );
      const overdue = new Map<string, boolean>();
      const gone = new Map<number, Row[]>();
      for (const job of jobs) {
        const row = rows.get(job.subject_id);
        if (!row || row.health !== 'Stopped') continue;
        if (row.charge_type === 'PrePaid') {
          if (row.expired_at === null || row.expired_at + s.config.expiryGraceDays * DAY_MS > job.due_at!) continue; // renewed meanwhile
        } else {
          if (!overdue.has(row.account_id)) {
            const a = await tx
              .selectFrom('billing_accounts')
              .select(['balance_fen', 'overdue_since'])
              .where('account_id', '=', row.account_id)
              .executeTakeFirst();
            overdue.set(row.account_id, !!a && a.overdue_since !== null && a.balance_fen < 0);
          }
          if (!overdue.get(row.account_id)) continue; // topped up meanwhile
        }
        pushTo(gone, job.due_at!, row);
      }
      for (const [due, list] of gone) {
        const { moved } = await transitionInstances(tx, list, 'Deleting', due);
        await s.hooks.machinesReleased(tx, moved, due);
        await removeInstances(tx, moved, due);
      }
    },
    groupsOfMachineJobs,
  );
}
