// Seeds a SQLite data directory with many machines straight through SQL (the API would take
// hours), keeping every counter the API maintains consistent, so the scale scenarios measure
// queries over realistic data.
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { ipOf } from '../src/eas/regions.ts';
import { newServiceToken } from '../src/ids.ts';

export interface SeedPlan {
  accountId: string;
  region: string;
  /** Machines per group. */
  groups: number[];
  /** The machines' shape (default ecs.g6.large: 2 cores, 8 GiB). */
  machine?: { instanceType: string; cpu: number; memoryMb: number };
  /** Every machine Ready (default: one in fifty NotReady, so status filters select a small slice). */
  allReady?: boolean;
  /** First number of the machines' names and ids (default 1): seeding a data directory twice. */
  firstHost?: number;
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
  const shape = plan.machine ?? { instanceType: 'ecs.g6.large', cpu: 2, memoryMb: 8192 };
  const insertMachine =
    db.prepare(`insert into instances (id, account_id, resource_id, region, zone, name, ip, instance_type, cpu, memory_mb, gpu,
    gpu_memory_gb, arch, system_disk_gb, charge_type, auto_renewal, health, cordoned, status, failure_reason, user_data_hash, labels, created_at, updated_at, expired_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 'amd64', 200, 'PostPaid', 0, ?, 0, ?, null, null, '{}', ?, ?, null)`);
  const firstHost = plan.firstHost ?? 1;
  let host = firstHost;
  const total = plan.groups.reduce((a, b) => a + b, 0);
  const usage = db
    .prepare('select instances, vcpus from account_usage where account_id = ? and region = ?')
    .get(plan.accountId, plan.region) as { instances: number; vcpus: number } | undefined;
  plan.groups.forEach((count, g) => {
    const id = `eas-r-bench${String(firstHost).padStart(6, '0')}${String(g).padStart(7, '0')}`;
    groupIds.push(id);
    db.transaction(() => {
      insertGroup.run(
        id,
        plan.accountId,
        plan.region,
        `bench-${firstHost}-${g}`,
        count,
        count,
        count * shape.cpu,
        count * shape.memoryMb,
        now - 1000,
        now - 1000,
      );
      for (let i = 0; i < count; i++) {
        // One machine in fifty is NotReady, so status filters select a small slice.
        const health = i % 50 === 0 && !plan.allReady ? 'NotReady' : 'Ready';
        insertMachine.run(
          `eas-i-b${String(host).padStart(17, '0')}`,
          plan.accountId,
          id,
          plan.region,
          `${plan.region}-b`,
          `eas${String(host).padStart(16, '0')}`,
          ipOf(plan.region, host),
          shape.instanceType,
          shape.cpu,
          shape.memoryMb,
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
    (usage?.instances ?? 0) + total,
    (usage?.vcpus ?? 0) + total * shape.cpu,
  );
  db.close();
  return groupIds;
}

/**
 * Seeds Running services onto a seeded group, straight through SQL: `services` services of
 * `instances` instances each (1 core, 1 GiB), spread round-robin over the group's machines, with
 * every counter placement keeps (machines' and the group's usage, worker counts, running counts,
 * the group's service count) consistent. The machines must have room.
 */
export function seedServices(
  dataDir: string,
  plan: { accountId: string; region: string; groupId: string; services: number; instances: number },
): void {
  const db = new BetterSqlite3(path.join(dataDir, 'openeas.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const machines = (
    db.prepare('select id from instances where resource_id = ? order by id').all(plan.groupId) as Array<{ id: string }>
  ).map((m) => m.id);
  const insertService = db.prepare(`insert into services (id, account_id, region, name, resource_id, status, reason, message, config,
    instance_count, cpu, memory_mb, gpu, running_count, created_at, updated_at, current_version, latest_version, generation, safety_lock, cron_scaler, access_token)
    values (?, ?, ?, ?, ?, 'Running', 'RUNNING', 'Service start successfully', ?, ?, 1, 1024, 0, ?, ?, ?, 1, 1, 1, 'none', null, ?)`);
  const insertVersion = db.prepare(
    'insert into service_versions (service_id, account_id, version, config, created_at) values (?, ?, 1, ?, ?)',
  );
  const insertInstance = db.prepare(`insert into service_instances (id, service_id, account_id, resource_id, machine_id, status, reason, ip,
    cpu, memory_mb, gpu, created_at, started_at, updated_at, generation, restart_count)
    values (?, ?, ?, ?, ?, 'Running', 'RUNNING', ?, 1, 1024, 0, ?, ?, ?, 1, 0)`);
  const perMachine = new Map<string, number>();
  let next = 0;
  db.transaction(() => {
    for (let s = 0; s < plan.services; s++) {
      const id = `eas-m-seed${String(s).padStart(14, '0')}`;
      const name = `seeded_${s}`;
      const config = JSON.stringify({
        name,
        containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
        metadata: { instance: plan.instances, cpu: 1, memory: 1024, resource: plan.groupId },
      });
      const created = now - plan.services + s;
      insertService.run(
        id,
        plan.accountId,
        plan.region,
        name,
        plan.groupId,
        config,
        plan.instances,
        plan.instances,
        created,
        created,
        newServiceToken(),
      );
      insertVersion.run(id, plan.accountId, config, created);
      for (let i = 0; i < plan.instances; i++) {
        const machine = machines[next++ % machines.length]!;
        perMachine.set(machine, (perMachine.get(machine) ?? 0) + 1);
        const ip = `10.224.${(next >> 8) & 255}.${next & 255 || 1}`;
        insertInstance.run(
          `${name}-${String(i).padStart(10, '0')}-seed0`,
          id,
          plan.accountId,
          plan.groupId,
          machine,
          ip,
          created,
          created,
          created,
        );
      }
    }
    const useMachine = db.prepare(
      'update instances set cpu_used = cpu_used + ?, memory_used_mb = memory_used_mb + ?, worker_count = worker_count + ?, version = version + 1 where id = ?',
    );
    for (const [machine, n] of perMachine) useMachine.run(n, n * 1024, n, machine);
    const total = plan.services * plan.instances;
    db.prepare(
      'update resources set cpu_used = cpu_used + ?, memory_used_mb = memory_used_mb + ?, service_count = service_count + ? where id = ?',
    ).run(total, total * 1024, plan.services, plan.groupId);
  })();
  db.close();
}
