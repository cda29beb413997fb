// Scheduling of service instances (workers) onto the machines of their dedicated group, and the
// only code that changes service instances or the usage counters they drive: a machine's
// cpu_used/gpu_used/memory_used_mb/worker_count, a group's cpu_used/gpu_used/memory_used_mb, a
// service's running_count. Every change to them happens here, in the caller's transaction, so no
// count is ever computed by scanning (docs/services.md).
//
// Rules: an instance fits on one machine; a machine keeps RESERVED_CPU core for system
// components; only Ready, uncordoned machines take new instances; placement spreads (least
// allocated machine first). A placed instance is Pending until its start job runs (business clock,
// OPENEAS_SERVICE_START_SECONDS, progression modes as for machines), then Running. An instance that
// fits nowhere stays Pending with no machine and its service Waiting, with an event saying why.
//
// Lock order (engine/group-locks.ts): callers hold the group's row lock first (handlers lock the
// group they address; jobs declare their groups), so two placements in one group never interleave
// and a machine is never overcommitted, also across server processes on PostgreSQL.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { isPostgres, type Tx } from '../store/database.ts';
import type { ServiceInstancesTable, ServicesTable } from '../store/schema.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import { insertRows } from '../store/prepared.ts';
import { updateInstances } from '../store/instances.ts';
import { cancelJobs, enqueueJobs, jobKey, type JobRow } from '../engine/jobs.ts';
import { newSortableId, randomString } from '../ids.ts';
import { pushTo } from '../collections.ts';

export const START_JOB = 'service.instance.start';
export const PLACE_JOB = 'service.place';

/** CPU cores each machine keeps for system components (EAS FAQ): schedulable = cores − 1. */
export const RESERVED_CPU = 1;

/** When a placed instance's start job falls due (null: waits for POST /_openeas/engine/progress). */
export type StartDue = (now: number) => number | null;

export function startDueOf(config: { progression: 'time' | 'immediate' | 'manual'; serviceStartSeconds: number }): StartDue {
  if (config.progression === 'manual') return () => null;
  if (config.progression === 'immediate') return (now) => now;
  return (now) => now + config.serviceStartSeconds * 1000;
}

export type ServiceRow = ServicesTable;
export type ServiceInstanceRow = ServiceInstancesTable;

interface Usage {
  cpu: number;
  memory: number;
  gpu: number;
  count: number;
}

const none = (): Usage => ({ cpu: 0, memory: 0, gpu: 0, count: 0 });

function add(u: Usage, r: Pick<ServiceInstanceRow, 'cpu' | 'memory_mb' | 'gpu'>, sign: 1 | -1): void {
  u.cpu += sign * r.cpu;
  u.memory += sign * r.memory_mb;
  u.gpu += sign * r.gpu;
  u.count += sign;
}

function usageOf(map: Map<string, Usage>, key: string): Usage {
  let u = map.get(key);
  if (!u) map.set(key, (u = none()));
  return u;
}

/** Adds usage to machines (through updateInstances: their rendered views follow) and to groups. */
async function applyUsage(tx: Tx, machines: Map<string, Usage>, groups: Map<string, Usage>, now: number): Promise<void> {
  for (const [id, u] of machines) {
    if (u.count === 0) continue;
    await updateInstances(tx, {
      cpu_used: sql`cpu_used + ${u.cpu}`,
      memory_used_mb: sql`memory_used_mb + ${u.memory}`,
      gpu_used: sql`gpu_used + ${u.gpu}`,
      worker_count: sql`worker_count + ${u.count}`,
      updated_at: now,
    })
      .where('id', '=', id)
      .execute();
  }
  for (const [id, u] of groups) {
    if (u.count === 0) continue;
    await tx
      .updateTable('resources')
      .set((eb) => ({
        cpu_used: eb('cpu_used', '+', u.cpu),
        memory_used_mb: eb('memory_used_mb', '+', u.memory),
        gpu_used: eb('gpu_used', '+', u.gpu),
      }))
      .where('id', '=', id)
      .execute();
  }
}

/** A Deployment-style worker name: `<service>-<10 hex>-<5 alphanumerics>`. */
function workerName(service: string): string {
  return `${service}-${crypto.randomBytes(5).toString('hex')}-${randomString(5)}`;
}

/** The worker's address inside the group's container network (not routable; shown as InnerIP). */
function workerIp(): string {
  const b = crypto.randomBytes(2);
  return `10.224.${b[0]}.${b[1]! || 1}`;
}

