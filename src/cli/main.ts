// The `openeas` command line: `serve` runs the server (serve.ts); `accounts create` adds an account;
// `accounts deposit` gives an account money.
import { Command } from 'commander';
import { flagOverrides, loadConfig, parseCny } from '../config.ts';
import { deposit } from '../billing/accounts.ts';
import { formatCny } from '../billing/money.ts';
import { openStore } from '../store/database.ts';
import { loadMasterKey, openSecretBox } from '../ram/secret-box.ts';
import { createAccount } from '../ram/accounts.ts';
import { Clock } from '../engine/clock.ts';
import { VERSION } from '../version.ts';
import { environmentHelp, settingFlags } from './options.ts';
import { describeFailure } from './failures.ts';
import { serve } from './serve.ts';

const STORE_FIELDS = ['dataDir', 'databaseUrl'] as const;

const program = new Command('openeas')
  .description('Self-hostable PAI-EAS dedicated resource group control plane (API 2021-07-01)')
  .version(VERSION, '-V, --version', 'print the version');

settingFlags(program.command('serve').description('run the API server'))
  .addHelpText('after', environmentHelp())
  .action(serve);

const accounts = program.command('accounts').description('manage accounts');
settingFlags(
  accounts.command('create')
    .description('create another account with its own root AccessKey (prints the secret once)')
    .option('--account-id <id>', '16-digit account id (generated when absent)')
    .option('--access-key-id <id>', 'root AccessKey id (generated when absent)')
    .option('--access-key-secret <secret>', 'root AccessKey secret (generated when absent)'),
  STORE_FIELDS,
).action(async (opts) => {
  const config = loadConfig(flagOverrides(opts));
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const box = await openSecretBox(store, loadMasterKey(config.dataDir, config.masterKey));
    const clock = new Clock(store);
    await clock.refresh();
    const created = await createAccount(store, box, {
      accountId: opts.accountId,
      accessKeyId: opts.accessKeyId,
      accessKeySecret: opts.accessKeySecret,
    }, clock.now());
    process.stdout.write(JSON.stringify({ AccountId: created.accountId, AccessKeyId: created.accessKeyId, AccessKeySecret: created.accessKeySecret }) + '\n');
  } finally {
    await store.close();
  }
});

settingFlags(
  accounts.command('deposit')
    .description('add money to an account\'s balance (CNY; negative takes it away) and print the balance')
    .requiredOption('--account-id <id>', '16-digit account id')
    .requiredOption('--amount <cny>', 'amount in CNY, e.g. 100 or 99.50'),
  STORE_FIELDS,
).action(async (opts) => {
  const config = loadConfig(flagOverrides(opts));
  const fen = parseCny(String(opts.amount), '--amount');
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const clock = new Clock(store);
    await clock.refresh();
    const known = await store.db.selectFrom('accounts').select('id').where('id', '=', opts.accountId).executeTakeFirst();
    if (!known) throw new Error(`no account ${opts.accountId} exists`);
    const account = await store.transaction((tx) => deposit(tx, { config, store }, opts.accountId, fen, clock.now()));
    process.stdout.write(JSON.stringify({ AccountId: account.account_id, AvailableAmount: formatCny(account.balance_fen), Currency: 'CNY' }) + '\n');
  } finally {
    await store.close();
  }
});

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`openeas: ${describeFailure(e)}\n`);
  process.exit(1);
});
