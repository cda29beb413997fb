// Pay-as-you-go settlement. Each account has one hourly job (due on hour boundaries) that prices
// the running intervals recorded by the machine lifecycle for [settled_until, end), writes one bill
// item per machine, takes the money and moves settled_until. The item key (machine, first hour)
// is unique and the watermark moves in the same transaction, so no hour is billed twice or
// skipped — across restarts and across servers sharing PostgreSQL.
//
// When the clock has jumped ahead (POST /_openeas/clock/advance), one run settles every whole hour
// up to the account's next other due event (a machine becoming Ready, an expiry…), the end of
// the billing cycle, or the hour the balance turns negative — whichever is first. Nothing can
// change the account's machines in between, and charges are rounded per clock hour (metering.ts),
// so the fen are exactly those of hour-by-hour settlement; a year passes in a few runs per month.
import type { Tx } from '../store/database.ts';
import type { BillItemsTable, MeteredIntervalsTable } from '../store/schema.ts';
import type { Services } from '../services.ts';
import type { Scheduler } from '../engine/scheduler.ts';
import { enqueueJobs, jobKey, nextDueOf, pendingJobs, type JobRow } from '../engine/jobs.ts';
import { groupsOfAccountJobs } from '../engine/group-locks.ts';
import { billingCycleOf, DAY_MS, floorHour, HOUR_MS, nextCycleStart } from './calendar.ts';
import { chargeOf, clip } from './metering.ts';
import { hourlyRate, monthlyPrice } from './rates.ts';
import { newOrderId } from './ids.ts';
import { OVERDUE_JOB, RELEASE_STOPPED_JOB, SETTLE_JOB, TERM_JOB } from './job-kinds.ts';
import { insertBillItems } from './bill-records.ts';
import { lockBillingRow } from './accounts.ts';
import { stopForRelease } from './subscriptions.ts';
import { stopOverduePublicServices } from '../scheduling/public-pool.ts';
import { stopService } from '../scheduling/services.ts';
import { startDueOf } from '../scheduling/placement.ts';

interface MachineUsage {
  meta: MeteredIntervalsTable;
  rate: number;
  intervals: Array<MeteredIntervalsTable & { rate: number }>;
}

function byMachine(s: Services, intervals: MeteredIntervalsTable[]): MachineUsage[] {
  const map = new Map<string, MachineUsage>();
  for (const i of intervals) {
    // Each interval is priced at its own disk size (UpdateResourceInstance NewDiskSize splits them).
    const rate = hourlyRate(s, i.instance_type, i.system_disk_gb);
    let m = map.get(i.instance_id);
    if (!m) map.set(i.instance_id, (m = { meta: i, rate, intervals: [] }));
    if (i.start_at >= m.meta.start_at) Object.assign(m, { meta: i, rate }); // the list price shown is the latest
    m.intervals.push({ ...i, rate });
  }
  return [...map.values()];
}

function totalCharge(machines: MachineUsage[], from: number, to: number): number {
  let sum = 0;
  for (const m of machines) sum += chargeOf(clip(m.intervals, from, to), m.rate).amount;
  return sum;
}

function meteredBetween(tx: Tx, accountId: string, from: number, to: number): Promise<MeteredIntervalsTable[]> {
  return tx
    .selectFrom('metered_intervals')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('start_at', '<', to)
    .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', from)]))
    .execute();
}

/**
 * The most auto-renewals could take before `to`: each pending term event renewing once. Counted
 * per (machine type, disk, period) in SQL: a handful of rows back instead of one per machine.
 */
async function renewalReserve(tx: Tx, s: Services, accountId: string, to: number): Promise<number> {
  const pending = await tx
    .selectFrom(pendingJobs(tx, accountId, TERM_JOB, to).as('p'))
    .innerJoin('instances', 'instances.id', 'p.subject_id')
    .select((eb) => ['p.payload', 'instances.instance_type', 'instances.system_disk_gb', eb.fn.countAll<number>().as('n')])
    .where('instances.auto_renewal', '=', 1)
    .groupBy(['p.payload', 'instances.instance_type', 'instances.system_disk_gb'])
    .execute();
  let sum = 0;
  for (const p of pending) {
    const months = Number((JSON.parse(p.payload) as { months?: number }).months ?? 1) || 1;
    sum += monthlyPrice(s, p.instance_type, p.system_disk_gb) * months * Number(p.n);
  }
  return sum;
}

