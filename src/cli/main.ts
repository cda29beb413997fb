// The `openeas` command line: `serve` runs the server (serve.ts); `accounts create` adds an account;
// `accounts deposit` gives an account money (accounts.ts). The commands' modules are imported when
// they run: loading the server takes seconds, which --version, --help and a refused setting need not wait.
import { Command } from 'commander';
import { flagOverrides, loadConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { environmentHelp, settingFlags } from './options.ts';
import { describeFailure } from './failures.ts';

const STORE_FIELDS = ['dataDir', 'databaseUrl'] as const;

const program = new Command('openeas')
  .description('Self-hostable PAI-EAS dedicated resource group control plane (API 2021-07-01)')
  .version(VERSION, '-V, --version', 'print the version')
  // commander's own refusals (an unknown flag, a missing value) read like ours: `openeas: …`, one line.
  .configureOutput({
    outputError: (text, write) =>
      write(
        `openeas: ${text
          .replace(/^error: /, '')
          .trim()
          .replace(/\s*\n\s*/g, ' ')}\n`,
      ),
  });

settingFlags(program.command('serve').description('run the API server'))
  .addHelpText('after', environmentHelp())
  .action(async (opts: Record<string, unknown>) => {
    const overrides = flagOverrides(opts);
    loadConfig(overrides); // refuses a bad flag or variable before the server is loaded
    await (await import('./serve.ts')).serve(overrides);
  });

const accounts = program.command('accounts').description('manage accounts');
settingFlags(
  accounts
    .command('create')
    .description('create another account with its own root AccessKey (prints the secret once)')
    .option('--account-id <id>', '16-digit account id (generated when absent)')
    .option('--access-key-id <id>', 'root AccessKey id (generated when absent)')
    .option('--access-key-secret <secret>', 'root AccessKey secret (generated when absent)'),
  STORE_FIELDS,
).action(async (opts) => (await import('./accounts.ts')).createAccountCommand(opts));

settingFlags(
  accounts
    .command('deposit')
    .description("add money to an account's balance (CNY; negative takes it away) and print the balance")
    .requiredOption('--account-id <id>', '16-digit account id')
    .requiredOption('--amount <cny>', 'amount in CNY, e.g. 100 or 99.50'),
  STORE_FIELDS,
).action(async (opts) => (await import('./accounts.ts')).depositCommand(opts));

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`openeas: ${describeFailure(e)}\n`);
  process.exit(1);
});
