// Services on dedicated groups: create, scale, stop, start, delete, each inside the caller's
// transaction, with the group already locked by the caller. Instances and usage counters are
// changed only through placement.ts.
//
// Status model (docs/services.md): a service is Waiting until all its instances run, then Running;
// Stopped after StopService (its instances are gone, their capacity freed). DeleteService removes
// the service in its transaction: afterwards it is InvalidService.NotFound.
import { apiError } from '../gateway/errors.ts';
import { sql } from 'kysely';
import { isPostgres, type Db, type Tx } from '../store/database.ts';
import { insertRows, prepare, prepareLocked } from '../store/prepared.ts';
import type { Scheduler } from '../engine/scheduler.ts';
import { groupsOfGroupJobs } from '../engine/group-locks.ts';
import { cancelJobsOf } from '../engine/jobs.ts';
import { CRON_JOB, groupsOfServiceJobs, runCronJobs } from './cron-scaler.ts';
import { newServiceId, newServiceToken } from '../ids.ts';
import type { ServiceSpec } from './service-spec.ts';
import {
  addInstances,
  groupsOfStartJobs,
  PLACE_JOB,
  placePending,
  removeServiceInstances,
  rollForward,
  settle,
  START_JOB,
  startDueOf,
  startInstances,
  type ServiceInstanceRow,
  type ServiceRow,
  type StartDue,
} from './placement.ts';
import { isPublicPool } from './public-pool.ts';
import { eventRows, recordEvent, registerEventJobs } from './service-events.ts';
import '../eas/errors.ts';

export interface Owner {
  accountId: string;
  region: string;
}

type ServiceKey = Owner & { name: string };
const serviceQuery = (db: Db, p: ServiceKey) =>
  db.selectFrom('services').selectAll().where('account_id', '=', p.accountId).where('region', '=', p.region).where('name', '=', p.name);
// Prepared: every service call starts here, and building the query cost more than running it.
const serviceByName = prepare<ServiceKey, ServiceRow>(serviceQuery);
const lockedServiceByName = prepareLocked<ServiceKey, ServiceRow>(serviceQuery);

type Label = { key: string; value: string };

// DescribeService: the service, its group's name (null for a group that has no row, e.g. the public
// pool) and its labels (`[[key, value], …]` by key: JSON text on SQLite, parsed by the driver on
// PostgreSQL) in one statement, instead of two. On SQLite each read outside a transaction also
// begins a read transaction of its own.
const serviceDescription = prepare<ServiceKey, ServiceRow & { group_name: string | null; labels: string | Array<[string, string]> }>(
  (db, p) =>
    db
      .selectFrom('services as s')
      .leftJoin('resources as r', 'r.id', 's.resource_id')
      .selectAll('s')
      .select('r.name as group_name')
      .select(
        (isPostgres(db)
          ? sql`(select coalesce(json_agg(json_build_array(l.key, l.value) order by l.key), '[]'::json) from service_labels l where l.service_id = s.id)`
          : sql`(select json_group_array(json_array(l.key, l.value) order by l.key) from service_labels l where l.service_id = s.id)`
        ).as('labels'),
      )
      .where('s.account_id', '=', p.accountId)
      .where('s.region', '=', p.region)
      .where('s.name', '=', p.name),
);

/** Like findService, with the name of the service's group (null when the group has no row) and the service's labels. */
export async function describeService(
  db: Db | Tx,
  owner: Owner,
  name: string,
): Promise<{ service: ServiceRow; groupName: string | null; labels: Label[] }> {
  const row = await serviceDescription.first(db, { accountId: owner.accountId, region: owner.region, name });
  if (!row) throw apiError('InvalidService.NotFound', { serviceName: name, region: owner.region });
  // The row is the service, the joined columns riding along (nothing enumerates a service's fields;
  // a copy without them cost a copy of 27 fields).
  const pairs = typeof row.labels === 'string' ? (JSON.parse(row.labels) as Array<[string, string]>) : row.labels;
  return { service: row, groupName: row.group_name, labels: pairs.map(([key, value]) => ({ key, value })) };
}

