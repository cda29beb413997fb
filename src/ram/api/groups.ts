// RAM user groups (2015-05-01): CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser, ListUsersForGroup.
// A user joins at most 5 groups (protocol notes §7). Membership changes bump the policy epoch:
// a group's policies apply to its members.
import { apiError } from '../../gateway/errors.ts';
import type { RamGroupsTable } from '../../store/schema.ts';
import { randomString } from '../../ids.ts';
import { findGroup, findUser } from '../directory.ts';
import { checkName, GROUP_NAME, mutate, page, PAGING, ramDate, type RpcSpec } from './rpc.ts';

export const MAX_GROUPS_PER_USER = 5;

function groupView(g: RamGroupsTable): Record<string, unknown> {
  return { GroupId: g.id, GroupName: g.name, Comments: g.comments, CreateDate: ramDate(g.created_at), UpdateDate: ramDate(g.updated_at) };
}

function comments(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  if (s.length > 128) throw apiError('InvalidParameter.Comments.Length');
  return s;
}

const createGroup: RpcSpec = {
  action: 'CreateGroup',
  params: { GroupName: { type: 'string', required: true }, Comments: { type: 'string' } },
  resource: { kind: 'group', param: 'GroupName' },
  async handle(input, ctx) {
    const name = checkName('GroupName', input.GroupName, GROUP_NAME);
    const account = ctx.caller.accountId;
    const group = await mutate(ctx, false, async (tx, now) => {
      if (
        await tx
          .selectFrom('ram_groups')
          .select('id')
          .where('account_id', '=', account)
          .where('name_lower', '=', name.toLowerCase())
          .executeTakeFirst()
      ) {
        throw apiError('EntityAlreadyExists.Group', { name });
      }
      const row: RamGroupsTable = {
        id: 'g-' + randomString(16),
        account_id: account,
        name,
        name_lower: name.toLowerCase(),
        comments: comments(input.Comments),
        created_at: now,
        updated_at: now,
      };
      await tx.insertInto('ram_groups').values(row).execute();
      return row;
    });
    const { UpdateDate: _u, ...view } = groupView(group);
    return { Group: view };
  },
};

const getGroup: RpcSpec = {
  action: 'GetGroup',
  params: { GroupName: { type: 'string', required: true } },
  resource: { kind: 'group', param: 'GroupName' },
  async handle(input, ctx) {
    return { Group: groupView(await findGroup(ctx.services.store.db, ctx.caller.accountId, input.GroupName)) };
  },
};

const listGroups: RpcSpec = {
  action: 'ListGroups',
  params: { ...PAGING },
  resource: { kind: 'group' },
  async handle(input, ctx) {
    const rows = await ctx.services.store.db
      .selectFrom('ram_groups')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .orderBy('name_lower')
      .execute();
    const p = page(rows, input);
    return { Groups: { Group: p.items.map(groupView) }, IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  },
};

const updateGroup: RpcSpec = {
  action: 'UpdateGroup',
  params: { GroupName: { type: 'string', required: true }, NewGroupName: { type: 'string' }, NewComments: { type: 'string' } },
  resource: { kind: 'group', param: 'GroupName' },
  alsoTouches: [{ kind: 'group', param: 'NewGroupName' }],
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    const newName = input.NewGroupName === undefined ? undefined : checkName('NewGroupName', input.NewGroupName, GROUP_NAME);
    const group = await mutate(ctx, false, async (tx, now) => {
      const g = await findGroup(tx, account, input.GroupName);
      if (
        newName !== undefined &&
        newName.toLowerCase() !== g.name_lower &&
        (await tx
          .selectFrom('ram_groups')
          .select('id')
          .where('account_id', '=', account)
          .where('name_lower', '=', newName.toLowerCase())
          .executeTakeFirst())
      ) {
        throw apiError('EntityAlreadyExists.Group', { name: newName });
      }
      const next = {
        ...g,
        name: newName ?? g.name,
        name_lower: (newName ?? g.name).toLowerCase(),
        comments: input.NewComments === undefined ? g.comments : comments(input.NewComments),
        updated_at: now,
      };
      await tx.updateTable('ram_groups').set(next).where('id', '=', g.id).execute();
      return next;
    });
    return { Group: groupView(group) };
  },
};

