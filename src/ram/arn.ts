// ARNs of RAM identities and resources (protocol notes §6.7, §7).
//   identities (Principal, acs:PrincipalARN): acs:ram::<uid>:user/<name>, …:role/<name>[/<session>], …:root
//   resources of RAM API calls:               acs:ram:*:<uid>:user/<name>, …:group/<name>, …:role/<name>, …:policy/<name>
// A resource is always named by the entity the call touches, never by the request's spelling:
// api/rpc.ts resolves names through directory.ts (canonicalName) before building these.

export const rootArn = (accountId: string): string => `acs:ram::${accountId}:root`;
export const userArn = (accountId: string, userName: string): string => `acs:ram::${accountId}:user/${userName}`;
/** Alibaba shows role names lower-case in role ARNs (GetRole, AssumeRole examples). */
export const roleArn = (accountId: string, roleName: string): string => `acs:ram::${accountId}:role/${roleName.toLowerCase()}`;
export const assumedRoleArn = (accountId: string, roleName: string, sessionName: string): string =>
  `acs:ram::${accountId}:role/${roleName.toLowerCase()}/${sessionName}`;

export type RamResourceKind = 'user' | 'group' | 'role' | 'policy';

/**
 * The resource a RAM API call acts on, from a canonical name (canonicalName in directory.ts);
 * `*` for list calls. Role names are lower-case here as in every role ARN.
 */
export function ramResourceArn(accountId: string, kind: RamResourceKind, name: string | undefined): string {
  const n = name && name !== '' ? name : '*';
  return `acs:ram:*:${accountId}:${kind}/${kind === 'role' ? n.toLowerCase() : n}`;
}

/**
 * The grammar of AssumeRole's RoleArn: `acs:ram::<account id>:role/<role name>`, nothing around
 * it (no spaces, no trailing slash, no session part), the region empty. `acs`, `ram` and `role`
 * are read case-insensitively, like the role name itself (RAM names are case-insensitive); the
 * caller is then authorized on the canonical ARN, roleArn(account, name), never on this text.
 */
const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9.-]{1,64})$/i;

/** `acs:ram::<uid>:role/<name>` → its parts, or undefined when the text is not a role ARN. */
export function parseRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { accountId: m[1], roleName: m[2] } : undefined;
}

const EAS_RESOURCE = /^acs:eas:[^:]*:(\d+):resource\/(.+)$/;

/** The resource group an EAS ARN addresses (acs:eas:<region>:<uid>:resource/<id>), not for `*`. */
export function easResourceOf(arn: string): { accountId: string; resourceId: string } | undefined {
  const m = EAS_RESOURCE.exec(arn);
  if (!m || m[2] === '*') return undefined;
  return { accountId: m[1], resourceId: m[2] };
}
