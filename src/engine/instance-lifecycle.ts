// The machine state machine (domain notes §2.1–2.2) and the only code that changes a machine's
// state. Every change also keeps the group's counters (InstanceCount, CpuCount…) and the
// account's quota usage right in the same transaction, so no count is ever computed by a scan.
// Service instances follow their machines here too (scheduling/placement.ts): a machine that leaves
// Ready loses its instances (rescheduled elsewhere or Pending); one that becomes Ready and
// schedulable lets pending instances of its group be placed.
import type { Db, Tx } from '../store/database.ts';
import type { InstancesTable } from '../store/schema.ts';
import { endMetering } from '../store/metered-intervals.ts';
import { insertRows, prepare } from '../store/prepared.ts';
import { newSortableId } from '../ids.ts';
import { updateInstances } from '../store/instances.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import { cancelJobsOf } from './jobs.ts';
import { releaseUserData } from '../store/user-data.ts';
import { capacityAppeared, evictFromMachines } from '../scheduling/placement.ts';

export type Health = 'Attaching' | 'Ready' | 'NotReady' | 'CreateFailed' | 'Deleting' | 'Stopped';

/** Allowed transitions. Removal (release) is not a state: the row goes away. */
export const TRANSITIONS: Readonly<Record<Health, readonly Health[]>> = {
  Attaching: ['Ready', 'CreateFailed', 'Deleting'],
  Ready: ['NotReady', 'Stopped', 'Deleting'],
  NotReady: ['Ready', 'Stopped', 'Deleting'],
  CreateFailed: ['Deleting'],
  Stopped: ['Ready', 'Deleting'],
  Deleting: [],
};

/** States whose machines count as group capacity (CpuCount, GpuCount, Memory) and are billed by the second. */
export const RUNNING: readonly Health[] = ['Ready', 'NotReady'];

export function isRunning(health: string): boolean {
  return (RUNNING as readonly string[]).includes(health);
}

/** The API's InstanceStatus: Kubernetes' `Ready,SchedulingDisabled` rendered with a hyphen. */
export function instanceStatus(health: string, cordoned: boolean): string {
  return cordoned && isRunning(health) ? `${health}-SchedulingDisabled` : health;
}

export function canTransition(from: string, to: Health): boolean {
  return (TRANSITIONS[from as Health] ?? []).includes(to);
}

export type InstanceRow = InstancesTable;

interface CounterDelta {
  instances: number;
  prepaid: number;
  postpaid: number;
  cpu: number;
  gpu: number;
  memory: number;
}

const zero = (): CounterDelta => ({ instances: 0, prepaid: 0, postpaid: 0, cpu: 0, gpu: 0, memory: 0 });

type GroupCounterChange = CounterDelta & { resourceId: string; now: number };

/** The UPDATE adding a delta to a group's counters (prepared below, embedded in a CTE by countInGroupStatement). */
const groupCountersUpdate = (db: Db | Tx, p: GroupCounterChange) =>
  db
    .updateTable('resources')
    .set((eb) => ({
      instance_count: eb('instance_count', '+', p.instances),
      prepaid_instance_count: eb('prepaid_instance_count', '+', p.prepaid),
      postpaid_instance_count: eb('postpaid_instance_count', '+', p.postpaid),
      cpu_count: eb('cpu_count', '+', p.cpu),
      gpu_count: eb('gpu_count', '+', p.gpu),
      memory_mb: eb('memory_mb', '+', p.memory),
      updated_at: p.now,
    }))
    .where('id', '=', p.resourceId);
const addToGroupCounters = prepare<GroupCounterChange, never>(groupCountersUpdate);

async function applyGroupDeltas(tx: Tx, deltas: Map<string, CounterDelta>, now: number): Promise<void> {
  for (const [resourceId, d] of deltas) {
    if (Object.values(d).every((v) => v === 0)) continue;
    await addToGroupCounters.execute(tx, { ...d, resourceId, now });
  }
}

function deltaFor(map: Map<string, CounterDelta>, resourceId: string): CounterDelta {
  let d = map.get(resourceId);
  if (!d) map.set(resourceId, (d = zero()));
  return d;
}

function addCapacity(d: CounterDelta, row: InstanceRow, sign: 1 | -1): void {
  d.cpu += sign * row.cpu;
  d.gpu += sign * row.gpu;
  d.memory += sign * row.memory_mb;
}

function newMachineDeltas(rows: InstanceRow[]): Map<string, CounterDelta> {
  const deltas = new Map<string, CounterDelta>();
  for (const r of rows) {
    const d = deltaFor(deltas, r.resource_id);
    d.instances += 1;
    if (r.charge_type === 'PrePaid') d.prepaid += 1;
    else d.postpaid += 1;
    if (isRunning(r.health)) addCapacity(d, r, 1);
  }
  return deltas;
}

/**
 * Counts new machines (not inserted yet) in their groups; false when a group has no row (deleted
 * meanwhile: the caller must refuse the order). On PostgreSQL the group row stays locked until the
 * commit, so a concurrent DeleteResource waits and then sees the machines.
 */
