// Resource groups: lookup (always scoped to the caller's account and the addressed region),
// creation and the group-level rules (domain notes §1).
import { apiError } from '../gateway/errors.ts';
import type { Db, Tx } from '../store/database.ts';
import type { ResourceDlinksTable, ResourceLogsTable, ResourcesTable } from '../store/schema.ts';
import type { CallContext } from '../gateway/context.ts';
import { newResourceId } from '../ids.ts';
import { prepare, prepareLocked } from '../store/prepared.ts';
import './errors.ts';

type GroupKey = { id: string; accountId: string; region: string };
const groupQuery = (db: Db, p: GroupKey) =>
  db.selectFrom('resources').selectAll().where('id', '=', p.id).where('account_id', '=', p.accountId).where('region', '=', p.region);
const group = prepare<GroupKey, ResourcesTable>(groupQuery);
const lockedGroup = prepareLocked<GroupKey, ResourcesTable>(groupQuery);

/**
 * The RAM resource of group `id` in the addressed region (protocol notes §8). Look-ups match ids
 * exactly (findGroup), so the id as sent is the id of the group a call can touch.
 */
export function groupArn(ctx: CallContext, id: string): string {
  return `acs:eas:${ctx.region}:${ctx.caller.accountId}:resource/${id}`;
}

export const READY_STATUS = 'ResourceReady';
export const READY_MESSAGE = 'Resource is ready';

/**
 * The group `resourceId` as the caller may see it: another account's group, or one in another
 * region than the one addressed, does not exist for this caller (404, never 403: ids leak nothing).
 */
export async function findGroup(
  db: Db | Tx,
  ctx: CallContext,
  resourceId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ResourcesTable> {
  const query = opts.forUpdate === true ? lockedGroup : group;
  const row = await query.first(db, { id: resourceId, accountId: ctx.caller.accountId, region: ctx.region });
  if (!row) throw apiError('InvalidResource.NotFound', { resourceId });
  return row;
}

/** What DescribeResource shows of a group's log settings (ExtraData). */
export type GroupLog = Pick<ResourceLogsTable, 'project_name' | 'log_store' | 'status' | 'message' | 'updated_at'>;
/** What DescribeResource shows of a group's direct link (ExtraData). */
export type GroupDlink = Pick<
  ResourceDlinksTable,
  'vpc_id' | 'vswitch_id' | 'security_group_id' | 'aux_vswitch_list' | 'destination_cidrs' | 'updated_at'
>;

type DetailRow = ResourcesTable & {
  log_of: string | null;
  log_project_name: string | null;
  log_store: string | null;
  log_status: string | null;
  log_message: string | null;
  log_updated_at: number | null;
  dlink_of: string | null;
  dlink_vpc_id: string | null;
  dlink_vswitch_id: string | null;
  dlink_security_group_id: string | null;
  dlink_aux_vswitch_list: string | null;
  dlink_destination_cidrs: string | null;
  dlink_updated_at: number | null;
};

// One statement for DescribeResource, the most frequent call: the group and its (at most one) log
// and direct-link rows, joined. Three lookups cost three statements' overhead, more than the lookups.
const groupDetail = prepare<GroupKey, DetailRow>((db, p) =>
  db
    .selectFrom('resources as r')
    .leftJoin('resource_logs as l', 'l.resource_id', 'r.id')
    .leftJoin('resource_dlinks as d', 'd.resource_id', 'r.id')
    .selectAll('r')
    .select([
      'l.resource_id as log_of',
      'l.project_name as log_project_name',
      'l.log_store as log_store',
      'l.status as log_status',
      'l.message as log_message',
      'l.updated_at as log_updated_at',
      'd.resource_id as dlink_of',
      'd.vpc_id as dlink_vpc_id',
      'd.vswitch_id as dlink_vswitch_id',
      'd.security_group_id as dlink_security_group_id',
      'd.aux_vswitch_list as dlink_aux_vswitch_list',
      'd.destination_cidrs as dlink_destination_cidrs',
      'd.updated_at as dlink_updated_at',
    ])
    .where('r.id', '=', p.id)
    .where('r.account_id', '=', p.accountId)
    .where('r.region', '=', p.region),
);

/** The group (as findGroup finds it) with its log settings and direct link, if it has them. */
export async function findGroupDetail(
  db: Db | Tx,
  ctx: CallContext,
  resourceId: string,
): Promise<{ group: ResourcesTable; log: GroupLog | undefined; dlink: GroupDlink | undefined }> {
  const row = await groupDetail.first(db, { id: resourceId, accountId: ctx.caller.accountId, region: ctx.region });
  if (!row) throw apiError('InvalidResource.NotFound', { resourceId });
  // The row is the group, the joined columns riding along: copying it without them (object rest)
  // cost a describe a copy of 40 fields, and nothing reads a group's fields by enumeration.
  return {
    group: row,
    log:
      row.log_of === null
        ? undefined
        : {
            project_name: row.log_project_name!,
            log_store: row.log_store!,
            status: row.log_status!,
            message: row.log_message!,
            updated_at: row.log_updated_at!,
          },
    dlink:
      row.dlink_of === null
        ? undefined
        : {
            vpc_id: row.dlink_vpc_id!,
            vswitch_id: row.dlink_vswitch_id!,
            security_group_id: row.dlink_security_group_id!,
            aux_vswitch_list: row.dlink_aux_vswitch_list!,
            destination_cidrs: row.dlink_destination_cidrs!,
            updated_at: row.dlink_updated_at!,
          },
  };
}

export interface NewGroup {
  name?: string;
  resourceType: string;
  selfManaged?: unknown;
  labels?: Record<string, string>;
  /** UsageMode; `inference` when not given (docs/sdk-models.md). */
  usageMode?: string;
}

export async function insertGroup(tx: Tx, ctx: CallContext, g: NewGroup, now: number): Promise<ResourcesTable> {
  const id = newResourceId();
  const row: ResourcesTable = {
    id,
    account_id: ctx.caller.accountId,
    region: ctx.region,
    // Unnamed groups are called by their id (openeas choice; the name is not unique anyway).
    name: g.name ?? id,
    resource_type: g.resourceType,
    status: READY_STATUS,
    message: READY_MESSAGE,
    self_managed: g.selfManaged === undefined ? null : JSON.stringify(g.selfManaged),
    labels: JSON.stringify(g.labels ?? {}),
    instance_count: 0,
    prepaid_instance_count: 0,
    postpaid_instance_count: 0,
    cpu_count: 0,
    gpu_count: 0,
    memory_mb: 0,
    service_count: 0,
    cpu_used: 0,
    gpu_used: 0,
    memory_used_mb: 0,
    usage_mode: g.usageMode ?? 'inference',
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('resources').values(row).execute();
  return row;
}

/** Group names: 1–27 characters (UpdateResource's documented limit), letters, digits, `_` and `-`. */
export function checkGroupName(name: unknown, param = 'ResourceName'): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !/^[\p{L}\p{N}_-]{1,27}$/u.test(name)) {
    throw apiError('InvalidParameter', { name: param, reason: 'It must be 1 to 27 letters, digits, underscores or hyphens.' });
  }
  return name;
}
