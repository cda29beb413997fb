// Judges a request against compiled policies (protocol notes §6.5):
//   - within one policy type: any matching Deny → ExplicitDeny; else any matching Allow → Allow;
//     else ImplicitDeny (everything is denied by default);
//   - with a session policy (AssumeRole's `Policy`): the request must be allowed by the identity
//     policies and by the session policy (the intersection); an explicit Deny in either wins.
// Each policy hands over only the statements whose Action/NotAction covers the request's action
// (memoised per action name, compile.ts). The first matching Deny ends the evaluation; once an
// Allow is found, further Allow statements are not examined (only a Deny can change the answer).

import type { CompiledPolicy, CompiledStatement, TrustPrincipal } from './compile.ts';
import { RequestValues, type ConditionValueMap } from './request-values.ts';

export type { TrustPrincipal } from './compile.ts';

export interface RequestContext {
  /** e.g. eas:CreateResourceInstances; compared case-insensitively. */
  action: string;
  /** e.g. acs:eas:cn-hangzhou:123:resource/eas-r-xxx; compared case-insensitively (compile.ts). */
  resource: string;
  /**
   * Condition keys (compared case-insensitively): acs:SourceIp, acs:CurrentTime (ISO 8601),
   * acs:SecureTransport and acs:MFAPresent ('true'/'false'), acs:AccessId, acs:PrincipalARN,
   * acs:ResourceTag/<key> … `undefined` or `[]` means the request does not carry the key.
   */
  conditionValues: ConditionValueMap;
}

export interface AttachedPolicy {
  name: string;
  type: 'System' | 'Custom' | 'Session' | 'Trust';
  version?: string;
  compiled: CompiledPolicy;
}

export type Decision = { effect: 'Allow' } | { effect: 'ExplicitDeny' | 'ImplicitDeny' };

/** The `PolicyType` values of AccessDeniedDetail this engine can produce (§6.8). */
export type PolicyTypeName = 'AccountLevelIdentityBasedPolicy' | 'SessionPolicy' | 'AssumeRolePolicy';

export interface DecisionDetail {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  /** The policy whose statement decided (Allow: the first allowing one; ExplicitDeny: the denying one). */
  decidingPolicy?: { name: string; type: string; version?: string };
  /** Index of that statement in the policy's Statement list. */
  decidingStatement?: number;
  /** Which policy type produced the decision (AccessDeniedDetail.PolicyType). */
  policyType: PolicyTypeName;
}

/** Identity-based (System/Custom), session or trust policies: Deny > Allow > implicit deny. */
export function evaluate(policies: readonly AttachedPolicy[], ctx: RequestContext): DecisionDetail {
  return judge(policies, new Request(ctx));
}

/**
 * Identity policies intersected with a session policy. `session` undefined: no session policy
 * (plain identity evaluation); `[]`: a session policy that allows nothing. Reporting order
 * follows Alibaba's evaluation order (session policy before identity policies, §6.5): an explicit
 * Deny in the session policy, then one in the identity policies, then an implicit deny by the
 * session policy (policyType SessionPolicy), then one by the identity policies.
 */
export function evaluateWithSession(
  identity: readonly AttachedPolicy[],
  session: readonly AttachedPolicy[] | undefined,
  ctx: RequestContext,
): DecisionDetail {
  const request = new Request(ctx);
  if (session === undefined) return judge(identity, request);
  const bySession = judge(session, request, undefined, 'SessionPolicy');
  if (bySession.decision === 'ExplicitDeny') return bySession;
  const byIdentity = judge(identity, request);
  if (byIdentity.decision === 'ExplicitDeny') return byIdentity;
  if (bySession.decision === 'ImplicitDeny') return bySession;
  return byIdentity;
}

/**
 * A role's trust policy against the caller that wants to assume it. `ctx.action` defaults to
 * sts:AssumeRole; `ctx.resource` (the role ARN) only matters for statements that name a Resource.
 */
