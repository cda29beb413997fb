// Scheduling of service instances (workers) onto the machines of their dedicated group, and the
// only code that changes service instances or the usage counters they drive: a machine's
// cpu_used/gpu_used/memory_used_mb/worker_count, a group's cpu_used/gpu_used/memory_used_mb, a
// service's running_count. Every change to them happens here, in the caller's transaction, so no
// count is ever computed by scanning (docs/services.md).
//
// Rules: an instance fits on one machine; a machine keeps RESERVED_CPU core for system
// components; only Ready, uncordoned machines take new instances; placement spreads (least
// allocated machine first). A placed instance is Pending until its start job runs (business clock,
// OPENEAS_SERVICE_START_SECONDS, progression modes as for machines), then Running, or Failed on its
// machine (keeping its resources) when a ServiceStartFailure fault applies. An instance that
// fits nowhere stays Pending with no machine and its service Waiting, with an event saying why.
//
// Lock order (engine/group-locks.ts): callers hold the group's row lock first (handlers lock the
// group they address; jobs declare their groups), so two placements in one group never interleave
// and a machine is never overcommitted, also across server processes on PostgreSQL.
import { sql } from 'kysely';
import { isPostgres, type Db, type Tx } from '../store/database.ts';
import type { InstancesTable, ServiceInstancesTable, ServicesTable } from '../store/schema.ts';
import { forIdChunks, forRowChunks, inIds, valuesOf } from '../store/id-lists.ts';
import { insertRows, prepare, prepareLocked } from '../store/prepared.ts';
import { addMachineUsage } from '../store/instances.ts';
import { cancelJobs, enqueueJobs, jobKey, type JobRow } from '../engine/jobs.ts';
import { pooledRandomBytes, randomString } from '../ids.ts';
import { type EventRow, eventRows, type PodEvent, recordPodEvents, writeEvents } from './service-events.ts';
import { pushTo } from '../collections.ts';
import { isPublicPool, placePublicPending, publicInstancesReleased, publicInstancesRunning } from './public-pool.ts';
import { groupsOfSubjects } from '../engine/group-locks.ts';
import { decideStartFailures } from '../engine/faults.ts';

export const START_JOB = 'service.instance.start';
export const PLACE_JOB = 'service.place';

/** The Reason of an instance whose start failed (Status `Failed`). */
export const FAILED_REASON = 'StartFailed';

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

/**
 * Adds usage to machines (addMachineUsage: their rendered views follow) and to groups: one
 * statement for all the machines, one per group.
 */
async function applyUsage(
  tx: Tx,
  machines: Map<string, Usage>,
  groups: Map<string, Usage>,
  now: number,
  /** Services added to a group (a CreateService's), counted in the same statement. */
  newServices?: { group: string; count: number },
): Promise<void> {
  await addMachineUsage(
    tx,
    [...machines].filter(([, u]) => u.count !== 0).map(([id, u]) => ({ id, cpu: u.cpu, memoryMb: u.memory, gpu: u.gpu, workers: u.count })),
    now,
  );
  for (const [id, u] of groups) {
    const services = newServices?.group === id ? newServices.count : 0;
    if (u.count === 0 && services === 0) continue;
    await addGroupUsage.execute(tx, { id, cpu: u.cpu, memory: u.memory, gpu: u.gpu, services });
  }
}

/** Adds usage (and services) to a group's counters. */
const addGroupUsage = prepare<{ id: string; cpu: number; memory: number; gpu: number; services: number }, never>((db, p) =>
  db
    .updateTable('resources')
    .set((eb) => ({
      cpu_used: eb('cpu_used', '+', p.cpu),
      memory_used_mb: eb('memory_used_mb', '+', p.memory),
      gpu_used: eb('gpu_used', '+', p.gpu),
      service_count: eb('service_count', '+', p.services),
    }))
    .where('id', '=', p.id),
);

/** A group's ServiceCount goes up by one (a service created with no placement to count it). */
export async function countNewService(tx: Tx, group: string): Promise<void> {
  await addGroupUsage.execute(tx, { id: group, cpu: 0, memory: 0, gpu: 0, services: 1 });
}

