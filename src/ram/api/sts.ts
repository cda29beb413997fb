// STS (2015-04-01): AssumeRole and GetCallerIdentity (protocol notes §7, AssumeRole.md).
// AssumeRole needs, besides sts:AssumeRole on the role ARN in the caller's identity policies
// (checked by the authorizer like any action), the role's trust policy to name the caller.
// The account root cannot assume roles. Temporary keys are `STS.` + 24 characters, stored in
// access_keys (owner_type 'sts') next to their session; they expire on the business clock.
import crypto from 'node:crypto';
import { apiError, ApiError } from '../../gateway/errors.ts';
import type { CallContext } from '../../gateway/context.ts';
import { newAccessKeySecret, newStsAccessKeyId } from '../../ids.ts';
import { parsePolicyDocument, PolicyDocumentError, SESSION_POLICY_MAX_LENGTH } from '../policy/document.ts';
import { compilePolicy } from '../policy/compile.ts';
import { evaluateTrust } from '../policy/evaluate.ts';
import { findRole } from '../directory.ts';
import { assumedRoleArn, parseRoleArn, roleArn } from '../arn.ts';
import { globalConditionValues } from '../authorizer.ts';
import { newSecurityToken, tokenHash } from '../identity.ts';
import { encodeDiagnostic } from '../diagnostic.ts';
import { ramDate, type RpcSpec } from './rpc.ts';

const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,32}$/;
/** Role chaining (a role session assuming a role) is limited to one hour. */
const CHAINED_MAX_SECONDS = 3600;
/** Expired sessions (and their keys) are kept this long, so late callers still get ….Expired. */
const EXPIRED_RETENTION_MS = 24 * 3600 * 1000;

function noPermission(message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('NoPermission', 403, message, extra);
}

