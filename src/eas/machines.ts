// Ordering machines for a group (CreateResource and CreateResourceInstances share this): the
// catalog and region checks, quota, IP addresses, the rows, and the provisioning jobs — all in
// the caller's transaction, so a refused order leaves nothing behind.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { apiError } from '../gateway/errors.ts';
import type { Tx } from '../store/database.ts';
import type { AccountQuotasTable, AccountUsageTable, InstancesTable, ResourcesTable, StockTable } from '../store/schema.ts';
import { prepare, prepareLocked } from '../store/prepared.ts';
import { retainUserData } from '../store/user-data.ts';
import type { CallContext } from '../gateway/context.ts';
import { newInstanceId, randomString } from '../ids.ts';
import { HOSTS_PER_REGION, ipOf, zonesOf } from './regions.ts';
import { insertInstances } from '../engine/instance-lifecycle.ts';
import { decideOutcomes } from '../engine/faults.ts';
import { enqueueJobs } from '../engine/jobs.ts';
import { PROVISION_JOB } from '../engine/machine-jobs.ts';
import { addMonths } from '../billing/calendar.ts';
import type { MachineType } from './catalog.ts';
import './errors.ts';

export interface MachineOrder {
  instanceType: string;
  count: number;
  chargeType: 'PrePaid' | 'PostPaid';
  systemDiskSize: number;
  autoRenewal: boolean;
  zone?: string;
  labels: Record<string, string>;
  userData?: string;
}

export function resolveType(ctx: CallContext, instanceType: string, zone?: string): MachineType {
  const { catalog } = ctx.services;
  const type = catalog.get(instanceType);
  if (!type) throw apiError('InvalidInstanceType.NotSupported', { instanceType, where: 'the machine catalog' });
  if (!catalog.sells(type, ctx.region, zone)) {
    throw apiError('InvalidInstanceType.NotSupported', { instanceType, where: zone ? `zone ${zone}` : `region ${ctx.region}` });
  }
  return type;
}

/** The zone to build in: the one asked for (it must be in the region), else the first zone that sells the type with stock. */
function chooseZone(ctx: CallContext, type: MachineType, stock: StockTable[], asked?: string): string {
  const zones = zonesOf(ctx.region);
  if (asked !== undefined) {
    if (!zones.includes(asked)) {
      throw apiError('InvalidParameter', {
        name: 'Zone',
        reason: `Zone ${asked} is not a zone of region ${ctx.region}; valid zones: ${zones.join(', ')}.`,
      });
    }
    return asked;
  }
  const soldOut = new Set(stock.filter((s) => s.status === 'NoStock' || s.available === 0).map((s) => s.zone));
  return zones.find((z) => ctx.services.catalog.sells(type, ctx.region, z) && !soldOut.has(z) && !soldOut.has('*')) ?? zones[0]!;
}

type AccountRegion = { account: string; region: string };
type Amounts = { instances: number; vcpus: number; gpus: number };
const quotaOverride = prepare<AccountRegion, AccountQuotasTable>((db, p) =>
  db.selectFrom('account_quotas').selectAll().where('account_id', '=', p.account).where('region', '=', p.region),
);
const usage = prepare<AccountRegion, AccountUsageTable>((db, p) =>
  db.selectFrom('account_usage').selectAll().where('account_id', '=', p.account).where('region', '=', p.region),
);
const takeUsage = prepare<AccountRegion & Amounts & { maxInstances: number; maxVcpus: number; maxGpus: number }, never>((db, p) =>
  db
    .updateTable('account_usage')
    .set((eb) => ({ instances: eb('instances', '+', p.instances), vcpus: eb('vcpus', '+', p.vcpus), gpus: eb('gpus', '+', p.gpus) }))
    .where('account_id', '=', p.account)
    .where('region', '=', p.region)
    .where(sql<boolean>`instances + ${p.instances} <= ${p.maxInstances}`)
    .where(sql<boolean>`vcpus + ${p.vcpus} <= ${p.maxVcpus}`)
    .where(sql<boolean>`gpus + ${p.gpus} <= ${p.maxGpus}`),
);
const bumpIpPool = prepare<{ region: string; count: number }, { next_host: number }>((db, p) =>
  db
    .updateTable('ip_pools')
    .set((eb) => ({ next_host: eb('next_host', '+', p.count) }))
    .where('region', '=', p.region)
    .returning('next_host'),
);
// Locked: two orders must not both take the last machines of a limited stock.
const lockedStock = prepareLocked<{ region: string; type: string }, StockTable>((db, p) =>
  db.selectFrom('stock').selectAll().where('region', '=', p.region).where('instance_type', '=', p.type),
);

async function quotaLimits(tx: Tx, ctx: CallContext): Promise<Amounts> {
  const d = ctx.services.config.quota;
  const o = await quotaOverride.first(tx, { account: ctx.caller.accountId, region: ctx.region });
  return { instances: o?.max_instances ?? d.instances, vcpus: o?.max_vcpus ?? d.vcpus, gpus: o?.max_gpus ?? d.gpus };
}

/**
 * Takes quota with one guarded UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) makes
 * concurrent orders queue, and the WHERE re-check means they can never overshoot together.
 */
