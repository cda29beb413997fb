// The `openeas` command line: `serve` runs the server; `accounts create` adds an account;
// `accounts deposit` gives an account money.
import { Command, InvalidArgumentError } from 'commander';
import { startServer } from '../server.ts';
import { loadConfig, parseCny, type ConfigOverrides } from '../config.ts';
import { deposit } from '../billing/accounts.ts';
import { formatCny } from '../billing/money.ts';
import { openStore } from '../store/database.ts';
import { loadMasterKey, openSecretBox } from '../ram/secret-box.ts';
import { createAccount } from '../ram/accounts.ts';
import { Clock } from '../engine/clock.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

function storeFlags(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (SQLite file, master key) [env OPENEAS_DATA_DIR, default .openeas]')
    .option('--database-url <url>', 'PostgreSQL URL instead of the embedded SQLite [env OPENEAS_DATABASE_URL]');
}

const program = new Command('openeas')
  .description('Self-hostable PAI-EAS dedicated resource group control plane (API 2021-07-01)');

storeFlags(
  program.command('serve')
    .description('run the API server')
    .option('--host <host>', 'address to listen on [env OPENEAS_HOST, default 127.0.0.1]')
    .option('--port <port>', 'port to listen on [env OPENEAS_PORT, default 8080]', port)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace [env OPENEAS_LOG_LEVEL, default info]')
    .option('--catalog <file>', 'extra machine-type catalog (JSON) [env OPENEAS_CATALOG]')
    .option('--ram <mode>', 'enforce|soft|off [env OPENEAS_RAM, default enforce]'),
).action(async (opts) => {
  const overrides: ConfigOverrides = {
    host: opts.host,
    port: opts.port,
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    logLevel: opts.logLevel,
    catalogFile: opts.catalog,
    ram: opts.ram,
  };
  const server = await startServer(overrides);
  const { root } = server;
  // Printed on stdout once, never through the logger: secrets must not reach log files.
  process.stdout.write(
    `openeas ${server.services.version} listening on ${server.url} (database: ${server.services.store.dialect})\n` +
      `account ${root.accountId}, root AccessKey ${root.accessKeyId}\n` +
      (root.accessKeySecret
        ? `root AccessKey secret (shown once): ${root.accessKeySecret}\n`
        : 'root AccessKey secret: as set when this data directory was created (never shown again)\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(() => process.exit(0), (e) => {
      server.app.log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
});

const accounts = program.command('accounts').description('manage accounts');
storeFlags(
  accounts.command('create')
    .description('create another account with its own root AccessKey (prints the secret once)')
    .option('--account-id <id>', '16-digit account id (generated when absent)')
    .option('--access-key-id <id>', 'root AccessKey id (generated when absent)')
    .option('--access-key-secret <secret>', 'root AccessKey secret (generated when absent)'),
).action(async (opts) => {
  const config = loadConfig({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
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

storeFlags(
  accounts.command('deposit')
    .description('add money to an account\'s balance (CNY; negative takes it away) and print the balance')
    .requiredOption('--account-id <id>', '16-digit account id')
    .requiredOption('--amount <cny>', 'amount in CNY, e.g. 100 or 99.50'),
).action(async (opts) => {
  const config = loadConfig({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
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

program.parseAsync(process.argv).catch((e: Error) => {
  process.stderr.write(`openeas: ${e.message}\n`);
  process.exit(1);
});