/** The service `name` of the owner in the region; another account's or region's is NotFound. */
export async function findService(db: Db | Tx, owner: Owner, name: string, opts: { forUpdate?: boolean } = {}): Promise<ServiceRow> {
  const query = opts.forUpdate === true ? lockedServiceByName : serviceByName;
  const row = await query.first(db, { accountId: owner.accountId, region: owner.region, name });
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
    current_version: 1,
    latest_version: 1,
    generation: 1,
    safety_lock: 'none',
    cron_scaler: null,
    instance_type: spec.instanceType,
    access_token: spec.token ?? newServiceToken(),
    service_group: spec.group,
    event_count: 0,
  };
  // A service on a dedicated group is placed at once, and placement inserts its row with the
  // state placing leaves it in (one write instead of an insert and two updates). The public pool's
  // placement reads its services back, so there the row goes first.
  const placedAtOnce = !isPublicPool(spec.resourceId);
  if (!placedAtOnce) await insertService(tx, row);
  // Its first event is written with placement's, and its group's ServiceCount goes up with the
  // group's usage (addInstances).
  const events = eventRows(row, [{ type: 'Normal', reason: row.reason, message: row.message, instance: '' }], now);
  await insertRows(tx, 'service_versions', [
    { service_id: row.id, account_id: row.account_id, version: 1, config: row.config, created_at: now },
  ]);
  // Placed as they are written, with what else of the group waits; a public-pool service's wait
  // for the pool's placement.
  await addInstances(tx, row, spec.instances, now, startDue, { events, insert: placedAtOnce ? insertService : undefined });
  if (!placedAtOnce) await placePending(tx, spec.resourceId, now, startDue);
  return row;
}

/**
 * A new service's row. The unique name index decides between two concurrent creates (in different
 * groups, so with no common lock): the later one waits for the earlier one's commit and inserts
 * nothing, and its whole transaction is undone. (The id is new: a conflict is the name's.)
 */
async function insertService(tx: Tx, row: ServiceRow): Promise<void> {
  const inserted = await insertRows(tx, 'services', [row], { ignoreConflicts: true, returning: 'id' });
  if (inserted.length === 0) throw apiError('InvalidService.AlreadyExists', { serviceName: row.name, region: row.region });
}

async function instancesOf(tx: Tx, s: ServiceRow): Promise<ServiceInstanceRow[]> {
  return tx.selectFrom('service_instances').selectAll().where('service_id', '=', s.id).orderBy('created_at').orderBy('id').execute();
}

/**
 * Which instances a scale-in removes: the named ones, then those of an older generation (during a
 * rollout), then unplaced, then starting, then the newest running.
 */
function scaleInVictims(rows: ServiceInstanceRow[], count: number, named: readonly string[], generation: number): ServiceInstanceRow[] {
  const rank = (r: ServiceInstanceRow) =>
    named.includes(r.id)
      ? 0
      : r.generation < generation
        ? 1
        : r.machine_id === null || r.status === 'Failed'
          ? 2
          : r.status === 'Pending'
            ? 3
            : 4;
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
  const scaling = `Service [${s.name}] in region [${s.region}] is scaling to ${count} instance(s)`;
  await recordEvent(tx, s, 'Normal', 'SCALING', scaling, now);
  if (s.status === 'Stopped') return;
  // A scale-out is Scaling until its new instances run (placement.settle keeps it); the event above
  // says so. With a failed instance left it could never end: the service stays Failed or Waiting.
  const before = rows.filter((r) => r.generation >= s.generation).length;
  if (count > before && !rows.some((r) => r.status === 'Failed')) {
    await tx.updateTable('services').set({ status: 'Scaling', reason: 'SCALING', message: scaling }).where('id', '=', s.id).execute();
  }
  if (s.generation > 1 && rows.some((r) => r.generation < s.generation)) {
    // During a rollout the wish is about the new generation; the old instances go as the new ones
    // run (placement.rollForward), and the named ones of either generation go now.
    const namedOld = rows.filter((r) => r.generation < s.generation && named.includes(r.id));
    if (namedOld.length > 0) await removeServiceInstances(tx, namedOld, now);
    const fresh = rows.filter((r) => r.generation >= s.generation);
    if (count > fresh.length) await addInstances(tx, s, count - fresh.length, now);
    else if (count < fresh.length) await removeServiceInstances(tx, scaleInVictims(fresh, fresh.length - count, named, s.generation), now);
    await placePending(tx, s.resource_id, now, startDue);
    await rollForward(tx, s, now, startDue);
  } else if (count > rows.length) await addInstances(tx, s, count - rows.length, now);
  else if (count < rows.length) {
    const victims = scaleInVictims(rows, rows.length - count, named, s.generation);
    await removeServiceInstances(tx, victims, now);
    s.running_count -= victims.filter((v) => v.status === 'Running').length;
  }
  // Freed capacity may place other services' instances too: placement covers the whole group.
  await placePending(tx, s.resource_id, now, startDue);
  const fresh = await findServiceById(tx, s.id);
  // Running once enough run (a scale-in to what already runs); Updating while a rollout has old instances.
  await settle(tx, fresh, now);
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
  await cancelJobsOf(tx, [s.id]); // its cron scaler's jobs
  for (const table of ['service_events', 'service_versions', 'service_labels'] as const) {
    await tx.deleteFrom(table).where('service_id', '=', s.id).execute();
  }
  await tx.deleteFrom('services').where('id', '=', s.id).execute();
  await tx
    .updateTable('resources')
    .set((eb) => ({ service_count: eb('service_count', '-', 1) }))
    .where('id', '=', s.resource_id)
    .execute();
  await placePending(tx, s.resource_id, now, startDue);
}

