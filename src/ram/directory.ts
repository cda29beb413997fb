// Stored RAM entities: look-ups by name (case-insensitive, per account), the policy epoch, and
// the policies that apply to a principal. The rules (limits, conflicts) live in api/*.ts.
import { sql } from 'kysely';
import { apiError } from '../gateway/errors.ts';
import type { Db, Tx } from '../store/database.ts';
import type { RamGroupsTable, RamPoliciesTable, RamRolesTable, RamUsersTable } from '../store/schema.ts';
import { SYSTEM_POLICIES, SYSTEM_POLICY_DATE } from './system-policies.ts';
import type { RamResourceKind } from './arn.ts';
import './errors.ts';

type Q = Db | Tx;
export type PolicyType = 'System' | 'Custom';
export type PrincipalKind = 'User' | 'Group' | 'Role';

export async function findUser(q: Q, accountId: string, name: unknown): Promise<RamUsersTable> {
  const row =
    typeof name === 'string'
      ? await q
          .selectFrom('ram_users')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('name_lower', '=', name.toLowerCase())
          .executeTakeFirst()
      : undefined;
  if (!row) throw apiError('EntityNotExist.User', { name: String(name ?? '') });
  return row;
}

export async function findGroup(q: Q, accountId: string, name: unknown): Promise<RamGroupsTable> {
  const row =
    typeof name === 'string'
      ? await q
          .selectFrom('ram_groups')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('name_lower', '=', name.toLowerCase())
          .executeTakeFirst()
      : undefined;
  if (!row) throw apiError('EntityNotExist.Group', { name: String(name ?? '') });
  return row;
}

export async function findRole(q: Q, accountId: string, name: unknown): Promise<RamRolesTable> {
  const row =
    typeof name === 'string'
      ? await q
          .selectFrom('ram_roles')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('name_lower', '=', name.toLowerCase())
          .executeTakeFirst()
      : undefined;
  if (!row) throw apiError('EntityNotExist.Role', { name: String(name ?? '') });
  return row;
}

/**
 * The name RAM authorizes when a request spells `spelled`: the stored name of the entity that
 * answers to it (look-ups fold case), else the spelling trimmed and lower-cased, so a missing
 * entity is authorized under the same name whatever the spelling and its absence leaks nothing.
 * (The policy matcher folds case too: ram-policy-language.md.) Roles: lower-case, as in role ARNs.
 */
export async function canonicalName(q: Q, accountId: string, kind: RamResourceKind, spelled: string): Promise<string> {
  const lower = spelled.trim().toLowerCase();
  if (lower === '') return '';
  let stored: { name: string } | undefined;
  if (kind === 'policy') {
    stored =
      SYSTEM_POLICIES.get(lower) ??
      (await q
        .selectFrom('ram_policies')
        .select('name')
        .where('account_id', '=', accountId)
        .where('name_lower', '=', lower)
        .executeTakeFirst());
  } else {
    const table = kind === 'user' ? 'ram_users' : kind === 'group' ? 'ram_groups' : 'ram_roles';
    stored = await q
      .selectFrom(table)
      .select('name')
      .where('account_id', '=', accountId)
      .where('name_lower', '=', lower)
      .executeTakeFirst();
  }
  if (!stored) return lower;
  return kind === 'role' ? stored.name.toLowerCase() : stored.name;
}

/** A policy of either type, as RAM APIs show it. */
export interface PolicyView {
  name: string;
  type: PolicyType;
  description: string;
  defaultVersion: string;
  document: string;
  createdAt: number;
  updatedAt: number;
  custom?: RamPoliciesTable;
}

export async function findPolicy(q: Q, accountId: string, name: unknown, type: PolicyType | undefined): Promise<PolicyView> {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  if (type !== 'Custom') {
    const sys = SYSTEM_POLICIES.get(lower);
    if (sys) {
      return {
        name: sys.name,
        type: 'System',
        description: sys.description,
        defaultVersion: 'v1',
        document: sys.document,
        createdAt: SYSTEM_POLICY_DATE,
        updatedAt: SYSTEM_POLICY_DATE,
      };
    }
    if (type === 'System') throw apiError('EntityNotExist.Policy', { name: String(name ?? '') });
  }
  const row = lower
    ? await q.selectFrom('ram_policies').selectAll().where('account_id', '=', accountId).where('name_lower', '=', lower).executeTakeFirst()
    : undefined;
  if (!row) throw apiError('EntityNotExist.Policy', { name: String(name ?? '') });
  const version = await q
    .selectFrom('ram_policy_versions')
    .select('document')
    .where('account_id', '=', accountId)
    .where('policy_name_lower', '=', lower)
    .where('version_id', '=', row.default_version)
    .executeTakeFirstOrThrow();
  return {
    name: row.name,
    type: 'Custom',
    description: row.description,
    defaultVersion: row.default_version,
    document: version.document,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    custom: row,
  };
}