export function evaluateTrust(trust: AttachedPolicy, principal: TrustPrincipal, ctx: Partial<RequestContext> = {}): DecisionDetail {
  const request = new Request({
    action: ctx.action ?? 'sts:AssumeRole',
    resource: ctx.resource ?? '',
    conditionValues: ctx.conditionValues ?? {},
  });
  return judge([trust], request, principal, 'AssumeRolePolicy');
}

/** Does the trust policy allow this principal to assume the role (no Deny, some Allow)? */
export function principalMatchesTrust(
  compiledTrust: CompiledPolicy,
  principal: TrustPrincipal,
  ctx: Partial<RequestContext> = {},
): boolean {
  return evaluateTrust({ name: '', type: 'Trust', compiled: compiledTrust }, principal, ctx).decision === 'Allow';
}

/** The decision alone, for callers that need no detail. */
export function toDecision(detail: DecisionDetail): Decision {
  return { effect: detail.decision };
}

// ---- internals ----------------------------------------------------------------------------

class Request {
  readonly actionLower: string;
  readonly resourceLower: string;
  readonly values: RequestValues;
  constructor(ctx: RequestContext) {
    this.actionLower = ctx.action.toLowerCase();
    this.resourceLower = ctx.resource.toLowerCase();
    this.values = new RequestValues(ctx.conditionValues);
  }
}

const POLICY_TYPE: Record<AttachedPolicy['type'], PolicyTypeName> = {
  System: 'AccountLevelIdentityBasedPolicy',
  Custom: 'AccountLevelIdentityBasedPolicy',
  Session: 'SessionPolicy',
  Trust: 'AssumeRolePolicy',
};

function judge(
  policies: readonly AttachedPolicy[],
  request: Request,
  principal?: TrustPrincipal,
  policyType?: PolicyTypeName,
): DecisionDetail {
  let allow: { policy: AttachedPolicy; statement: number } | undefined;
  for (const policy of policies) {
    const statements = policy.compiled.statementsFor(request.actionLower);
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i];
      if (!st.deny && allow !== undefined) continue;
      if (!applies(st, request, principal)) continue;
      if (st.deny) return detail('ExplicitDeny', policy, st.index, policyType);
      allow = { policy, statement: st.index };
    }
  }
  if (allow !== undefined) return detail('Allow', allow.policy, allow.statement, policyType);
  return { decision: 'ImplicitDeny', policyType: policyType ?? implicitPolicyType(policies) };
}

/** Whether a statement whose action clause already covers the request applies to it. */
function applies(st: CompiledStatement, request: Request, principal: TrustPrincipal | undefined): boolean {
  if (st.resources !== undefined && !st.resources.matches(request.resourceLower)) return false;
  // A statement with a Principal (trust policy) never applies when no caller is being judged.
  if (st.principal !== undefined && (principal === undefined || !st.principal(principal))) return false;
  const conditions = st.conditions;
  for (let i = 0; i < conditions.length; i++) if (!conditions[i].test(request.values)) return false;
  return true;
}

function detail(
  decision: 'Allow' | 'ExplicitDeny',
  policy: AttachedPolicy,
  statement: number,
  policyType: PolicyTypeName | undefined,
): DecisionDetail {
  const decidingPolicy: { name: string; type: string; version?: string } = { name: policy.name, type: policy.type };
  if (policy.version !== undefined) decidingPolicy.version = policy.version;
  return { decision, decidingPolicy, decidingStatement: statement, policyType: policyType ?? POLICY_TYPE[policy.type] };
}

/** For an implicit deny: the type shared by all the policies, else account-level identity. */
function implicitPolicyType(policies: readonly AttachedPolicy[]): PolicyTypeName {
  if (policies.length === 0) return 'AccountLevelIdentityBasedPolicy';
  const first = POLICY_TYPE[policies[0].type];
  return policies.every((p) => POLICY_TYPE[p.type] === first) ? first : 'AccountLevelIdentityBasedPolicy';
}
