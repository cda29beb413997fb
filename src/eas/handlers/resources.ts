// CreateResource, ListResources, DescribeResource, UpdateResource, DeleteResource.
import { apiError, type ApiError } from '../../gateway/errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { CreateResourceInput, CreateResourceInstancesInput } from '../generated/operations.ts';
import { checkGroupName, findGroup, findGroupDetail, insertGroup } from '../groups.ts';
import { checkLabels } from '../labels.ts';
import { orderMachines, type MachineOrder } from '../machines.ts';
import { oncePerClientToken } from '../idempotency.ts';
import { extraData, presentResource, presentResourceDetail, type Allocatable } from '../presenters.ts';
import { RUNNING } from '../../engine/instance-lifecycle.ts';
import { cancelJobsOf, jobsOutlook } from '../../engine/jobs.ts';
import { RELEASE_JOB } from '../../engine/machine-jobs.ts';
import type { Tx } from '../../store/database.ts';
import type { ResourcesTable } from '../../store/schema.ts';
import { mutate, oneOf, paging, rawBodyField, requireText, text, type EasHandlers, type HandlerOf } from './common.ts';
import '../errors.ts';

export const RESOURCE_TYPES = ['Dedicated', 'SelfManaged'] as const;
/** ListResources Sort/Order values from the metadata's descriptions (domain notes §7.1). */
export const LIST_RESOURCES_SORT = [
  'PrePaidInstanceCount',
  'CpuCount',
  'Memory',
  'CreateTime',
  'PostPaidInstanceCount',
  'MemoryUsed',
  'GpuCount',
  'GpuUsed',
  'CpuUsed',
  'ServiceCount',
] as const;
export const LIST_RESOURCES_ORDER = ['Desc', 'Asc'] as const;
/** UsageMode values: the SDK 7.9 models document `inference`, the default, and no other (docs/sdk-models.md). */
export const USAGE_MODES = ['inference'] as const;

const SORT_COLUMN = {
  PrePaidInstanceCount: 'prepaid_instance_count',
  PostPaidInstanceCount: 'postpaid_instance_count',
  CpuCount: 'cpu_count',
  GpuCount: 'gpu_count',
  Memory: 'memory_mb',
  ServiceCount: 'service_count',
  CreateTime: 'created_at',
  MemoryUsed: 'memory_used_mb',
  GpuUsed: 'gpu_used',
  CpuUsed: 'cpu_used',
} as const;

/**
 * Longest UserData, in UTF-8 bytes: the API metadata titles the field "用户自定义数据，小于 16KB"
 * (user data, under 16 KB); ECS allows 32 KB. The field is unused by the service (deprecated).
 */
export const MAX_USER_DATA_BYTES = 16 * 1024;

function userDataOf(input: MachineOrderInput): string | undefined {
  const v = text(input.UserData);
  if (v !== undefined && Buffer.byteLength(v, 'utf8') > MAX_USER_DATA_BYTES) {
    throw apiError('InvalidParameter', { name: 'UserData', reason: `It must be at most ${MAX_USER_DATA_BYTES} bytes.` });
  }
  return v;
}

/** The machine fields of CreateResourceInstances (and of a Dedicated CreateResource, once checked). */
export type MachineOrderInput = Pick<CreateResourceInstancesInput, 'EcsInstanceType' | 'EcsInstanceCount' | 'ChargeType'> &
  Partial<Pick<CreateResourceInstancesInput, 'SystemDiskSize' | 'AutoRenewal' | 'Zone' | 'Labels' | 'UserData'>>;

/** The machine part of a create request; EcsInstanceCount is 1–100 per the API reference. */
export function machineOrderOf(input: MachineOrderInput): MachineOrder {
  const count = input.EcsInstanceCount;
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw apiError('InvalidParameter', { name: 'EcsInstanceCount', reason: 'It must be an integer from 1 to 100.' });
  }
  return {
    instanceType: requireText(input.EcsInstanceType, 'EcsInstanceType'),
    count,
    chargeType: input.ChargeType,
    systemDiskSize: input.SystemDiskSize ?? 200,
    autoRenewal: input.AutoRenewal ?? false,
    zone: text(input.Zone),
    labels: checkLabels(input.Labels),
    userData: userDataOf(input),
  };
}

/** A Dedicated group needs type, count and charge type, which the metadata marks optional. */
function dedicatedOrder(input: CreateResourceInput): MachineOrderInput {
  const EcsInstanceType = requireText(input.EcsInstanceType, 'EcsInstanceType');
  const { EcsInstanceCount, ChargeType } = input;
  if (EcsInstanceCount === undefined) throw apiError('MissingParameter', { name: 'EcsInstanceCount' });
  if (ChargeType === undefined) throw apiError('MissingParameter', { name: 'ChargeType' });
  return { ...input, EcsInstanceType, EcsInstanceCount, ChargeType };
}