export async function countInGroups(tx: Tx, rows: InstanceRow[], now: number): Promise<boolean> {
  for (const [resourceId, d] of newMachineDeltas(rows)) {
    if ((await addToGroupCounters.affected(tx, { ...d, resourceId, now })) !== 1) return false;
  }
  return true;
}

/**
 * countInGroups for machines of one group as a statement to embed (PostgreSQL: a data-modifying
 * CTE), `UPDATE … RETURNING id`: no row when the group is gone.
 */
export function countInGroupStatement(tx: Tx, rows: InstanceRow[], now: number) {
  const [[resourceId, d]] = [...newMachineDeltas(rows)] as [[string, CounterDelta]];
  return groupCountersUpdate(tx, { ...d, resourceId, now }).returning('id');
}

/** The label index rows of new machines, once the machines are inserted (eas/machines.ts orderMachines). */
export async function insertLabelsOf(tx: Tx, rows: InstanceRow[]): Promise<void> {
  const labels = rows.flatMap((r) =>
    Object.entries(JSON.parse(r.labels) as Record<string, string>).map(([key, value]) => ({
      instance_id: r.id,
      resource_id: r.resource_id,
      key,
      value,
    })),
  );
  await insertRows(tx, 'instance_labels', labels);
}

/**
 * A machine changed under a transaction between its read and its update. It carries PostgreSQL's
 * serialization-failure code, so the store runs the whole transaction again on fresh rows (a
 * scheduled job's run is retried by the scheduler instead).
 */
export class ConcurrentChange extends Error {
  readonly code = '40001';
}

export interface TransitionOptions {
  failureReason?: string | null;
  /** Set the cordon flag too (Cordon/Uncordon/Drain). */
  cordoned?: boolean;
}

/**
 * Moves machines to `to`, skipping those for which the transition is not allowed (returned as
 * `skipped`). Capacity counters follow machines in and out of the running states.
 */
export async function transitionInstances(
  tx: Tx,
  rows: InstanceRow[],
  to: Health,
  now: number,
  opts: TransitionOptions = {},
): Promise<{ moved: InstanceRow[]; skipped: InstanceRow[] }> {
  const moved: InstanceRow[] = [];
  const skipped: InstanceRow[] = [];
  const movedFrom: Health[] = [];
  const opened: InstanceRow[] = [];
  const crossed: InstanceRow[] = [];
  const deltas = new Map<string, CounterDelta>();
  for (const r of rows) {
    if (r.health !== to && !canTransition(r.health, to)) {
      skipped.push(r);
      continue;
    }
    const wasRunning = isRunning(r.health);
    const next: InstanceRow = {
      ...r,
      health: to,
      cordoned: opts.cordoned === undefined ? r.cordoned : opts.cordoned ? 1 : 0,
      failure_reason: opts.failureReason === undefined ? r.failure_reason : opts.failureReason,
      updated_at: now,
    };
    next.status = instanceStatus(next.health, next.cordoned === 1);
    if (wasRunning !== isRunning(to)) {
      addCapacity(deltaFor(deltas, r.resource_id), r, isRunning(to) ? 1 : -1);
      crossed.push(r);
    }
    moved.push(next);
    movedFrom.push(r.health as Health);
    if (schedulable(next) && !schedulable(r)) opened.push(next);
  }
  // One UPDATE per distinct (state read, resulting status, cordoned, reason): batches stay batches.
  // Each UPDATE also requires the state it was computed from: a machine another transaction moved
  // after this one read it (PostgreSQL, READ COMMITTED) is never overwritten — e.g. a machine
  // deleted while its provisioning job ran must not come back Ready.
  const groups = new Map<string, { from: Health; members: InstanceRow[] }>();
  moved.forEach((m, i) => {
    const from = movedFrom[i]!;
    const key = JSON.stringify([from, m.health, m.cordoned, m.status, m.failure_reason]);
    const g = groups.get(key);
    if (g) g.members.push(m);
    else groups.set(key, { from, members: [m] });
  });
  for (const { from, members } of groups.values()) {
    const first = members[0]!;
    let updated = 0;
    await forIdChunks(
      tx,
      members.map((m) => m.id),
      async (c) => {
        const result = await updateInstances(tx, {
          health: first.health,
          cordoned: first.cordoned,
          status: first.status,
          failure_reason: first.failure_reason,
          updated_at: now,
        })
          .where(inIds(tx, 'id', c))
          .where('health', '=', from)
          .executeTakeFirst();
        updated += Number(result.numUpdatedRows);
      },
    );
    if (updated !== members.length)
      throw new ConcurrentChange(`${members.length - updated} of ${members.length} machines left ${from} meanwhile`);
  }
  await applyGroupDeltas(tx, deltas, now);
  await meterRunning(tx, crossed, isRunning(to), now);
  if (to !== 'Ready' && to !== 'Attaching') await evictFromMachines(tx, moved, `the machine is ${to}`, now);
  await capacityAppeared(tx, opened, now);
  return { moved, skipped };
}

/** Takes new service instances: Ready and not cordoned. */
function schedulable(r: Pick<InstanceRow, 'health' | 'cordoned'>): boolean {
  return r.health === 'Ready' && r.cordoned === 0;
}