/** Due work of services: instances finishing their start, and placement after machine events. */
export function registerServiceJobs(
  scheduler: Scheduler,
  config: Parameters<typeof startDueOf>[0] & Parameters<typeof registerEventJobs>[1],
): void {
  const startDue = startDueOf(config);
  registerEventJobs(scheduler, config);
  scheduler.register(START_JOB, (tx, jobs) => startInstances(tx, jobs, startDue), groupsOfStartJobs);
  scheduler.register(CRON_JOB, (tx, jobs, now) => runCronJobs(tx, jobs, startDue, now), groupsOfServiceJobs);
  scheduler.register(
    PLACE_JOB,
    async (tx, jobs) => {
      for (const job of jobs) await placePending(tx, job.subject_id, job.due_at ?? 0, startDue);
    },
    groupsOfGroupJobs,
  );
}

// ---- versions, rolling updates and restarts

/**
 * Replaces every instance by one of a new generation, rolling: the new instances are placed and
 * started while the old ones keep serving, and each old one goes when a new one runs
 * (placement.rollForward). The service is Updating until the last old instance is gone.
 */
async function rollout(tx: Tx, s: ServiceRow, reason: string, message: string, now: number, startDue: StartDue): Promise<void> {
  await tx
    .updateTable('services')
    .set((eb) => ({ generation: eb('generation', '+', 1), updated_at: now }))
    .where('id', '=', s.id)
    .execute();
  s.generation += 1;
  await recordEvent(tx, s, 'Normal', reason, message, now);
  if (s.status === 'Stopped') return; // the next StartService starts the new configuration
  await addInstances(tx, s, s.instance_count, now);
  await placePending(tx, s.resource_id, now, startDue);
  await rollForward(tx, s, now, startDue);
  await settle(tx, s, now);
}

/**
 * The parts of a service row its configuration decides. The token stays the service's unless the
 * new configuration sets one.
 */
function specFields(spec: ServiceSpec, s: ServiceRow) {
  return {
    config: JSON.stringify(spec.config),
    instance_count: spec.instances,
    cpu: spec.cpu,
    memory_mb: spec.memoryMb,
    gpu: spec.gpu,
    instance_type: spec.instanceType,
    access_token: spec.token ?? s.access_token,
    service_group: spec.group,
  };
}

/** A configuration without `metadata.instance`, keys sorted: two that differ only in scale compare equal. */
function withoutScale(config: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const metadata = { ...(config.metadata as Record<string, unknown>) };
  delete metadata.instance;
  return JSON.stringify(sorted({ ...config, metadata }));
}

/**
 * UpdateService with the checked new configuration: nothing changed → nothing happens; only
 * `metadata.instance` changed → a scale; otherwise a new version, rolled out. Only the latest
 * `keepVersions` versions are kept (the new one is the current one): the oldest goes.
 */
export async function updateService(
  tx: Tx,
  s: ServiceRow,
  spec: ServiceSpec,
  now: number,
  startDue: StartDue,
  keepVersions: number,
): Promise<'none' | 'scale' | 'update'> {
  const before = JSON.parse(s.config) as Record<string, unknown>;
  if (withoutScale(before) === withoutScale(spec.config)) {
    if (spec.instances === s.instance_count) return 'none';
    await scaleService(tx, s, spec.instances, [], now, startDue);
    return 'scale';
  }
  const version = s.latest_version + 1;
  const fields = specFields(spec, s);
  await tx
    .insertInto('service_versions')
    .values({ service_id: s.id, account_id: s.account_id, version, config: fields.config, created_at: now })
    .execute();
  await tx
    .deleteFrom('service_versions')
    .where('service_id', '=', s.id)
    .where('version', '<=', version - keepVersions)
    .execute();
  await tx
    .updateTable('services')
    .set({ ...fields, current_version: version, latest_version: version, updated_at: now })
    .where('id', '=', s.id)
    .execute();
  Object.assign(s, fields, { current_version: version, latest_version: version });
  await rollout(tx, s, 'UPDATING', `Service [${s.name}] is updating to version ${version}`, now, startDue);
  return 'update';
}

/** The stored configuration of a version, or undefined. */
export async function versionConfig(tx: Tx, s: ServiceRow, version: number): Promise<string | undefined> {
  const row = await tx
    .selectFrom('service_versions')
    .select('config')
    .where('service_id', '=', s.id)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.config;
}

