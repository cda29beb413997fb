// Machines in a group: CreateResourceInstances (the seed API), ListResourceInstances,
// DeleteResourceInstances, UpdateResourceInstance (cordon/uncordon/drain), instance labels,
// MigrateResourceInstance (ListResourceInstanceWorker: handlers/services.ts).
import { sql, type SelectQueryBuilder } from 'kysely';
import { apiError } from '../../gateway/errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import { isPostgres, type Db, type Tx } from '../../store/database.ts';
import type { ResourcesTable, Schema } from '../../store/schema.ts';
import type { DeleteResourceInstanceLabelInput, ListResourceInstancesInput } from '../generated/operations.ts';
import { findGroup, groupArn } from '../groups.ts';
import { checkLabelFilter, checkLabels, MAX_LABELS } from '../labels.ts';
import { orderMachines } from '../machines.ts';
import { oncePerClientToken } from '../idempotency.ts';
import { enqueueJobs } from '../../engine/jobs.ts';
import { RELEASE_JOB } from '../../engine/machine-jobs.ts';
import { lockGroups } from '../../engine/group-locks.ts';
import { isRunning, moveInstances, resizeSystemDisk, transitionInstances, type InstanceRow } from '../../engine/instance-lifecycle.ts';
import { machineOrderOf, requestTags } from './resources.ts';
import { idList, mutate, paging, rawBodyField, text, type EasHandlers, type HandlerOf, type Page } from './common.ts';
import '../errors.ts';
import { pushTo } from '../../collections.ts';
import { updateInstances } from '../../store/instances.ts';
import { insertRows, prepare, type PreparedQuery } from '../../store/prepared.ts';
import { forIdChunks, inIds } from '../../store/id-lists.ts';
import { evictFromMachines, placePending, startDueOf } from '../../scheduling/placement.ts';

const createResourceInstances: HandlerOf<'CreateResourceInstances'> = {
  async conditions(raw) {
    return requestTags(rawBodyField(raw, 'Labels'));
  },
  async handle(input, ctx) {
    const order = machineOrderOf(input);
    return mutate(ctx, (tx, now) =>
      oncePerClientToken(tx, ctx, 'CreateResourceInstances', input, now, async () => {
        // Not locked: orderMachines locks the group's row late, when it counts the machines.
        const group = await findGroup(tx, ctx, input.ResourceId);
        const ids = await orderMachines(tx, ctx, group, order, now);
        return { InstanceIds: ids, Message: `Create ${ids.length} new ecs instance(s) in resource [${group.id}] successfully` };
      }),
    );
  },
};

export type InstanceQuery = SelectQueryBuilder<Schema, 'instances', object>;

/** ListResourceInstances Sort values → columns (usage: what service instances placed there reserve). */
const INSTANCE_SORT: Record<string, SortColumn> = {
  CreateTime: 'created_at',
  ExpireTime: 'expired_at',
  MemoryUsed: 'memory_used_mb',
  GpuUsed: 'gpu_used',
  CpuUsed: 'cpu_used',
};