const createResource: HandlerOf<'CreateResource'> = {
  async conditions(raw) {
    return requestTags(rawBodyField(raw, 'Labels'));
  },
  async handle(input, ctx) {
    const resourceType = oneOf(input.ResourceType, 'ResourceType', RESOURCE_TYPES) ?? 'Dedicated';
    const name = checkGroupName(input.ResourceName);
    const labels = checkLabels(input.Labels);
    const usageMode = oneOf(input.UsageMode, 'UsageMode', USAGE_MODES) ?? 'inference';
    let order: MachineOrder | undefined;
    if (resourceType === 'Dedicated') {
      order = machineOrderOf(dedicatedOrder(input));
    } else if (input.SelfManagedResourceOptions === undefined) {
      throw apiError('MissingParameter', { name: 'SelfManagedResourceOptions' });
    }
    return mutate(ctx, (tx, now) =>
      oncePerClientToken(tx, ctx, 'CreateResource', input, now, async () => {
        const group = await insertGroup(
          tx,
          ctx,
          { name, resourceType, selfManaged: input.SelfManagedResourceOptions, labels, usageMode },
          now,
        );
        const instanceIds = order ? await orderMachines(tx, ctx, group, order, now) : [];
        return {
          ResourceId: group.id,
          ResourceName: group.name,
          ClusterId: group.region,
          OwnerUid: group.account_id,
          InstanceIds: instanceIds,
        };
      }),
    );
  },
};

/** acs:RequestTag/<key> values from a request's Labels. */
export function requestTags(labels: unknown): Record<string, string> {
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => [`acs:RequestTag/${k}`, v]),
  );
}

/**
 * InstanceMaxAllocatable* of groups: the largest running machine's. Finding it reads every running
 * machine of the group, so the answer is kept per group and read again only when the group's row
 * says its running capacity changed: every machine that starts or stops running moves the group's
 * capacity counters and its updated_at in the same statement. (A copy per process, checked against
 * the stored row on every call, as instance-views.ts does for machines.)
 */
const allocatableOf = new Map<string, { stamp: string; value: Allocatable | undefined }>();
const ALLOCATABLE_CACHE_LIMIT = 10_000;

const capacityStamp = (g: ResourcesTable) =>
  `${g.account_id}/${g.updated_at}/${g.instance_count}/${g.cpu_count}/${g.gpu_count}/${g.memory_mb}`;

/** Forgets every kept answer (after a reset or an import replaced the database's rows). */
export function forgetAllocatable(): void {
  allocatableOf.clear();
}

async function allocatable(ctx: CallContext, groups: ResourcesTable[]): Promise<Map<string, Allocatable>> {
  const out = new Map<string, Allocatable>();
  const stale = groups.filter((g) => {
    const kept = allocatableOf.get(g.id);
    if (kept?.stamp !== capacityStamp(g)) return true;
    if (kept.value) out.set(g.id, kept.value);
    return false;
  });
  if (stale.length === 0) return out;
  const rows = await ctx.services.store.db
    .selectFrom('instances')
    .select((eb) => ['resource_id', eb.fn.max('cpu').as('cpu'), eb.fn.max('gpu').as('gpu'), eb.fn.max('memory_mb').as('mem')])
    .where(
      'resource_id',
      'in',
      stale.map((g) => g.id),
    )
    .where('health', 'in', [...RUNNING])
    .groupBy('resource_id')
    .execute();
  const found = new Map(rows.map((r) => [r.resource_id, { cpu: Number(r.cpu), gpu: Number(r.gpu), memoryMb: Number(r.mem) }]));
  for (const g of stale) {
    const value = found.get(g.id);
    if (value) out.set(g.id, value);
    if (allocatableOf.size >= ALLOCATABLE_CACHE_LIMIT) allocatableOf.delete(allocatableOf.keys().next().value!);
    allocatableOf.set(g.id, { stamp: capacityStamp(g), value });
  }
  return out;
}

const listResources: HandlerOf<'ListResources'> = {
  async handle(input, ctx) {
    const page = paging(input);
    const sort = oneOf(input.Sort, 'Sort', LIST_RESOURCES_SORT) ?? 'CreateTime';
    const order = (oneOf(input.Order, 'Order', LIST_RESOURCES_ORDER) ?? 'Desc') === 'Asc' ? 'asc' : 'desc';
    const db = ctx.services.store.db;
    let q = db.selectFrom('resources').where('account_id', '=', ctx.caller.accountId).where('region', '=', ctx.region);
    const name = text(input.ResourceName);
    const id = text(input.ResourceId);
    const type = text(input.ResourceType);
    const status = text(input.ResourceStatus);
    const usageMode = oneOf(input.UsageMode, 'UsageMode', USAGE_MODES);
    if (name) q = q.where('name', '=', name);
    if (id) q = q.where('id', '=', id);
    if (type) q = q.where('resource_type', '=', type);
    if (status) q = q.where('status', '=', status);
    if (usageMode) q = q.where('usage_mode', '=', usageMode);
    const [{ total }, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      q
        .selectAll('resources')
        .orderBy(SORT_COLUMN[sort], order)
        .orderBy('created_at', order)
        .orderBy('id', order)
        .limit(page.pageSize)
        .offset(page.offset)
        .execute(),
    ]);
    const ids = rows.map((r) => r.id);
    const [logs, dlinks, alloc] =
      ids.length === 0
        ? [[], [], new Map<string, Allocatable>()]
        : await Promise.all([
            db.selectFrom('resource_logs').selectAll().where('resource_id', 'in', ids).execute(),
            db.selectFrom('resource_dlinks').selectAll().where('resource_id', 'in', ids).execute(),
            allocatable(ctx, rows),
          ]);
    const logOf = new Map(logs.map((l) => [l.resource_id, l]));
    const dlinkOf = new Map(dlinks.map((d) => [d.resource_id, d]));
    return {
      Resources: rows.map((r) => presentResource(r, extraData(r.account_id, logOf.get(r.id), dlinkOf.get(r.id)), alloc.get(r.id))),
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      TotalCount: Number(total),
    };
  },
};

