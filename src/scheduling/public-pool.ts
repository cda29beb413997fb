// Services without `metadata.resource`: their instances run on the public pool (docs/services.md,
// "Public pool"). What differs from a dedicated group lives here; placement.ts calls in at four
// points (placing, starting, releasing, and the group-less sentinel PUBLIC_POOL as resource id):
//
// - Instance type: `cloud.computing.instance_type` (or the first `cloud.computing.instances[].type`),
//   checked against the catalog; or, without one, the smallest catalog type (cheapest, then fewest
//   cores, least memory) that holds `metadata.cpu`/`memory`/`gpu`.
// - Capacity: the stock table (admin /stock). Each instance takes one unit of `available` of its
//   type in the first zone of the region that has one (a zone row wins over the region's `*` row;
//   no row = unlimited; NoStock = none) and gives it back when it goes. Instances that get none stay
//   Pending, the service Waiting with an event; a stock change places them.
// - Billing: a Running instance is metered pay-as-you-go (metered_intervals, instance id = the
//   instance's name, resource id PUBLIC_POOL) at its type's catalog hourly price, from Running until
//   it stops running, and settled with the account's machines (billing/settlement.ts).
import { apiError } from '../gateway/errors.ts';
import type { Catalog, MachineType } from '../eas/catalog.ts';
import type { PriceList } from '../billing/prices.ts';
import { zonesOf } from '../eas/regions.ts';
import { NO_STOCK_REASON } from '../engine/faults.ts';
import { enqueueJobs, jobKey } from '../engine/jobs.ts';
import { isPostgres, type Tx } from '../store/database.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import { endMetering } from '../store/metered-intervals.ts';
import { insertRows } from '../store/prepared.ts';
import type { StockTable } from '../store/schema.ts';
import { newSortableId } from '../ids.ts';
import { pushTo } from '../collections.ts';
import { PLACE_JOB, settle, START_JOB, type ServiceInstanceRow, type ServiceRow, type StartDue } from './placement.ts';
import { recordPodEvents, type PodEvent } from './service-events.ts';

/** The resource id of public-pool services and instances (no group has it: group ids are `eas-r-…`). */
export const PUBLIC_POOL = 'public-pool';

export const isPublicPool = (resourceId: string): boolean => resourceId === PUBLIC_POOL;

/** The machine id a placed public-pool instance carries: the pool's node in its zone (no machine row). */
const nodeOf = (zone: string) => `public-pool:${zone}`;

export interface PublicSizing {
  instanceType: string;
  cpu: number;
  memoryMb: number;
  gpu: number;
}

function invalid(name: string, reason: string): never {
  throw apiError('InvalidParameter', { name, reason });
}

/** `cloud.computing.instance_type`, or the first `cloud.computing.instances[].type`; undefined when neither is given. */
function requestedType(doc: Record<string, unknown>): { type: string; field: string } | undefined {
  const cloud = doc.cloud;
  if (cloud === undefined || cloud === null) return undefined;
  if (typeof cloud !== 'object' || Array.isArray(cloud)) invalid('cloud', 'It must be a JSON object.');
  const computing = (cloud as Record<string, unknown>).computing;
  if (computing === undefined || computing === null) return undefined;
  if (typeof computing !== 'object' || Array.isArray(computing)) invalid('cloud.computing', 'It must be a JSON object.');
  const c = computing as Record<string, unknown>;
  if (c.instance_type !== undefined && c.instance_type !== null && c.instance_type !== '') {
    if (typeof c.instance_type !== 'string') invalid('cloud.computing.instance_type', 'It must be an instance type such as ecs.g6.xlarge.');
    return { type: c.instance_type, field: 'cloud.computing.instance_type' };
  }
  if (c.instances !== undefined && c.instances !== null) {
    if (!Array.isArray(c.instances) || c.instances.length === 0) invalid('cloud.computing.instances', 'It must be a non-empty list.');
    const first = c.instances[0] as { type?: unknown } | null;
    if (typeof first !== 'object' || first === null || typeof first.type !== 'string' || first.type === '')
      throw apiError('MissingParameter', { name: 'cloud.computing.instances.1.type' });
    return { type: first.type, field: 'cloud.computing.instances.1.type' };
  }
  return undefined;
}