export async function recordEvent(
  tx: Tx,
  s: Pick<ServiceRow, 'id' | 'account_id'>,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  now: number,
) {
  await tx
    .insertInto('service_events')
    .values({ id: newSortableId(now), service_id: s.id, account_id: s.account_id, type, reason, message, time: now })
    .execute();
}

/** Sets a service's status, reason and message; a change of message is also an event. */
async function setServiceState(
  tx: Tx,
  s: ServiceRow,
  state: { status: string; reason: string; message: string; type?: 'Normal' | 'Warning' },
  now: number,
) {
  if (s.status === state.status && s.message === state.message && s.reason === state.reason) return;
  await tx
    .updateTable('services')
    .set({ status: state.status, reason: state.reason, message: state.message, updated_at: now })
    .where('id', '=', s.id)
    .execute();
  if (s.message !== state.message) await recordEvent(tx, s, state.type ?? 'Normal', state.reason, state.message, now);
  Object.assign(s, state);
}

async function servicesById(tx: Tx, ids: Iterable<string>): Promise<Map<string, ServiceRow>> {
  const rows: ServiceRow[] = [];
  await forIdChunks(tx, [...new Set(ids)], async (c) =>
    rows.push(
      ...(await tx
        .selectFrom('services')
        .selectAll()
        .where(inIds(tx, 'id', c))
        .execute()),
    ),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Running when every wanted instance runs; otherwise Waiting (a Stopped service stays Stopped). */
async function settle(tx: Tx, s: ServiceRow, now: number, waiting?: { reason: string; message: string; type?: 'Normal' | 'Warning' }) {
  if (s.status === 'Stopped') return;
  if (s.running_count >= s.instance_count) {
    await setServiceState(tx, s, { status: 'Running', reason: 'RUNNING', message: 'Service start successfully' }, now);
    return;
  }
  await setServiceState(tx, s, { status: 'Waiting', ...(waiting ?? { reason: s.reason, message: s.message }) }, now);
}

/** New Pending instances of a service (placed by the next placePending of its group). */
export async function addInstances(tx: Tx, s: ServiceRow, count: number, now: number): Promise<void> {
  const rows: ServiceInstanceRow[] = Array.from({ length: count }, () => ({
    id: workerName(s.name),
    service_id: s.id,
    account_id: s.account_id,
    resource_id: s.resource_id,
    machine_id: null,
    status: 'Pending',
    reason: 'Unschedulable',
    ip: workerIp(),
    cpu: s.cpu,
    memory_mb: s.memory_mb,
    gpu: s.gpu,
    created_at: now,
    started_at: null,
    updated_at: now,
  }));
  await insertRows(tx, 'service_instances', rows);
}

interface Room {
  id: string;
  cpu: number;
  memory: number;
  gpu: number;
  placed: ServiceInstanceRow[];
}

/**
 * Places the group's unplaced instances, oldest first, each on the schedulable machine with the
 * most free CPU (then memory) that fits it. Starts a start job per placed instance; services
 * left with unplaced instances get a Waiting state and an event that says why.
 */
export async function placePending(tx: Tx, resourceId: string, now: number, startDue: StartDue): Promise<void> {
  const pending = await tx
    .selectFrom('service_instances')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .where('machine_id', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (pending.length === 0) return;
  const machines = await tx
    .selectFrom('instances')
    .select(['id', 'health', 'cordoned', 'cpu', 'memory_mb', 'gpu', 'cpu_used', 'memory_used_mb', 'gpu_used'])
    .where('resource_id', '=', resourceId)
    .$if(isPostgres(tx), (q) => q.forUpdate())
    .execute();
  const rooms: Room[] = machines
    .filter((m) => m.health === 'Ready' && m.cordoned === 0)
    .map((m) => ({
      id: m.id,
      cpu: m.cpu - RESERVED_CPU - m.cpu_used,
      memory: m.memory_mb - m.memory_used_mb,
      gpu: m.gpu - m.gpu_used,
      placed: [],
    }));
  const unplaced = new Map<string, number>();
  for (const inst of pending) {
    let best: Room | undefined;
    for (const r of rooms) {
      if (r.cpu < inst.cpu || r.memory < inst.memory_mb || r.gpu < inst.gpu) continue;
      if (!best || r.cpu > best.cpu || (r.cpu === best.cpu && r.memory > best.memory)) best = r;
    }
    if (!best) {
      unplaced.set(inst.service_id, (unplaced.get(inst.service_id) ?? 0) + 1);
      continue;
    }
    best.cpu -= inst.cpu;
    best.memory -= inst.memory_mb;
    best.gpu -= inst.gpu;
    best.placed.push(inst);
  }

  const machineUsage = new Map<string, Usage>();
  const groupUsage = usageOf(new Map(), resourceId);
  const placedServices = new Set<string>();
  const startJobs = [];
  for (const r of rooms) {
    if (r.placed.length === 0) continue;
    await forIdChunks(
      tx,
      r.placed.map((p) => p.id),
      (c) =>
        tx
          .updateTable('service_instances')
          .set({ machine_id: r.id, status: 'Pending', reason: 'ContainerCreating', updated_at: now })
          .where(inIds(tx, 'id', c))
          .where('machine_id', 'is', null)
          .execute(),
    );
    const u = usageOf(machineUsage, r.id);
    for (const p of r.placed) {
      add(u, p, 1);
      add(groupUsage, p, 1);
      placedServices.add(p.service_id);
      startJobs.push({ kind: START_JOB, accountId: p.account_id, subjectId: p.id, dueAt: startDue(now), key: jobKey(START_JOB, p.id) });
    }
  }
  await applyUsage(tx, machineUsage, new Map([[resourceId, groupUsage]]), now);
  await enqueueJobs(tx, startJobs, now);

  const services = await servicesById(tx, [...placedServices, ...unplaced.keys()]);
  const ready = rooms.length;
  for (const s of services.values()) {
    const left = unplaced.get(s.id);
    if (left) {
      const why =
        `${left} instance(s) of service [${s.name}] cannot be scheduled: ${ready}/${machines.length} machine(s) of resource ` +
        `[${resourceId}] are Ready and schedulable, and none has ${s.cpu} CPU core(s) (1 per machine is kept for system components), ` +
        `${s.memory_mb} MB memory and ${s.gpu} GPU(s) free. The instance(s) stay Pending until capacity appears.`;
      await settle(tx, s, now, { reason: 'INSUFFICIENT_RESOURCE', message: why, type: 'Warning' });
    } else {
      await settle(tx, s, now, { reason: 'PENDING', message: `Waiting for ${s.instance_count - s.running_count} instance(s) to start` });
    }
  }
}

/** Start jobs that fell due: placed Pending instances become Running; their services may become Running. */
export async function startInstances(tx: Tx, jobs: JobRow[]): Promise<void> {
  const rows: ServiceInstanceRow[] = [];
  await forIdChunks(
    tx,
    jobs.map((j) => j.subject_id),
    async (c) =>
      rows.push(
        ...(await tx
          .selectFrom('service_instances')
          .selectAll()
          .where(inIds(tx, 'id', c))
          .$if(isPostgres(tx), (q) => q.forUpdate())
          .execute()),
      ),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const started = new Map<string, number>();
  for (const job of jobs) {
    const row = byId.get(job.subject_id);
    if (!row || row.machine_id === null || row.status !== 'Pending') continue; // evicted or removed meanwhile
    const at = job.due_at ?? 0;
    await tx
      .updateTable('service_instances')
      .set({ status: 'Running', reason: 'RUNNING', started_at: at, updated_at: at })
      .where('id', '=', row.id)
      .where('status', '=', 'Pending')
      .execute();
    started.set(row.service_id, (started.get(row.service_id) ?? 0) + 1);
  }
  const now = Math.max(0, ...jobs.map((j) => j.due_at ?? 0));
  const services = await servicesById(tx, started.keys());
  for (const [id, n] of started) {
    const s = services.get(id);
    if (!s) continue;
    await tx
      .updateTable('services')
      .set((eb) => ({ running_count: eb('running_count', '+', n) }))
      .where('id', '=', id)
      .execute();
    s.running_count += n;
    await settle(tx, s, now, { reason: 'PENDING', message: `Waiting for ${s.instance_count - s.running_count} instance(s) to start` });
  }
}

/** The groups of start jobs (their subject is a service instance), for the scheduler's lock order. */
export async function groupsOfStartJobs(tx: Tx, jobs: JobRow[]): Promise<string[]> {
  const groups: string[] = [];
  await forIdChunks(
    tx,
    jobs.map((j) => j.subject_id),
    async (c) => {
      for (const r of await tx
        .selectFrom('service_instances')
        .select('resource_id')
        .distinct()
        .where(inIds(tx, 'id', c))
        .execute())
        groups.push(r.resource_id);
    },
  );
  return groups;
}

/**
 * Takes instances off their machines, or away altogether (`remove`): usage is given back, start
 * jobs cancelled, running counts lowered. Kept instances become unplaced Pending.
 */
async function release(tx: Tx, rows: ServiceInstanceRow[], remove: boolean, now: number): Promise<Map<string, number>> {
  const machineUsage = new Map<string, Usage>();
  const groupUsage = new Map<string, Usage>();
  const stoppedRunning = new Map<string, number>();
  for (const r of rows) {
    if (r.machine_id !== null) {
      add(usageOf(machineUsage, r.machine_id), r, -1);
      add(usageOf(groupUsage, r.resource_id), r, -1);
    }
    if (r.status === 'Running') stoppedRunning.set(r.service_id, (stoppedRunning.get(r.service_id) ?? 0) + 1);
  }
  await forIdChunks(
    tx,
    rows.map((r) => r.id),
    (c) =>
      (remove
        ? tx.deleteFrom('service_instances').where(inIds(tx, 'id', c))
        : tx
            .updateTable('service_instances')
            .set({ machine_id: null, status: 'Pending', reason: 'Evicted', started_at: null, updated_at: now })
            .where(inIds(tx, 'id', c))
      ).execute(),
  );
  await cancelJobs(
    tx,
    rows.map((r) => jobKey(START_JOB, r.id)),
  );
  await applyUsage(tx, machineUsage, groupUsage, now);
  for (const [id, n] of stoppedRunning) {
    await tx
      .updateTable('services')
      .set((eb) => ({ running_count: eb('running_count', '-', n) }))
      .where('id', '=', id)
      .execute();
  }
  return stoppedRunning;
}

/** Removes instances for good (scale-in, stop, delete). The caller settles the service. */
export async function removeServiceInstances(tx: Tx, rows: ServiceInstanceRow[], now: number): Promise<void> {
  if (rows.length > 0) await release(tx, rows, true, now);
}

/**
 * Evicts every instance on the machines (drain, a machine leaving Ready, deletion, migration):
 * they become unplaced Pending, their services Waiting with an event, and a placement job for
 * each group finds them new machines (or leaves them Pending, saying why).
 */
export async function evictFromMachines(
  tx: Tx,
  machines: ReadonlyArray<{ id: string; name: string }>,
  why: string,
  now: number,
): Promise<void> {
  if (machines.length === 0) return;
  const rows: ServiceInstanceRow[] = [];
  await forIdChunks(
    tx,
    machines.map((m) => m.id),
    async (c) =>
      rows.push(
        ...(await tx
          .selectFrom('service_instances')
          .selectAll()
          .where(inIds(tx, 'machine_id', c))
          .execute()),
      ),
  );
  if (rows.length === 0) return;
  await release(tx, rows, false, now);
  const names = new Map(machines.map((m) => [m.id, m.name]));
  const byService = new Map<string, ServiceInstanceRow[]>();
  for (const r of rows) pushTo(byService, r.service_id, r);
  // Read after release(): running counts already exclude the evicted instances.
  const services = await servicesById(tx, byService.keys());
  for (const [id, list] of byService) {
    const s = services.get(id);
    if (!s) continue;
    const hosts = [...new Set(list.map((r) => names.get(r.machine_id!) ?? r.machine_id))].join(',');
    await settle(tx, s, now, {
      reason: 'EVICTED',
      message: `${list.length} instance(s) evicted from machine(s) [${hosts}]: ${why}; rescheduling`,
      type: 'Warning',
    });
  }
  const groups = [...new Set(rows.map((r) => r.resource_id))];
  await enqueueJobs(
    tx,
    groups.map((g) => ({
      kind: PLACE_JOB,
      accountId: rows.find((r) => r.resource_id === g)!.account_id,
      subjectId: g,
      dueAt: now,
      key: jobKey(PLACE_JOB, g),
    })),
    now,
  );
}

/** Machines just became schedulable (Ready and uncordoned): groups with unplaced instances get a placement job. */
export async function capacityAppeared(
  tx: Tx,
  machines: ReadonlyArray<{ resource_id: string; account_id: string }>,
  now: number,
): Promise<void> {
  const groups = new Map(machines.map((m) => [m.resource_id, m.account_id]));
  const jobs = [];
  for (const [g, accountId] of groups) {
    const waiting = await tx
      .selectFrom('service_instances')
      .select('id')
      .where('resource_id', '=', g)
      .where('machine_id', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (waiting) jobs.push({ kind: PLACE_JOB, accountId, subjectId: g, dueAt: now, key: jobKey(PLACE_JOB, g) });
  }
  await enqueueJobs(tx, jobs, now);
}
