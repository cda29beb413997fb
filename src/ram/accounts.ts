// Accounts and their root AccessKeys: created on first start (or on demand for multi-account
// tests) and verified on every later start, so changed credentials never silently overwrite data.
import type { Store, Tx } from '../store/database.ts';
import type { SecretBox } from './secret-box.ts';
import { newAccessKeyId, newAccessKeySecret, newAccountId } from '../ids.ts';

/** The setting that names the root account (created on first start). */
export const ROOT_ACCOUNT_KEY = 'root_account_id';
// The root AccessKey whose secret has not been shown yet: set when the account is created, removed
// once a start that succeeded has shown it (rootSecretShown). A first start that fails after creating
// the account (busy port…) thus loses nothing: the next start shows the secret.
const ROOT_SECRET_PENDING_KEY = 'root_secret_pending';

export interface AccountCredentials {
  accountId: string;
  accessKeyId: string;
  /** Present only when the key was created now: secrets are shown once. */
  accessKeySecret?: string;
}

export interface NewAccountInput {
  accountId?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
}

export async function createAccount(
  store: Store,
  box: SecretBox,
  input: NewAccountInput,
  now: number,
  tx?: Tx,
): Promise<Required<AccountCredentials>> {
  const accountId = input.accountId ?? newAccountId();
  const accessKeyId = input.accessKeyId ?? newAccessKeyId();
  const accessKeySecret = input.accessKeySecret ?? newAccessKeySecret();
  if (!/^\d{16}$/.test(accountId)) throw new Error(`account id must be 16 digits, got "${accountId}"`);
  if (!/^[A-Za-z0-9.]{8,128}$/.test(accessKeyId)) throw new Error('AccessKey id must be 8-128 letters, digits or dots');
  if (accessKeySecret.length < 8) throw new Error('AccessKey secret must be at least 8 characters');
  const run = async (t: Tx) => {
    if (await t.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst()) {
      throw new Error(`account ${accountId} already exists`);
    }
    if (await t.selectFrom('access_keys').select('id').where('id', '=', accessKeyId).executeTakeFirst()) {
      throw new Error(`AccessKey ${accessKeyId} already exists`);
    }
    await t.insertInto('accounts').values({ id: accountId, created_at: now }).execute();
    await t
      .insertInto('access_keys')
      .values({
        id: accessKeyId,
        account_id: accountId,
        owner_type: 'root',
        owner_id: null,
        secret_enc: box.encrypt(accessKeySecret),
        status: 'Active',
        created_at: now,
        expires_at: null,
      })
      .execute();
  };
  if (tx) await run(tx);
  else await store.transaction(run);
  return { accountId, accessKeyId, accessKeySecret };
}

/**
 * Creates the root account on first start; on later starts checks that the configured ids and
 * secret (if any) still describe the stored account and refuses to start when they do not.
 * The secret is returned until rootSecretShown() records that it was shown.
 */
export async function ensureRootAccount(
  store: Store,
  box: SecretBox,
  wanted: NewAccountInput,
  now: number,
): Promise<AccountCredentials & { created: boolean }> {
  return store.transaction(async (tx) => {
    const row = await tx.selectFrom('settings').select('value').where('key', '=', ROOT_ACCOUNT_KEY).executeTakeFirst();
    if (!row) {
      const created = await createAccount(store, box, wanted, now, tx);
      await tx
        .insertInto('settings')
        .values([
          { key: ROOT_ACCOUNT_KEY, value: created.accountId },
          { key: ROOT_SECRET_PENDING_KEY, value: created.accessKeyId },
        ])
        .execute();
      return { ...created, created: true };
    }
    const accountId = row.value;
    if (wanted.accountId && wanted.accountId !== accountId) {
      throw new Error(
        `OPENEAS_ACCOUNT_ID is ${wanted.accountId} but this database's root account is ${accountId}; ` +
          'unset it or use another data directory / database',
      );
    }
    const keys = await tx
      .selectFrom('access_keys')
      .select(['id', 'secret_enc'])
      .where('account_id', '=', accountId)
      .where('owner_type', '=', 'root')
      .orderBy('created_at')
      .execute();
    if (wanted.accessKeyId) {
      const key = keys.find((k) => k.id === wanted.accessKeyId);
      if (!key) {
        throw new Error(
          `OPENEAS_ROOT_ACCESS_KEY_ID ${wanted.accessKeyId} is not a root AccessKey of account ${accountId}; ` +
            'the stored credentials are kept. Unset it or use another data directory / database',
        );
      }
      if (wanted.accessKeySecret !== undefined && box.decrypt(key.secret_enc) !== wanted.accessKeySecret) {
        throw new Error(`OPENEAS_ROOT_ACCESS_KEY_SECRET does not match the stored secret of ${wanted.accessKeyId}`);
      }
    }
    const key = keys.find((k) => k.id === wanted.accessKeyId) ?? keys[0];
    const pending = await tx.selectFrom('settings').select('value').where('key', '=', ROOT_SECRET_PENDING_KEY).executeTakeFirst();
    const secret = key && pending?.value === key.id ? { accessKeySecret: box.decrypt(key.secret_enc) } : {};
    return { accountId, accessKeyId: key?.id ?? '', ...secret, created: false };
  });
}

/** Records that the root secret was shown: later starts no longer return it. */
export async function rootSecretShown(store: Store): Promise<void> {
  await store.db.deleteFrom('settings').where('key', '=', ROOT_SECRET_PENDING_KEY).execute();
}
