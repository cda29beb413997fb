// RAM users and their AccessKeys (2015-05-01): CreateUser, GetUser, ListUsers, UpdateUser,
// DeleteUser, CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
// Limits (protocol notes §6.6): 1,000 users per account, 2 AccessKeys per user.
import { apiError } from '../../gateway/errors.ts';
import type { NamedParameter } from '../errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { RawInput } from '../../gateway/operation.ts';
import { ramResourceArn } from '../arn.ts';
import type { RamUsersTable } from '../../store/schema.ts';
import { newAccessKeyId, newAccessKeySecret, randomString } from '../../ids.ts';
import { findUser } from '../directory.ts';
import { checkName, DISPLAY_NAME, entityArn, mutate, page, PAGING, ramDate, USER_NAME, type RpcSpec } from './rpc.ts';

export const MAX_USERS = 1000;
export const MAX_ACCESS_KEYS_PER_USER = 2;

function userView(u: RamUsersTable, withUpdate = true): Record<string, unknown> {
  return {
    UserId: u.id,
    UserName: u.name,
    DisplayName: u.display_name,
    Comments: u.comments,
    Email: u.email,
    MobilePhone: u.mobile_phone,
    CreateDate: ramDate(u.created_at),
    ...(withUpdate ? { UpdateDate: ramDate(u.updated_at) } : {}),
  };
}

function optionalText(value: unknown, param: NamedParameter, max: number): string {
  if (value === undefined) return '';
  const v = String(value);
  if (v.length > max) throw apiError(`InvalidParameter.${param}.Length`);
  return v;
}

const createUser: RpcSpec = {
  action: 'CreateUser',
  params: {
    UserName: { type: 'string', required: true },
    DisplayName: { type: 'string' },
    Comments: { type: 'string' },
    Email: { type: 'string' },
    MobilePhone: { type: 'string' },
  },
  resource: { kind: 'user', param: 'UserName' },
  async handle(input, ctx) {
    const name = checkName('UserName', input.UserName, USER_NAME);
    const displayName = input.DisplayName === undefined ? name : checkName('DisplayName', input.DisplayName, DISPLAY_NAME);
    const comments = optionalText(input.Comments, 'Comments', 128);
    const account = ctx.caller.accountId;
    const user = await mutate(ctx, false, async (tx, now) => {
      const exists = await tx
        .selectFrom('ram_users')
        .select('id')
        .where('account_id', '=', account)
        .where('name_lower', '=', name.toLowerCase())
        .executeTakeFirst();
      if (exists) throw apiError('EntityAlreadyExists.User', { name });
      const count = await tx
        .selectFrom('ram_users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', account)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_USERS) throw apiError('LimitExceeded.User', { limit: MAX_USERS });
      const row: RamUsersTable = {
        id: newUserId(),
        account_id: account,
        name,
        name_lower: name.toLowerCase(),
        display_name: displayName,
        comments,
        email: String(input.Email ?? ''),
        mobile_phone: String(input.MobilePhone ?? ''),
        created_at: now,
        updated_at: now,
      };
      await tx.insertInto('ram_users').values(row).execute();
      return row;
    });
    const { UpdateDate: _u, ...view } = userView(user);
    return { User: view };
  },
};

/** 16 digits, like Alibaba's RAM user ids. */
function newUserId(): string {
  return '2' + randomString(15, '0123456789');
}

const getUser: RpcSpec = {
  action: 'GetUser',
  params: { UserName: { type: 'string', required: true } },
  resource: { kind: 'user', param: 'UserName' },
  async handle(input, ctx) {
    const user = await findUser(ctx.services.store.db, ctx.caller.accountId, input.UserName);
    return { User: { ...userView(user), LastLoginDate: '' } };
  },
};

const listUsers: RpcSpec = {
  action: 'ListUsers',
  params: { ...PAGING },
  resource: { kind: 'user' },
  async handle(input, ctx) {
    const rows = await ctx.services.store.db
      .selectFrom('ram_users')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .orderBy('name_lower')
      .execute();
    const p = page(rows, input);
    return { Users: { User: p.items.map((u) => userView(u)) }, IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) };
  },
};