async function settleAccount(tx: Tx, s: Services, job: JobRow): Promise<void> {
  const accountId = job.account_id;
  const due = job.due_at!;
  const account = await lockBillingRow(tx, accountId);
  if (!account) return;
  const from = account.settled_until;
  if (due <= from) return; // a stray duplicate: the hours before `from` are settled already

  // How far this run may go (see the header): never past another due event of this account that
  // can change what runs (provisioning, overdue stops…). Releases of stopped machines change
  // nothing metered. Subscription term events only take money: they bound the run only when the
  // balance might not cover both this run and every renewal that could fall due inside it.
  const nextDue = async (kinds: string[]) => {
    const next = await nextDueOf(tx, accountId, kinds);
    return next === undefined ? Infinity : floorHour(next);
  };
  const limit = Math.min(floorHour(s.clock.now()), nextCycleStart(from, s.config.billingUtcOffsetMinutes));
  let to = Math.max(due, Math.min(limit, await nextDue([SETTLE_JOB, RELEASE_STOPPED_JOB, TERM_JOB])));
  let intervals = await meteredBetween(tx, accountId, from, to);
  let machines = byMachine(s, intervals);
  if (to > due) {
    const reserve = await renewalReserve(tx, s, accountId, to);
    if (reserve > 0 && account.balance_fen < totalCharge(machines, from, to) + reserve) {
      const capped = Math.max(due, Math.min(to, await nextDue([SETTLE_JOB, RELEASE_STOPPED_JOB])));
      if (capped < to) {
        to = capped;
        intervals = await meteredBetween(tx, accountId, from, to);
        machines = byMachine(s, intervals);
      }
    }
  }
  if (account.balance_fen >= 0 && to - from > HOUR_MS && totalCharge(machines, from, to) > account.balance_fen) {
    // Stop at the hour the balance turns negative, so the overdue clock starts at the right time.
    let lo = 1;
    let hi = (to - from) / HOUR_MS;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (totalCharge(machines, from, from + mid * HOUR_MS) > account.balance_fen) hi = mid;
      else lo = mid + 1;
    }
    to = from + lo * HOUR_MS;
  }

  const recordId = newOrderId();
  const cycle = billingCycleOf(from, s.config.billingUtcOffsetMinutes);
  const items: BillItemsTable[] = [];
  for (const m of machines) {
    const pieces = clip(m.intervals, from, to);
    if (pieces.length === 0) continue;
    const { amount, usageMs } = chargeOf(pieces, m.rate);
    items.push({
      account_id: accountId,
      record_id: recordId,
      instance_id: m.meta.instance_id,
      resource_id: m.meta.resource_id,
      region: m.meta.region,
      zone: m.meta.zone,
      instance_type: m.meta.instance_type,
      subscription_type: 'PayAsYouGo',
      billing_cycle: cycle,
      period_start: from,
      period_end: to,
      usage_ms: usageMs,
      list_price_fen: Math.round(m.rate),
      amount_fen: amount,
      created_at: to,
    });
  }
  // Only what was actually inserted is charged: an item that exists already was paid already.
  // Inserted in key order, so the index grows at one end instead of everywhere.
  items.sort((x, y) => (x.instance_id < y.instance_id ? -1 : x.instance_id > y.instance_id ? 1 : 0));
  let charged = 0;
  // Idempotent per (machine, hour): an item already settled (by another process) is skipped, not charged again.
  for (const r of await insertBillItems(tx, items)) charged += r.amount_fen;
  await tx.deleteFrom('metered_intervals').where('account_id', '=', accountId).where('end_at', '<=', to).execute();

  const balance = account.balance_fen - charged;
  let overdueSince = account.overdue_since;
  if (balance < 0 && overdueSince === null) {
    overdueSince = to;
    await enqueueJobs(
      tx,
      [
        {
          kind: OVERDUE_JOB,
          accountId,
          subjectId: accountId,
          dueAt: to + s.config.overdueStopDays * DAY_MS,
          key: jobKey(OVERDUE_JOB, accountId),
        },
      ],
      to,
    );
  }
  await tx
    .updateTable('billing_accounts')
    .set({ balance_fen: balance, settled_until: to, overdue_since: overdueSince })
    .where('account_id', '=', accountId)
    .execute();
  await enqueueJobs(tx, [{ kind: SETTLE_JOB, accountId, subjectId: accountId, dueAt: to + HOUR_MS }], to);
}

export function registerSettlementJobs(scheduler: Scheduler, s: Services): void {
  scheduler.register(SETTLE_JOB, async (tx, jobs) => {
    for (const job of jobs) await settleAccount(tx, s, job);
  });

  // Overdue for `overdueStopDays`: the account's pay-as-you-go machines stop (metering stops with
  // them) and are released `overdueReleaseDays` later unless the balance is topped up (accounts.ts).
  // Its public-pool services stop too (their instances go; docs/billing.md).
  const startDue = startDueOf(s.config);
  scheduler.register(
    OVERDUE_JOB,
    async (tx, jobs) => {
      for (const job of jobs) {
        const due = job.due_at!;
        const account = await tx.selectFrom('billing_accounts').selectAll().where('account_id', '=', job.account_id).executeTakeFirst();
        if (!account || account.overdue_since === null || account.balance_fen >= 0) continue;
        const running = await tx
          .selectFrom('instances')
          .selectAll()
          .where('account_id', '=', job.account_id)
          .where('charge_type', '=', 'PostPaid')
          .where('health', 'in', ['Ready', 'NotReady'])
          .execute();
        await stopForRelease(tx, running, due, due + s.config.overdueReleaseDays * DAY_MS);
        await stopOverduePublicServices(tx, job.account_id, due, (t, svc, at) => stopService(t, svc, at, startDue));
      }
    },
    groupsOfAccountJobs,
  );
}
