// Group sub-features configured asynchronously: SLS log delivery (Create/Describe/DeleteResourceLog)
// and VPC direct connection (Update/Describe/DeleteResourceDLink). Each change is stored at once
// with an in-progress status and finishes through a due job, like the real service's
// "Network interfaces are updating" (domain notes §1.5). Both show up in the group's ExtraData.
import crypto from 'node:crypto';
import { apiError } from '../../gateway/errors.ts';
import type { Tx } from '../../store/database.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { Scheduler } from '../../engine/scheduler.ts';
import { enqueueJobs, jobKey } from '../../engine/jobs.ts';
import { findGroup, READY_STATUS } from '../groups.ts';
import { groupsOfGroupJobs } from '../../engine/group-locks.ts';
import { idList, mutate, requireText, text, type EasHandlers, type HandlerOf } from './common.ts';
import '../errors.ts';

export const LOG_JOB = 'resource.log';
export const DLINK_JOB = 'resource.dlink';

const CREATING = 'ResourceCreating';
const UPDATING = 'ResourceUpdating';
const DELETING = 'ResourceDeleting';

function dueAt(ctx: CallContext, now: number): number | null {
  const { config } = ctx.services;
  return config.progression === 'manual' ? null : config.progression === 'immediate' ? now : now + config.releaseSeconds * 1000;
}

async function schedule(tx: Tx, ctx: CallContext, kind: string, resourceId: string, op: 'ready' | 'delete', now: number): Promise<void> {
  await enqueueJobs(
    tx,
    [
      {
        kind,
        accountId: ctx.caller.accountId,
        subjectId: resourceId,
        dueAt: dueAt(ctx, now),
        payload: { op },
        key: jobKey(kind, resourceId),
      },
    ],
    now,
  );
}

/** SLS names: project 3–63 lowercase letters, digits, hyphens; logstore 2–63 letters, digits, `_`, `-`. */
function checkSlsNames(project: string, logStore: string): void {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(project)) {
    throw apiError('InvalidParameter', {
      name: 'ProjectName',
      reason: 'An SLS project name is 3 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit.',
    });
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9]$/.test(logStore)) {
    throw apiError('InvalidParameter', {
      name: 'LogStore',
      reason: 'A logstore name is 2 to 63 letters, digits, underscores or hyphens, starting and ending with a letter or digit.',
    });
  }
}

const createResourceLog: HandlerOf<'CreateResourceLog'> = {
  async handle(input, ctx) {
    const project = requireText(input.ProjectName, 'ProjectName');
    const logStore = requireText(input.LogStore, 'LogStore');
    checkSlsNames(project, logStore);
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const existing = await tx.selectFrom('resource_logs').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
      if (existing && existing.status !== READY_STATUS)
        throw apiError('OperationConflict', { what: 'the log service', resourceId: group.id });
      const row = {
        resource_id: group.id,
        account_id: group.account_id,
        project_name: project,
        log_store: logStore,
        status: CREATING,
        message: 'Log service is being created',
        updated_at: now,
      };
      await tx.deleteFrom('resource_logs').where('resource_id', '=', group.id).execute();
      await tx.insertInto('resource_logs').values(row).execute();
      await schedule(tx, ctx, LOG_JOB, group.id, 'ready', now);
      return { Message: `Log service for resource [${group.id}] is creating` };
    });
  },
};

const describeResourceLog: HandlerOf<'DescribeResourceLog'> = {
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const group = await findGroup(db, ctx, input.ResourceId);
    const log = await db.selectFrom('resource_logs').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
    if (!log) throw apiError('InvalidResourceLog.NotFound', { resourceId: group.id });
    return { ProjectName: log.project_name, LogStore: log.log_store, Status: log.status, Message: log.message };
  },
};

const deleteResourceLog: HandlerOf<'DeleteResourceLog'> = {
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const log = await tx.selectFrom('resource_logs').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
      if (!log) throw apiError('InvalidResourceLog.NotFound', { resourceId: group.id });
      if (log.status !== DELETING) {
        await tx
          .updateTable('resource_logs')
          .set({ status: DELETING, message: 'Log service is being deleted', updated_at: now })
          .where('resource_id', '=', group.id)
          .execute();
        await schedule(tx, ctx, LOG_JOB, group.id, 'delete', now);
      }
      return { Message: `Log service for resource [${group.id}] is deleting` };
    });
  },
};

/** The VPC a vSwitch belongs to. openeas has no VPC service, so it is derived, stably, from the vSwitch id. */
function vpcOf(vswitchId: string): string {
  return 'vpc-' + crypto.createHash('sha256').update(vswitchId).digest('hex').slice(0, 20);
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function checkCidrs(value: string | undefined): string {
  if (!value) return '';
  for (const cidr of value.split(',').map((s) => s.trim())) {
    const m = CIDR.exec(cidr);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
      throw apiError('InvalidParameter', { name: 'DestinationCIDRs', reason: `"${cidr}" is not an IPv4 CIDR block like 172.16.0.0/16.` });
    }
  }
  return value;
}

