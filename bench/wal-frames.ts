// Which b-trees a call's commits write (SQLite): node --import tsx bench/wal-frames.ts <create|describe> [seconds]
// A commit writes every page its transactions dirtied to the WAL as one frame (two pwrites here,
// 6.5-11 us each), so frames per commit, and whose pages they are, say what a call's writes cost.
// The server takes signed calls at 32 in flight; mid-run the database and its WAL are copied, the
// frames of the WAL's current generation (its salt) are counted per page, and each page is named
// by the table or index that owns it now (the dbstat virtual table of the copy). Keys that are
// random (a nonce, a host name) dirty a page per row; time-ordered keys share the right edge.
// OPENEAS_* variables of this process reach the server (OPENEAS_AUDIT_TRAIL=false, say).
// BENCH_OFFICIAL=1 sends the calls through the official client (callApi) instead of the signing
// generator: its calls reach the server more spread out, so its commits carry fewer calls each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startBenchServer } from './bench-server.ts';
import { runClientLoad, runLoad, type LoadResult } from './load.ts';
import type { RoaCall } from '../test/support/client.ts';

const op = process.argv[2] ?? 'create';
const seconds = Number(process.argv[3] ?? 3);
const server = await startBenchServer();
const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-wal-frames-'));
try {
  const target =
    op === 'create'
      ? server.target('CreateResourceInstances', 'POST', `${server.base}/instances`, {
          EcsInstanceType: 'ecs.g6.large',
          EcsInstanceCount: 1,
          ChargeType: 'PostPaid',
        })
      : server.target('DescribeResource', 'GET', server.base);
  const call: RoaCall =
    op === 'create'
      ? { action: target.action, method: 'POST', pathname: target.path, body: JSON.parse(target.body!()) }
      : { action: target.action, method: 'GET', pathname: target.path };
  const drive = (s: number): Promise<LoadResult> =>
    process.env.BENCH_OFFICIAL === '1'
      ? runClientLoad(server.url, ROOT, call, { seconds: s, concurrency: 32 })
      : runLoad(target, { seconds: s, concurrency: 32 });
  await drive(2); // warm-up
  const load = drive(seconds);
  await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2));
  for (const f of ['openeas.db', 'openeas.db-wal']) fs.copyFileSync(path.join(server.dir, f), path.join(snapshot, f));
  const done = await load;

  // WAL format (sqlite.org/fileformat.html#the_write_ahead_log): a 32-byte header (page size at 8,
  // salts at 16 and 20), then frames of a 24-byte header (page number, database size after a commit
  // or 0, the salts) and the page.
  const wal = fs.readFileSync(path.join(snapshot, 'openeas.db-wal'));
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const framesOfPage = new Map<number, number>();
  let frames = 0;
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break; // an older generation
    const page = wal.readUInt32BE(at);
    framesOfPage.set(page, (framesOfPage.get(page) ?? 0) + 1);
    frames++;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(snapshot, 'openeas.db'));
  const owner = new Map<number, string>();
  for (const row of db.prepare('select name, pageno from dbstat').all() as Array<{ name: string; pageno: number }>) {
    owner.set(row.pageno, row.name);
  }
  db.close();
  const byTree = new Map<string, number>();
  for (const [page, n] of framesOfPage) {
    const name = owner.get(page) ?? '(freed since)';
    byTree.set(name, (byTree.get(name) ?? 0) + n);
  }
  console.log(
    `${op}: ${frames} frames in ${commits} commits, ${(frames / Math.max(1, commits)).toFixed(1)} a commit; ${done.rps.toFixed(0)} calls/s`,
  );
  for (const [name, n] of [...byTree].sort((a, b) => b[1] - a[1])) {
    console.log(`${(n / Math.max(1, commits)).toFixed(2).padStart(8)} frames a commit  ${name}`);
  }
} finally {
  await server.stop();
  fs.rmSync(snapshot, { recursive: true, force: true });
}
