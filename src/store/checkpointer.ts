// SQLite WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit
// that pushes the WAL over its limit, on the committing connection: with better-sqlite3 that is the
// server's only thread, and copying 80 MB of WAL back into the database file took ~550 ms here,
// during which no request was served (health p99 > 100 ms in the big-body attacks, issue 9).
//
// So a worker thread with a connection of its own runs PASSIVE checkpoints every
// CHECKPOINT_EVERY_MS: they copy what no reader still needs while the server goes on reading and
// writing, and never wait for a lock. Once everything is copied, the server's next write starts
// the WAL again from its beginning, and journal_size_limit trims the file. (The server's own
// automatic checkpoint remains as a backstop, far later: database.ts.) Several processes on one file each run one; SQLite lets one
// checkpoint run at a time and the others report busy, which is fine: one is enough.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const CHECKPOINT_EVERY_MS = 250;

// The worker is a plain CommonJS script (no file of its own, so it runs the same from src/ and dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    // Another process's checkpoint (or a writer holding its lock) is running: one is enough.
    if (e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED')) return;
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface Checkpointer {
  /** Stops the worker (its connection closed) before the server's own connection closes. */
  stop(): Promise<void>;
}

/**
 * Starts background checkpoints of the database `file`. A failing checkpoint is reported as a
 * process warning (the store has no logger; the next one tries again).
 */
export function startCheckpointer(file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref(); // never what keeps the process alive
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (m: { error?: string; stopped?: boolean }) => {
    if (m.error) process.emitWarning(`WAL checkpoint failed: ${m.error}`, { code: 'OPENEAS_CHECKPOINT' });
    if (m.stopped) void worker.terminate();
  });
  worker.on('error', (e) => process.emitWarning(`WAL checkpointer stopped: ${e.message}`, { code: 'OPENEAS_CHECKPOINT' }));
  return {
    stop() {
      worker.postMessage('stop'); // ignored by a worker that has already gone
      return exited;
    },
  };
}
