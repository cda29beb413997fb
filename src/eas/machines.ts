// Ordering machines for a group (CreateResource and CreateResourceInstances share this): the
// catalog and region checks, quota, IP addresses, the rows, and the provisioning jobs — all in
// the caller's transaction, so a refused order leaves nothing behind. On PostgreSQL the rows that
// concurrent orders share (group counters, quota usage, IP pool) are taken last, in one statement
// just before the commit (orderMachines; docs/ARCHITECTURE.md "What an order locks, and when").
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { apiError } from '../gateway/errors.ts';
import { isPostgres, type Db, type Tx } from '../store/database.ts';
import type { AccountQuotasTable, AccountUsageTable, FaultsTable, InstancesTable, ResourcesTable, StockTable } from '../store/schema.ts';
import { insertRows, prepare, prepareLocked } from '../store/prepared.ts';
import { retainUserData, userDataHash } from '../store/user-data.ts';
import type { CallContext } from '../gateway/context.ts';
import { newInstanceId } from '../ids.ts';
import { HOSTS_PER_REGION, ipBlockOf, ipOf, zonesOf } from './regions.ts';
import { countInGroups, countInGroupStatement, insertLabelsOf } from '../engine/instance-lifecycle.ts';
import { lockGroups } from '../engine/group-locks.ts';
import { decideOutcomes, faultOf, faultsQuery, listFaults } from '../engine/faults.ts';
import { enqueueJobs, enqueueStatement, type NewJob } from '../engine/jobs.ts';
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
type QuotaState = { limits: Amounts; used: Amounts };
type QuotaRow = Partial<
  Pick<AccountQuotasTable, 'max_instances' | 'max_vcpus' | 'max_gpus'> & Pick<AccountUsageTable, 'instances' | 'vcpus' | 'gpus'>
>;
// The account's limits (its override, else the defaults) and usage, in one read without a lock.
const quotaQuery = (db: Db, p: AccountRegion) =>
  db
    .selectFrom(sql`(select 1)`.as('one'))
    .leftJoin('account_quotas', (j) => j.on('account_quotas.account_id', '=', p.account).on('account_quotas.region', '=', p.region))
    .leftJoin('account_usage', (j) => j.on('account_usage.account_id', '=', p.account).on('account_usage.region', '=', p.region))
    .select([
      'account_quotas.max_instances',
      'account_quotas.max_vcpus',
      'account_quotas.max_gpus',
      'account_usage.instances',
      'account_usage.vcpus',
      'account_usage.gpus',
    ]);
const quotaRow = prepare<AccountRegion, QuotaRow>(quotaQuery);
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
const stockQuery = (db: Db, p: { region: string; type: string }) =>
  db.selectFrom('stock').selectAll().where('region', '=', p.region).where('instance_type', '=', p.type);
const stockRows = prepare<{ region: string; type: string }, StockTable>(stockQuery);
// Locked: two orders must not both take the last machines of a limited stock.
const lockedStock = prepareLocked<{ region: string; type: string }, StockTable>(stockQuery);

/**
 * PostgreSQL: what an order reads first — its type's stock, the faults, the account's quota — as
 * one statement, each part a JSON value: every statement is a round trip, about 130 µs of the
 * server's CPU (a third of it the system call that sends it) and a parse and plan in PostgreSQL.
 * SQLite runs the three prepared reads, each a call into the library.
 */
const orderInputsPg = prepare<
  { region: string; type: string; account: string },
  { stock: StockTable[]; faults: FaultsTable[]; quota: QuotaRow | null }
>((db, p) =>
  db.selectNoFrom([
    jsonArrayFrom(stockQuery(db, p)).as('stock'),
    jsonArrayFrom(faultsQuery(db)).as('faults'),
    jsonObjectFrom(quotaQuery(db, p)).as('quota'),
  ]),
);

