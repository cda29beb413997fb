// UserData is stored once per distinct content and account, not on every machine: one order of
// 100 machines with 16 KiB of UserData writes 16 KiB, not 1.6 MB. Machines reference the row by
// the content's SHA-256; `refs` counts them, and the row goes when its last machine is released.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from './database.ts';

export function userDataHash(content: string): string {
  return crypto.createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Stores `content` for `machines` new machines of the account; returns the key they reference. */
export async function retainUserData(tx: Tx, accountId: string, content: string, machines: number, now: number): Promise<string> {
  const hash = userDataHash(content);
  await tx
    .insertInto('user_data')
    .values({ account_id: accountId, hash, content, refs: machines, created_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'hash']).doUpdateSet({ refs: sql`user_data.refs + ${machines}` }))
    .execute();
  return hash;
}

/** Drops the references of released machines; content nobody references any more is deleted. */
export async function releaseUserData(tx: Tx, machines: Array<{ account_id: string; user_data_hash: string | null }>): Promise<void> {
  const counts = new Map<string, { accountId: string; hash: string; n: number }>();
  for (const m of machines) {
    if (m.user_data_hash === null) continue;
    const key = `${m.account_id}/${m.user_data_hash}`;
    const c = counts.get(key) ?? { accountId: m.account_id, hash: m.user_data_hash, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  for (const { accountId, hash, n } of counts.values()) {
    await tx
      .updateTable('user_data')
      .set({ refs: sql`refs - ${n}` })
      .where('account_id', '=', accountId)
      .where('hash', '=', hash)
      .execute();
    await tx.deleteFrom('user_data').where('account_id', '=', accountId).where('hash', '=', hash).where('refs', '<=', 0).execute();
  }
}
