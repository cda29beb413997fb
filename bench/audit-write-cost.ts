// CPU cost of writing audit events (the recorder's batches), without HTTP: how much each b-tree and
// each byte of an event costs, for choosing indexes. node --import tsx bench/audit-write-cost.ts [events] [batch]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/store/database.ts';
import { insertRows } from '../src/store/prepared.ts';
import { newEventId } from '../src/audit/event.ts';
import type { AuditEventResourcesTable, AuditEventsTable } from '../src/store/schema.ts';

const total = Number(process.argv[2] ?? 20000);
const batch = Number(process.argv[3] ?? 16);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-audit-bench-'));
const store = await openStore({ dataDir: dir });
const account = '1000000000000001';
const { sql } = await import('kysely');
for (const stmt of (process.env.VARIANT_SQL ?? '').split(';').filter((x) => x.trim())) await sql.raw(stmt).execute(store.db);
await store.db
  .insertInto('accounts')
  .values({ id: account, created_at: Date.now() } as never)
  .execute()
  .catch(() => undefined);
const event = JSON.stringify({
  apiVersion: '2021-07-01',
  eventSource: '127.0.0.1:8080',
  requestId: 'C0FFEE00-0000-4000-8000-000000000000',
  userAgent: 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
  identity: { type: 'root-account', principalId: account },
  requestParameters: {
    ClusterId: 'cn-hangzhou',
    ResourceId: 'eas-r-abcdefghijklmnop',
    EcsInstanceType: 'ecs.g6.large',
    EcsInstanceCount: 1,
    ChargeType: 'PostPaid',
  },
  responseElements: { ResourceId: 'eas-r-abcdefghijklmnop', InstanceIds: ['eas-i-abcdefghijklmnopqrst'], Message: 'success' },
  resourceType: 'ACS::EAS::Resource;ACS::EAS::Instance',
  resourceName: 'eas-r-abcdefghijklmnop;eas-i-abcdefghijklmnopqrst',
  errorMessage: '',
  scheme: 'http',
});
let now = Date.now();
const cpu0 = process.cpuUsage();
for (let done = 0; done < total; done += batch) {
  const events: AuditEventsTable[] = [];
  const resources: AuditEventResourcesTable[] = [];
  for (let i = 0; i < batch; i++) {
    const id = newEventId(now++);
    events.push({
      event_id: id,
      account_id: account,
      event_time: now,
      event_name: 'CreateResourceInstances',
      service_name: 'Eas',
      event_rw: 'Write',
      acs_region: 'cn-hangzhou',
      is_global: 0,
      user_name: 'root',
      role_name: null,
      access_key_id: 'LTAI5tBenchmarkKeyId000000',
      source_ip: '127.0.0.1',
      error_code: '',
      event,
    });
    resources.push({ event_id: id, account_id: account, resource_type: 'ACS::EAS::Resource', resource_name: 'eas-r-abcdefghijklmnop' });
    resources.push({
      event_id: id,
      account_id: account,
      resource_type: 'ACS::EAS::Instance',
      resource_name: `eas-i-${id.slice(-20).toLowerCase()}`,
    });
  }
  await store.transaction(async (tx) => {
    await insertRows(tx, 'audit_events', events);
    await insertRows(tx, 'audit_event_resources', resources);
  });
}
const cpu = process.cpuUsage(cpu0);
console.log(
  `${total} events in batches of ${batch}: ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per event (user ${(cpu.user / total).toFixed(1)}, system ${(cpu.system / total).toFixed(1)})`,
);
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