async function orderInputs(tx: Tx, ctx: CallContext, type: string) {
  const key = { region: ctx.region, type };
  if (!isPostgres(tx)) {
    return { stock: await stockRows.rows(tx, key), faults: await listFaults(tx), quota: await quotaOf(tx, ctx) };
  }
  const r = (await orderInputsPg.first(tx, { ...key, account: ctx.caller.accountId }))!;
  // json_agg keeps its subquery's order in practice; listFaults' order is sorted here, to be sure.
  const faults = r.faults.map(faultOf).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { stock: r.stock, faults, quota: quotaStateOf(ctx, r.quota ?? undefined) };
}

async function quotaOf(tx: Tx, ctx: CallContext): Promise<QuotaState> {
  return quotaStateOf(ctx, await quotaRow.first(tx, { account: ctx.caller.accountId, region: ctx.region }));
}

function quotaStateOf(ctx: CallContext, r: QuotaRow | undefined): QuotaState {
  const d = ctx.services.config.quota;
  return {
    limits: { instances: r?.max_instances ?? d.instances, vcpus: r?.max_vcpus ?? d.vcpus, gpus: r?.max_gpus ?? d.gpus },
    used: { instances: r?.instances ?? 0, vcpus: r?.vcpus ?? 0, gpus: r?.gpus ?? 0 },
  };
}

/** Refuses an order the quota cannot hold (QuotaExceed.ElasticQuota): `used` as read, without a lock. */
function checkQuota(ctx: CallContext, { limits, used }: QuotaState, want: Amounts): void {
  const over = [
    { what: 'instance', used: used.instances, requested: want.instances, limit: limits.instances },
    { what: 'vCPU', used: used.vcpus, requested: want.vcpus, limit: limits.vcpus },
    { what: 'GPU', used: used.gpus, requested: want.gpus, limit: limits.gpus },
  ].find((q) => q.used + q.requested > q.limit);
  if (over) throw apiError('QuotaExceed.ElasticQuota', { ...over, region: ctx.region });
}

/**
 * Takes quota with one guarded UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) makes
 * concurrent orders queue, and the WHERE re-check (PostgreSQL re-evaluates it on the row a
 * waiting UPDATE finally gets) means they can never overshoot together. checkQuota already
 * refused what the usage as read could not hold; this refuses what a concurrent order took since.
 */
