// RAM policies (2015-05-01): custom policies and their versions, attachments to users, groups and
// roles, and DecodeDiagnosticMessage. Limits (protocol notes §6.6): documents ≤ 6,144 characters,
// 5 versions per policy, 1,500 custom policies per account. The per-identity attachment counts of
// the 2021 limits page (20 system + 10/5 custom) are not enforced: they are adjustable quotas in
// the real service, and a principal with 50 policies is a scenario openeas must serve (docs/ram.md).
// Every change that can alter a decision
// (a new default version, an attachment, a detachment) bumps the policy epoch in its transaction.
import { apiError } from '../../gateway/errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { Db, Tx } from '../../store/database.ts';
import type { RamPoliciesTable } from '../../store/schema.ts';
import { parsePolicyDocument, PolicyDocumentError } from '../policy/document.ts';
import { findGroup, findPolicy, findRole, findUser, type PolicyType, type PrincipalKind } from '../directory.ts';
import { SYSTEM_POLICIES, SYSTEM_POLICY_DATE } from '../system-policies.ts';
import { decodeDiagnostic } from '../diagnostic.ts';
import { checkName, mutate, page, PAGING, POLICY_NAME, ramDate, type ParamSpec, type RpcSpec } from './rpc.ts';

export const MAX_CUSTOM_POLICIES = 1500;
export const MAX_POLICY_VERSIONS = 5;

/** Validates an identity policy; the fault (and its location) is named in the message. */
export function checkPolicyDocument(text: unknown): string {
  const doc = String(text ?? '');
  try {
    parsePolicyDocument(doc);
  } catch (e) {
    if (e instanceof PolicyDocumentError) throw apiError(e.code, { reason: e.message });
    throw e;
  }
  return doc;
}

function policyType(v: unknown, required: boolean): PolicyType | undefined {
  if (v === undefined) {
    if (required) throw apiError('MissingParameter', { name: 'PolicyType' });
    return undefined;
  }
  if (v !== 'System' && v !== 'Custom') throw apiError('InvalidParameter.PolicyType');
  return v;
}

async function customPolicy(tx: Tx, accountId: string, name: unknown): Promise<RamPoliciesTable> {
  if (typeof name === 'string' && SYSTEM_POLICIES.has(name.toLowerCase())) throw apiError('NoPermission.SystemPolicy', { name });
  const p = await findPolicy(tx, accountId, name, 'Custom');
  return p.custom!;
}

const createPolicy: RpcSpec = {
  action: 'CreatePolicy',
  params: {
    PolicyName: { type: 'string', required: true },
    PolicyDocument: { type: 'string', required: true },
    Description: { type: 'string' },
  },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const name = checkName('PolicyName', input.PolicyName, POLICY_NAME);
    const document = checkPolicyDocument(input.PolicyDocument);
    const desc = String(input.Description ?? '');
    if (desc.length > 1024) throw apiError('InvalidParameter.Description.Length');
    const account = ctx.caller.accountId;
    const now = await mutate(ctx, false, async (tx, now) => {
      const lower = name.toLowerCase();
      if (
        SYSTEM_POLICIES.has(lower) ||
        (await tx
          .selectFrom('ram_policies')
          .select('name')
          .where('account_id', '=', account)
          .where('name_lower', '=', lower)
          .executeTakeFirst())
      ) {
        throw apiError('EntityAlreadyExists.Policy', { name });
      }
      const n = await tx
        .selectFrom('ram_policies')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', account)
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= MAX_CUSTOM_POLICIES) throw apiError('LimitExceeded.Policy', { limit: MAX_CUSTOM_POLICIES });
      await tx
        .insertInto('ram_policies')
        .values({
          account_id: account,
          name,
          name_lower: lower,
          description: desc,
          default_version: 'v1',
          next_version: 2,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto('ram_policy_versions')
        .values({ account_id: account, policy_name_lower: lower, version_id: 'v1', document, created_at: now })
        .execute();
      return now;
    });
    return { Policy: { PolicyName: name, PolicyType: 'Custom', Description: desc, DefaultVersion: 'v1', CreateDate: ramDate(now) } };
  },
};