const deleteGroup: RpcSpec = {
  action: 'DeleteGroup',
  params: { GroupName: { type: 'string', required: true } },
  resource: { kind: 'group', param: 'GroupName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx) => {
      const g = await findGroup(tx, account, input.GroupName);
      if (await tx.selectFrom('ram_group_members').select('user_id').where('group_id', '=', g.id).executeTakeFirst())
        throw apiError('DeleteConflict.Group.User', { name: g.name });
      if (
        await tx
          .selectFrom('ram_attachments')
          .select('principal_id')
          .where('account_id', '=', account)
          .where('principal_type', '=', 'Group')
          .where('principal_id', '=', g.id)
          .executeTakeFirst()
      ) {
        throw apiError('DeleteConflict.Group.Policy', { name: g.name });
      }
      await tx.deleteFrom('ram_groups').where('id', '=', g.id).execute();
    });
    return {};
  },
};

const addUserToGroup: RpcSpec = {
  action: 'AddUserToGroup',
  params: { GroupName: { type: 'string', required: true }, UserName: { type: 'string', required: true } },
  resource: { kind: 'group', param: 'GroupName' },
  // The user gains or loses the group's policies: it is touched as much as the group.
  alsoTouches: [{ kind: 'user', param: 'UserName' }],
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx, now) => {
      const g = await findGroup(tx, account, input.GroupName);
      const u = await findUser(tx, account, input.UserName);
      if (
        await tx
          .selectFrom('ram_group_members')
          .select('user_id')
          .where('group_id', '=', g.id)
          .where('user_id', '=', u.id)
          .executeTakeFirst()
      ) {
        throw apiError('EntityAlreadyExists.User.Group', { user: u.name, group: g.name });
      }
      const n = await tx
        .selectFrom('ram_group_members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', u.id)
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= MAX_GROUPS_PER_USER) throw apiError('LimitExceeded.User.Group', { name: u.name, limit: MAX_GROUPS_PER_USER });
      await tx.insertInto('ram_group_members').values({ account_id: account, group_id: g.id, user_id: u.id, joined_at: now }).execute();
    });
    return {};
  },
};

const removeUserFromGroup: RpcSpec = {
  action: 'RemoveUserFromGroup',
  params: { GroupName: { type: 'string', required: true }, UserName: { type: 'string', required: true } },
  resource: { kind: 'group', param: 'GroupName' },
  // The user gains or loses the group's policies: it is touched as much as the group.
  alsoTouches: [{ kind: 'user', param: 'UserName' }],
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx) => {
      const g = await findGroup(tx, account, input.GroupName);
      const u = await findUser(tx, account, input.UserName);
      const r = await tx.deleteFrom('ram_group_members').where('group_id', '=', g.id).where('user_id', '=', u.id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw apiError('EntityNotExist.User.Group', { user: u.name, group: g.name });
    });
    return {};
  },
};

const listGroupsForUser: RpcSpec = {
  action: 'ListGroupsForUser',
  params: { UserName: { type: 'string', required: true } },
  resource: { kind: 'user', param: 'UserName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const u = await findUser(db, ctx.caller.accountId, input.UserName);
    const rows = await db
      .selectFrom('ram_group_members')
      .innerJoin('ram_groups', 'ram_groups.id', 'ram_group_members.group_id')
      .select(['ram_groups.id', 'ram_groups.name', 'ram_groups.comments', 'ram_group_members.joined_at'])
      .where('ram_group_members.user_id', '=', u.id)
      .orderBy('ram_groups.name_lower')
      .execute();
    return {
      Groups: { Group: rows.map((r) => ({ GroupId: r.id, GroupName: r.name, Comments: r.comments, JoinDate: ramDate(r.joined_at) })) },
    };
  },
};

const listUsersForGroup: RpcSpec = {
  action: 'ListUsersForGroup',
  params: { GroupName: { type: 'string', required: true }, ...PAGING },
  resource: { kind: 'group', param: 'GroupName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const g = await findGroup(db, ctx.caller.accountId, input.GroupName);
    const rows = await db
      .selectFrom('ram_group_members')
      .innerJoin('ram_users', 'ram_users.id', 'ram_group_members.user_id')
      .select(['ram_users.name', 'ram_users.display_name', 'ram_group_members.joined_at'])
      .where('ram_group_members.group_id', '=', g.id)
      .orderBy('ram_users.name_lower')
      .execute();
    const p = page(rows, input);
    return {
      Users: { User: p.items.map((r) => ({ UserName: r.name, DisplayName: r.display_name, JoinDate: ramDate(r.joined_at) })) },
      IsTruncated: p.IsTruncated,
      ...(p.Marker ? { Marker: p.Marker } : {}),
    };
  },
};

export const GROUP_OPERATIONS: RpcSpec[] = [
  createGroup,
  getGroup,
  listGroups,
  updateGroup,
  deleteGroup,
  addUserToGroup,
  removeUserFromGroup,
  listGroupsForUser,
  listUsersForGroup,
];