/**
 * The instance type and per-instance size of a public-pool service. `cpu`/`memoryMb` are 0 when
 * the document leaves them out (the type's whole size is then taken).
 */
export function publicSizing(
  doc: Record<string, unknown>,
  asked: { cpu: number; memoryMb: number; gpu: number },
  { catalog, prices, region }: { catalog: Catalog; prices: PriceList; region: string },
): PublicSizing {
  const wanted = requestedType(doc);
  if (wanted) {
    const type = catalog.get(wanted.type);
    if (!type || !catalog.sells(type, region))
      invalid(wanted.field, `Instance type ${wanted.type} is not offered by the public resource pool of region ${region}.`);
    const memory = Math.floor(type.memoryGiB * 1024);
    if (asked.cpu > type.vcpu) invalid('metadata.cpu', `It must not exceed the ${type.vcpu} core(s) of instance type ${type.type}.`);
    if (asked.memoryMb > memory) invalid('metadata.memory', `It must not exceed the ${memory} MB of instance type ${type.type}.`);
    if (asked.gpu > type.gpu) invalid('metadata.gpu', `It must not exceed the ${type.gpu} GPU(s) of instance type ${type.type}.`);
    return {
      instanceType: type.type,
      cpu: asked.cpu || type.vcpu,
      memoryMb: asked.memoryMb || memory,
      gpu: asked.gpu || type.gpu,
    };
  }
  if (asked.cpu === 0) throw apiError('MissingParameter', { name: 'cloud.computing.instance_type' });
  if (asked.memoryMb === 0) throw apiError('MissingParameter', { name: 'metadata.memory' });
  const type = smallestFitting(catalog, prices, region, asked);
  if (!type) {
    invalid(
      'metadata.cpu',
      `No instance type of the public resource pool in ${region} has ${asked.cpu} core(s), ${asked.memoryMb} MB and ${asked.gpu} GPU(s).`,
    );
  }
  return { instanceType: type.type, ...asked };
}