const updateUser: RpcSpec = {
  action: 'UpdateUser',
  params: {
    UserName: { type: 'string', required: true },
    NewUserName: { type: 'string' },
    NewDisplayName: { type: 'string' },
    NewComments: { type: 'string' },
    NewEmail: { type: 'string' },
    NewMobilePhone: { type: 'string' },
  },
  resource: { kind: 'user', param: 'UserName' },
  // The new name is touched too: trust policies and Deny statements may name it.
  alsoTouches: [{ kind: 'user', param: 'NewUserName' }],
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    const newName = input.NewUserName === undefined ? undefined : checkName('NewUserName', input.NewUserName, USER_NAME);
    const newDisplay = input.NewDisplayName === undefined ? undefined : checkName('NewDisplayName', input.NewDisplayName, DISPLAY_NAME);
    // A rename changes the user's ARN, which trust policies may name: bump the epoch.
    const user = await mutate(ctx, newName !== undefined, async (tx, now) => {
      const u = await findUser(tx, account, input.UserName);
      if (newName !== undefined && newName.toLowerCase() !== u.name_lower) {
        const clash = await tx
          .selectFrom('ram_users')
          .select('id')
          .where('account_id', '=', account)
          .where('name_lower', '=', newName.toLowerCase())
          .executeTakeFirst();
        if (clash) throw apiError('EntityAlreadyExists.User', { name: newName });
      }
      const next: RamUsersTable = {
        ...u,
        name: newName ?? u.name,
        name_lower: (newName ?? u.name).toLowerCase(),
        display_name: newDisplay ?? u.display_name,
        comments: input.NewComments === undefined ? u.comments : optionalText(input.NewComments, 'Comments', 128),
        email: input.NewEmail === undefined ? u.email : String(input.NewEmail),
        mobile_phone: input.NewMobilePhone === undefined ? u.mobile_phone : String(input.NewMobilePhone),
        updated_at: now,
      };
      await tx.updateTable('ram_users').set(next).where('id', '=', u.id).execute();
      return next;
    });
    return { User: userView(user) };
  },
};

const deleteUser: RpcSpec = {
  action: 'DeleteUser',
  params: { UserName: { type: 'string', required: true } },
  resource: { kind: 'user', param: 'UserName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx) => {
      const u = await findUser(tx, account, input.UserName);
      if (
        await tx
          .selectFrom('access_keys')
          .select('id')
          .where('account_id', '=', account)
          .where('owner_type', '=', 'user')
          .where('owner_id', '=', u.id)
          .executeTakeFirst()
      ) {
        throw apiError('DeleteConflict.User.AccessKey', { name: u.name });
      }
      if (await tx.selectFrom('ram_group_members').select('group_id').where('user_id', '=', u.id).executeTakeFirst()) {
        throw apiError('DeleteConflict.User.Group', { name: u.name });
      }
      if (
        await tx
          .selectFrom('ram_attachments')
          .select('policy_name_lower')
          .where('account_id', '=', account)
          .where('principal_type', '=', 'User')
          .where('principal_id', '=', u.id)
          .executeTakeFirst()
      ) {
        throw apiError('DeleteConflict.User.Policy', { name: u.name });
      }
      await tx.deleteFrom('ram_users').where('id', '=', u.id).execute();
    });
    return {};
  },
};

/** UserName, or the calling RAM user itself when omitted (the root key must name a user). */
async function targetUser(input: Record<string, unknown>, ctx: CallContext, q = ctx.services.store.db): Promise<RamUsersTable> {
  if (input.UserName === undefined && ctx.caller.principalType === 'user') {
    const self = await q.selectFrom('ram_users').selectAll().where('id', '=', ctx.caller.principalId).executeTakeFirst();
    if (self) return self;
  }
  if (input.UserName === undefined) throw apiError('MissingParameter', { name: 'UserName' });
  return findUser(q, ctx.caller.accountId, input.UserName);
}

