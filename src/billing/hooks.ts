// Billing's part in the machine lifecycle (src/hooks.ts): ordering machines pays for them.
// Metering needs no hook: engine/instance-lifecycle.ts records every running interval itself.
import { apiError } from '../gateway/errors.ts';
import type { Hooks } from '../hooks.ts';
import type { Services } from '../services.ts';
import type { Tx } from '../store/database.ts';
import { readBillingAccount, type MoneyDeps } from './accounts.ts';
import { orderSubscriptions } from './subscriptions.ts';
import { formatCny } from './money.ts';
import './errors.ts';

export function billingHooks(s: Services): Hooks {
  return {
    // The minimum balance is a read: checked before the order locks its shared rows.
    async machinesOrdering(tx, ctx, rows, now) {
      if (rows.some((r) => r.charge_type !== 'PrePaid')) await checkPayAsYouGoBalance(tx, s, ctx.caller.accountId, now);
    },
    // Paying locks the balance: after the order's other shared rows (the lock order, engine/group-locks.ts).
    async machinesOrdered(tx, ctx, rows, now) {
      const prepaid = rows.filter((r) => r.charge_type === 'PrePaid');
      // One paid order per create call, for one term of every PrePaid machine in it.
      if (prepaid.length > 0) await orderSubscriptions(tx, s, ctx.caller.accountId, prepaid, now);
    },
    async machinesRunning() {},
    async machinesReleased() {},
  };
}

/**
 * Pay-as-you-go resources (PostPaid machines, public-pool services) need the minimum balance
 * (`postPaidMinimumBalanceFen`); the account's billing row (and its hourly settlement) exists afterwards.
 */
export async function checkPayAsYouGoBalance(tx: Tx, s: MoneyDeps, accountId: string, now: number): Promise<void> {
  const account = await readBillingAccount(tx, s, accountId, now);
  if (account.balance_fen < s.config.postPaidMinimumBalanceFen) {
    throw apiError('InvalidAccountStatus.NotEnoughBalance', {
      minimum: formatCny(s.config.postPaidMinimumBalanceFen),
      available: formatCny(account.balance_fen),
    });
  }
}
