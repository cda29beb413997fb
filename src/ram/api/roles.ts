// RAM roles (2015-05-01): CreateRole, GetRole, ListRoles, UpdateRole, DeleteRole. A role's
// AssumeRolePolicyDocument is its trust policy (who may assume it, protocol notes §6.6);
// MaxSessionDuration is 3,600–43,200 seconds, default 3,600.
import { apiError } from '../../gateway/errors.ts';
import type { RamRolesTable } from '../../store/schema.ts';
import { randomString } from '../../ids.ts';
import { parsePolicyDocument, PolicyDocumentError } from '../policy/document.ts';
import { findRole } from '../directory.ts';
import { roleArn } from '../arn.ts';
import { checkName, mutate, page, PAGING, ramDate, ROLE_NAME, type RpcSpec } from './rpc.ts';

export const MAX_ROLES = 1000;

function roleView(r: RamRolesTable, withUpdate = true): Record<string, unknown> {
  return {
    RoleId: r.id,
    RoleName: r.name,
    Arn: roleArn(r.account_id, r.name),
    Description: r.description,
    AssumeRolePolicyDocument: r.trust_policy,
    MaxSessionDuration: r.max_session_duration,
    CreateDate: ramDate(r.created_at),
    ...(withUpdate ? { UpdateDate: ramDate(r.updated_at) } : {}),
  };
}

/** Validates a trust policy; the fault is named in the message. */
export function checkTrustPolicy(text: unknown): string {
  const doc = String(text ?? '');
  try {
    parsePolicyDocument(doc, { kind: 'trust' });
  } catch (e) {
    if (e instanceof PolicyDocumentError) throw apiError('InvalidParameter.AssumeRolePolicyDocument', { reason: e.message });
    throw e;
  }
  return doc;
}

function maxSession(v: unknown): number {
  const n = v === undefined ? 3600 : (v as number);
  if (n < 3600 || n > 43200) throw apiError('InvalidParameter.MaxSessionDuration');
  return n;
}

function description(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  if (s.length > 1024) throw apiError('InvalidParameter.Description.Length');
  return s;
}

/** 19 digits, like Alibaba's role ids. */
const newRoleId = () => '3' + randomString(18, '0123456789');

const createRole: RpcSpec = {
  action: 'CreateRole',
  params: {
    RoleName: { type: 'string', required: true },
    AssumeRolePolicyDocument: { type: 'string', required: true },
    Description: { type: 'string' },
    MaxSessionDuration: { type: 'int' },
  },
  resource: { kind: 'role', param: 'RoleName' },
  async handle(input, ctx) {
    const name = checkName('RoleName', input.RoleName, ROLE_NAME);
    const trust = checkTrustPolicy(input.AssumeRolePolicyDocument);
    const duration = maxSession(input.MaxSessionDuration);
    const account = ctx.caller.accountId;
    const role = await mutate(ctx, false, async (tx, now) => {
      if (
        await tx
          .selectFrom('ram_roles')
          .select('id')
          .where('account_id', '=', account)
          .where('name_lower', '=', name.toLowerCase())
          .executeTakeFirst()
      ) {
        throw apiError('EntityAlreadyExists.Role', { name });
      }
      const n = await tx
        .selectFrom('ram_roles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', account)
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= MAX_ROLES) throw apiError('LimitExceeded.Role', { limit: MAX_ROLES });
      const row: RamRolesTable = {
        id: newRoleId(),
        account_id: account,
        name,
        name_lower: name.toLowerCase(),
        description: description(input.Description),
        trust_policy: trust,
        max_session_duration: duration,
        created_at: now,
        updated_at: now,
      };
      await tx.insertInto('ram_roles').values(row).execute();
      return row;
    });
    return { Role: roleView(role, false) };
  },
};

const getRole: RpcSpec = {
  action: 'GetRole',
  params: { RoleName: { type: 'string', required: true } },
  resource: { kind: 'role', param: 'RoleName' },
  async handle(input, ctx) {
    return { Role: roleView(await findRole(ctx.services.store.db, ctx.caller.accountId, input.RoleName)) };
  },
};

const listRoles: RpcSpec = {
  action: 'ListRoles',
  params: { ...PAGING },
  resource: { kind: 'role' },
  async handle(input, ctx) {
    const rows = await ctx.services.store.db
      .selectFrom('ram_roles')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .orderBy('name_lower')
      .execute();
    const p = page(rows, input);
    return {
      Roles: {
        Role: p.items.map((r) => {
          const { AssumeRolePolicyDocument: _d, ...v } = roleView(r);
          return v;
        }),
      },
      IsTruncated: p.IsTruncated,
      ...(p.Marker ? { Marker: p.Marker } : {}),
    };
  },
};

const updateRole: RpcSpec = {
  action: 'UpdateRole',
  params: {
    RoleName: { type: 'string', required: true },
    NewAssumeRolePolicyDocument: { type: 'string' },
    NewDescription: { type: 'string' },
    NewMaxSessionDuration: { type: 'int' },
  },
  resource: { kind: 'role', param: 'RoleName' },
  async handle(input, ctx) {
    const trust = input.NewAssumeRolePolicyDocument === undefined ? undefined : checkTrustPolicy(input.NewAssumeRolePolicyDocument);
    const role = await mutate(ctx, trust !== undefined, async (tx, now) => {
      const r = await findRole(tx, ctx.caller.accountId, input.RoleName);
      const next: RamRolesTable = {
        ...r,
        trust_policy: trust ?? r.trust_policy,
        description: input.NewDescription === undefined ? r.description : description(input.NewDescription),
        max_session_duration: input.NewMaxSessionDuration === undefined ? r.max_session_duration : maxSession(input.NewMaxSessionDuration),
        updated_at: now,
      };
      await tx.updateTable('ram_roles').set(next).where('id', '=', r.id).execute();
      return next;
    });
    return { Role: roleView(role) };
  },
};

const deleteRole: RpcSpec = {
  action: 'DeleteRole',
  params: { RoleName: { type: 'string', required: true } },
  resource: { kind: 'role', param: 'RoleName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx) => {
      const r = await findRole(tx, account, input.RoleName);
      if (
        await tx
          .selectFrom('ram_attachments')
          .select('principal_id')
          .where('account_id', '=', account)
          .where('principal_type', '=', 'Role')
          .where('principal_id', '=', r.id)
          .executeTakeFirst()
      ) {
        throw apiError('DeleteConflict.Role.Policy', { name: r.name });
      }
      await tx.deleteFrom('ram_roles').where('id', '=', r.id).execute();
    });
    return {};
  },
};

export const ROLE_OPERATIONS: RpcSpec[] = [createRole, getRole, listRoles, updateRole, deleteRole];