async function takeQuota(tx: Tx, ctx: CallContext, instances: number, vcpus: number, gpus: number): Promise<void> {
  const account = ctx.caller.accountId;
  const limits = await quotaLimits(tx, ctx);
  const key = { account, region: ctx.region };
  const take = async () =>
    (await takeUsage.affected(tx, {
      ...key,
      instances,
      vcpus,
      gpus,
      maxInstances: limits.instances,
      maxVcpus: limits.vcpus,
      maxGpus: limits.gpus,
    })) === 1;
  if (await take()) return;
  let used = await usage.first(tx, key);
  if (!used) {
    // First order of this account in this region: create its usage row, then take again.
    await tx
      .insertInto('account_usage')
      .values({ account_id: account, region: ctx.region, instances: 0, vcpus: 0, gpus: 0 })
      .onConflict((oc) => oc.columns(['account_id', 'region']).doNothing())
      .execute();
    if (await take()) return;
    used = (await usage.first(tx, key))!;
  }
  const over = [
    { what: 'instance', used: used.instances, requested: instances, limit: limits.instances },
    { what: 'vCPU', used: used.vcpus, requested: vcpus, limit: limits.vcpus },
    { what: 'GPU', used: used.gpus, requested: gpus, limit: limits.gpus },
  ].find((q) => q.used + q.requested > q.limit)!;
  throw apiError('QuotaExceed.ElasticQuota', { ...over, region: ctx.region });
}

/** Reserves `count` never-used host numbers of the region's address block. */
async function allocateHosts(tx: Tx, region: string, count: number): Promise<number> {
  const bump = () => bumpIpPool.first(tx, { region, count });
  let row = await bump();
  if (!row) {
    await tx
      .insertInto('ip_pools')
      .values({ region, next_host: 1 })
      .onConflict((oc) => oc.column('region').doNothing())
      .execute();
    row = (await bump())!;
  }
  const first = row.next_host - count;
  if (row.next_host - 1 > HOSTS_PER_REGION) throw apiError('InsufficientIpAddress', { region });
  return first;
}

/** Host names look like the real ones in the examples (`eas` + digits). */
function hostName(): string {
  return 'eas' + randomString(16, '0123456789');
}

export async function orderMachines(tx: Tx, ctx: CallContext, group: ResourcesTable, order: MachineOrder, now: number): Promise<string[]> {
  const type = resolveType(ctx, order.instanceType, order.zone);
  const stock = await lockedStock.rows(tx, { region: ctx.region, type: type.type });
  const zone = chooseZone(ctx, type, stock, order.zone);
  await takeQuota(tx, ctx, order.count, order.count * type.vcpu, order.count * type.gpu);
  const firstHost = await allocateHosts(tx, ctx.region, order.count);
  const outcomes = await decideOutcomes(tx, { region: ctx.region, zone, type: type.type, count: order.count, stock });
  const { config } = ctx.services;
  // Stored once for the whole order; every machine references it.
  const userDataHash =
    order.userData === undefined ? null : await retainUserData(tx, ctx.caller.accountId, order.userData, order.count, now);

  const rows: InstancesTable[] = outcomes.map((_, i) => ({
    id: newInstanceId(),
    account_id: ctx.caller.accountId,
    resource_id: group.id,
    region: ctx.region,
    zone,
    name: hostName(),
    ip: ipOf(ctx.region, firstHost + i),
    instance_type: type.type,
    cpu: type.vcpu,
    memory_mb: Math.round(type.memoryGiB * 1024),
    gpu: type.gpu,
    gpu_memory_gb: type.gpuMemoryGiB,
    arch: type.arch,
    system_disk_gb: order.systemDiskSize,
    charge_type: order.chargeType,
    auto_renewal: order.autoRenewal ? 1 : 0,
    health: 'Attaching',
    cordoned: 0,
    status: 'Attaching',
    failure_reason: null,
    user_data_hash: userDataHash,
    labels: JSON.stringify(order.labels),
    last_cordon_reason: '',
    last_cordon_operator: '',
    cpu_used: 0,
    gpu_used: 0,
    memory_used_mb: 0,
    worker_count: 0,
    created_at: now,
    updated_at: now,
    expired_at: order.chargeType === 'PrePaid' ? addMonths(now, config.subscriptionMonths) : null,
    version: 0,
  }));
  await insertInstances(tx, rows, now);

  const dueAt = config.progression === 'manual' ? null : config.progression === 'immediate' ? now : now + config.provisionSeconds * 1000;
  await enqueueJobs(
    tx,
    rows.map((r, i) => ({
      kind: PROVISION_JOB,
      accountId: r.account_id,
      subjectId: r.id,
      dueAt,
      payload: outcomes[i]!.ok ? { ok: true } : { ok: false, reason: outcomes[i]!.reason },
    })),
    now,
  );
  await ctx.services.hooks.machinesOrdered(tx, ctx, rows, now);
  return rows.map((r) => r.id);
}

/** Stable fingerprint of a request's parameters, for client-token idempotency. */
export function fingerprint(value: unknown): string {
  const canonical = JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
  return crypto.createHash('sha256').update(canonical).digest('hex');
}