function instanceFilters(q: InstanceQuery, input: ListResourceInstancesInput): InstanceQuery {
  const charge = text(input.ChargeType);
  const status = text(input.InstanceStatus);
  const name = text(input.InstanceName);
  const id = text(input.InstanceId);
  const ip = text(input.InstanceIP);
  const keyword = text(input.Filter);
  const zone = text(input.Zone);
  if (charge) q = q.where('charge_type', '=', charge);
  if (status) q = q.where('status', '=', status);
  if (name) q = q.where('name', '=', name);
  if (id) q = q.where('id', '=', id);
  if (ip) q = q.where('ip', '=', ip);
  if (zone) q = q.where('zone', '=', zone);
  if (keyword) {
    // "Keyword search by machine ID or IP": substring match on either.
    const like = `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql`id`, 'like', sql`${like} escape '\\'`), eb(sql`ip`, 'like', sql`${like} escape '\\'`)]));
  }
  for (const [key, value] of Object.entries(checkLabelFilter(input.Label))) {
    // A null or empty value matches any machine that has the key.
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('instance_labels')
          .select('instance_labels.instance_id')
          .whereRef('instance_labels.instance_id', '=', 'instances.id')
          .where('instance_labels.key', '=', key)
          .$if(value !== null && value !== undefined && value !== '', (sq) => sq.where('instance_labels.value', '=', String(value))),
      ),
    );
  }
  return q;
}

const LIST_FILTERS = ['ChargeType', 'InstanceStatus', 'InstanceName', 'InstanceId', 'InstanceIP', 'Zone', 'Filter', 'Label'] as const;

/** The number of machines a list matches, from the group's counters, when its filters allow. */
/** The list filters a request sets. */
function filtersUsed(input: ListResourceInstancesInput): string[] {
  return LIST_FILTERS.filter((f) => input[f] !== undefined && input[f] !== '');
}

function countFromGroup(group: ResourcesTable, input: ListResourceInstancesInput, used: string[]): number | undefined {
  if (used.length === 0) return group.instance_count;
  if (used.length === 1 && used[0] === 'ChargeType') {
    return input.ChargeType === 'PrePaid' ? group.prepaid_instance_count : group.postpaid_instance_count;
  }
  return undefined;
}

export type SortColumn = 'created_at' | 'expired_at' | 'cpu_used' | 'gpu_used' | 'memory_used_mb';
type Direction = 'asc' | 'desc';

/**
 * The (id, version) of one page of machines, in order. The page comes back as ONE string
 * (`id:version,…`) rather than 100 two-column rows: turning rows into JavaScript objects cost more
 * than finding them.
 *
 * On SQLite the page is a co-routine that yields its rows in the page's order, and an aggregate over
 * a subquery with a LIMIT is never flattened into it, so group_concat joins them in that order.
 * An ORDER BY inside the aggregate would sort the 100 rows again in a temporary b-tree (18–20 µs
 * of a page's 66). test/unit/machine-pages.test.ts fails if SQLite ever reads the page otherwise.
 * PostgreSQL promises no order without one, so there the aggregate has it.
 */
export function pageQuery(db: Db, base: InstanceQuery, sort: SortColumn, order: Direction, limit: number, offset: number) {
  const ordered = base
    .orderBy(sort, order)
    .$if(sort !== 'created_at', (q) => q.orderBy('created_at', order))
    .orderBy('id', order)
    .limit(limit)
    .offset(offset);
  if (!isPostgres(db)) {
    return db
      .selectFrom(ordered.select(['id', 'version']).as('page'))
      .select(sql<string | null>`group_concat(id || ':' || version, ',')`.as('keys'));
  }
  const dir = sql.raw(order);
  const byPage = sort === 'created_at' ? sql`created_at ${dir}, id ${dir}` : sql`${sql.ref(sort)} ${dir}, created_at ${dir}, id ${dir}`;
  const inner = ordered.select(['id', 'version', 'created_at', 'expired_at', 'cpu_used', 'gpu_used', 'memory_used_mb']);
  return db.selectFrom(inner.as('page')).select(sql<string | null>`string_agg(id || ':' || version, ',' order by ${byPage})`.as('keys'));
}

// The unfiltered list (the common call) is prepared once per sort and direction.
type PageParams = { resourceId: string; limit: number; offset: number };
const unfilteredPages = new Map<string, PreparedQuery<PageParams, { keys: string | null }>>();

function unfilteredPage(sort: SortColumn, order: Direction): PreparedQuery<PageParams, { keys: string | null }> {
  const key = `${sort} ${order}`;
  let query = unfilteredPages.get(key);
  if (!query) {
    query = prepare<PageParams, { keys: string | null }>((db, p) =>
      pageQuery(db, db.selectFrom('instances').where('resource_id', '=', p.resourceId), sort, order, p.limit, p.offset),
    );
    unfilteredPages.set(key, query);
  }
  return query;
}

async function pageKeys(
  db: Db,
  base: InstanceQuery,
  filtered: boolean,
  resourceId: string,
  sort: SortColumn,
  order: Direction,
  page: Page,
): Promise<string> {
  const row = filtered
    ? await pageQuery(db, base, sort, order, page.pageSize, page.offset).executeTakeFirst()
    : await unfilteredPage(sort, order).first(db, { resourceId, limit: page.pageSize, offset: page.offset });
  return row?.keys ?? '';
}

const listResourceInstances: HandlerOf<'ListResourceInstances'> = {
  async handle(input, ctx) {
    const page = paging(input);
    checkLabelFilter(input.Label); // before any database work
    const group = await findGroup(ctx.services.store.db, ctx, input.ResourceId);
    const sort = INSTANCE_SORT[input.Sort ?? 'CreateTime'] ?? 'created_at';
    const order = input.Order === 'asc' ? 'asc' : 'desc';
    const base = instanceFilters(ctx.services.store.db.selectFrom('instances').where('resource_id', '=', group.id), input);
    const used = filtersUsed(input);
    const keys = await pageKeys(ctx.services.store.db, base, used.length > 0, group.id, sort, order, page);
    const rows = keys === '' ? 0 : keys.split(',').length;
    // A short page ends the list, so its length gives the total; the group's own counters give it
    // for the unfiltered and charge-type lists; only other filters need a COUNT.
    const total =
      rows < page.pageSize && (rows > 0 || page.offset === 0)
        ? page.offset + rows
        : (countFromGroup(group, input, used) ??
          Number((await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total));
    const instances = await ctx.services.instanceViews.renderPage(ctx.services.store.db, keys);
    return { Instances: instances, PageNumber: page.pageNumber, PageSize: page.pageSize, TotalCount: total };
  },
};

/** Loads machines of a group by id, locked for the transaction (PostgreSQL); any id not in the group is a 404 naming it. */
async function instancesOf(tx: Tx, resourceId: string, ids: string[]): Promise<InstanceRow[]> {
  const rows: InstanceRow[] = [];
  await forIdChunks(tx, ids, async (c) =>
    rows.push(
      ...(await tx
        .selectFrom('instances')
        .selectAll()
        .where('resource_id', '=', resourceId)
        .where(inIds(tx, 'id', c))
        .$if(isPostgres(tx), (q) => q.forUpdate())
        .execute()),
    ),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) throw apiError('InvalidInstance.NotFound', { instanceId: missing, resourceId });
  return ids.map((id) => byId.get(id)!); // in the order the caller listed them
}

const deleteResourceInstances: HandlerOf<'DeleteResourceInstances'> = {
  async handle(input, ctx) {
    const listed = idList(input.InstanceList);
    const allFailed = input.AllFailed === true;
    if (listed.length === 0 && !allFailed) throw apiError('MissingParameter', { name: 'InstanceList' });
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const rows = await instancesOf(tx, group.id, listed);
      if (allFailed) {
        const failed = await tx
          .selectFrom('instances')
          .selectAll()
          .where('resource_id', '=', group.id)
          .where('health', '=', 'CreateFailed')
          .execute();
        const have = new Set(rows.map((r) => r.id));
        rows.push(...failed.filter((r) => !have.has(r.id)));
      }
      // Ordinary users may delete only pay-as-you-go machines, or machines whose creation failed.
      const prepaid = rows.filter((r) => r.charge_type === 'PrePaid' && r.health !== 'CreateFailed' && r.health !== 'Deleting');
      if (prepaid.length > 0) throw apiError('ChargeTypeViolation', { instanceIds: prepaid.map((r) => r.id).join(',') });
      const { moved } = await transitionInstances(
        tx,
        rows.filter((r) => r.health !== 'Deleting'),
        'Deleting',
        now,
      );
      const { config } = ctx.services;
      const dueAt = config.progression === 'manual' ? null : config.progression === 'immediate' ? now : now + config.releaseSeconds * 1000;
      await enqueueJobs(
        tx,
        moved.map((r) => ({ kind: RELEASE_JOB, accountId: r.account_id, subjectId: r.id, dueAt })),
        now,
      );
      return { Message: `Instances ${rows.map((r) => r.id).join(',')} are deleting` };
    });
  },
};

/** Longest UpdateResourceInstance Reason (an openeas bound; the models give none). */
export const MAX_REASON_LENGTH = 256;
/** NewDiskSize range, GiB: the SystemDiskSize range CreateResource documents. */
const DISK_GB = { min: 200, max: 2000 } as const;

function newDiskSizeOf(value: string | undefined): number | undefined {
  const v = text(value);
  if (v === undefined) return undefined;
  const gb = /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  if (!(gb >= DISK_GB.min && gb <= DISK_GB.max)) {
    throw apiError('InvalidParameter', {
      name: 'NewDiskSize',
      reason: `It must be a whole number of GiB from ${DISK_GB.min} to ${DISK_GB.max}.`,
    });
  }
  return gb;
}

const updateResourceInstance: HandlerOf<'UpdateResourceInstance'> = {
  async handle(input, ctx) {
    // The SDK calls Action required, but a disk resize alone has no action to give: one of the two is.
    const action = text(input.Action);
    const diskGb = newDiskSizeOf(input.NewDiskSize);
    if (action === undefined && diskGb === undefined) throw apiError('MissingParameter', { name: 'Action' });
    if (action !== undefined && !['Cordon', 'Uncordon', 'Drain'].includes(action)) {
      throw apiError('InvalidParameter', { name: 'Action', reason: 'It must be one of: Cordon, Uncordon, Drain.' });
    }
    const reason = input.Reason ?? '';
    if (reason.length > MAX_REASON_LENGTH) {
      throw apiError('InvalidParameter', { name: 'Reason', reason: `It must be at most ${MAX_REASON_LENGTH} characters.` });
    }
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const [row] = await instancesOf(tx, group.id, [input.InstanceId]);
      if (action !== undefined) {
        if (!isRunning(row!.health)) throw apiError('OperationDenied.InstanceStatus', { instanceId: row!.id, status: row!.status });
        // Drain evicts the workers and, as in Kubernetes, cordons the machine first.
        // The cast: isRunning (checked just above) says health is Ready or NotReady, but is no type guard.
        await transitionInstances(tx, [row!], row!.health as 'Ready' | 'NotReady', now, { cordoned: action !== 'Uncordon' });
        if (action !== 'Uncordon') {
          await updateInstances(tx, { last_cordon_reason: reason, last_cordon_operator: ctx.caller.principalId, updated_at: now })
            .where('id', '=', row!.id)
            .execute();
        }
        if (action === 'Drain') {
          // The machine is cordoned now, so its workers are placed elsewhere (or wait, Pending).
          await evictFromMachines(tx, [row!], 'the machine is drained', now);
          await placePending(tx, group.id, now, startDueOf(ctx.services.config));
        }
      }
      if (diskGb !== undefined) {
        if (!isRunning(row!.health) && row!.health !== 'Stopped') {
          throw apiError('OperationDenied.InstanceStatus', { instanceId: row!.id, status: row!.status });
        }
        if (diskGb <= row!.system_disk_gb) {
          throw apiError('InvalidParameter', {
            name: 'NewDiskSize',
            reason: `A system disk only grows: it must exceed ${row!.system_disk_gb} GiB.`,
          });
        }
        await resizeSystemDisk(tx, row!, diskGb, now);
      }
      return { ResourceId: group.id, InstanceId: row!.id };
    });
  },
};

/** The machines a label operation addresses: every machine (AllInstances) or the listed ones. */
async function labelTargets(
  tx: Tx,
  ctx: CallContext,
  input: Pick<DeleteResourceInstanceLabelInput, 'ResourceId' | 'AllInstances' | 'InstanceIds'>,
): Promise<{ groupId: string; rows: InstanceRow[] }> {
  const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
  if (input.AllInstances === true) {
    return { groupId: group.id, rows: await tx.selectFrom('instances').selectAll().where('resource_id', '=', group.id).execute() };
  }
  const ids = idList(input.InstanceIds);
  if (ids.length === 0) throw apiError('MissingParameter', { name: 'InstanceIds' });
  return { groupId: group.id, rows: await instancesOf(tx, group.id, ids) };
}

/**
 * Rewrites the labels of many machines in a few statements: machines that end with the same
 * labels share one UPDATE, and the label index is replaced in chunks (AllInstances may address
 * a group of 100,000 machines).
 */
async function writeLabels(
  tx: Tx,
  rows: InstanceRow[],
  next: (current: Record<string, string>) => Record<string, string>,
  now: number,
): Promise<void> {
  const byLabels = new Map<string, string[]>();
  const entries: Array<{ instance_id: string; resource_id: string; key: string; value: string }> = [];
  for (const r of rows) {
    // instances.labels is the JSON object openeas wrote from checked labels.
    const current: Record<string, string> = JSON.parse(r.labels);
    const labels = next(current);
    if (Object.keys(labels).length > MAX_LABELS) {
      throw apiError('InvalidParameter', { name: 'Labels', reason: `Instance ${r.id} would have more than ${MAX_LABELS} labels.` });
    }
    pushTo(byLabels, JSON.stringify(labels), r.id);
    for (const [key, value] of Object.entries(labels)) entries.push({ instance_id: r.id, resource_id: r.resource_id, key, value });
  }
  for (const [labels, ids] of byLabels) {
    await forIdChunks(tx, ids, (c) =>
      updateInstances(tx, { labels, updated_at: now })
        .where(inIds(tx, 'id', c))
        .execute(),
    );
  }
  await forIdChunks(
    tx,
    rows.map((r) => r.id),
    (c) =>
      tx
        .deleteFrom('instance_labels')
        .where(inIds(tx, 'instance_id', c))
        .execute(),
  );
  await insertRows(tx, 'instance_labels', entries);
}

const updateResourceInstanceLabel: HandlerOf<'UpdateResourceInstanceLabel'> = {
  async conditions(raw) {
    return requestTags(rawBodyField(raw, 'Labels'));
  },
  async handle(input, ctx) {
    const labels = checkLabels(input.Labels);
    if (Object.keys(labels).length === 0) throw apiError('MissingParameter', { name: 'Labels' });
    return mutate(ctx, async (tx, now) => {
      const { rows } = await labelTargets(tx, ctx, input);
      // "Update": given keys are set, other keys are kept.
      await writeLabels(tx, rows, (current) => ({ ...current, ...labels }), now);
      return { Message: 'Success' };
    });
  },
};

const deleteResourceInstanceLabel: HandlerOf<'DeleteResourceInstanceLabel'> = {
  async handle(input, ctx) {
    const keys = [...idList(input.LabelKeys), ...idList(input.Keys)];
    if (keys.length === 0) throw apiError('MissingParameter', { name: 'LabelKeys' });
    return mutate(ctx, async (tx, now) => {
      const { rows } = await labelTargets(tx, ctx, input);
      await writeLabels(tx, rows, (current) => Object.fromEntries(Object.entries(current).filter(([k]) => !keys.includes(k))), now);
      return { Message: 'success' };
    });
  },
};

const migrateResourceInstance: HandlerOf<'MigrateResourceInstance'> = {
  // The destination group is authorized for eas:MigrateResourceInstance too: machines enter it.
  // (Alibaba's action table names only the source; openeas's choice, docs/ram.md.) A missing or
  // non-text DestResourceId names no group: `*`, and validation refuses it next.
  alsoTouches(raw, ctx) {
    const dest = rawBodyField(raw, 'DestResourceId');
    return [groupArn(ctx, typeof dest === 'string' ? dest : '*')];
  },
  async handle(input, ctx) {
    const ids = idList(input.InstanceIds);
    if (ids.length === 0) throw apiError('MissingParameter', { name: 'InstanceIds' });
    const destId = input.DestResourceId;
    return mutate(ctx, async (tx, now) => {
      // Two groups: locked in id order (engine/group-locks.ts), so A→B and B→A never deadlock.
      await lockGroups(tx, [input.ResourceId, destId]);
      const source = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const dest = await findGroup(tx, ctx, destId, { forUpdate: true });
      if (dest.id === source.id)
        throw apiError('InvalidParameter', { name: 'DestResourceId', reason: 'It must differ from the source resource group.' });
      const rows = await instancesOf(tx, source.id, ids);
      const busy = rows.find((r) => !isRunning(r.health) && r.health !== 'Stopped');
      if (busy) throw apiError('OperationDenied.InstanceStatus', { instanceId: busy.id, status: busy.status });
      // A machine keeps its charge type, expiry and labels; counters move with it.
      await moveInstances(tx, rows, dest.id, now);
      return { InstanceIds: ids, Message: 'Success' };
    });
  },
};

export const INSTANCE_HANDLERS = {
  CreateResourceInstances: createResourceInstances,
  ListResourceInstances: listResourceInstances,
  DeleteResourceInstances: deleteResourceInstances,
  UpdateResourceInstance: updateResourceInstance,
  UpdateResourceInstanceLabel: updateResourceInstanceLabel,
  DeleteResourceInstanceLabel: deleteResourceInstanceLabel,
  MigrateResourceInstance: migrateResourceInstance,
} satisfies EasHandlers;
