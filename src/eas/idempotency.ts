// Client tokens (`x-acs-client-token` header or `ClientToken` query parameter): a retried create
// returns the first result instead of buying twice; the same token with other parameters is refused.
import { apiError } from '../gateway/errors.ts';
import type { Tx } from '../store/database.ts';
import type { CallContext } from '../gateway/context.ts';
import type { Output } from '../gateway/operation.ts';
import { fingerprint } from './machines.ts';
import './errors.ts';

export function clientTokenOf(ctx: CallContext): string | undefined {
  const header = ctx.headers['x-acs-client-token'];
  const token = (Array.isArray(header) ? header[0] : header) ?? ctx.rawQuery.ClientToken;
  return token ? token.slice(0, 64) : undefined;
}

/**
 * Runs `create` at most once per (account, token). The placeholder row is inserted first, so a
 * concurrent retry on PostgreSQL waits on the unique key and then sees the committed result.
 */
export async function oncePerClientToken(
  tx: Tx,
  ctx: CallContext,
  action: string,
  params: unknown,
  now: number,
  create: () => Promise<Output>,
): Promise<Output> {
  const token = clientTokenOf(ctx);
  if (!token) return create();
  const fp = fingerprint({ action, params });
  const claimed = await tx
    .insertInto('client_tokens')
    .values({ account_id: ctx.caller.accountId, token, action, fingerprint: fp, response: '', created_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'token']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 1) {
    const out = await create();
    await tx
      .updateTable('client_tokens')
      .set({ response: JSON.stringify(out) })
      .where('account_id', '=', ctx.caller.accountId)
      .where('token', '=', token)
      .execute();
    return out;
  }
  const prior = await tx
    .selectFrom('client_tokens')
    .selectAll()
    .where('account_id', '=', ctx.caller.accountId)
    .where('token', '=', token)
    .executeTakeFirstOrThrow();
  if (prior.fingerprint !== fp || prior.response === '') throw apiError('IdempotentParameterMismatch');
  return JSON.parse(prior.response) as Output;
}