/** Adds `n` (negative: takes away) to each service's running count, in one statement. */
async function addRunning(tx: Tx, counts: Map<string, number>): Promise<void> {
  const rows = [...counts].filter(([, n]) => n !== 0);
  if (rows.length === 1) {
    const [id, n] = rows[0]!;
    await tx
      .updateTable('services')
      .set((eb) => ({ running_count: eb('running_count', '+', n) }))
      .where('id', '=', id)
      .execute();
    return;
  }
  await forRowChunks(tx, rows, (chunk) =>
    sql`with d(id, n) as materialized (${valuesOf(tx, ['text', 'integer'], chunk)})
      update services set running_count = running_count + d.n from d where services.id = d.id`.execute(tx),
  );
}

/**
 * `count` Deployment-style worker names (`<service>-<10 hex>-<5 alphanumerics>`) and addresses
 * inside the group's container network (not routable; shown as InnerIP), from the random bytes
 * ids.ts draws in blocks.
 */
const HEX_DIGITS = '0123456789abcdef';
function workerIdentities(service: string, count: number): Array<{ name: string; ip: string }> {
  return Array.from({ length: count }, () => {
    const b = pooledRandomBytes(2);
    return { name: `${service}-${randomString(10, HEX_DIGITS)}-${randomString(5)}`, ip: `10.224.${b[0]}.${b[1]! || 1}` };
  });
}

/** Sets a service's status, reason and message; a change of message is also an event. */
async function setServiceState(
  tx: Tx,
  s: ServiceRow,
  state: { status: string; reason: string; message: string; type?: 'Normal' | 'Warning' },
  now: number,
  events?: EventRow[],
) {
  if (s.status === state.status && s.message === state.message && s.reason === state.reason) return;
  if (!unwritten.has(s))
    await setServiceStatus.execute(tx, { id: s.id, status: state.status, reason: state.reason, message: state.message, now });
  if (s.message !== state.message) {
    const event = { type: state.type ?? 'Normal', reason: state.reason, message: state.message, instance: '' };
    if (events) events.push(...eventRows(s, [event], now));
    else await recordPodEvents(tx, s, [event], now);
  }
  s.status = state.status;
  s.reason = state.reason;
  s.message = state.message;
}

const setServiceStatus = prepare<{ id: string; status: string; reason: string; message: string; now: number }, never>((db, p) =>
  db.updateTable('services').set({ status: p.status, reason: p.reason, message: p.message, updated_at: p.now }).where('id', '=', p.id),
);

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