const describeResource: HandlerOf<'DescribeResource'> = {
  async handle(input, ctx) {
    const { group, log, dlink } = await findGroupDetail(ctx.services.store.db, ctx, input.ResourceId);
    const alloc = await allocatable(ctx, [group]);
    return presentResourceDetail(group, extraData(group.account_id, log, dlink), alloc.get(group.id));
  },
};

const updateResource: HandlerOf<'UpdateResource'> = {
  async handle(input, ctx) {
    const name = checkGroupName(input.ResourceName);
    const options = input.SelfManagedResourceOptions;
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      let selfManaged = group.self_managed;
      if (options !== undefined) {
        if (group.resource_type !== 'SelfManaged') {
          throw apiError('InvalidParameter', {
            name: 'SelfManagedResourceOptions',
            reason: 'Only SelfManaged resource groups have these options.',
          });
        }
        // Only NodeMatchLabels and NodeTolerations can change (domain notes §1.5).
        // self_managed is the JSON openeas stored from a validated SelfManagedResourceOptions.
        const current: Record<string, unknown> = group.self_managed ? JSON.parse(group.self_managed) : {};
        for (const key of ['NodeMatchLabels', 'NodeTolerations'] as const) if (key in options) current[key] = options[key];
        selfManaged = JSON.stringify(current);
      }
      const newName = name ?? group.name;
      await tx
        .updateTable('resources')
        .set({ name: newName, self_managed: selfManaged, updated_at: now })
        .where('id', '=', group.id)
        .execute();
      return { ResourceId: group.id, ResourceName: newName };
    });
  },
};

const ONLY_WHEN_EMPTY = 'it can be deleted only when it has no services and no instances.';

/**
 * Why a group with machines cannot be deleted yet. Machines being released (DeleteResourceInstances)
 * still count until their release job has run: say so, and when that will be.
 */
async function notEmpty(tx: Tx, ctx: CallContext, group: ResourcesTable): Promise<ApiError> {
  const total = group.instance_count;
  const deleting = (
    await tx.selectFrom('instances').select('id').where('resource_id', '=', group.id).where('status', '=', 'Deleting').execute()
  ).map((r) => r.id);
  const refusal = (what: string, advice = ONLY_WHEN_EMPTY) =>
    apiError('OperationDenied.ResourceNotEmpty', { resourceId: group.id, what, advice });
  if (deleting.length === 0) return refusal(`${total} instance(s)`);
  if (deleting.length < total) return refusal(`${total} instance(s), ${deleting.length} of them being deleted`);
  const release = await jobsOutlook(tx, RELEASE_JOB, deleting);
  let advice = 'retry after they are released.';
  if (release.failed > 0) {
    advice = 'their release failed and waits for an operator (GET /_openeas/jobs?State=Failed).';
  } else if (release.manual > 0) {
    advice = 'retry after they are released (progression is manual: POST /_openeas/engine/progress).';
  } else if (release.lastDue !== null) {
    const due = release.lastDue;
    const seconds = Math.ceil((due - ctx.services.clock.now()) / 1000);
    const when = seconds > 0 ? `, in ${seconds} s` : '';
    advice = `retry after they are released (about ${new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z')}${when}).`;
  }
  return refusal(`${total} instance(s) being deleted`, advice);
}

const deleteResource: HandlerOf<'DeleteResource'> = {
  async handle(input, ctx) {
    return mutate(ctx, async (tx) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      if (group.instance_count > 0) throw await notEmpty(tx, ctx, group);
      if (group.service_count > 0) {
        throw apiError('OperationDenied.ResourceNotEmpty', {
          resourceId: group.id,
          what: `${group.service_count} service(s)`,
          advice: ONLY_WHEN_EMPTY,
        });
      }
      await cancelJobsOf(tx, [group.id]);
      await tx.deleteFrom('resource_logs').where('resource_id', '=', group.id).execute();
      await tx.deleteFrom('resource_dlinks').where('resource_id', '=', group.id).execute();
      await tx.deleteFrom('resources').where('id', '=', group.id).execute();
      return { Message: `Resource [${group.id}] is deleted.` };
    });
  },
};

export const RESOURCE_HANDLERS = {
  CreateResource: createResource,
  ListResources: listResources,
  DescribeResource: describeResource,
  UpdateResource: updateResource,
  DeleteResource: deleteResource,
} satisfies EasHandlers;
