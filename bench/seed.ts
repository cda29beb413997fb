// Seeds a SQLite data directory with many machines straight through SQL (the API would take
// hours), keeping every counter the API maintains consistent, so the scale scenarios measure
// queries over realistic data.
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { ipOf } from '../src/eas/regions.ts';

export interface SeedPlan {
  accountId: string;
  region: string;
  /** Machines per group. */
  groups: number[];
}

export function seedMachines(dataDir: string, plan: SeedPlan): string[] {
  const db = new BetterSqlite3(path.join(dataDir, 'openeas.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const groupIds: string[] = [];
  const insertGroup = db.prepare(`insert into resources (id, account_id, region, name, resource_type, status, message, self_managed, labels,
    instance_count, prepaid_instance_count, postpaid_instance_count, cpu_count, gpu_count, memory_mb, service_count, created_at, updated_at)
    values (?, ?, ?, ?, 'Dedicated', 'ResourceReady', 'Resource is ready', null, '{}', ?, 0, ?, ?, 0, ?, 0, ?, ?)`);
  const insertMachine =
    db.prepare(`insert into instances (id, account_id, resource_id, region, zone, name, ip, instance_type, cpu, memory_mb, gpu,
    gpu_memory_gb, arch, system_disk_gb, charge_type, auto_renewal, health, cordoned, status, failure_reason, user_data_hash, labels, created_at, updated_at, expired_at)
    values (?, ?, ?, ?, ?, ?, ?, 'ecs.g6.large', 2, 8192, 0, 0, 'amd64', 200, 'PostPaid', 0, ?, 0, ?, null, null, '{}', ?, ?, null)`);
  let host = 1;
  const total = plan.groups.reduce((a, b) => a + b, 0);
  plan.groups.forEach((count, g) => {
    const id = `eas-r-bench${String(g).padStart(13, '0')}`;
    groupIds.push(id);
    db.transaction(() => {
      insertGroup.run(id, plan.accountId, plan.region, `bench-${g}`, count, count, count * 2, count * 8192, now - 1000, now - 1000);
      for (let i = 0; i < count; i++) {
        // One machine in fifty is NotReady, so status filters select a small slice.
        const health = i % 50 === 0 ? 'NotReady' : 'Ready';
        insertMachine.run(
          `eas-i-b${String(g).padStart(3, '0')}${String(i).padStart(14, '0')}`,
          plan.accountId,
          id,
          plan.region,
          `${plan.region}-b`,
          `eas${String(host).padStart(16, '0')}`,
          ipOf(plan.region, host),
          health,
          health,
          now - count + i,
          now - count + i,
        );
        host++;
      }
    })();
  });
  db.prepare(`insert into ip_pools (region, next_host) values (?, ?) on conflict(region) do update set next_host = excluded.next_host`).run(
    plan.region,
    host,
  );
  db.prepare(`insert into account_usage (account_id, region, instances, vcpus, gpus) values (?, ?, ?, ?, 0)
    on conflict(account_id, region) do update set instances = excluded.instances, vcpus = excluded.vcpus`).run(
    plan.accountId,
    plan.region,
    total,
    total * 2,
  );
  db.close();
  return groupIds;
}