function checkId(value: string, prefix: string, name: string): string {
  if (!new RegExp(`^${prefix}-[a-z0-9]{6,32}$`).test(value)) {
    throw apiError('InvalidParameter', { name, reason: `It must be an id like ${prefix}-bp1abcdefghij.` });
  }
  return value;
}

const updateResourceDLink: HandlerOf<'UpdateResourceDLink'> = {
  async handle(input, ctx) {
    const vswitch = checkId(requireText(input.VSwitchId, 'VSwitchId'), 'vsw', 'VSwitchId');
    const securityGroup = checkId(requireText(input.SecurityGroupId, 'SecurityGroupId'), 'sg', 'SecurityGroupId');
    const aux = idList(input.VSwitchIdList).map((id, i) => checkId(id, 'vsw', `VSwitchIdList.${i + 1}`));
    const cidrs = checkCidrs(text(input.DestinationCIDRs));
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const existing = await tx.selectFrom('resource_dlinks').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
      // A change while another is still applying is the documented 409.
      if (existing && existing.status !== READY_STATUS)
        throw apiError('OperationConflict', { what: 'the VPC direct connection', resourceId: group.id });
      await tx.deleteFrom('resource_dlinks').where('resource_id', '=', group.id).execute();
      await tx
        .insertInto('resource_dlinks')
        .values({
          resource_id: group.id,
          account_id: group.account_id,
          vpc_id: vpcOf(vswitch),
          vswitch_id: vswitch,
          security_group_id: securityGroup,
          aux_vswitch_list: JSON.stringify(aux),
          destination_cidrs: cidrs,
          status: UPDATING,
          updated_at: now,
        })
        .execute();
      await schedule(tx, ctx, DLINK_JOB, group.id, 'ready', now);
      return { Message: 'Network interfaces are updating' };
    });
  },
};

const describeResourceDLink: HandlerOf<'DescribeResourceDLink'> = {
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const group = await findGroup(db, ctx, input.ResourceId);
    const d = await db.selectFrom('resource_dlinks').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
    if (!d || d.status === DELETING) throw apiError('InvalidResourceDLink.NotFound', { resourceId: group.id });
    // aux_vswitch_list is the JSON array of ids openeas wrote in UpdateResourceDLink.
    const aux: string[] = JSON.parse(d.aux_vswitch_list);
    return {
      VpcId: d.vpc_id,
      VSwitchId: d.vswitch_id,
      SecurityGroupId: d.security_group_id,
      AuxVSwitchList: aux,
      DestinationCIDRs: d.destination_cidrs,
    };
  },
};

const deleteResourceDLink: HandlerOf<'DeleteResourceDLink'> = {
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const group = await findGroup(tx, ctx, input.ResourceId, { forUpdate: true });
      const d = await tx.selectFrom('resource_dlinks').selectAll().where('resource_id', '=', group.id).executeTakeFirst();
      if (!d) throw apiError('InvalidResourceDLink.NotFound', { resourceId: group.id });
      if (d.status === UPDATING) throw apiError('OperationConflict', { what: 'the VPC direct connection', resourceId: group.id });
      if (d.status !== DELETING) {
        await tx.updateTable('resource_dlinks').set({ status: DELETING, updated_at: now }).where('resource_id', '=', group.id).execute();
        await schedule(tx, ctx, DLINK_JOB, group.id, 'delete', now);
      }
      return { Message: 'Network interfaces are deleting' };
    });
  },
};

/** Finishing log and DLink changes: in-progress → ResourceReady, or deleting → gone. */
export function registerSubfeatureJobs(scheduler: Scheduler): void {
  for (const [kind, table, ready] of [
    [LOG_JOB, 'resource_logs', { status: READY_STATUS, message: 'Log service is ready' }],
    [DLINK_JOB, 'resource_dlinks', { status: READY_STATUS }],
  ] as const) {
    scheduler.register(
      kind,
      async (tx, jobs) => {
        for (const job of jobs) {
          // The payload schedule() wrote.
          const { op }: { op: 'ready' | 'delete' } = JSON.parse(job.payload);
          if (op === 'delete') await tx.deleteFrom(table).where('resource_id', '=', job.subject_id).execute();
          else
            await tx
              .updateTable(table)
              .set({ ...ready, updated_at: job.due_at ?? 0 })
              .where('resource_id', '=', job.subject_id)
              .execute();
        }
      },
      groupsOfGroupJobs,
    );
  }
}

export const SUBFEATURE_HANDLERS = {
  CreateResourceLog: createResourceLog,
  DescribeResourceLog: describeResourceLog,
  DeleteResourceLog: deleteResourceLog,
  UpdateResourceDLink: updateResourceDLink,
  DescribeResourceDLink: describeResourceDLink,
  DeleteResourceDLink: deleteResourceDLink,
} satisfies EasHandlers;
