// /_openeas/accounts/{id}/balance: an operator gives an account money (or takes it, with a
// negative Amount) and reads its balance. Amounts are CNY texts, e.g. "100.00".
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { adminBody, type AdminRoute } from '../admin/routes.ts';
import type { Services } from '../services.ts';
import { balanceOf, deposit } from './accounts.ts';
import { formatCny, parseCny } from './money.ts';
import type { BillingAccountsTable } from '../store/schema.ts';
import { formatTime } from '../eas/presenters.ts';

async function existingAccount(req: FastifyRequest, s: Services): Promise<string> {
  const id = (req.params as Record<string, string>).id!;
  const row = await s.store.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw apiError('InvalidParameter', { name: 'AccountId', reason: `No account ${id} exists.` });
  return id;
}

function view(a: BillingAccountsTable): Record<string, unknown> {
  return {
    AccountId: a.account_id,
    AvailableAmount: formatCny(a.balance_fen),
    Currency: 'CNY',
    Overdue: a.overdue_since !== null,
    OverdueSince: a.overdue_since === null ? null : formatTime(a.overdue_since),
  };
}

export const billingAdminRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/accounts/:id/balance',
    handler: async (req, s) => view(await balanceOf(s, await existingAccount(req, s))),
  },
  {
    method: 'POST',
    path: '/accounts/:id/balance',
    handler: async (req, s) => {
      const id = await existingAccount(req, s);
      const body = adminBody(req);
      const raw = body.Amount ?? body.amount;
      if (raw === undefined || raw === null || raw === '') throw apiError('MissingParameter', { name: 'Amount' });
      let fen: number;
      try {
        fen = parseCny(String(raw), 'Amount');
      } catch (e) {
        throw apiError('InvalidParameter', { name: 'Amount', reason: (e as Error).message });
      }
      const account = await s.store.transaction((tx) => deposit(tx, s, id, fen, s.clock.now()));
      return view(account);
    },
  },
];
