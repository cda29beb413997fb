// Cost of writing audit events (the recorder's batches), without HTTP: CPU per event, and pages
// written to the WAL per event, which does not depend on the host's load (a commit writes every
// page it dirtied; each b-tree an event touches adds some), so it compares schemas on a busy
// machine. The schema is the migrated one, changed by VARIANT_SQL (statements run before the
// writes); no checkpoints run, so the WAL's size counts the pages. Rows are written as the
// recorder's insertRows writes them on SQLite: one prepared multi-row INSERT per table and batch.
//   node --import tsx bench/audit-write-cost.ts [events] [batch]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../src/store/database.ts';
import { newEventId } from '../src/audit/event.ts';
import { newInstanceId } from '../src/ids.ts';

const total = Number(process.argv[2] ?? 20000);
const batch = Number(process.argv[3] ?? 64);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-audit-bench-'));
await (await openStore({ dataDir: dir })).close();
const db = new BetterSqlite3(path.join(dir, 'openeas.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('wal_autocheckpoint = 0');
const account = '1000000000000001';
db.prepare('insert into accounts (id, created_at) values (?, ?)').run(account, Date.now());
db.exec(process.env.VARIANT_SQL ?? '');
db.pragma('wal_checkpoint(TRUNCATE)');
// The stored part of a CreateResourceInstances event (what audit/event.ts writes).
const event = JSON.stringify({
  apiVersion: '2021-07-01',
  eventSource: '127.0.0.1:8080',
  requestId: 'C0FFEE00-0000-4000-8000-000000000000',
  userAgent: 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
  identity: { type: 'root-account', principalId: account },
  requestParameters: {
    ClusterId: 'cn-hangzhou',
    ResourceId: 'eas-r-abcdefghijklmnopqr',
    EcsInstanceType: 'ecs.g6.large',
    EcsInstanceCount: 1,
    ChargeType: 'PostPaid',
  },
  responseElements: {
    RequestId: 'C0FFEE00-0000-4000-8000-000000000000',
    Message: 'success',
    ResourceId: 'eas-r-abcdefghijklmnopqr',
    InstanceIds: ['eas-i-0abcdefgh123456789'],
  },
  resourceType: 'ACS::EAS::Resource;ACS::EAS::Instance',
  resourceName: 'eas-r-abcdefghijklmnopqr;eas-i-0abcdefgh123456789',
  errorMessage: '',
  scheme: 'http',
});
const eventColumns = [
  'event_id',
  'account_id',
  'event_time',
  'event_name',
  'service_name',
  'event_rw',
  'acs_region',
  'is_global',
  'user_name',
  'role_name',
  'access_key_id',
  'source_ip',
  'error_code',
  'event',
];
const resourceColumns = ['event_id', 'account_id', 'resource_type', 'resource_name'];
const insert = (table: string, columns: string[], rows: number) =>
  db.prepare(
    `insert into ${table} (${columns.join(', ')}) values ${Array(rows)
      .fill(`(${columns.map(() => '?').join(', ')})`)
      .join(', ')}`,
  );
const insertEvents = insert('audit_events', eventColumns, batch);
const insertResources = insert('audit_event_resources', resourceColumns, batch * 2);
let now = Date.now();
const cpu0 = process.cpuUsage();
for (let done = 0; done < total; done += batch) {
  const events: unknown[] = [];
  const resources: unknown[] = [];
  for (let i = 0; i < batch; i++) {
    const id = newEventId(now++);
    events.push(id, account, now, 'CreateResourceInstances', 'Eas', 'Write', 'cn-hangzhou', 0, 'root', null, 'LTAI5tBenchmarkKeyId000000');
    events.push('127.0.0.1', '', event);
    // Machine ids are time-ordered, as the server's.
    resources.push(id, account, 'ACS::EAS::Resource', 'eas-r-abcdefghijklmnopqr', id, account, 'ACS::EAS::Instance', newInstanceId(now));
  }
  db.exec('begin immediate');
  insertEvents.run(events);
  insertResources.run(resources);
  db.exec('commit');
}
const cpu = process.cpuUsage(cpu0);
const walPages = (fs.statSync(path.join(dir, 'openeas.db-wal')).size - 32) / (4096 + 24);
console.log(
  `${total} events in batches of ${batch}: ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per event (user ${(cpu.user / total).toFixed(1)}, system ${(cpu.system / total).toFixed(1)}), ${(walPages / total).toFixed(3)} WAL pages per event`,
);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