const getPolicy: RpcSpec = {
  action: 'GetPolicy',
  params: { PolicyName: { type: 'string', required: true }, PolicyType: { type: 'string' } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const p = await findPolicy(db, ctx.caller.accountId, input.PolicyName, policyType(input.PolicyType, false));
    const count = await db
      .selectFrom('ram_attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', ctx.caller.accountId)
      .where('policy_type', '=', p.type)
      .where('policy_name_lower', '=', p.name.toLowerCase())
      .executeTakeFirstOrThrow();
    let versionDate = p.createdAt;
    if (p.custom) {
      const v = await db
        .selectFrom('ram_policy_versions')
        .select('created_at')
        .where('account_id', '=', ctx.caller.accountId)
        .where('policy_name_lower', '=', p.custom.name_lower)
        .where('version_id', '=', p.defaultVersion)
        .executeTakeFirstOrThrow();
      versionDate = v.created_at;
    }
    return {
      Policy: {
        PolicyName: p.name,
        PolicyType: p.type,
        Description: p.description,
        DefaultVersion: p.defaultVersion,
        PolicyDocument: p.document,
        AttachmentCount: Number(count.n),
        CreateDate: ramDate(p.createdAt),
        UpdateDate: ramDate(p.updatedAt),
      },
      DefaultPolicyVersion: {
        VersionId: p.defaultVersion,
        IsDefaultVersion: true,
        PolicyDocument: p.document,
        CreateDate: ramDate(versionDate),
      },
    };
  },
};

const createPolicyVersion: RpcSpec = {
  action: 'CreatePolicyVersion',
  params: {
    PolicyName: { type: 'string', required: true },
    PolicyDocument: { type: 'string', required: true },
    SetAsDefault: { type: 'bool' },
    RotateStrategy: { type: 'string' },
  },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const document = checkPolicyDocument(input.PolicyDocument);
    const rotate = (input.RotateStrategy as string | undefined) ?? 'None';
    if (rotate !== 'None' && rotate !== 'DeleteOldestNonDefaultVersionWhenLimitExceeded') {
      throw apiError('InvalidParameter', {
        name: 'RotateStrategy',
        reason: 'It must be None or DeleteOldestNonDefaultVersionWhenLimitExceeded.',
      });
    }
    const setAsDefault = input.SetAsDefault === true;
    const account = ctx.caller.accountId;
    const out = await mutate(ctx, setAsDefault, async (tx, now) => {
      const p = await customPolicy(tx, account, input.PolicyName);
      const versions = await tx
        .selectFrom('ram_policy_versions')
        .select(['version_id', 'created_at'])
        .where('account_id', '=', account)
        .where('policy_name_lower', '=', p.name_lower)
        .orderBy('created_at')
        .execute();
      if (versions.length >= MAX_POLICY_VERSIONS) {
        const oldest = versions.find((v) => v.version_id !== p.default_version);
        if (rotate === 'None' || !oldest) throw apiError('LimitExceeded.Policy.Version', { name: p.name, limit: MAX_POLICY_VERSIONS });
        await tx
          .deleteFrom('ram_policy_versions')
          .where('account_id', '=', account)
          .where('policy_name_lower', '=', p.name_lower)
          .where('version_id', '=', oldest.version_id)
          .execute();
      }
      const versionId = `v${p.next_version}`;
      await tx
        .insertInto('ram_policy_versions')
        .values({ account_id: account, policy_name_lower: p.name_lower, version_id: versionId, document, created_at: now })
        .execute();
      await tx
        .updateTable('ram_policies')
        .set({ next_version: p.next_version + 1, updated_at: now, ...(setAsDefault ? { default_version: versionId } : {}) })
        .where('account_id', '=', account)
        .where('name_lower', '=', p.name_lower)
        .execute();
      return { versionId, now };
    });
    return {
      PolicyVersion: { VersionId: out.versionId, IsDefaultVersion: setAsDefault, PolicyDocument: document, CreateDate: ramDate(out.now) },
    };
  },
};

