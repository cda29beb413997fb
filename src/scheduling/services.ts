// Services on dedicated groups: create, scale, stop, start, delete, each inside the caller's
// transaction, with the group already locked by the caller. Instances and usage counters are
// changed only through placement.ts.
//
// Status model (docs/services.md): a service is Waiting until all its instances run, then Running;
// Stopped after StopService (its instances are gone, their capacity freed). DeleteService removes
// the service in its transaction: afterwards it is InvalidService.NotFound.
import { apiError } from '../gateway/errors.ts';
import type { Db, Tx } from '../store/database.ts';
import { isPostgres } from '../store/database.ts';
import type { Scheduler } from '../engine/scheduler.ts';
import { groupsOfGroupJobs } from '../engine/group-locks.ts';
import { newServiceId } from '../ids.ts';
import type { ServiceSpec } from './service-spec.ts';
import {
  addInstances,
  groupsOfStartJobs,
  PLACE_JOB,
  placePending,
  recordEvent,
  removeServiceInstances,
  START_JOB,
  startDueOf,
  startInstances,
  type ServiceInstanceRow,
  type ServiceRow,
  type StartDue,
} from './placement.ts';
import '../eas/errors.ts';

export interface Owner {
  accountId: string;
  region: string;
}

/** The service `name` of the owner in the region; another account's or region's is NotFound. */
export async function findService(db: Db | Tx, owner: Owner, name: string, opts: { forUpdate?: boolean } = {}): Promise<ServiceRow> {
  const row = await db
    .selectFrom('services')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('region', '=', owner.region)
    .where('name', '=', name)
    .$if(opts.forUpdate === true && isPostgres(db), (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw apiError('InvalidService.NotFound', { serviceName: name, region: owner.region });
  return row;
}

export async function createService(tx: Tx, owner: Owner, spec: ServiceSpec, now: number, startDue: StartDue): Promise<ServiceRow> {
  const row: ServiceRow = {
    id: newServiceId(),
    account_id: owner.accountId,
    region: owner.region,
    name: spec.name,
    resource_id: spec.resourceId,
    status: 'Creating',
    reason: 'CREATING',
    message: 'Service is being created',
    config: JSON.stringify(spec.config),
    instance_count: spec.instances,
    cpu: spec.cpu,
    memory_mb: spec.memoryMb,
    gpu: spec.gpu,
    running_count: 0,
    created_at: now,
    updated_at: now,
  };
  // The unique name index decides between two concurrent creates (in different groups, so with no
  // common lock): the later one waits for the earlier one's commit and inserts nothing.
  const inserted = await tx
    .insertInto('services')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'region', 'name']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw apiError('InvalidService.AlreadyExists', { serviceName: spec.name, region: owner.region });
  }
  await recordEvent(tx, row, 'Normal', row.reason, row.message, now);
  await tx
    .updateTable('resources')
    .set((eb) => ({ service_count: eb('service_count', '+', 1) }))
    .where('id', '=', spec.resourceId)
    .execute();
  await addInstances(tx, row, spec.instances, now);
  await placePending(tx, spec.resourceId, now, startDue);
  return row;
}

async function instancesOf(tx: Tx, s: ServiceRow): Promise<ServiceInstanceRow[]> {
  return tx.selectFrom('service_instances').selectAll().where('service_id', '=', s.id).orderBy('created_at').orderBy('id').execute();
}

/** Which instances a scale-in removes: the named ones, then unplaced, then starting, then the newest running. */
function scaleInVictims(rows: ServiceInstanceRow[], count: number, named: readonly string[]): ServiceInstanceRow[] {
  const rank = (r: ServiceInstanceRow) => (named.includes(r.id) ? 0 : r.machine_id === null ? 1 : r.status === 'Pending' ? 2 : 3);
  return [...rows].sort((a, b) => rank(a) - rank(b) || b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).slice(0, count);
}

function withInstanceCount(config: string, n: number): string {
  const doc = JSON.parse(config) as { metadata?: Record<string, unknown> };
  return JSON.stringify({ ...doc, metadata: { ...doc.metadata, instance: n } });
}

