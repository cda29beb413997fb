// `openeas serve`: starts the server, prints its endpoint and (until it has been shown once) the root
// secret, and stops cleanly on SIGINT/SIGTERM.
import os from 'node:os';
import { startServer, type RunningServer } from '../server.ts';
import type { ConfigOverrides } from '../config.ts';

function print(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/** On stdout, never through the logger: secrets must not reach log files. */
function banner(server: RunningServer): string {
  const { root } = server;
  return (
    `openeas ${server.services.version} listening on ${server.url} (database: ${server.services.store.dialect})\n` +
    `account ${root.accountId}, root AccessKey ${root.accessKeyId}\n` +
    (root.accessKeySecret
      ? `root AccessKey secret (shown once): ${root.accessKeySecret}\n`
      : 'root AccessKey secret: as set when this data directory was created (never shown again)\n')
  );
}

function shutdown(server: RunningServer, signal: string): void {
  server.app.log.info({ signal }, 'shutting down');
  server.close().then(
    () => process.exit(0),
    (e) => {
      server.app.log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    },
  );
}

export async function serve(overrides: ConfigOverrides): Promise<void> {
  let server: RunningServer | undefined;
  let stopping = false;
  // Between printing the secret and recording it as shown, a signal waits: otherwise the next
  // start would show the secret again. Before that, it ends the start-up as it always would.
  let announced = false;
  let deferred: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    if (server) {
      stopping = true;
      shutdown(server, signal);
    } else if (announced) {
      deferred = signal;
    } else {
      process.exit(128 + os.constants.signals[signal]);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  server = await startServer(overrides, process.env, {
    announce: (s) => {
      announced = true;
      return print(banner(s));
    },
  });
  if (deferred) onSignal(deferred);
}
