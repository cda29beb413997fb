// `openeas accounts create` and `openeas accounts deposit`: work on the data directly, without a server.
import { flagOverrides, loadConfig, parseCny } from '../config.ts';
import { deposit } from '../billing/accounts.ts';
import { formatCny } from '../billing/money.ts';
import { openStore } from '../store/database.ts';
import { loadMasterKey, openSecretBox } from '../ram/secret-box.ts';
import { createAccount } from '../ram/accounts.ts';
import { Clock } from '../engine/clock.ts';

/** Commander's options object, as parsed. */
type Options = Record<string, string | undefined>;

export async function createAccountCommand(opts: Options): Promise<void> {
  const config = loadConfig(flagOverrides(opts));
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const box = await openSecretBox(store, loadMasterKey(config.dataDir, config.masterKey));
    const clock = new Clock(store);
    await clock.refresh();
    const created = await createAccount(
      store,
      box,
      {
        accountId: opts.accountId,
        accessKeyId: opts.accessKeyId,
        accessKeySecret: opts.accessKeySecret,
      },
      clock.now(),
    );
    const shown = { AccountId: created.accountId, AccessKeyId: created.accessKeyId, AccessKeySecret: created.accessKeySecret };
    process.stdout.write(JSON.stringify(shown) + '\n');
  } finally {
    await store.close();
  }
}

export async function depositCommand(opts: Options): Promise<void> {
  const config = loadConfig(flagOverrides(opts));
  const fen = parseCny(String(opts.amount), '--amount');
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const clock = new Clock(store);
    await clock.refresh();
    const accountId = opts.accountId!; // a required option
    const known = await store.db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
    if (!known) throw new Error(`no account ${accountId} exists`);
    const account = await store.transaction((tx) => deposit(tx, { config, store }, accountId, fen, clock.now()));
    const balance = { AccountId: account.account_id, AvailableAmount: formatCny(account.balance_fen), Currency: 'CNY' };
    process.stdout.write(JSON.stringify(balance) + '\n');
  } finally {
    await store.close();
  }
}