const assumeRole: RpcSpec = {
  action: 'AssumeRole',
  params: {
    RoleArn: { type: 'string', required: true },
    RoleSessionName: { type: 'string', required: true },
    DurationSeconds: { type: 'int' },
    Policy: { type: 'string' },
    ExternalId: { type: 'string' },
    SourceIdentity: { type: 'string' },
  },
  // The canonical ARN of the role RoleArn names (another account's roles are looked up there);
  // text that is no role ARN names nothing and is refused below, before anything is touched.
  resource: (raw) => {
    const target = raw.query.RoleArn === undefined ? undefined : parseRoleArn(raw.query.RoleArn);
    return target ? roleArn(target.accountId, target.roleName) : (raw.query.RoleArn ?? '*');
  },
  async handle(input, ctx) {
    const caller = ctx.caller;
    if (caller.principalType === 'root') throw noPermission('Roles may not be assumed by root accounts.');
    const target = parseRoleArn(input.RoleArn as string);
    if (!target) throw apiError('InvalidParameter.RoleArn', { reason: 'it must look like acs:ram::<account id>:role/<role name>.' });
    const sessionName = input.RoleSessionName as string;
    if (!SESSION_NAME.test(sessionName)) throw apiError('InvalidParameter.RoleSessionName');
    const policy = input.Policy as string | undefined;
    if (policy !== undefined) {
      if ([...policy].length > SESSION_POLICY_MAX_LENGTH) throw apiError('InvalidParameter.PolicySize');
      try {
        parsePolicyDocument(policy, { maxLength: SESSION_POLICY_MAX_LENGTH });
      } catch (e) {
        if (e instanceof PolicyDocumentError) throw apiError('InvalidParameter.PolicyGrammar', { reason: e.message });
        throw e;
      }
    }
    const s = ctx.services;
    const role = await findRole(s.store.db, target.accountId, target.roleName);
    const max =
      caller.principalType === 'assumed-role' ? Math.min(CHAINED_MAX_SECONDS, role.max_session_duration) : role.max_session_duration;
    const duration = (input.DurationSeconds as number | undefined) ?? Math.min(3600, max);
    if (duration < 900 || duration > max) throw apiError('InvalidParameter.DurationSeconds', { max });

    if (s.config.ram !== 'off') checkTrust(ctx, role.trust_policy, roleArn(role.account_id, role.name));

    const sessionId = crypto.randomUUID();
    const keyId = newStsAccessKeyId();
    const secret = newAccessKeySecret();
    const token = newSecurityToken(sessionId);
    const now = s.clock.now();
    const expiresAt = now + duration * 1000;
    await s.store.transaction(async (tx) => {
      const stale = await tx
        .selectFrom('sts_sessions')
        .select(['id', 'access_key_id'])
        .where('account_id', '=', role.account_id)
        .where('expires_at', '<', now - EXPIRED_RETENTION_MS)
        .limit(100)
        .execute();
      if (stale.length > 0) {
        await tx
          .deleteFrom('access_keys')
          .where(
            'id',
            'in',
            stale.map((r) => r.access_key_id),
          )
          .execute();
        await tx
          .deleteFrom('sts_sessions')
          .where(
            'id',
            'in',
            stale.map((r) => r.id),
          )
          .execute();
      }
      await tx
        .insertInto('access_keys')
        .values({
          id: keyId,
          account_id: role.account_id,
          owner_type: 'sts',
          owner_id: sessionId,
          secret_enc: s.secrets.encrypt(secret),
          status: 'Active',
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
      await tx
        .insertInto('sts_sessions')
        .values({
          id: sessionId,
          account_id: role.account_id,
          role_id: role.id,
          role_name: role.name,
          session_name: sessionName,
          access_key_id: keyId,
          token_hash: tokenHash(token),
          session_policy: policy ?? null,
          source_arn: caller.arn,
          expires_at: expiresAt,
          created_at: now,
        })
        .execute();
    });
    return {
      Credentials: { AccessKeyId: keyId, AccessKeySecret: secret, SecurityToken: token, Expiration: ramDate(expiresAt) },
      AssumedRoleUser: { Arn: assumedRoleArn(role.account_id, role.name, sessionName), AssumedRoleId: `${role.id}:${sessionName}` },
      ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
    };
  },
};

/** The role's trust policy must name the caller (Decision B of §6.5); denies with NoPermission. */
function checkTrust(ctx: CallContext, trustPolicy: string, arn: string): void {
  const caller = ctx.caller;
  const compiled = compilePolicy(parsePolicyDocument(trustPolicy, { kind: 'trust' }));
  const conditionValues = globalConditionValues(ctx.services, caller, ctx);
  const principal = {
    arn: caller.arn,
    accountId: caller.accountId,
    kind: caller.principalType === 'user' ? ('user' as const) : ('role' as const),
  };
  const detail = evaluateTrust({ name: 'AssumeRolePolicy', type: 'Trust', compiled }, principal, { resource: arn, conditionValues });
  if (detail.decision === 'Allow') return;
  const auth = {
    AuthPrincipalType: caller.principalType === 'user' ? 'SubUser' : 'AssumedRoleUser',
    AuthPrincipalOwnerId: caller.accountId,
    AuthPrincipalDisplayName: caller.principalType === 'user' ? caller.principalId : caller.displayName,
  };
  throw noPermission('You are not authorized to do this action. You should be authorized by RAM.', {
    AccessDeniedDetail: {
      AuthAction: 'sts:AssumeRole',
      ...auth,
      NoPermissionType: detail.decision,
      PolicyType: 'AssumeRolePolicy',
      EncodedDiagnosticMessage: encodeDiagnostic(ctx.services.secrets, caller.accountId, {
        ExplicitDeny: detail.decision === 'ExplicitDeny',
        NoPermissionPolicyType: 'AssumeRolePolicy',
        AuthAction: 'sts:AssumeRole',
        AuthResource: arn,
        AuthPrincipal: auth,
        AuthConditions: [],
        MatchedPolicies: [],
        ...(detail.decidingStatement !== undefined
          ? { DecidingStatement: { PolicyName: 'AssumeRolePolicy', PolicyType: 'Trust', StatementIndex: detail.decidingStatement } }
          : {}),
      }),
    },
  });
}

const getCallerIdentity: RpcSpec = {
  action: 'GetCallerIdentity',
  params: {},
  async handle(_input, ctx) {
    const c = ctx.caller;
    if (c.principalType === 'root') {
      return { AccountId: c.accountId, Arn: c.arn, IdentityType: 'Account', PrincipalId: c.accountId, UserId: c.accountId };
    }
    if (c.principalType === 'user') {
      return { AccountId: c.accountId, Arn: c.arn, IdentityType: 'RAMUser', PrincipalId: c.principalId, UserId: c.principalId };
    }
    return {
      AccountId: c.accountId,
      Arn: c.arn,
      IdentityType: 'AssumedRoleUser',
      PrincipalId: c.principalId,
      RoleId: c.principalId.split(':')[0],
    };
  },
};

export const STS_OPERATIONS: RpcSpec[] = [assumeRole, getCallerIdentity];
