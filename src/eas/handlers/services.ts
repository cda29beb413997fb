// Services on dedicated groups: CreateService, DescribeService, ListServices, DeleteService,
// ScaleService, StartService, StopService, ListServiceInstances; and, in the resource family,
// ListResourceServices and ListResourceInstanceWorker. Behaviour lives in scheduling/; these read
// the typed inputs, lock the group first (engine/group-locks.ts) and render.
import { sql } from 'kysely';
import { apiError } from '../../gateway/errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { EasHandler } from '../operations.ts';
import type { ListServicesInput } from '../generated/operations.ts';
import { findGroup, groupArn } from '../groups.ts';
import { checkLabelFilter, checkLabels, MAX_LABELS } from '../labels.ts';
import { parseServiceSpec, LIMITS } from '../../scheduling/service-spec.ts';
import {
  createService,
  deleteService,
  findService,
  describeService,
  labelsOf,
  scaleService,
  setLabels,
  startService,
  stopService,
} from '../../scheduling/services.ts';
import { SERVICE_OPERATION_HANDLERS } from './service-operations.ts';
import { deployTarget, escapeLike, lockedService, message, owner, startDue } from './service-common.ts';
import { checkPayAsYouGoBalance } from '../../billing/hooks.ts';
import { instanceHourlyPrice, isPublicPool } from '../../scheduling/public-pool.ts';
import { presentCreatedService, presentService, presentServiceInstance, presentWorker, type Host } from '../service-presenters.ts';
import { mutate, paging, typedHandler, type Page } from './common.ts';
import { prepare } from '../../store/prepared.ts';
import '../errors.ts';

const createServiceHandler = typedHandler<'CreateService'>({
  // Deploying into a group needs eas:CreateService on that group too (docs/services.md).
  alsoTouches(raw, ctx) {
    // A public-pool service (no metadata.resource) touches no group.
    const resource = (raw.body as { metadata?: { resource?: unknown } } | undefined)?.metadata?.resource;
    if (resource === undefined || resource === null || resource === '') return [];
    return [groupArn(ctx, typeof resource === 'string' ? resource : '*')];
  },
  async handle(input, ctx) {
    const spec = parseServiceSpec(input.body, deployTarget(ctx));
    // Labels given at creation (a JSON map in the query, as Terraform's provider sends them).
    const labels = checkLabels(input.Labels, 'Labels');
    return mutate(ctx, async (tx, now) => {
      if (isPublicPool(spec.resourceId)) await checkPayAsYouGoBalance(tx, ctx.services, ctx.caller.accountId, now);
      else await findGroup(tx, ctx, spec.resourceId, { forUpdate: true });
      const created = await createService(tx, owner(ctx), spec, now, startDue(ctx));
      await setLabels(tx, created, labels, MAX_LABELS, now);
      return presentCreatedService(created);
    });
  },
});

// One group's name (DescribeService), prepared; a page's are an IN-list.
const groupNameOf = prepare<{ id: string }, { id: string; name: string }>((db, p) =>
  db.selectFrom('resources').select(['id', 'name']).where('id', '=', p.id),
);

async function groupNames(ctx: CallContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const db = ctx.services.store.db;
  const rows =
    unique.length === 1
      ? await groupNameOf.rows(db, { id: unique[0]! })
      : await db.selectFrom('resources').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

const describeServiceHandler = typedHandler<'DescribeService'>({
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const { service: s, groupName, labels } = await describeService(db, owner(ctx), input.ServiceName);
    return presentService(s, groupName ?? s.resource_id, labels);
  },
});

/** Sort values of ListServices (openeas's list; Alibaba documents none) → columns. */
const SERVICE_SORT = { CreateTime: 'created_at', UpdateTime: 'updated_at', ServiceName: 'name' } as const;