/** The cheapest catalog type sold in the region that holds the size (then fewest cores, least memory, name). */
function smallestFitting(
  catalog: Catalog,
  prices: PriceList,
  region: string,
  asked: { cpu: number; memoryMb: number; gpu: number },
): MachineType | undefined {
  const hourly = (t: MachineType) => prices.hourly(t);
  return catalog
    .all()
    .filter(
      (t) =>
        catalog.sells(t, region) &&
        t.vcpu >= asked.cpu &&
        t.memoryGiB * 1024 >= asked.memoryMb &&
        t.gpu >= asked.gpu &&
        (asked.gpu > 0 || t.gpu === 0),
    )
    .sort(
      (a, b) =>
        hourly(a) - hourly(b) ||
        a.vcpu - b.vcpu ||
        a.memoryGiB - b.memoryGiB ||
        a.gpu - b.gpu ||
        (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
    )[0];
}

/** ListServiceInstances' CurrentAmount/OriginalAmount: the instance-hour's list price in CNY (0 on a dedicated group). */
export function instanceHourlyPrice(catalog: Catalog, prices: PriceList, instanceType: string): number {
  const type = instanceType === '' ? undefined : catalog.get(instanceType);
  return type ? prices.hourly(type) / 100 : 0;
}

// ---- capacity

/** The stock row that governs a type in a zone: the zone's own, else the region's `*` row. */
function stockRow(rows: StockTable[], zone: string): StockTable | undefined {
  return rows.find((r) => r.zone === zone) ?? rows.find((r) => r.zone === '*');
}

/** Takes one unit of stock in `zone`; false when there is none (NoStock, or `available` used up). */
async function takeStock(tx: Tx, rows: StockTable[], zone: string): Promise<boolean> {
  const row = stockRow(rows, zone);
  if (!row) return true;
  if (row.status === 'NoStock') return false;
  if (row.available === null) return true;
  const r = await tx
    .updateTable('stock')
    .set((eb) => ({ available: eb('available', '-', 1) }))
    .where('region', '=', row.region)
    .where('zone', '=', row.zone)
    .where('instance_type', '=', row.instance_type)
    .where('available', '>=', 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function giveStock(tx: Tx, region: string, type: string, zone: string): Promise<void> {
  const rows = await tx.selectFrom('stock').selectAll().where('region', '=', region).where('instance_type', '=', type).execute();
  const row = stockRow(rows, zone);
  if (!row || row.available === null) return;
  await tx
    .updateTable('stock')
    .set((eb) => ({ available: eb('available', '+', 1) }))
    .where('region', '=', row.region)
    .where('zone', '=', row.zone)
    .where('instance_type', '=', row.instance_type)
    .execute();
}

/**
 * Places the public pool's unplaced instances, oldest first: each takes a unit of stock in the
 * first zone of its region that has one, and gets a start job. Services left with unplaced
 * instances are Waiting with an event saying why (the same states and reasons as on a group).
 */
export async function placePublicPending(tx: Tx, now: number, startDue: StartDue): Promise<void> {
  const pending = await tx
    .selectFrom('service_instances')
    .innerJoin('services', 'services.id', 'service_instances.service_id')
    .selectAll('service_instances')
    .select('services.region as region')
    .where('service_instances.resource_id', '=', PUBLIC_POOL)
    .where('service_instances.machine_id', 'is', null)
    .orderBy('service_instances.created_at')
    .orderBy('service_instances.id')
    .execute();
  // No row locks up front (they would take services' rows out of the lock order): each instance
  // is placed by a guarded update, and one another process placed meanwhile gives its stock back.
  if (pending.length === 0) return;
  const stock = new Map<string, StockTable[]>();
  const unplaced = new Map<string, number>();
  const scheduled = new Map<string, PodEvent[]>();
  const startJobs = [];
  for (const inst of pending) {
    const key = `${inst.region}\u0000${inst.instance_type}`;
    let rows = stock.get(key);
    if (!rows) {
      rows = await tx
        .selectFrom('stock')
        .selectAll()
        .where('region', '=', inst.region)
        .where('instance_type', '=', inst.instance_type)
        .execute();
      stock.set(key, rows);
    }
    let placedIn: string | undefined;
    for (const zone of zonesOf(inst.region)) {
      if (!(await takeStock(tx, rows, zone))) continue;
      const r = await tx
        .updateTable('service_instances')
        .set({ machine_id: nodeOf(zone), zone, status: 'Pending', reason: 'ContainerCreating', updated_at: now })
        .where('id', '=', inst.id)
        .where('machine_id', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) placedIn = zone;
      else await giveStock(tx, inst.region, inst.instance_type, zone); // placed by another process meanwhile
      break;
    }
    if (placedIn === undefined) {
      if (!(await isPlaced(tx, inst.id))) unplaced.set(inst.service_id, (unplaced.get(inst.service_id) ?? 0) + 1);
      continue;
    }
    pushTo(scheduled, inst.service_id, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${inst.id} to the public resource pool (${inst.instance_type}, zone ${placedIn})`,
      instance: inst.id,
    });
    startJobs.push({
      kind: START_JOB,
      accountId: inst.account_id,
      subjectId: inst.id,
      dueAt: startDue(now),
      key: jobKey(START_JOB, inst.id),
    });
  }
  await enqueueJobs(tx, startJobs, now);
  const ids = [...new Set([...scheduled.keys(), ...unplaced.keys()])];
  const services = ids.length === 0 ? [] : await tx.selectFrom('services').selectAll().where('id', 'in', ids).execute();
  for (const s of services) {
    await recordPodEvents(tx, s, scheduled.get(s.id) ?? [], now);
    const left = unplaced.get(s.id);
    if (left) {
      const why =
        `${left} instance(s) of service [${s.name}] cannot be scheduled: the public resource pool of region [${s.region}] has no ` +
        `stock of instance type [${s.instance_type}] in any zone (${NO_STOCK_REASON}) The instance(s) stay Pending until stock appears.`;
      await settle(tx, s, now, { reason: 'INSUFFICIENT_RESOURCE', message: why, type: 'Warning' });
    } else {
      await settle(tx, s, now, { reason: 'PENDING', message: `Waiting for ${s.instance_count - s.running_count} instance(s) to start` });
    }
  }
}

async function isPlaced(tx: Tx, id: string): Promise<boolean> {
  const row = await tx.selectFrom('service_instances').select('machine_id').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.machine_id !== null;
}

/** Stock changed (admin /stock): the public pool gets a placement job when instances wait for capacity. */
export async function publicStockChanged(tx: Tx, now: number): Promise<void> {
  const waiting = await tx
    .selectFrom('service_instances')
    .select('account_id')
    .where('resource_id', '=', PUBLIC_POOL)
    .where('machine_id', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (!waiting) return;
  await enqueueJobs(
    tx,
    [{ kind: PLACE_JOB, accountId: waiting.account_id, subjectId: PUBLIC_POOL, dueAt: now, key: jobKey(PLACE_JOB, PUBLIC_POOL) }],
    now,
  );
}

// ---- metering

/** Public-pool instances that started running at `at` are metered from then (one open interval each). */
export async function publicInstancesRunning(tx: Tx, rows: ReadonlyArray<{ row: ServiceInstanceRow; at: number }>): Promise<void> {
  const pub = rows.filter((r) => isPublicPool(r.row.resource_id));
  if (pub.length === 0) return;
  const open = new Set<string>();
  await forIdChunks(
    tx,
    pub.map((p) => p.row.id),
    async (c) => {
      for (const r of await tx
        .selectFrom('metered_intervals')
        .select('instance_id')
        .where(inIds(tx, 'instance_id', c))
        .where('end_at', 'is', null)
        .execute())
        open.add(r.instance_id);
    },
  );
  const regions = await regionsOf(
    tx,
    pub.map((p) => p.row.service_id),
  );
  const intervals = pub
    .filter((p) => !open.has(p.row.id))
    .map(({ row, at }) => ({
      id: newSortableId(),
      account_id: row.account_id,
      instance_id: row.id,
      resource_id: PUBLIC_POOL,
      region: regions.get(row.service_id) ?? '',
      zone: row.zone,
      instance_type: row.instance_type,
      system_disk_gb: 0,
      start_at: at,
      end_at: null,
    }));
  if (intervals.length > 0) await insertRows(tx, 'metered_intervals', intervals);
}

async function regionsOf(tx: Tx, serviceIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(serviceIds)];
  const rows = await tx.selectFrom('services').select(['id', 'region']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.region]));
}

/**
 * Public-pool instances leave (scale-in, stop, delete, a restart that recreates them): metering
 * ends now, and each placed one gives its unit of stock back.
 */
export async function publicInstancesReleased(tx: Tx, rows: ReadonlyArray<ServiceInstanceRow>, now: number): Promise<void> {
  const pub = rows.filter((r) => isPublicPool(r.resource_id));
  if (pub.length === 0) return;
  await endMetering(
    tx,
    pub.map((r) => r.id),
    now,
  );
  const placed = pub.filter((r) => r.machine_id !== null && r.zone !== '');
  if (placed.length === 0) return;
  const regions = await regionsOf(
    tx,
    placed.map((r) => r.service_id),
  );
  for (const r of placed) await giveStock(tx, regions.get(r.service_id) ?? '', r.instance_type, r.zone);
}

/**
 * An overdue account's pay-as-you-go resources stop (billing/settlement.ts, as its PostPaid
 * machines): each of its public-pool services that is not Stopped is stopped, with an event. They
 * stay stopped after a top-up, until StartService (docs/billing.md).
 */
export async function stopOverduePublicServices(
  tx: Tx,
  accountId: string,
  now: number,
  stop: (tx: Tx, s: ServiceRow, now: number) => Promise<void>,
): Promise<void> {
  const services = await tx
    .selectFrom('services')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('resource_id', '=', PUBLIC_POOL)
    .where('status', '!=', 'Stopped')
    .$if(isPostgres(tx), (q) => q.forUpdate())
    .execute();
  for (const s of services) {
    await recordPodEvents(
      tx,
      s,
      [{ type: 'Warning', reason: 'OVERDUE', message: `Service [${s.name}] is stopped: the account is overdue`, instance: '' }],
      now,
    );
    await stop(tx, s, now);
  }
}