/** How many instances of an older generation (being replaced by a rollout) the service still has. */
async function oldInstanceCount(tx: Tx, s: ServiceRow): Promise<number> {
  if (s.generation <= 1) return 0; // no rollout ever happened
  const row = await tx
    .selectFrom('service_instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('service_id', '=', s.id)
    .where('generation', '<', s.generation)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Running when every wanted instance runs; Updating while a rollout still has instances of an
 * older generation; Failed stays Failed while none runs and a failed instance is left; Scaling
 * stays Scaling unless something went wrong; otherwise Waiting (a Stopped service stays Stopped).
 */
export async function settle(
  tx: Tx,
  s: ServiceRow,
  now: number,
  waiting?: { reason: string; message: string; type?: 'Normal' | 'Warning' },
  /** Where the event of a change goes, to be written by the caller; else it is written now. */
  events?: EventRow[],
) {
  if (s.status === 'Stopped') return;
  const old = await oldInstanceCount(tx, s);
  if (old > 0) {
    const message = `Rolling update to version ${s.current_version}: ${old} instance(s) of the previous deployment left to replace`;
    await setServiceState(tx, s, { status: 'Updating', reason: 'UPDATING', message }, now, events);
    return;
  }
  if (s.running_count >= s.instance_count) {
    await setServiceState(tx, s, { status: 'Running', reason: 'RUNNING', message: 'Service start successfully' }, now, events);
    return;
  }
  if (s.status === 'Failed' && s.running_count === 0 && (await hasFailedInstance(tx, s))) return;
  // A scale-out stays Scaling while its instances start (services.scaleService enters it); an
  // instance that fits nowhere, is evicted or fails (a Warning) makes it Waiting, as the notes say.
  if (s.status === 'Scaling' && waiting?.type !== 'Warning') {
    await setServiceState(tx, s, { status: 'Scaling', reason: 'SCALING', message: waiting?.message ?? s.message }, now, events);
    return;
  }
  await setServiceState(tx, s, { status: 'Waiting', ...(waiting ?? { reason: s.reason, message: s.message }) }, now, events);
}

/** Whether some instance of the service failed to start (and was not restarted since). */
async function hasFailedInstance(tx: Tx, s: ServiceRow): Promise<boolean> {
  const row = await tx
    .selectFrom('service_instances')
    .select('id')
    .where('service_id', '=', s.id)
    .where('status', '=', 'Failed')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * What a new service's CreateService already knows, so that placement need not read or write it
 * again: the service row as created (placement settles a copy), and its events so far (written
 * with placement's, in one statement). Placement also counts the service in its group's
 * ServiceCount, with the group's usage.
 */
export interface NewService {
  events: EventRow[];
  /**
   * Inserts the service's row, when the caller left that to placement (a service placed at once):
   * called once, with the row in its final state and its events counted, so that the new row is
   * written once instead of inserted and then updated for its status and its event count. It
   * throws when the row cannot be inserted (a name taken), which undoes the whole placement.
   */
  insert?: (tx: Tx, row: ServiceRow) => Promise<void>;
}

/** New services' rows not inserted yet (NewService.insert): their state changes stay in memory until then. */
const unwritten = new WeakSet<ServiceRow>();

/** A new service's row that placement inserts (NewService.insert). */
interface HeldRow {
  row: ServiceRow;
  insert: (tx: Tx, row: ServiceRow) => Promise<void>;
}

/** Inserts the held row, if any, in its state now and with its events counted; then writes the call's events. */
async function writeEventsAndHeldRow(tx: Tx, held: HeldRow | undefined, events: EventRow[], now: number): Promise<void> {
  if (!held) return writeEvents(tx, events, now);
  const row = held.row;
  unwritten.delete(row);
  row.event_count = 0;
  for (const e of events) if (e.service_id === row.id) row.event_count++;
  await held.insert(tx, row);
  await writeEvents(tx, events, now, row);
}

/**
 * New Pending instances of a service: placed by the next placePending of its group or, given
 * `startDue`, placed right away with whatever of the group still waits (oldest first), and
 * written once, already on their machines. `created`: `s` was inserted by this transaction (see
 * NewService).
 */
export async function addInstances(
  tx: Tx,
  s: ServiceRow,
  count: number,
  now: number,
  startDue?: StartDue,
  created?: NewService,
): Promise<void> {
  const rows: ServiceInstanceRow[] = workerIdentities(s.name, count).map(({ name, ip }) => ({
    id: name,
    service_id: s.id,
    account_id: s.account_id,
    resource_id: s.resource_id,
    machine_id: null,
    status: 'Pending',
    reason: 'Unschedulable',
    ip,
    cpu: s.cpu,
    memory_mb: s.memory_mb,
    gpu: s.gpu,
    created_at: now,
    started_at: null,
    updated_at: now,
    generation: s.generation,
    restart_count: 0,
    instance_type: s.instance_type,
    zone: '',
  }));
  if (startDue && !isPublicPool(s.resource_id)) await place(tx, s.resource_id, rows, now, startDue, created && { service: s, ...created });
  else {
    if (created?.insert) throw new Error('a new service is inserted by placement only when it is placed at once');
    await insertRows(tx, 'service_instances', rows);
    if (!created) return;
    await writeEvents(tx, created.events, now);
    await countNewService(tx, s.resource_id);
  }
}

/** Oldest first (ties by name): the order instances are placed in. */
const byAge = (a: ServiceInstanceRow, b: ServiceInstanceRow): number =>
  a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** How many machines the group has, in any state (said when instances fit nowhere). */
async function machineCount(tx: Tx, resourceId: string): Promise<number> {
  const row = await tx
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('resource_id', '=', resourceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

interface Room {
  id: string;
  name: string;
  cpu: number;
  memory: number;
  gpu: number;
  created_at: number;
  placed: ServiceInstanceRow[];
}

/** Spread order: more free CPU first, then more free memory, then the older machine. */
const roomsBefore = (
  a: Pick<Room, 'cpu' | 'memory' | 'created_at' | 'id'>,
  b: Pick<Room, 'cpu' | 'memory' | 'created_at' | 'id'>,
): boolean =>
  a.cpu !== b.cpu
    ? a.cpu > b.cpu
    : a.memory !== b.memory
      ? a.memory > b.memory
      : a.created_at !== b.created_at
        ? a.created_at < b.created_at
        : a.id < b.id;

/** The rooms of a group's schedulable machines (Ready, uncordoned) in spread order, the first `limit` or all. */
const schedulableMachines = (db: Db, resourceId: string) =>
  db
    .selectFrom('instances')
    .select(['id', 'name', 'cpu', 'memory_mb', 'gpu', 'cpu_used', 'memory_used_mb', 'gpu_used', 'created_at'])
    .where('resource_id', '=', resourceId)
    .where('health', '=', 'Ready')
    .where('cordoned', '=', 0)
    .orderBy(sql`cpu - cpu_used`, 'desc')
    .orderBy(sql`memory_mb - memory_used_mb`, 'desc')
    .orderBy('created_at')
    .orderBy('id');
const firstMachines = prepareLocked<{ resourceId: string; limit: number }, MachineFree>((db, p) =>
  schedulableMachines(db, p.resourceId).limit(p.limit),
);
const allMachines = prepareLocked<{ resourceId: string }, MachineFree>((db, p) => schedulableMachines(db, p.resourceId));
type MachineFree = Pick<
  InstancesTable,
  'id' | 'name' | 'cpu' | 'memory_mb' | 'gpu' | 'cpu_used' | 'memory_used_mb' | 'gpu_used' | 'created_at'
>;

async function readRooms(tx: Tx, resourceId: string, limit: number | undefined): Promise<Room[]> {
  const rows = limit === undefined ? await allMachines.rows(tx, { resourceId }) : await firstMachines.rows(tx, { resourceId, limit });
  return rows.map((m) => ({
    id: m.id,
    name: m.name,
    cpu: m.cpu - RESERVED_CPU - m.cpu_used,
    memory: m.memory_mb - m.memory_used_mb,
    gpu: m.gpu - m.gpu_used,
    created_at: m.created_at,
    placed: [],
  }));
}

/**
 * The group's schedulable machines in a binary heap, most free first (roomsBefore), so each
 * instance finds its machine in O(log machines) instead of a scan of them all. Only the most free
 * machines are read at first (index instances_group_free): as many as there are instances to place,
 * plus one, the frontier, which every unread machine ranks after. A machine is taken only if it
 * ranks before the frontier as first read; otherwise (the read ones filled up, or none fits) the
 * rest of the group is read. Free capacity only shrinks while placing, so a shape that fitted
 * nowhere among all the machines fits nowhere for the rest of the call.
 */
class Rooms {
  private readonly heap: Room[] = [];
  private readonly misfits: Array<{ cpu: number; memory: number; gpu: number }> = [];
  /** Every room read, in the order read. */
  readonly all: Room[] = [];
  /** What every unread machine ranks after; undefined once all are read. */
  private frontier: Pick<Room, 'cpu' | 'memory' | 'created_at' | 'id'> | undefined;

  private constructor(
    private readonly tx: Tx,
    private readonly resourceId: string,
  ) {}

  static async open(tx: Tx, resourceId: string, wanted: number): Promise<Rooms> {
    const rooms = new Rooms(tx, resourceId);
    const first = await readRooms(tx, resourceId, wanted + 1);
    for (const r of first) rooms.add(r);
    if (first.length === wanted + 1) rooms.frontier = { ...first.at(-1)! };
    return rooms;
  }

  private add(r: Room): void {
    this.all.push(r);
    this.push(r);
  }

  /** Reads the group's machines not read yet. */
  private async readRest(): Promise<void> {
    const read = new Set(this.all.map((r) => r.id));
    for (const r of await readRooms(this.tx, this.resourceId, undefined)) if (!read.has(r.id)) this.add(r);
    this.frontier = undefined;
  }

  /** The first room in spread order that fits `need`, its free capacity reduced by it; undefined when none does. */
  async take(need: { cpu: number; memory_mb: number; gpu: number }): Promise<Room | undefined> {
    if (this.misfits.some((m) => need.cpu >= m.cpu && need.memory_mb >= m.memory && need.gpu >= m.gpu)) return undefined;
    let found = this.best(need);
    if (this.frontier && (!found || !roomsBefore(found, this.frontier))) {
      if (found) this.push(found);
      await this.readRest();
      found = this.best(need);
    }
    if (!found) {
      this.misfits.push({ cpu: need.cpu, memory: need.memory_mb, gpu: need.gpu });
      return undefined;
    }
    found.cpu -= need.cpu;
    found.memory -= need.memory_mb;
    found.gpu -= need.gpu;
    this.push(found);
    return found;
  }

  /** Takes out of the heap the first room that fits (the ones before it stay). */
  private best(need: { cpu: number; memory_mb: number; gpu: number }): Room | undefined {
    const skipped: Room[] = [];
    let found: Room | undefined;
    while (this.heap.length > 0) {
      const top = this.pop();
      if (top.cpu >= need.cpu && top.memory >= need.memory_mb && top.gpu >= need.gpu) {
        found = top;
        break;
      }
      skipped.push(top);
    }
    for (const r of skipped) this.push(r);
    return found;
  }

  private push(r: Room): void {
    const h = this.heap;
    let i = h.push(r) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!roomsBefore(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Room {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && roomsBefore(h[l]!, h[best]!)) best = l;
        if (r < h.length && roomsBefore(h[r]!, h[best]!)) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best]!, h[i]!];
        i = best;
      }
    }
    return top;
  }
}

/**
 * Places the group's unplaced instances, oldest first, each on the schedulable machine with the
 * most free CPU (then memory) that fits it. Starts a start job per placed instance; services
 * left with unplaced instances get a Waiting state and an event that says why. Only the most
 * free machines are read (and, on PostgreSQL, locked) as a rule (Rooms); the instances placed,
 * the machines' and the group's counters, the events and the start jobs are written in a few
 * set-based statements whatever the number of instances.
 */
export async function placePending(tx: Tx, resourceId: string, now: number, startDue: StartDue): Promise<void> {
  if (isPublicPool(resourceId)) return placePublicPending(tx, now, startDue); // capacity from the stock table
  await place(tx, resourceId, [], now, startDue);
}

/** The group's instances waiting for a machine, oldest first. */
const unplacedInstances = prepare<{ resourceId: string }, ServiceInstanceRow>((db, p) =>
  db
    .selectFrom('service_instances')
    .selectAll()
    .where('resource_id', '=', p.resourceId)
    .where('machine_id', 'is', null)
    .orderBy('created_at')
    .orderBy('id'),
);

/**
 * placePending on a dedicated group, with `fresh` instances not written yet: they are inserted,
 * placed or not. `created`: the new service they belong to (its events are written here).
 */
async function place(
  tx: Tx,
  resourceId: string,
  fresh: ServiceInstanceRow[],
  now: number,
  startDue: StartDue,
  created?: NewService & { service: ServiceRow },
): Promise<void> {
  const waiting = await unplacedInstances.rows(tx, { resourceId });
  const pending = fresh.length === 0 ? waiting : [...waiting, ...fresh].sort(byAge);
  const events = created?.events ?? [];
  // A new service's row as placement settles it (a copy: the caller answers with the row as created).
  const newRow = created && { ...created.service };
  const held = newRow && created.insert && { row: newRow, insert: created.insert };
  if (held) unwritten.add(held.row);
  if (pending.length === 0) {
    await writeEventsAndHeldRow(tx, held, events, now);
    if (created) await countNewService(tx, resourceId);
    return;
  }
  const isFresh = new Set(fresh);
  const heap = await Rooms.open(tx, resourceId, pending.length);
  const unplaced = new Map<string, number>();
  const placements: Array<[string, string]> = [];
  for (const inst of pending) {
    const best = await heap.take(inst);
    if (!best) {
      unplaced.set(inst.service_id, (unplaced.get(inst.service_id) ?? 0) + 1);
      continue;
    }
    best.placed.push(inst);
    if (isFresh.has(inst)) Object.assign(inst, { machine_id: best.id, reason: 'ContainerCreating' });
    else placements.push([inst.id, best.id]);
  }
  await insertRows(tx, 'service_instances', fresh);
  // The machines read, in creation order (the order their Scheduled events are written in).
  const rooms = [...heap.all].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await forRowChunks(tx, placements, (chunk) =>
    sql`with p(id, machine) as materialized (${valuesOf(tx, ['text', 'text'], chunk)})
      update service_instances set machine_id = p.machine, status = 'Pending', reason = 'ContainerCreating', updated_at = ${now}
      from p where service_instances.id = p.id and service_instances.machine_id is null`.execute(tx),
  );

  const machineUsage = new Map<string, Usage>();
  const groupUsage = usageOf(new Map(), resourceId);
  const placedServices = new Set<string>();
  const scheduled = new Map<string, PodEvent[]>();
  const startJobs = [];
  for (const r of rooms) {
    if (r.placed.length === 0) continue;
    const u = usageOf(machineUsage, r.id);
    for (const p of r.placed) {
      add(u, p, 1);
      add(groupUsage, p, 1);
      placedServices.add(p.service_id);
      pushTo(scheduled, p.service_id, {
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${p.id} to machine ${r.name}`,
        instance: p.id,
      });
      startJobs.push({ kind: START_JOB, accountId: p.account_id, subjectId: p.id, dueAt: startDue(now), key: jobKey(START_JOB, p.id) });
    }
  }
  await applyUsage(tx, machineUsage, new Map([[resourceId, groupUsage]]), now, created && { group: resourceId, count: 1 });
  await enqueueJobs(tx, startJobs, now);

  // A new service's row is known; others are read.
  const known = newRow ? new Map([[newRow.id, newRow]]) : new Map<string, ServiceRow>();
  const others = [...placedServices, ...unplaced.keys()].filter((id) => !known.has(id));
  const services = others.length === 0 ? known : new Map([...known, ...(await servicesById(tx, others))]);
  for (const s of services.values()) events.push(...eventRows(s, scheduled.get(s.id) ?? [], now));
  const ready = rooms.length;
  let total: number | undefined;
  for (const s of services.values()) {
    const left = unplaced.get(s.id);
    if (left) {
      total ??= await machineCount(tx, resourceId);
      const why =
        `${left} instance(s) of service [${s.name}] cannot be scheduled: ${ready}/${total} machine(s) of resource ` +
        `[${resourceId}] are Ready and schedulable, and none has ${s.cpu} CPU core(s) (1 per machine is kept for system components), ` +
        `${s.memory_mb} MB memory and ${s.gpu} GPU(s) free. The instance(s) stay Pending until capacity appears.`;
      await settle(tx, s, now, { reason: 'INSUFFICIENT_RESOURCE', message: why, type: 'Warning' }, events);
    } else {
      const message = `Waiting for ${s.instance_count - s.running_count} instance(s) to start`;
      await settle(tx, s, now, { reason: 'PENDING', message }, events);
    }
  }
  await writeEventsAndHeldRow(tx, held, events, now); // events in the order they happened
}

/**
 * Start jobs that fell due: placed Pending instances become Running; their services may become
 * Running. A service in a rollout retires one old instance per new one that runs.
 */
export async function startInstances(tx: Tx, jobs: JobRow[], startDue: StartDue): Promise<void> {
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
  const due = jobs.filter((job) => {
    const row = byId.get(job.subject_id);
    return row !== undefined && row.machine_id !== null && row.status === 'Pending'; // else evicted or removed meanwhile
  });
  const services = await servicesById(
    tx,
    due.map((j) => byId.get(j.subject_id)!.service_id),
  );
  // Injected start failures (ServiceStartFailure faults): those instances end Failed instead.
  const failures = await decideStartFailures(
    tx,
    due.flatMap((j) => {
      const row = byId.get(j.subject_id)!;
      const s = services.get(row.service_id);
      return s ? [{ id: row.id, service: s.name, region: s.region }] : [];
    }),
  );
  const failedOf = new Map<string, Array<{ row: ServiceInstanceRow; reason: string }>>();
  const started = new Map<string, number>();
  const startedEvents = new Map<string, PodEvent[]>();
  const startedAt = new Map<number, string[]>();
  const running: Array<{ row: ServiceInstanceRow; at: number }> = [];
  for (const job of due) {
    const row = byId.get(job.subject_id)!;
    const failure = failures.get(row.id);
    if (failure !== undefined) {
      pushTo(failedOf, row.service_id, { row, reason: failure });
      continue;
    }
    const at = job.due_at ?? 0;
    pushTo(startedAt, at, row.id);
    started.set(row.service_id, (started.get(row.service_id) ?? 0) + 1);
    running.push({ row, at });
    pushTo(startedEvents, row.service_id, {
      type: 'Normal',
      reason: 'Started',
      message: `Instance ${row.id} is running`,
      instance: row.id,
    });
  }
  // Jobs that fell due together share their due time: one statement per due time, not per instance.
  for (const [at, ids] of startedAt) {
    await forIdChunks(tx, ids, (c) =>
      tx
        .updateTable('service_instances')
        .set({ status: 'Running', reason: 'RUNNING', started_at: at, updated_at: at })
        .where(inIds(tx, 'id', c))
        .where('status', '=', 'Pending')
        .execute(),
    );
  }
  await publicInstancesRunning(tx, running); // public-pool instances are metered from now
  const now = Math.max(0, ...jobs.map((j) => j.due_at ?? 0));
  await addRunning(tx, started);
  await writeEvents(
    tx,
    [...started.keys()].flatMap((id) => {
      const s = services.get(id);
      return s ? eventRows(s, startedEvents.get(id) ?? [], now) : [];
    }),
    now,
  );
  for (const [id, n] of started) {
    const s = services.get(id);
    if (!s) continue;
    s.running_count += n;
    if (s.generation > 1) await rollForward(tx, s, now, startDue);
    if (!failedOf.has(id))
      await settle(tx, s, now, { reason: 'PENDING', message: `Waiting for ${s.instance_count - s.running_count} instance(s) to start` });
  }
  for (const [id, list] of failedOf) {
    const s = services.get(id);
    if (s) await instancesFailed(tx, s, list, now);
  }
}

/**
 * Instances whose start failed (an injected ServiceStartFailure): they stay on their machine,
 * holding its resources like a Kubernetes pod in back-off, as `Failed` with reason `StartFailed`,
 * each with a Warning event. Their service is `Failed` while none of its instances runs, else it
 * settles as usual (Waiting, Updating) with a Warning saying which instance failed.
 */
async function instancesFailed(
  tx: Tx,
  s: ServiceRow,
  list: ReadonlyArray<{ row: ServiceInstanceRow; reason: string }>,
  now: number,
): Promise<void> {
  await forIdChunks(
    tx,
    list.map((f) => f.row.id),
    (c) =>
      tx
        .updateTable('service_instances')
        .set({ status: 'Failed', reason: FAILED_REASON, updated_at: now })
        .where(inIds(tx, 'id', c))
        .where('status', '=', 'Pending')
        .execute(),
  );
  await recordPodEvents(
    tx,
    s,
    list.map(({ row, reason }) => ({
      type: 'Warning',
      reason: 'Failed',
      message: `Instance ${row.id} failed to start: ${reason}`,
      instance: row.id,
    })),
    now,
  );
  const first = list[0]!;
  const message = `Instance ${first.row.id} not healthy: ${first.reason}`;
  if (s.running_count === 0 && s.status !== 'Stopped') {
    await setServiceState(tx, s, { status: 'Failed', reason: 'FAILED', message, type: 'Warning' }, now);
    return;
  }
  await settle(tx, s, now, { reason: 'FAILED', message, type: 'Warning' });
}

/** Old before new, then unplaced or failed, starting, running; oldest first: the order a rollout retires instances in. */
function retireOrder(rows: ServiceInstanceRow[]): ServiceInstanceRow[] {
  const rank = (r: ServiceInstanceRow) => (r.machine_id === null || r.status === 'Failed' ? 0 : r.status === 'Pending' ? 1 : 2);
  return [...rows].sort((a, b) => a.generation - b.generation || rank(a) - rank(b) || a.created_at - b.created_at);
}

/**
 * A rolling update or restart moves on: instances of an older generation go as soon as enough of
 * the new one run (the service keeps serving meanwhile). When a new instance fits nowhere and none
 * is starting, one old instance goes to make room (at most one unavailable at a time). Reads the
 * service afresh; the caller holds its group's lock and settles the service afterwards.
 */
export async function rollForward(tx: Tx, service: ServiceRow, now: number, startDue: StartDue): Promise<void> {
  for (;;) {
    const s = await tx.selectFrom('services').selectAll().where('id', '=', service.id).executeTakeFirst();
    if (!s || s.status === 'Stopped') return;
    const rows = await tx.selectFrom('service_instances').selectAll().where('service_id', '=', s.id).execute();
    const old = rows.filter((r) => r.generation < s.generation);
    if (old.length === 0) break;
    const fresh = rows.filter((r) => r.generation >= s.generation);
    const freshRunning = fresh.filter((r) => r.status === 'Running').length;
    const excess = old.length - Math.max(0, s.instance_count - freshRunning);
    let victims = excess > 0 ? retireOrder(old).slice(0, excess) : [];
    // Old instances that failed to start serve nothing: they go at once, making room for the new ones.
    victims = [...victims, ...old.filter((r) => r.status === 'Failed' && !victims.includes(r))];
    const waitingForRoom = fresh.some((r) => r.machine_id === null) && !fresh.some((r) => r.machine_id !== null && r.status === 'Pending');
    if (victims.length === 0 && waitingForRoom) victims = retireOrder(old).slice(0, 1);
    if (victims.length === 0) break;
    await release(tx, victims, true, now);
    await recordPodEvents(
      tx,
      s,
      victims.map((v) => ({ type: 'Normal', reason: 'Killing', message: `Instance ${v.id} replaced by the rollout`, instance: v.id })),
      now,
    );
    await placePending(tx, s.resource_id, now, startDue);
  }
  Object.assign(service, await tx.selectFrom('services').selectAll().where('id', '=', service.id).executeTakeFirstOrThrow());
}

/**
 * DeleteServiceInstances: the named instances are recreated (new names, placed afresh) or, with
 * `soft`, their process restarts in place (RestartCount + 1, Pending until the start job runs).
 * Instances not on a machine have no process: a soft restart leaves them as they are.
 */
export async function restartInstances(
  tx: Tx,
  s: ServiceRow,
  rows: ServiceInstanceRow[],
  soft: boolean,
  now: number,
  startDue: StartDue,
): Promise<void> {
  if (!soft) {
    await release(tx, rows, true, now);
    await recordPodEvents(
      tx,
      s,
      rows.map((r) => ({ type: 'Normal', reason: 'Killing', message: `Instance ${r.id} deleted for a restart`, instance: r.id })),
      now,
    );
    await addInstances(tx, s, rows.length, now);
    await placePending(tx, s.resource_id, now, startDue);
    return;
  }
  const placed = rows.filter((r) => r.machine_id !== null);
  if (placed.length === 0) return;
  const wasRunning = placed.filter((r) => r.status === 'Running').length;
  await forIdChunks(
    tx,
    placed.map((r) => r.id),
    (c) =>
      tx
        .updateTable('service_instances')
        .set((eb) => ({
          status: 'Pending',
          reason: 'Restarting',
          started_at: null,
          updated_at: now,
          restart_count: eb('restart_count', '+', 1),
        }))
        .where(inIds(tx, 'id', c))
        .execute(),
  );
  if (wasRunning > 0) {
    await tx
      .updateTable('services')
      .set((eb) => ({ running_count: eb('running_count', '-', wasRunning) }))
      .where('id', '=', s.id)
      .execute();
    s.running_count -= wasRunning;
  }
  await enqueueJobs(
    tx,
    placed.map((p) => ({ kind: START_JOB, accountId: p.account_id, subjectId: p.id, dueAt: startDue(now), key: jobKey(START_JOB, p.id) })),
    now,
  );
  await recordPodEvents(
    tx,
    s,
    placed.map((r) => ({ type: 'Normal', reason: 'Restarting', message: `The process of instance ${r.id} is restarting`, instance: r.id })),
    now,
  );
  await settle(tx, s, now, { reason: 'PENDING', message: `Waiting for ${s.instance_count - s.running_count} instance(s) to start` });
}

/** The groups of start jobs (their subject is a service instance), for the scheduler's lock order. */
export const groupsOfStartJobs = groupsOfSubjects('service_instances');

/**
 * Takes instances off their machines, or away altogether (`remove`): usage is given back, start
 * jobs cancelled, running counts lowered. Kept instances become unplaced Pending.
 */
async function release(tx: Tx, rows: ServiceInstanceRow[], remove: boolean, now: number): Promise<Map<string, number>> {
  const machineUsage = new Map<string, Usage>();
  const groupUsage = new Map<string, Usage>();
  const stoppedRunning = new Map<string, number>();
  for (const r of rows) {
    if (r.machine_id !== null && !isPublicPool(r.resource_id)) {
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
  await publicInstancesReleased(tx, rows, now); // metering ends, stock goes back
  await addRunning(tx, new Map([...stoppedRunning].map(([id, n]) => [id, -n])));
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
  // Instances a rollout is replacing anyway (an older generation) go for good instead of waiting
  // for a machine again: the new generation gets the capacity first.
  const generations = new Map(
    [...(await servicesById(tx, new Set(rows.map((r) => r.service_id)))).values()].map((s) => [s.id, s.generation]),
  );
  const stale = rows.filter((r) => r.generation < (generations.get(r.service_id) ?? 0));
  if (stale.length > 0) await release(tx, stale, true, now);
  const staleIds = new Set(stale.map((r) => r.id));
  await release(
    tx,
    rows.filter((r) => !staleIds.has(r.id)),
    false,
    now,
  );
  const names = new Map(machines.map((m) => [m.id, m.name]));
  const byService = new Map<string, ServiceInstanceRow[]>();
  for (const r of rows) pushTo(byService, r.service_id, r);
  // Read after release(): running counts already exclude the evicted instances.
  const services = await servicesById(tx, byService.keys());
  await writeEvents(
    tx,
    [...byService].flatMap(([id, list]) => {
      const s = services.get(id);
      if (!s) return [];
      return eventRows(
        s,
        list.map((r) => ({
          type: 'Warning',
          reason: 'Evicted',
          message: `Instance ${r.id} evicted from machine ${names.get(r.machine_id!) ?? r.machine_id}: ${why}`,
          instance: r.id,
        })),
        now,
      );
    }),
    now,
  );
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