async function servicePage(
  ctx: CallContext,
  page: Page,
  where: {
    resourceId?: string;
    id?: string;
    name?: string;
    keyword?: string;
    status?: string;
    sort?: string;
    order?: string;
    /** Services carrying every one of these labels. */
    labels?: Record<string, unknown>;
    cronScaler?: boolean;
    /** The service group (metadata.group). */
    group?: string;
    /** A filter on something openeas services do not have yet (groups, quotas…): matches none. */
    impossible?: boolean;
  },
) {
  const db = ctx.services.store.db;
  let q = db.selectFrom('services').where('account_id', '=', ctx.caller.accountId).where('region', '=', ctx.region);
  if (where.resourceId) q = q.where('resource_id', '=', where.resourceId);
  if (where.id) q = q.where('id', '=', where.id);
  if (where.status) q = q.where('status', '=', where.status);
  if (where.group) q = q.where('service_group', '=', where.group);
  for (const text of [where.name, where.keyword]) {
    if (text) q = q.where(sql<boolean>`name like ${escapeLike(text)} escape '\\'`);
  }
  if (where.impossible) q = q.where(sql<boolean>`1 = 0`);
  if (where.cronScaler) q = q.where('cron_scaler', 'is not', null);
  for (const [key, value] of Object.entries(where.labels ?? {})) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('service_labels')
          .select('service_labels.key')
          .whereRef('service_labels.service_id', '=', 'services.id')
          .where('service_labels.key', '=', key)
          .where('service_labels.value', '=', String(value)),
      ),
    );
  }
  if (where.sort !== undefined && !Object.hasOwn(SERVICE_SORT, where.sort)) {
    throw apiError('InvalidParameter', { name: 'Sort', reason: `It must be one of: ${Object.keys(SERVICE_SORT).join(', ')}.` });
  }
  if (where.order !== undefined && !['asc', 'desc'].includes(where.order))
    throw apiError('InvalidParameter', { name: 'Order', reason: 'It must be asc or desc.' });
  const column = SERVICE_SORT[(where.sort ?? 'CreateTime') as keyof typeof SERVICE_SORT];
  const order = where.order === 'asc' ? 'asc' : 'desc';
  const rows = await q.selectAll().orderBy(column, order).orderBy('id', order).limit(page.pageSize).offset(page.offset).execute();
  const total =
    rows.length < page.pageSize && (rows.length > 0 || page.offset === 0)
      ? page.offset + rows.length
      : Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const names = await groupNames(
    ctx,
    rows.map((r) => r.resource_id),
  );
  const labels = await labelsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    Services: rows.map((r) => presentService(r, names.get(r.resource_id) ?? r.resource_id, labels.get(r.id))),
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: total,
  };
}

/**
 * Filters on what openeas services do not have yet: workspaces, quotas, gateways,
 * elastic (burstable) placement, autoscalers, other service types. Given, they match none, rather
 * than being ignored and answering services that do not match.
 */
function impossibleServiceFilter(input: ListServicesInput): boolean {
  const given = (v: unknown) => v !== undefined && v !== '';
  if ([input.WorkspaceId, input.QuotaId, input.Gateway, input.ParentServiceUid].some(given)) return true;
  if (input.ResourceBurstable === true || input.AutoscalerEnabled === true) return true;
  return input.ServiceType !== undefined && input.ServiceType !== 'Standard';
}

const listServicesHandler = typedHandler<'ListServices'>({
  async handle(input, ctx) {
    return servicePage(ctx, paging(input), {
      resourceId: input.ResourceId,
      id: input.ServiceUid,
      name: input.ServiceName,
      keyword: input.Filter,
      status: input.ServiceStatus,
      sort: input.Sort,
      order: input.Order,
      labels: checkLabelFilter(input.Label),
      cronScaler: input.CronscalerEnabled === true,
      group: input.GroupName,
      impossible: impossibleServiceFilter(input),
    });
  },
});

const deleteServiceHandler = typedHandler<'DeleteService'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'DeleteService');
      await deleteService(tx, s, now, startDue(ctx));
      return { Message: message(s, 'terminating') };
    });
  },
});

const scaleServiceHandler = typedHandler<'ScaleService'>({
  async handle(input, ctx) {
    const count = input.Instance;
    if (!Number.isInteger(count) || count < 0 || count > LIMITS.instances) {
      throw apiError('InvalidParameter', { name: 'Instance', reason: `It must be an integer from 0 to ${LIMITS.instances}.` });
    }
    const named = [...new Set(input.InstancesToDelete ?? [])];
    if (named.length > LIMITS.instances)
      throw apiError('InvalidParameter', { name: 'InstancesToDelete', reason: `It lists at most ${LIMITS.instances} names.` });
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'ScaleService');
      await scaleService(tx, s, count, named, now, startDue(ctx));
      return { Message: message(s, 'scaling') };
    });
  },
});

const startServiceHandler = typedHandler<'StartService'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'StartService');
      if (isPublicPool(s.resource_id) && s.status === 'Stopped') await checkPayAsYouGoBalance(tx, ctx.services, ctx.caller.accountId, now);
      await startService(tx, s, now, startDue(ctx));
      return { Message: message(s, 'starting') };
    });
  },
});

const stopServiceHandler = typedHandler<'StopService'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'StopService');
      await stopService(tx, s, now, startDue(ctx));
      return { Message: message(s, 'stopping') };
    });
  },
});