/**
 * UpdateServiceVersion: the service runs `spec` (an earlier version's configuration) again, rolled
 * out; the instance count stays what it is now (a rollback changes the model, not the scale).
 */
export async function switchVersion(tx: Tx, s: ServiceRow, version: number, spec: ServiceSpec, now: number, startDue: StartDue) {
  const fields = {
    ...specFields(spec, s),
    instance_count: s.instance_count,
    config: withInstanceCount(JSON.stringify(spec.config), s.instance_count),
  };
  await tx
    .updateTable('services')
    .set({ ...fields, current_version: version, updated_at: now })
    .where('id', '=', s.id)
    .execute();
  Object.assign(s, fields, { current_version: version });
  await rollout(tx, s, 'UPDATING', `Service [${s.name}] is switching to version ${version}`, now, startDue);
}

/** RestartService: every instance is replaced, rolling, with the same configuration. */
export async function restartService(tx: Tx, s: ServiceRow, now: number, startDue: StartDue): Promise<void> {
  await rollout(tx, s, 'RESTARTING', 'Service is restarting', now, startDue);
}

// ---- labels and the safety lock

// One service's labels (DescribeService and the other single-service calls), prepared; a page's are an IN-list.
const labelsOfOne = prepare<{ id: string }, { service_id: string; key: string; value: string }>((db, p) =>
  db.selectFrom('service_labels').select(['service_id', 'key', 'value']).where('service_id', '=', p.id).orderBy('key'),
);

export async function labelsOf(db: Db | Tx, serviceIds: string[]): Promise<Map<string, Array<{ key: string; value: string }>>> {
  const out = new Map<string, Array<{ key: string; value: string }>>();
  if (serviceIds.length === 0) return out;
  const rows =
    serviceIds.length === 1
      ? await labelsOfOne.rows(db, { id: serviceIds[0]! })
      : await db
          .selectFrom('service_labels')
          .select(['service_id', 'key', 'value'])
          .where('service_id', 'in', serviceIds)
          .orderBy('service_id')
          .orderBy('key')
          .execute();
  for (const r of rows) {
    let list = out.get(r.service_id);
    if (!list) out.set(r.service_id, (list = []));
    list.push({ key: r.key, value: r.value });
  }
  return out;
}

/** Adds or replaces labels; at most MAX_SERVICE_LABELS on a service. */
export async function setLabels(tx: Tx, s: ServiceRow, labels: Record<string, string>, max: number, now: number): Promise<void> {
  const entries = Object.entries(labels);
  if (entries.length === 0) return; // nothing to add (a CreateService without labels reads nothing)
  const existing = (await labelsOf(tx, [s.id])).get(s.id) ?? [];
  const keys = new Set([...existing.map((l) => l.key), ...Object.keys(labels)]);
  if (keys.size > max) throw apiError('InvalidParameter', { name: 'Labels', reason: `A service carries at most ${max} labels.` });
  await tx
    .deleteFrom('service_labels')
    .where('service_id', '=', s.id)
    .where(
      'key',
      'in',
      entries.map(([k]) => k),
    )
    .execute();
  await tx
    .insertInto('service_labels')
    .values(entries.map(([key, value]) => ({ service_id: s.id, account_id: s.account_id, key, value })))
    .execute();
  await tx.updateTable('services').set({ updated_at: now }).where('id', '=', s.id).execute();
}

export async function deleteLabels(tx: Tx, s: ServiceRow, keys: string[], now: number): Promise<void> {
  if (keys.length === 0) return;
  await tx.deleteFrom('service_labels').where('service_id', '=', s.id).where('key', 'in', keys).execute();
  await tx.updateTable('services').set({ updated_at: now }).where('id', '=', s.id).execute();
}

export const SAFETY_LOCKS = ['none', 'dangerous', 'all'] as const;

/** What each lock level refuses (docs/services.md, "Safety lock"). */
const DANGEROUS: ReadonlySet<string> = new Set(['DeleteService', 'StopService']);

/** Refuses `action` on a locked service: `dangerous` locks delete and stop, `all` every change but unlocking. */
export function checkSafetyLock(s: ServiceRow, action: string): void {
  if (action === 'UpdateServiceSafetyLock' || s.safety_lock === 'none') return;
  if (s.safety_lock === 'all' || DANGEROUS.has(action)) {
    throw apiError('OperationDenied.ServiceLocked', { serviceName: s.name, lock: s.safety_lock, action });
  }
}

export async function setSafetyLock(tx: Tx, s: ServiceRow, lock: string, now: number): Promise<void> {
  await tx.updateTable('services').set({ safety_lock: lock, updated_at: now }).where('id', '=', s.id).execute();
  await recordEvent(tx, s, 'Normal', 'SAFETY_LOCK', `Service safety lock updated to ${lock}`, now);
}