/** ScaleService: `count` instances wanted; on a Stopped service only the wish changes. */
export async function scaleService(
  tx: Tx,
  s: ServiceRow,
  count: number,
  named: readonly string[],
  now: number,
  startDue: StartDue,
): Promise<void> {
  const rows = s.status === 'Stopped' ? [] : await instancesOf(tx, s);
  const unknown = named.find((n) => !rows.some((r) => r.id === n));
  if (unknown !== undefined) {
    throw apiError('InvalidParameter', {
      name: 'InstancesToDelete',
      reason: `Instance ${unknown} is not an instance of service ${s.name}.`,
    });
  }
  await tx
    .updateTable('services')
    .set({ instance_count: count, config: withInstanceCount(s.config, count), updated_at: now })
    .where('id', '=', s.id)
    .execute();
  Object.assign(s, { instance_count: count });
  await recordEvent(tx, s, 'Normal', 'SCALING', `Service [${s.name}] is scaling to ${count} instance(s)`, now);
  if (s.status === 'Stopped') return;
  if (count > rows.length) await addInstances(tx, s, count - rows.length, now);
  else if (count < rows.length) {
    const victims = scaleInVictims(rows, rows.length - count, named);
    await removeServiceInstances(tx, victims, now);
    s.running_count -= victims.filter((v) => v.status === 'Running').length;
  }
  // Freed capacity may place other services' instances too: placement covers the whole group.
  await placePending(tx, s.resource_id, now, startDue);
  const fresh = await findServiceById(tx, s.id);
  if (fresh.running_count >= fresh.instance_count) await placeSettled(tx, fresh, now);
}

async function findServiceById(tx: Tx, id: string): Promise<ServiceRow> {
  return tx.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Sets the service's state and records it as an event. */
async function enterState(tx: Tx, s: ServiceRow, status: string, reason: string, message: string, now: number): Promise<void> {
  await tx.updateTable('services').set({ status, reason, message, updated_at: now }).where('id', '=', s.id).execute();
  await recordEvent(tx, s, 'Normal', reason, message, now);
}

/** A service that needs no more instances is Running (scale-in to what already runs). */
async function placeSettled(tx: Tx, s: ServiceRow, now: number): Promise<void> {
  if (s.status === 'Running' || s.status === 'Stopped') return;
  await enterState(tx, s, 'Running', 'RUNNING', 'Service start successfully', now);
}

/** StopService: every instance goes, capacity is freed (other services' pending instances may take it). */
export async function stopService(tx: Tx, s: ServiceRow, now: number, startDue: StartDue): Promise<void> {
  if (s.status === 'Stopped') return;
  await removeServiceInstances(tx, await instancesOf(tx, s), now);
  await enterState(tx, s, 'Stopped', 'STOPPED', 'Service is stopped', now);
  await placePending(tx, s.resource_id, now, startDue);
}

/** StartService: a Stopped service gets its instances back (Waiting → Running); others are left as they are. */
export async function startService(tx: Tx, s: ServiceRow, now: number, startDue: StartDue): Promise<void> {
  if (s.status !== 'Stopped') return;
  await enterState(tx, s, 'Starting', 'STARTING', 'Service is starting', now);
  await addInstances(tx, s, s.instance_count, now);
  await placePending(tx, s.resource_id, now, startDue);
  if (s.instance_count === 0) await placeSettled(tx, { ...s, status: 'Starting' }, now);
}

/** DeleteService: instances, events and the service go in this transaction; the group's ServiceCount drops. */
export async function deleteService(tx: Tx, s: ServiceRow, now: number, startDue: StartDue): Promise<void> {
  await removeServiceInstances(tx, await instancesOf(tx, s), now);
  await tx.deleteFrom('service_events').where('service_id', '=', s.id).execute();
  await tx.deleteFrom('services').where('id', '=', s.id).execute();
  await tx
    .updateTable('resources')
    .set((eb) => ({ service_count: eb('service_count', '-', 1) }))
    .where('id', '=', s.resource_id)
    .execute();
  await placePending(tx, s.resource_id, now, startDue);
}

/** Due work of services: instances finishing their start, and placement after machine events. */
export function registerServiceJobs(scheduler: Scheduler, config: Parameters<typeof startDueOf>[0]): void {
  const startDue = startDueOf(config);
  scheduler.register(START_JOB, (tx, jobs) => startInstances(tx, jobs), groupsOfStartJobs);
  scheduler.register(
    PLACE_JOB,
    async (tx, jobs) => {
      for (const job of jobs) await placePending(tx, job.subject_id, job.due_at ?? 0, startDue);
    },
    groupsOfGroupJobs,
  );
}