const getPolicyVersion: RpcSpec = {
  action: 'GetPolicyVersion',
  params: { PolicyName: { type: 'string', required: true }, PolicyType: { type: 'string' }, VersionId: { type: 'string', required: true } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const p = await findPolicy(db, ctx.caller.accountId, input.PolicyName, policyType(input.PolicyType, false));
    if (!p.custom) {
      if (input.VersionId !== 'v1') throw apiError('EntityNotExist.PolicyVersion', { name: String(input.VersionId) });
      return {
        PolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: p.document, CreateDate: ramDate(SYSTEM_POLICY_DATE) },
      };
    }
    const v = await db
      .selectFrom('ram_policy_versions')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .where('policy_name_lower', '=', p.custom.name_lower)
      .where('version_id', '=', input.VersionId as string)
      .executeTakeFirst();
    if (!v) throw apiError('EntityNotExist.PolicyVersion', { name: String(input.VersionId) });
    return {
      PolicyVersion: {
        VersionId: v.version_id,
        IsDefaultVersion: v.version_id === p.defaultVersion,
        PolicyDocument: v.document,
        CreateDate: ramDate(v.created_at),
      },
    };
  },
};

const listPolicyVersions: RpcSpec = {
  action: 'ListPolicyVersions',
  params: { PolicyName: { type: 'string', required: true }, PolicyType: { type: 'string' } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const p = await findPolicy(db, ctx.caller.accountId, input.PolicyName, policyType(input.PolicyType, false));
    if (!p.custom)
      return {
        PolicyVersions: {
          PolicyVersion: [{ VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: p.document, CreateDate: ramDate(SYSTEM_POLICY_DATE) }],
        },
      };
    const rows = await db
      .selectFrom('ram_policy_versions')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .where('policy_name_lower', '=', p.custom.name_lower)
      .orderBy('created_at')
      .execute();
    return {
      PolicyVersions: {
        PolicyVersion: rows.map((v) => ({
          VersionId: v.version_id,
          IsDefaultVersion: v.version_id === p.defaultVersion,
          PolicyDocument: v.document,
          CreateDate: ramDate(v.created_at),
        })),
      },
    };
  },
};

const setDefaultPolicyVersion: RpcSpec = {
  action: 'SetDefaultPolicyVersion',
  params: { PolicyName: { type: 'string', required: true }, VersionId: { type: 'string', required: true } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, true, async (tx, now) => {
      const p = await customPolicy(tx, account, input.PolicyName);
      const v = await tx
        .selectFrom('ram_policy_versions')
        .select('version_id')
        .where('account_id', '=', account)
        .where('policy_name_lower', '=', p.name_lower)
        .where('version_id', '=', input.VersionId as string)
        .executeTakeFirst();
      if (!v) throw apiError('EntityNotExist.PolicyVersion', { name: String(input.VersionId) });
      await tx
        .updateTable('ram_policies')
        .set({ default_version: v.version_id, updated_at: now })
        .where('account_id', '=', account)
        .where('name_lower', '=', p.name_lower)
        .execute();
    });
    return {};
  },
};

const deletePolicyVersion: RpcSpec = {
  action: 'DeletePolicyVersion',
  params: { PolicyName: { type: 'string', required: true }, VersionId: { type: 'string', required: true } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    await mutate(ctx, false, async (tx) => {
      const p = await customPolicy(tx, account, input.PolicyName);
      if (input.VersionId === p.default_version) throw apiError('DeleteConflict.PolicyVersion.Default', { name: p.default_version });
      const r = await tx
        .deleteFrom('ram_policy_versions')
        .where('account_id', '=', account)
        .where('policy_name_lower', '=', p.name_lower)
        .where('version_id', '=', input.VersionId as string)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw apiError('EntityNotExist.PolicyVersion', { name: String(input.VersionId) });
    });
    return {};
  },
};

