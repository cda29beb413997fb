// /_openeas/ram/…: the policy simulator and the would-be denials recorded in --ram soft mode.
//   POST /_openeas/ram/simulate {Principal, Action, Resource, Context?, SessionPolicy?, AccountId?}
//     → {Decision, NoPermissionType?, PolicyType, DecidingStatement?, MatchedPolicies, ConditionValues}
//   GET  /_openeas/ram/denials?AccountId=…&Limit=…  → {Denials: [...]}
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { adminBody, bodyText as text, type AdminRoute } from '../admin/routes.ts';
import type { Services } from '../services.ts';
import { findRole, findUser } from './directory.ts';
import { judge, PolicyCache, RamAuthorizer, type Subject } from './authorizer.ts';
import { PolicyDocumentError, parsePolicyDocument, SESSION_POLICY_MAX_LENGTH } from './policy/document.ts';
import type { ConditionValueMap } from './policy/request-values.ts';

const PRINCIPAL = /^acs:ram::(\d+):(root|user\/([^/]+)|role\/([^/]+))$/i;

function contextValues(v: unknown): ConditionValueMap {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw apiError('InvalidParameter', { name: 'Context', reason: 'It must be an object of condition keys.' });
  const out: ConditionValueMap = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else if (Array.isArray(val) && val.every((x) => typeof x === 'string')) out[k] = val as string[];
    else throw apiError('InvalidParameter', { name: `Context.${k}`, reason: 'Values are strings or lists of strings.' });
  }
  return out;
}

let fallbackCache: PolicyCache | undefined;
const cacheOf = (s: Services): PolicyCache =>
  s.authorizer instanceof RamAuthorizer ? s.authorizer.cache : (fallbackCache ??= new PolicyCache());

async function simulate(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const body = adminBody(req);
  const principal = text(body, 'Principal', true)!;
  const action = text(body, 'Action', true)!;
  const resource = text(body, 'Resource') ?? '*';
  const m = PRINCIPAL.exec(principal);
  if (!m)
    throw apiError('InvalidParameter', { name: 'Principal', reason: 'It must be acs:ram::<uid>:root, …:user/<name> or …:role/<name>.' });
  const accountId = text(body, 'AccountId') ?? m[1];
  const values: ConditionValueMap = {
    'acs:CurrentTime': new Date(s.clock.now()).toISOString().slice(0, 19) + 'Z',
    'acs:PrincipalARN': principal,
    'acs:MFAPresent': 'false',
    ...contextValues(body.Context),
  };
  if (m[2].toLowerCase() === 'root') {
    return { Decision: 'Allow', Reason: 'The account root is not subject to identity policies.', ConditionValues: values };
  }
  let subject: Subject;
  if (m[3] !== undefined) {
    const user = await findUser(s.store.db, accountId, m[3]);
    subject = { accountId, principal: { type: 'User', id: user.id } };
  } else {
    const role = await findRole(s.store.db, accountId, m[4]);
    const sessionPolicy = text(body, 'SessionPolicy');
    if (sessionPolicy !== undefined) {
      try {
        parsePolicyDocument(sessionPolicy, { maxLength: SESSION_POLICY_MAX_LENGTH });
      } catch (e) {
        if (e instanceof PolicyDocumentError) throw apiError('InvalidParameter.PolicyGrammar', { reason: e.message });
        throw e;
      }
    }
    subject = { accountId, principal: { type: 'Role', id: role.id }, sessionPolicy };
  }
  const j = await judge(s, cacheOf(s), subject, { action, resource }, values);
  const d = j.detail.decision;
  return {
    Decision: d === 'Allow' ? 'Allow' : 'Deny',
    ...(d === 'Allow' ? {} : { NoPermissionType: d }),
    PolicyType: j.detail.policyType,
    DecidingStatement: j.deciding ?? null,
    MatchedPolicies: j.matched,
    ConditionValues: j.conditionValues,
  };
}

async function denials(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const q = (req.query ?? {}) as Record<string, string | undefined>;
  const limit = Math.min(Math.max(Number(q.Limit ?? 100) || 100, 1), 1000);
  const rows = await s.store.db
    .selectFrom('ram_denials')
    .selectAll()
    .$if(q.AccountId !== undefined, (qb) => qb.where('account_id', '=', q.AccountId!))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return {
    Denials: rows.map((r) => ({
      RequestId: r.request_id,
      AccountId: r.account_id,
      PrincipalArn: r.principal_arn,
      Action: r.action,
      Resource: r.resource,
      NoPermissionType: r.no_permission_type,
      Time: new Date(r.created_at).toISOString(),
      ...JSON.parse(r.detail),
    })),
  };
}

export const ramAdminRoutes: AdminRoute[] = [
  { method: 'POST', path: '/ram/simulate', handler: simulate },
  { method: 'GET', path: '/ram/denials', handler: denials },
];