/**
 * Pay-as-you-go machines are billed by the second while running (Ready/NotReady, cordoned or
 * not). Every entry into and exit from the running states passes through here, so this is the
 * one place that records running intervals; billing/settlement.ts prices and settles them.
 */
async function meterRunning(tx: Tx, rows: InstanceRow[], entering: boolean, now: number): Promise<void> {
  const metered = rows.filter((r) => r.charge_type === 'PostPaid');
  if (metered.length === 0) return;
  if (entering) {
    const intervals = metered.map((r) => ({
      id: newSortableId(),
      account_id: r.account_id,
      instance_id: r.id,
      resource_id: r.resource_id,
      region: r.region,
      zone: r.zone,
      instance_type: r.instance_type,
      system_disk_gb: r.system_disk_gb,
      start_at: now,
      end_at: null,
    }));
    await insertRows(tx, 'metered_intervals', intervals);
    return;
  }
  await endMetering(
    tx,
    metered.map((r) => r.id),
    now,
  );
}

/**
 * Grows a machine's system disk (UpdateResourceInstance NewDiskSize). A running pay-as-you-go
 * machine's metered interval is split here, so the larger disk is priced from this moment on.
 */
export async function resizeSystemDisk(tx: Tx, row: InstanceRow, diskGb: number, now: number): Promise<void> {
  await updateInstances(tx, { system_disk_gb: diskGb, updated_at: now }).where('id', '=', row.id).execute();
  if (!isRunning(row.health)) return;
  await meterRunning(tx, [row], false, now);
  await meterRunning(tx, [{ ...row, system_disk_gb: diskGb }], true, now);
}

/** Releases machines for good: rows, labels and pending jobs go; group counts and quota usage drop. */
export async function removeInstances(tx: Tx, rows: InstanceRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const deltas = new Map<string, CounterDelta>();
  const usage = new Map<string, { accountId: string; region: string; instances: number; vcpus: number; gpus: number }>();
  for (const r of rows) {
    const d = deltaFor(deltas, r.resource_id);
    d.instances -= 1;
    if (r.charge_type === 'PrePaid') d.prepaid -= 1;
    else d.postpaid -= 1;
    if (isRunning(r.health)) addCapacity(d, r, -1);
    const key = `${r.account_id}/${r.region}`;
    const u = usage.get(key) ?? { accountId: r.account_id, region: r.region, instances: 0, vcpus: 0, gpus: 0 };
    u.instances += 1;
    u.vcpus += r.cpu;
    u.gpus += r.gpu;
    usage.set(key, u);
  }
  await meterRunning(
    tx,
    rows.filter((r) => isRunning(r.health)),
    false,
    now,
  );
  await evictFromMachines(tx, rows, 'the machine is released', now);
  await cancelJobsOf(
    tx,
    rows.map((r) => r.id),
  );
  await forIdChunks(
    tx,
    rows.map((r) => r.id),
    async (ids) => {
      await tx
        .deleteFrom('instance_labels')
        .where(inIds(tx, 'instance_id', ids))
        .execute();
      await tx
        .deleteFrom('instances')
        .where(inIds(tx, 'id', ids))
        .execute();
    },
  );
  await releaseUserData(tx, rows);
  await applyGroupDeltas(tx, deltas, now);
  for (const u of usage.values()) {
    await tx
      .updateTable('account_usage')
      .set((eb) => ({ instances: eb('instances', '-', u.instances), vcpus: eb('vcpus', '-', u.vcpus), gpus: eb('gpus', '-', u.gpus) }))
      .where('account_id', '=', u.accountId)
      .where('region', '=', u.region)
      .execute();
  }
}

/** Moves machines to another group (MigrateResourceInstance); counters follow them. */
export async function moveInstances(tx: Tx, rows: InstanceRow[], destResourceId: string, now: number): Promise<void> {
  if (rows.length === 0) return;
  const deltas = new Map<string, CounterDelta>();
  for (const r of rows) {
    for (const [groupId, sign] of [
      [r.resource_id, -1],
      [destResourceId, 1],
    ] as const) {
      const d = deltaFor(deltas, groupId);
      d.instances += sign;
      if (r.charge_type === 'PrePaid') d.prepaid += sign;
      else d.postpaid += sign;
      if (isRunning(r.health)) addCapacity(d, r, sign);
    }
  }
  // A machine's workers belong to services of its old group: they are evicted there.
  await evictFromMachines(tx, rows, `the machine moved to resource [${destResourceId}]`, now);
  await forIdChunks(
    tx,
    rows.map((r) => r.id),
    async (ids) => {
      await updateInstances(tx, { resource_id: destResourceId, updated_at: now })
        .where(inIds(tx, 'id', ids))
        .execute();
      await tx
        .updateTable('instance_labels')
        .set({ resource_id: destResourceId })
        .where(inIds(tx, 'instance_id', ids))
        .execute();
    },
  );
  await applyGroupDeltas(tx, deltas, now);
  await capacityAppeared(
    tx,
    rows.filter(schedulable).map((r) => ({ ...r, resource_id: destResourceId })),
    now,
  );
}