const deletePolicy: RpcSpec = {
  action: 'DeletePolicy',
  params: { PolicyName: { type: 'string', required: true }, CascadingDelete: { type: 'bool' } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const account = ctx.caller.accountId;
    const cascade = input.CascadingDelete === true;
    await mutate(ctx, true, async (tx) => {
      const p = await customPolicy(tx, account, input.PolicyName);
      const attached = await tx
        .selectFrom('ram_attachments')
        .select('principal_type')
        .distinct()
        .where('account_id', '=', account)
        .where('policy_type', '=', 'Custom')
        .where('policy_name_lower', '=', p.name_lower)
        .execute();
      if (attached.length > 0 && !cascade) {
        const kinds = new Set(attached.map((a) => a.principal_type));
        const kind = kinds.has('User') ? 'User' : kinds.has('Group') ? 'Group' : 'Role';
        throw apiError(`DeleteConflict.Policy.${kind}`, { name: p.name });
      }
      const versions = await tx
        .selectFrom('ram_policy_versions')
        .select('version_id')
        .where('account_id', '=', account)
        .where('policy_name_lower', '=', p.name_lower)
        .execute();
      if (versions.length > 1 && !cascade) throw apiError('DeleteConflict.Policy.Version', { name: p.name });
      await tx
        .deleteFrom('ram_attachments')
        .where('account_id', '=', account)
        .where('policy_type', '=', 'Custom')
        .where('policy_name_lower', '=', p.name_lower)
        .execute();
      await tx.deleteFrom('ram_policy_versions').where('account_id', '=', account).where('policy_name_lower', '=', p.name_lower).execute();
      await tx.deleteFrom('ram_policies').where('account_id', '=', account).where('name_lower', '=', p.name_lower).execute();
    });
    return {};
  },
};