/** The named user, or the calling RAM user itself (its stored name). */
const selfOrNamed = (raw: RawInput, ctx: CallContext): Promise<string> | string =>
  raw.query.UserName === undefined
    ? ramResourceArn(ctx.caller.accountId, 'user', ctx.caller.principalType === 'user' ? ctx.caller.displayName : undefined)
    : entityArn(raw, ctx, { kind: 'user', param: 'UserName' });

const createAccessKey: RpcSpec = {
  action: 'CreateAccessKey',
  params: { UserName: { type: 'string' } },
  resource: selfOrNamed,
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    const secret = newAccessKeySecret();
    const key = await mutate(ctx, false, async (tx, now) => {
      const u = await targetUser(input, ctx, tx);
      const count = await tx
        .selectFrom('access_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', account)
        .where('owner_type', '=', 'user')
        .where('owner_id', '=', u.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_ACCESS_KEYS_PER_USER)
        throw apiError('LimitExceeded.User.AccessKey', { name: u.name, limit: MAX_ACCESS_KEYS_PER_USER });
      const id = newAccessKeyId();
      await tx
        .insertInto('access_keys')
        .values({
          id,
          account_id: account,
          owner_type: 'user',
          owner_id: u.id,
          secret_enc: ctx.services.secrets.encrypt(secret),
          status: 'Active',
          created_at: now,
          expires_at: null,
        })
        .execute();
      return { id, now };
    });
    return { AccessKey: { AccessKeyId: key.id, AccessKeySecret: secret, Status: 'Active', CreateDate: ramDate(key.now) } };
  },
};

const listAccessKeys: RpcSpec = {
  action: 'ListAccessKeys',
  params: { UserName: { type: 'string' } },
  resource: selfOrNamed,
  async handle(input, ctx) {
    const u = await targetUser(input, ctx);
    const rows = await ctx.services.store.db
      .selectFrom('access_keys')
      .select(['id', 'status', 'created_at'])
      .where('account_id', '=', ctx.caller.accountId)
      .where('owner_type', '=', 'user')
      .where('owner_id', '=', u.id)
      .orderBy('created_at')
      .execute();
    return { AccessKeys: { AccessKey: rows.map((k) => ({ AccessKeyId: k.id, Status: k.status, CreateDate: ramDate(k.created_at) })) } };
  },
};

const updateAccessKey: RpcSpec = {
  action: 'UpdateAccessKey',
  params: { UserAccessKeyId: { type: 'string', required: true }, Status: { type: 'string', required: true }, UserName: { type: 'string' } },
  resource: selfOrNamed,
  async handle(input, ctx) {
    const status = input.Status as string;
    if (status !== 'Active' && status !== 'Inactive') throw apiError('InvalidParameter.Status');
    await mutate(ctx, false, async (tx) => {
      const u = await targetUser(input, ctx, tx);
      const r = await tx
        .updateTable('access_keys')
        .set({ status })
        .where('id', '=', input.UserAccessKeyId as string)
        .where('account_id', '=', ctx.caller.accountId)
        .where('owner_type', '=', 'user')
        .where('owner_id', '=', u.id)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw apiError('EntityNotExist.User.AccessKey', { name: input.UserAccessKeyId as string });
    });
    return {};
  },
};

const deleteAccessKey: RpcSpec = {
  action: 'DeleteAccessKey',
  params: { UserAccessKeyId: { type: 'string', required: true }, UserName: { type: 'string' } },
  resource: selfOrNamed,
  async handle(input, ctx) {
    await mutate(ctx, false, async (tx) => {
      const u = await targetUser(input, ctx, tx);
      const r = await tx
        .deleteFrom('access_keys')
        .where('id', '=', input.UserAccessKeyId as string)
        .where('account_id', '=', ctx.caller.accountId)
        .where('owner_type', '=', 'user')
        .where('owner_id', '=', u.id)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw apiError('EntityNotExist.User.AccessKey', { name: input.UserAccessKeyId as string });
    });
    return {};
  },
};

export const USER_OPERATIONS: RpcSpec[] = [
  createUser,
  getUser,
  listUsers,
  updateUser,
  deleteUser,
  createAccessKey,
  listAccessKeys,
  updateAccessKey,
  deleteAccessKey,
];