async function hostsOf(ctx: CallContext, ids: Array<string | null>): Promise<Map<string, Host>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await ctx.services.store.db
    .selectFrom('instances')
    .select(['id', 'name', 'ip', 'zone', 'instance_type'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

const listServiceInstancesHandler = typedHandler<'ListServiceInstances'>({
  async handle(input, ctx) {
    const page = paging(input);
    const db = ctx.services.store.db;
    const s = await findService(db, owner(ctx), input.ServiceName);
    let q = db.selectFrom('service_instances').where('service_id', '=', s.id);
    if (input.InstanceStatus) q = q.where('status', '=', input.InstanceStatus);
    if (input.InstanceName) q = q.where('id', '=', input.InstanceName);
    if (input.InstanceIP) q = q.where('ip', '=', input.InstanceIP).where('machine_id', 'is not', null);
    if (input.Filter) q = q.where(sql<boolean>`id like ${escapeLike(input.Filter)} escape '\\'`);
    // All of a service's instances run on its group, or all on the public pool.
    const pub = isPublicPool(s.resource_id);
    if (input.ResourceType && (input.ResourceType === 'PublicResource') !== pub) q = q.where(sql<boolean>`1 = 0`);
    if (input.IsSpot === true) q = q.where(sql<boolean>`1 = 0`);
    if (input.Resource && input.Resource !== s.resource_id) q = q.where(sql<boolean>`1 = 0`);
    if (input.HostIP) {
      const hostIp = input.HostIP;
      q = q.where('machine_id', 'in', (eb) =>
        eb.selectFrom('instances').select('id').where('resource_id', '=', s.resource_id).where('ip', '=', hostIp),
      );
    }
    const order = input.Order === 'desc' ? 'desc' : 'asc';
    const column = input.Sort === 'StartTime' ? 'started_at' : 'created_at';
    const rows = await q.selectAll().orderBy(column, order).orderBy('id', order).limit(page.pageSize).offset(page.offset).execute();
    const total =
      rows.length < page.pageSize && (rows.length > 0 || page.offset === 0)
        ? page.offset + rows.length
        : Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const hosts = await hostsOf(
      ctx,
      rows.map((r) => r.machine_id),
    );
    return {
      Instances: rows.map((r) =>
        presentServiceInstance(r, s, r.machine_id === null ? undefined : hosts.get(r.machine_id), {
          pub,
          hourlyPrice: instanceHourlyPrice(ctx.services.catalog, ctx.services.prices, r.instance_type),
        }),
      ),
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      TotalCount: total,
    };
  },
});

export const SERVICE_HANDLERS: Record<string, EasHandler> = {
  CreateService: createServiceHandler,
  DescribeService: describeServiceHandler,
  ListServices: listServicesHandler,
  DeleteService: deleteServiceHandler,
  ScaleService: scaleServiceHandler,
  StartService: startServiceHandler,
  StopService: stopServiceHandler,
  ListServiceInstances: listServiceInstancesHandler,
  ...SERVICE_OPERATION_HANDLERS,
};

// ---- the resource family, answered from the same state

const listResourceServices = typedHandler<'ListResourceServices'>({
  async handle(input, ctx) {
    const page = paging(input);
    const group = await findGroup(ctx.services.store.db, ctx, input.ResourceId);
    return servicePage(ctx, page, { resourceId: group.id });
  },
});

const listResourceInstanceWorker = typedHandler<'ListResourceInstanceWorker'>({
  async handle(input, ctx) {
    const page = paging(input);
    const db = ctx.services.store.db;
    const group = await findGroup(db, ctx, input.ResourceId);
    const machine = await db
      .selectFrom('instances')
      .select(['id', 'worker_count'])
      .where('resource_id', '=', group.id)
      .where('name', '=', input.InstanceName)
      .executeTakeFirst();
    if (!machine) throw apiError('InvalidInstance.NotFound', { instanceId: input.InstanceName, resourceId: group.id });
    const rows = await db
      .selectFrom('service_instances')
      .innerJoin('services', 'services.id', 'service_instances.service_id')
      .selectAll('service_instances')
      .select('services.name as service_name')
      .where('service_instances.machine_id', '=', machine.id)
      .orderBy('service_instances.created_at')
      .orderBy('service_instances.id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute();
    return {
      Pods: rows.map((r) => presentWorker(r, r.service_name)),
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      TotalCount: machine.worker_count,
    };
  },
});

export const RESOURCE_SERVICE_HANDLERS: Record<string, EasHandler> = {
  ListResourceServices: listResourceServices,
  ListResourceInstanceWorker: listResourceInstanceWorker,
};