async function takeQuota(tx: Tx, ctx: CallContext, limits: Amounts, want: Amounts): Promise<void> {
  const account = ctx.caller.accountId;
  const key = { account, region: ctx.region };
  const take = async () =>
    (await takeUsage.affected(tx, {
      ...key,
      ...want,
      maxInstances: limits.instances,
      maxVcpus: limits.vcpus,
      maxGpus: limits.gpus,
    })) === 1;
  if (await take()) return;
  // None taken: the first order of this account in this region (no usage row yet), or a
  // concurrent order took the rest.
  const { used } = await quotaOf(tx, ctx);
  checkQuota(ctx, { limits, used }, want);
  await tx
    .insertInto('account_usage')
    .values({ account_id: account, region: ctx.region, instances: 0, vcpus: 0, gpus: 0 })
    .onConflict((oc) => oc.columns(['account_id', 'region']).doNothing())
    .execute();
  if (await take()) return;
  checkQuota(ctx, { limits, used: (await quotaOf(tx, ctx)).used }, want);
  throw new Error('quota: the guarded update took nothing, yet the usage read fits the order');
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

/** Gives the machines the consecutive hosts from `firstHost`: their addresses and host names. */
function addressRows(rows: InstancesTable[], region: string, firstHost: number): void {
  const block = ipBlockOf(region);
  for (const [i, r] of rows.entries()) {
    r.ip = ipOf(region, firstHost + i);
    r.name = hostName(block + firstHost + i);
  }
}

/**
 * Host names look like the real ones in the examples (`eas` + 16 digits, "eas01122713204*****"):
 * the digits are the machine's address as a number, so a name is unique (no address is handed
 * out twice in any region) and names grow in the order machines are made. Random digits made
 * every new machine write a page of its own in the group's name index (bench/wal-frames.ts: about
 * one WAL frame a create); ordered ones share the index's last page.
 */
function hostName(address: number): string {
  return 'eas' + String(address).padStart(16, '0');
}

/**
 * PostgreSQL: the group's counters, the quota and the IP pool taken, and the machines inserted
 * with their addresses and their provisioning jobs, in ONE statement (data-modifying CTEs, each
 * step only if the one before took its row), so a create holds those rows for one round trip and
 * the commit rather than one round trip each. Answers the last step done: a step whose row is missing or refused stops it
 * (first order of an account or region, quota taken by a concurrent order), and the caller goes on
 * from there step by step, as on SQLite (`nothing`). A deleted group and a region without
 * addresses are refused here. `rows` are complete but for `ip` and `name`, which the statement adds (every
 * column of the table must be in them: jsonb_populate_record leaves a missing one NULL, not its
 * default). The record is built in FROM, once per machine: `(jsonb_populate_record(…)).*` in the
 * select list runs the function once per column, 35 times (1.1 ms of the database's CPU per
 * machine, EXPLAIN ANALYZE; most of a create's).
 */
async function claimSharedRows(
  tx: Tx,
  ctx: CallContext,
  rows: InstancesTable[],
  limits: Amounts,
  want: Amounts,
  now: number,
  jobs: NewJob[],
): Promise<'nothing' | 'counted' | 'taken' | 'inserted'> {
  if (!isPostgres(tx)) return 'nothing';
  const { accountId } = ctx.caller;
  const n = rows.length;
  const host = sql`(${ipBlockOf(ctx.region)}::bigint + p.next_host - ${n} + x.ord - 1)`;
  const ip = sql`((${host} >> 24) & 255)::text || '.' || ((${host} >> 16) & 255)::text || '.' || ((${host} >> 8) & 255)::text || '.' || (${host} & 255)::text`;
  const name = sql`'eas' || lpad(${host}::text, 16, '0')`; // hostName's, in SQL
  const { rows: out } = await sql<{ grouped: number; taken: number; next_host: number | null }>`
    with g as (${countInGroupStatement(tx, rows, now)}),
    q as (
      update account_usage set instances = instances + ${want.instances}, vcpus = vcpus + ${want.vcpus}, gpus = gpus + ${want.gpus}
      where account_id = ${accountId} and region = ${ctx.region} and exists (select 1 from g)
        and instances + ${want.instances} <= ${limits.instances} and vcpus + ${want.vcpus} <= ${limits.vcpus}
        and gpus + ${want.gpus} <= ${limits.gpus}
      returning 1
    ),
    p as (update ip_pools set next_host = next_host + ${n} where region = ${ctx.region} and exists (select 1 from q) returning next_host),
    m as (
      insert into instances
      select r.*
      from p, jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as x(j, ord),
        jsonb_populate_record(null::instances, x.j || jsonb_build_object('ip', ${ip}, 'name', ${name})) as r
      where p.next_host - 1 <= ${HOSTS_PER_REGION}
      returning 1
    ),
    j as (${enqueueStatement(tx, jobs, now, sql`exists (select 1 from m)`)})
    select (select count(*) from g)::int as grouped, (select count(*) from q)::int as taken,
      (select next_host from p) as next_host`.execute(tx);
  const r = out[0]!;
  if (r.grouped === 0) throw apiError('InvalidResource.NotFound', { resourceId: rows[0]!.resource_id });
  if (r.taken === 0) return 'counted'; // no usage row yet, or a concurrent order took the quota
  if (r.next_host === null) return 'taken'; // the region's first order: no IP pool row yet
  if (r.next_host - 1 > HOSTS_PER_REGION) throw apiError('InsufficientIpAddress', { region: ctx.region });
  addressRows(rows, ctx.region, r.next_host - n);
  return 'inserted';
}

/**
 * Orders machines for `group` (read by the caller without a lock). The order of the work is the
 * PostgreSQL lock story (docs/ARCHITECTURE.md, "Machines"): a create holds each contended row
 * from its first write to the commit, so everything that needs no shared row comes first —
 * the reads (stock, faults, quota usage) and the refusals they decide, the provisioning jobs (on
 * PostgreSQL written by the shared rows' statement, which holds no lock the longer for them) —
 * and the shared rows last, in the engine's lock order (engine/group-locks.ts) with the most
 * shared last: the group's counters (its row: a concurrent DeleteResource either waits for this
 * commit and sees the machines, or deleted the group first and this order finds no row and is
 * refused), the account's quota usage (guarded UPDATE), the region's IP pool, then the machine
 * rows, which need the addresses. A limited stock or a counted CreateFailure fault, used up by
 * orders, is the exception: the group and the stock rows are locked up front, as before.
 * SQLite runs it all under its one write lock either way.
 */
export async function orderMachines(tx: Tx, ctx: CallContext, group: ResourcesTable, order: MachineOrder, now: number): Promise<string[]> {
  const type = resolveType(ctx, order.instanceType, order.zone);
  const key = { region: ctx.region, type: type.type };
  const inputs = await orderInputs(tx, ctx, type.type);
  let stock = inputs.stock;
  const faults = inputs.faults;
  if (
    isPostgres(tx) &&
    (stock.some((s) => s.available !== null) || faults.some((f) => f.kind === 'CreateFailure' && f.remaining !== null))
  ) {
    // A limited stock or a counted fault is used up by orders: taken under locks, the group's
    // first (the lock order), so two orders never hand out the same machine or fault.
    await lockGroups(tx, [group.id]);
    stock = await lockedStock.rows(tx, key);
  }
  const zone = chooseZone(ctx, type, stock, order.zone);
  const want = { instances: order.count, vcpus: order.count * type.vcpu, gpus: order.count * type.gpu };
  const quota = inputs.quota;
  checkQuota(ctx, quota, want);
  const outcomes = await decideOutcomes(tx, { region: ctx.region, zone, type: type.type, count: order.count, stock, faults });
  const { config } = ctx.services;

  const rows: InstancesTable[] = Array.from({ length: order.count }, () => ({
    id: newInstanceId(),
    account_id: ctx.caller.accountId,
    resource_id: group.id,
    region: ctx.region,
    zone,
    name: '', // below with the address, once the hosts are reserved
    ip: '',
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
    user_data_hash: order.userData === undefined ? null : userDataHash(order.userData),
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

  const dueAt = config.progression === 'manual' ? null : config.progression === 'immediate' ? now : now + config.provisionSeconds * 1000;
  const jobs = rows.map((r, i) => ({
    kind: PROVISION_JOB,
    accountId: r.account_id,
    subjectId: r.id,
    dueAt,
    payload: outcomes[i]!.ok ? { ok: true } : { ok: false, reason: outcomes[i]!.reason },
  }));
  // PostgreSQL: the jobs go in with the machines, in the shared rows' statement (one round trip fewer).
  if (!isPostgres(tx)) await enqueueJobs(tx, jobs, now);
  await ctx.services.hooks.machinesOrdering(tx, ctx, rows, now);
  // Shared rows from here on, each locked until the commit (PostgreSQL).
  const done = await claimSharedRows(tx, ctx, rows, quota.limits, want, now, jobs);
  if (done === 'counted' || done === 'taken') await enqueueJobs(tx, jobs, now); // the statement stopped before them
  if (done === 'nothing' && !(await countInGroups(tx, rows, now))) throw apiError('InvalidResource.NotFound', { resourceId: group.id });
  if (done === 'nothing' || done === 'counted') await takeQuota(tx, ctx, quota.limits, want);
  if (done !== 'inserted') {
    const firstHost = await allocateHosts(tx, ctx.region, order.count);
    addressRows(rows, ctx.region, firstHost);
    await insertRows(tx, 'instances', rows);
  }
  await insertLabelsOf(tx, rows);
  // Stored once for the whole order; every machine references it.
  if (order.userData !== undefined) await retainUserData(tx, ctx.caller.accountId, order.userData, order.count, now);
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
