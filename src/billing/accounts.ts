// An account's money: the balance in integer fen, created on first use with the configured
// opening balance, read under a row lock (PostgreSQL) or the write lock (SQLite) before any
// change, so concurrent orders can never spend the same fen twice.
import { apiError } from '../gateway/errors.ts';
import type { Db, Tx } from '../store/database.ts';
import { prepare, prepareLocked } from '../store/prepared.ts';
import type { BillingAccountsTable } from '../store/schema.ts';
import type { Services } from '../services.ts';
import { cancelJobs, enqueueJobs, jobKey } from '../engine/jobs.ts';
import { transitionInstances } from '../engine/instance-lifecycle.ts';
import { floorHour, HOUR_MS } from './calendar.ts';
import { formatCny } from './money.ts';
import { OVERDUE_JOB, RELEASE_STOPPED_JOB, SETTLE_JOB } from './job-kinds.ts';
import './errors.ts';

/** What money handling needs: the settings and the store (the CLI has no running server). */
export type MoneyDeps = Pick<Services, 'config' | 'store'>;

/** The account's billing row, created (with the opening balance and its hourly settlement) on first use, locked. */
export async function billingAccount(tx: Tx, s: MoneyDeps, accountId: string, now: number): Promise<BillingAccountsTable> {
  const existing = await lockBillingRow(tx, accountId);
  if (existing) return existing;
  const created = await tx
    .insertInto('billing_accounts')
    .values({
      account_id: accountId,
      balance_fen: s.config.initialBalanceFen,
      settled_until: floorHour(now),
      overdue_since: null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .executeTakeFirst();
  if (Number(created.numInsertedOrUpdatedRows ?? 0n) === 1) {
    await enqueueJobs(tx, [{ kind: SETTLE_JOB, accountId, subjectId: accountId, dueAt: floorHour(now) + HOUR_MS }], now);
  }
  return (await lockBillingRow(tx, accountId))!;
}

const billingRowQuery = (db: Db, p: { accountId: string }) =>
  db.selectFrom('billing_accounts').selectAll().where('account_id', '=', p.accountId);
const billingRow = prepare<{ accountId: string }, BillingAccountsTable>(billingRowQuery);
const lockedBillingRow = prepareLocked<{ accountId: string }, BillingAccountsTable>(billingRowQuery);

/**
 * The account's billing row as committed, without a lock, for a check that moves no money (the
 * minimum balance of a pay-as-you-go order): an order does not wait for another one's payment.
 * Created (locked) on first use.
 */
export async function readBillingAccount(tx: Tx, s: MoneyDeps, accountId: string, now: number): Promise<BillingAccountsTable> {
  return (await billingRow.first(tx, { accountId })) ?? billingAccount(tx, s, accountId, now);
}

/** The account's billing row, locked for the rest of the transaction (undefined before first use). */
export function lockBillingRow(tx: Tx, accountId: string): Promise<BillingAccountsTable | undefined> {
  return lockedBillingRow.first(tx, { accountId });
}

/** Takes `fen` from the balance, or refuses the payment (the caller's transaction rolls back). */
export async function pay(tx: Tx, account: BillingAccountsTable, fen: number): Promise<void> {
  if (account.balance_fen < fen) {
    throw apiError('PAY.INSUFFICIENT_BALANCE', { required: formatCny(fen), available: formatCny(account.balance_fen) });
  }
  await takeMoney(tx, account.account_id, fen);
  account.balance_fen -= fen;
}

/** Takes `fen` from the (locked) balance, without a check: the caller has checked it covers them. */
export async function takeMoney(tx: Tx, accountId: string, fen: number): Promise<void> {
  await tx
    .updateTable('billing_accounts')
    .set((eb) => ({ balance_fen: eb('balance_fen', '-', fen) }))
    .where('account_id', '=', accountId)
    .execute();
}

/**
 * Adds `fen` (negative takes money away: an operator's adjustment). A balance back at zero or
 * above ends an overdue period: the pending stop is cancelled and pay-as-you-go machines stopped
 * for it run again (and are metered again from now).
 */
export async function deposit(tx: Tx, s: MoneyDeps, accountId: string, fen: number, now: number): Promise<BillingAccountsTable> {
  const account = await billingAccount(tx, s, accountId, now);
  const balance = account.balance_fen + fen;
  let overdueSince = account.overdue_since;
  if (balance >= 0 && overdueSince !== null) {
    overdueSince = null;
    const stopped = await tx
      .selectFrom('instances')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('charge_type', '=', 'PostPaid')
      .where('health', '=', 'Stopped')
      .execute();
    await cancelJobs(tx, [jobKey(OVERDUE_JOB, accountId), ...stopped.map((r) => jobKey(RELEASE_STOPPED_JOB, r.id))]);
    await transitionInstances(tx, stopped, 'Ready', now);
  } else if (balance < 0 && overdueSince === null && fen < 0) {
    // An adjustment into debt starts the overdue clock like a settlement would.
    overdueSince = now;
    await enqueueJobs(
      tx,
      [
        {
          kind: OVERDUE_JOB,
          accountId,
          subjectId: accountId,
          dueAt: now + s.config.overdueStopDays * 86_400_000,
          key: jobKey(OVERDUE_JOB, accountId),
        },
      ],
      now,
    );
  }
  await tx
    .updateTable('billing_accounts')
    .set({ balance_fen: balance, overdue_since: overdueSince })
    .where('account_id', '=', accountId)
    .execute();
  return { ...account, balance_fen: balance, overdue_since: overdueSince };
}

/** Balance as read by QueryAccountBalance and the admin API (creates the row on first use). */
export async function balanceOf(s: Services, accountId: string): Promise<BillingAccountsTable> {
  return s.store.transaction((tx) => billingAccount(tx, s, accountId, s.clock.now()));
}