const listPolicies: RpcSpec = {
  action: 'ListPolicies',
  params: { PolicyType: { type: 'string' }, ...PAGING },
  resource: { kind: 'policy' },
  async handle(input, ctx) {
    const type = policyType(input.PolicyType, false);
    const db = ctx.services.store.db;
    const account = ctx.caller.accountId;
    const counts = new Map<string, number>();
    for (const r of await db
      .selectFrom('ram_attachments')
      .select((eb) => ['policy_type', 'policy_name_lower', eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', account)
      .groupBy(['policy_type', 'policy_name_lower'])
      .execute()) {
      counts.set(`${r.policy_type}:${r.policy_name_lower}`, Number(r.n));
    }
    const items: Record<string, unknown>[] = [];
    if (type !== 'Custom') {
      for (const sys of SYSTEM_POLICIES.values()) {
        items.push({
          PolicyName: sys.name,
          PolicyType: 'System',
          Description: sys.description,
          DefaultVersion: 'v1',
          AttachmentCount: counts.get(`System:${sys.name.toLowerCase()}`) ?? 0,
          CreateDate: ramDate(SYSTEM_POLICY_DATE),
          UpdateDate: ramDate(SYSTEM_POLICY_DATE),
        });
      }
    }
    if (type !== 'System') {
      for (const p of await db.selectFrom('ram_policies').selectAll().where('account_id', '=', account).orderBy('name_lower').execute()) {
        items.push({
          PolicyName: p.name,
          PolicyType: 'Custom',
          Description: p.description,
          DefaultVersion: p.default_version,
          AttachmentCount: counts.get(`Custom:${p.name_lower}`) ?? 0,
          CreateDate: ramDate(p.created_at),
          UpdateDate: ramDate(p.updated_at),
        });
      }
    }
    const pg = page(items, input);
    return { Policies: { Policy: pg.items }, IsTruncated: pg.IsTruncated, ...(pg.Marker ? { Marker: pg.Marker } : {}) };
  },
};

// ---- attachments --------------------------------------------------------------------------

const PRINCIPAL_PARAM: Record<PrincipalKind, 'UserName' | 'GroupName' | 'RoleName'> = {
  User: 'UserName',
  Group: 'GroupName',
  Role: 'RoleName',
};
const RESOURCE_KIND = { User: 'user', Group: 'group', Role: 'role' } as const;

async function principalOf(tx: Db | Tx, accountId: string, kind: PrincipalKind, name: unknown): Promise<{ id: string; name: string }> {
  if (kind === 'User') return findUser(tx, accountId, name);
  if (kind === 'Group') return findGroup(tx, accountId, name);
  return findRole(tx, accountId, name);
}

function attach(kind: PrincipalKind): RpcSpec {
  const param = PRINCIPAL_PARAM[kind];
  const params: Record<string, ParamSpec> = {
    PolicyType: { type: 'string', required: true },
    PolicyName: { type: 'string', required: true },
    [param]: { type: 'string', required: true },
  };
  return {
    action: `AttachPolicyTo${kind}`,
    params,
    // Authorized on the identity that receives the policy and on the policy (docs/ram.md).
    resource: { kind: RESOURCE_KIND[kind], param },
    alsoTouches: [{ kind: 'policy', param: 'PolicyName' }],
    async handle(input, ctx) {
      const type = policyType(input.PolicyType, true)!;
      const account = ctx.caller.accountId;
      await mutate(ctx, true, async (tx, now) => {
        const policy = await findPolicy(tx, account, input.PolicyName, type);
        const holder = await principalOf(tx, account, kind, input[param]);
        const lower = policy.name.toLowerCase();
        if (
          await tx
            .selectFrom('ram_attachments')
            .select('policy_name_lower')
            .where('account_id', '=', account)
            .where('principal_type', '=', kind)
            .where('principal_id', '=', holder.id)
            .where('policy_type', '=', type)
            .where('policy_name_lower', '=', lower)
            .executeTakeFirst()
        ) {
          throw apiError(`EntityAlreadyExists.${kind}.Policy`, { policy: policy.name, [kind.toLowerCase()]: holder.name });
        }
        await tx
          .insertInto('ram_attachments')
          .values({
            account_id: account,
            principal_type: kind,
            principal_id: holder.id,
            policy_type: type,
            policy_name_lower: lower,
            attached_at: now,
          })
          .execute();
      });
      return {};
    },
  };
}

function detach(kind: PrincipalKind): RpcSpec {
  const param = PRINCIPAL_PARAM[kind];
  const params: Record<string, ParamSpec> = {
    PolicyType: { type: 'string', required: true },
    PolicyName: { type: 'string', required: true },
    [param]: { type: 'string', required: true },
  };
  return {
    action: `DetachPolicyFrom${kind}`,
    params,
    resource: { kind: RESOURCE_KIND[kind], param },
    alsoTouches: [{ kind: 'policy', param: 'PolicyName' }],
    async handle(input, ctx) {
      const type = policyType(input.PolicyType, true)!;
      const account = ctx.caller.accountId;
      await mutate(ctx, true, async (tx) => {
        const policy = await findPolicy(tx, account, input.PolicyName, type);
        const holder = await principalOf(tx, account, kind, input[param]);
        const r = await tx
          .deleteFrom('ram_attachments')
          .where('account_id', '=', account)
          .where('principal_type', '=', kind)
          .where('principal_id', '=', holder.id)
          .where('policy_type', '=', type)
          .where('policy_name_lower', '=', policy.name.toLowerCase())
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0)
          throw apiError(`EntityNotExist.${kind}.Policy`, { policy: policy.name, [kind.toLowerCase()]: holder.name });
      });
      return {};
    },
  };
}

function listFor(kind: PrincipalKind): RpcSpec {
  const param = PRINCIPAL_PARAM[kind];
  return {
    action: `ListPoliciesFor${kind}`,
    params: { [param]: { type: 'string', required: true } },
    resource: { kind: RESOURCE_KIND[kind], param },
    async handle(input, ctx) {
      const account = ctx.caller.accountId;
      const db = ctx.services.store.db;
      const holder = await principalOf(db, account, kind, input[param]);
      const rows = await db
        .selectFrom('ram_attachments')
        .selectAll()
        .where('account_id', '=', account)
        .where('principal_type', '=', kind)
        .where('principal_id', '=', holder.id)
        .orderBy('attached_at')
        .execute();
      const out: Record<string, unknown>[] = [];
      for (const r of rows) {
        const p = await findPolicy(db, account, r.policy_name_lower, r.policy_type as PolicyType);
        out.push({
          PolicyName: p.name,
          PolicyType: p.type,
          Description: p.description,
          DefaultVersion: p.defaultVersion,
          AttachDate: ramDate(r.attached_at),
        });
      }
      return { Policies: { Policy: out } };
    },
  };
}

const listEntitiesForPolicy: RpcSpec = {
  action: 'ListEntitiesForPolicy',
  params: { PolicyName: { type: 'string', required: true }, PolicyType: { type: 'string', required: true } },
  resource: { kind: 'policy', param: 'PolicyName' },
  async handle(input, ctx) {
    const db = ctx.services.store.db;
    const account = ctx.caller.accountId;
    const p = await findPolicy(db, account, input.PolicyName, policyType(input.PolicyType, true));
    const base = db
      .selectFrom('ram_attachments')
      .where('ram_attachments.account_id', '=', account)
      .where('ram_attachments.policy_type', '=', p.type)
      .where('ram_attachments.policy_name_lower', '=', p.name.toLowerCase());
    const users = await base
      .innerJoin('ram_users', 'ram_users.id', 'ram_attachments.principal_id')
      .where('ram_attachments.principal_type', '=', 'User')
      .select(['ram_users.id', 'ram_users.name', 'ram_users.display_name', 'ram_attachments.attached_at'])
      .orderBy('ram_users.name_lower')
      .execute();
    const groups = await base
      .innerJoin('ram_groups', 'ram_groups.id', 'ram_attachments.principal_id')
      .where('ram_attachments.principal_type', '=', 'Group')
      .select(['ram_groups.name', 'ram_groups.comments', 'ram_attachments.attached_at'])
      .orderBy('ram_groups.name_lower')
      .execute();
    const roles = await base
      .innerJoin('ram_roles', 'ram_roles.id', 'ram_attachments.principal_id')
      .where('ram_attachments.principal_type', '=', 'Role')
      .select(['ram_roles.id', 'ram_roles.name', 'ram_roles.description', 'ram_roles.account_id', 'ram_attachments.attached_at'])
      .orderBy('ram_roles.name_lower')
      .execute();
    return {
      Users: {
        User: users.map((u) => ({ UserId: u.id, UserName: u.name, DisplayName: u.display_name, AttachDate: ramDate(u.attached_at) })),
      },
      Groups: { Group: groups.map((g) => ({ GroupName: g.name, Comments: g.comments, AttachDate: ramDate(g.attached_at) })) },
      Roles: {
        Role: roles.map((r) => ({
          RoleId: r.id,
          RoleName: r.name,
          Arn: `acs:ram::${r.account_id}:role/${r.name.toLowerCase()}`,
          Description: r.description,
          AttachDate: ramDate(r.attached_at),
        })),
      },
    };
  },
};

const decodeDiagnosticMessage: RpcSpec = {
  action: 'DecodeDiagnosticMessage',
  params: { EncodedDiagnosticMessage: { type: 'string', required: true } },
  async handle(input, ctx: CallContext) {
    return {
      DecodedDiagnosticMessage: decodeDiagnostic(ctx.services.secrets, ctx.caller.accountId, input.EncodedDiagnosticMessage as string),
    };
  },
};

export const POLICY_OPERATIONS: RpcSpec[] = [
  createPolicy,
  getPolicy,
  createPolicyVersion,
  getPolicyVersion,
  listPolicyVersions,
  setDefaultPolicyVersion,
  deletePolicyVersion,
  deletePolicy,
  listPolicies,
  attach('User'),
  attach('Group'),
  attach('Role'),
  detach('User'),
  detach('Group'),
  detach('Role'),
  listFor('User'),
  listFor('Group'),
  listFor('Role'),
  listEntitiesForPolicy,
  decodeDiagnosticMessage,
];