// ---- the policy epoch ---------------------------------------------------------------------

/** Bumps the account's policy epoch; call inside the transaction of every change. */
export async function bumpEpoch(tx: Tx, accountId: string): Promise<void> {
  await tx
    .insertInto('ram_epochs')
    .values({ account_id: accountId, epoch: 1 })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ epoch: sql<number>`ram_epochs.epoch + 1` }))
    .execute();
}

export async function readEpoch(q: Q, accountId: string): Promise<number> {
  const row = await q.selectFrom('ram_epochs').select('epoch').where('account_id', '=', accountId).executeTakeFirst();
  return row ? Number(row.epoch) : 0;
}

// ---- what applies to a principal -----------------------------------------------------------

export interface AttachedPolicyRow {
  policyType: PolicyType;
  name: string;
  version: string;
  document: string;
  /** Where it is attached: the user itself, one of its groups, or the role. */
  attachedTo: { type: PrincipalKind; name: string };
}

/**
 * The identity policies of a RAM user (its own, then its groups') or a role, with the default
 * version's document. Attachments of a deleted custom policy cannot exist (DeletePolicy refuses).
 */
export async function policiesOf(q: Q, accountId: string, principal: { type: 'User' | 'Role'; id: string }): Promise<AttachedPolicyRow[]> {
  const holders: Array<{ type: PrincipalKind; id: string; name: string }> = [];
  if (principal.type === 'User') {
    const user = await q
      .selectFrom('ram_users')
      .select(['id', 'name'])
      .where('id', '=', principal.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!user) return [];
    holders.push({ type: 'User', id: user.id, name: user.name });
    const groups = await q
      .selectFrom('ram_group_members')
      .innerJoin('ram_groups', 'ram_groups.id', 'ram_group_members.group_id')
      .select(['ram_groups.id', 'ram_groups.name'])
      .where('ram_group_members.user_id', '=', user.id)
      .where('ram_group_members.account_id', '=', accountId)
      .orderBy('ram_groups.name_lower')
      .execute();
    for (const g of groups) holders.push({ type: 'Group', id: g.id, name: g.name });
  } else {
    const role = await q
      .selectFrom('ram_roles')
      .select(['id', 'name'])
      .where('id', '=', principal.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!role) return [];
    holders.push({ type: 'Role', id: role.id, name: role.name });
  }
  const out: AttachedPolicyRow[] = [];
  for (const holder of holders) {
    const rows = await q
      .selectFrom('ram_attachments')
      .leftJoin('ram_policies', (j) =>
        j
          .onRef('ram_policies.account_id', '=', 'ram_attachments.account_id')
          .onRef('ram_policies.name_lower', '=', 'ram_attachments.policy_name_lower')
          .on('ram_attachments.policy_type', '=', 'Custom'),
      )
      .leftJoin('ram_policy_versions', (j) =>
        j
          .onRef('ram_policy_versions.account_id', '=', 'ram_policies.account_id')
          .onRef('ram_policy_versions.policy_name_lower', '=', 'ram_policies.name_lower')
          .onRef('ram_policy_versions.version_id', '=', 'ram_policies.default_version'),
      )
      .select([
        'ram_attachments.policy_type',
        'ram_attachments.policy_name_lower',
        'ram_policies.name',
        'ram_policies.default_version',
        'ram_policy_versions.document',
      ])
      .where('ram_attachments.account_id', '=', accountId)
      .where('ram_attachments.principal_type', '=', holder.type)
      .where('ram_attachments.principal_id', '=', holder.id)
      .orderBy('ram_attachments.attached_at')
      .orderBy('ram_attachments.policy_name_lower')
      .execute();
    for (const r of rows) {
      if (r.policy_type === 'System') {
        const sys = SYSTEM_POLICIES.get(r.policy_name_lower);
        if (sys)
          out.push({
            policyType: 'System',
            name: sys.name,
            version: 'v1',
            document: sys.document,
            attachedTo: { type: holder.type, name: holder.name },
          });
      } else if (r.name && r.document && r.default_version) {
        out.push({
          policyType: 'Custom',
          name: r.name,
          version: r.default_version,
          document: r.document,
          attachedTo: { type: holder.type, name: holder.name },
        });
      }
    }
  }
  return out;
}
