// Decides whether a caller may perform an action on a resource (protocol notes §6.5):
//   - the account's root key is not subject to identity policies;
//   - a RAM user is judged by its own policies and its groups' (explicit Deny > Allow > implicit deny);
//   - a role session by the role's policies intersected with the session policy of AssumeRole.
// Compiled policies are cached per principal and tagged with the account's policy epoch
// (ram_epochs), which every change bumps in its own transaction: each request reads the epoch
// (one primary-key look-up) and recompiles only when it moved, so several processes sharing one
// database never judge with stale policies.
// Modes (config.ram): enforce (deny), soft (allow, log and record the would-be denial), off.
import type { FastifyBaseLogger } from 'fastify';
import { apiError, type ApiError } from '../gateway/errors.ts';
import { settleNonce } from '../gateway/authenticate.ts';
import type { CallContext, Caller } from '../gateway/context.ts';
import type { AuthorizationRequest } from '../gateway/operation.ts';
import type { Services } from '../services.ts';
import type { Db } from '../store/database.ts';
import { newRequestId } from '../ids.ts';
import { compilePolicy, type CompiledPolicy } from './policy/compile.ts';
import { parsePolicyDocument, SESSION_POLICY_MAX_LENGTH } from './policy/document.ts';
import { evaluateWithSession, type AttachedPolicy, type DecisionDetail } from './policy/evaluate.ts';
import type { ConditionValueMap } from './policy/request-values.ts';
import { policiesOf, readEpoch, type AttachedPolicyRow, type PrincipalKind } from './directory.ts';
import { easResourceOf } from './arn.ts';
import { encodeDiagnostic, type DecodedDiagnosticMessage } from './diagnostic.ts';

export interface Authorizer {
  /** Resolves when allowed; throws Forbidden.RAM / NoPermission (with AccessDeniedDetail) when not. */
  authorize(caller: Caller, request: AuthorizationRequest, ctx: CallContext): Promise<void>;
}

/** Root may do everything; every other caller is refused (used before RAM is wired, and in unit tests). */
export const rootOnlyAuthorizer: Authorizer = {
  async authorize(caller, request) {
    if (caller.principalType === 'root') return;
    throw apiError(
      'Forbidden.RAM',
      {},
      {
        AccessDeniedDetail: {
          AuthAction: request.action,
          AuthPrincipalType: caller.principalType === 'user' ? 'SubUser' : 'AssumedRoleUser',
          AuthPrincipalOwnerId: caller.accountId,
          AuthPrincipalDisplayName: caller.displayName,
          NoPermissionType: 'ImplicitDeny',
          PolicyType: 'AccountLevelIdentityBasedPolicy',
        },
      },
    );
  },
};

/** Actions every authenticated caller may perform (STS GetCallerIdentity needs no permission). */
const ALWAYS_ALLOWED = new Set(['sts:getcalleridentity']);

// ---- compiled policies per principal, tagged with the epoch ---------------------------------

/** The policies that apply to one principal, compiled. */
export interface PrincipalPolicies {
  policies: AttachedPolicy[];
  rows: AttachedPolicyRow[];
  /** Some statement tests acs:ResourceTag/…: the addressed group's labels must be loaded. */
  usesResourceTags: boolean;
  /** Some statement tests acs:CurrentTime: a decision holds only for the second it was made in. */
  usesCurrentTime: boolean;
  /** Decisions already made for this set (it is replaced, memo and all, when the epoch moves). */
  decisions: Map<string, Omit<Judgement, 'conditionValues'>>;
}

/** Decisions remembered per principal; the oldest go first. */
const DECISIONS_PER_PRINCIPAL = 1024;

export interface PrincipalRef {
  type: 'User' | 'Role';
  id: string;
}

const COMPILED_LIMIT = 4096;

export interface PolicyCacheOptions {
  /**
   * How long a read of the account's policy epoch is trusted, ms. 0 checks it on every request.
   * Changes made through this process invalidate at once (invalidate()); changes made by another
   * process sharing the database are seen within this time, like RAM's own propagation delay.
   */
  epochTtlMs?: number;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

interface AccountEntry {
  epoch: number;
  checkedAt: number;
  principals: Map<string, PrincipalPolicies>;
  /** RAM user id → name, for callers signing with a user's key. */
  users: Map<string, { id: string; name: string } | null>;
}

export class PolicyCache {
  readonly #accounts = new Map<string, AccountEntry>();
  readonly #ttl: number;
  readonly #now: () => number;
  /** Identical documents (system policies, shared custom versions) compile once. */
  readonly #compiled = new Map<string, CompiledPolicy>();
  /** Recompilations, for tests and diagnostics. */
  loads = 0;

  constructor(opts: PolicyCacheOptions = {}) {
    this.#ttl = opts.epochTtlMs ?? 0;
    this.#now = opts.now ?? Date.now;
  }

  /** Forgets what is cached for an account (after a change made through this process). */
  invalidate(accountId: string): void {
    this.#accounts.delete(accountId);
  }

  /** The account's entry, current as of the policy epoch (read at most once per TTL). */
  async #account(db: Db, accountId: string): Promise<AccountEntry> {
    const now = this.#now();
    let account = this.#accounts.get(accountId);
    if (account && this.#ttl > 0 && now - account.checkedAt < this.#ttl) return account;
    const epoch = await readEpoch(db, accountId);
    if (!account || account.epoch !== epoch) {
      account = { epoch, checkedAt: now, principals: new Map(), users: new Map() };
      this.#accounts.set(accountId, account);
    }
    account.checkedAt = now;
    return account;
  }

  /** The account's entry when its epoch read is still trusted (no database round trip needed). */
  #fresh(accountId: string): AccountEntry | undefined {
    const account = this.#accounts.get(accountId);
    return account && this.#ttl > 0 && this.#now() - account.checkedAt < this.#ttl ? account : undefined;
  }

  /**
   * What user() and get() answer without a database read, or undefined: every signed request asks,
   * and a promise per step measured as a share of the RAM overhead.
   */
  cachedUser(accountId: string, userId: string): { id: string; name: string } | null | undefined {
    return this.#fresh(accountId)?.users.get(userId);
  }

  cached(accountId: string, principal: PrincipalRef): PrincipalPolicies | undefined {
    return this.#fresh(accountId)?.principals.get(`${principal.type}:${principal.id}`);
  }

  /** A RAM user's id and name (null when it no longer exists); cached under the epoch. */
  async user(db: Db, accountId: string, userId: string): Promise<{ id: string; name: string } | null> {
    const account = await this.#account(db, accountId);
    if (!account.users.has(userId)) {
      const row = await db
        .selectFrom('ram_users')
        .select(['id', 'name'])
        .where('id', '=', userId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      account.users.set(userId, row ?? null);
    }
    return account.users.get(userId)!;
  }

  async get(db: Db, accountId: string, principal: PrincipalRef): Promise<PrincipalPolicies> {
    const account = await this.#account(db, accountId);
    const key = `${principal.type}:${principal.id}`;
    let hit = account.principals.get(key);
    if (!hit) {
      this.loads++;
      const rows = await policiesOf(db, accountId, principal);
      const policies = rows.map((r) => ({ name: r.name, type: r.policyType, version: r.version, compiled: this.compile(r.document) }));
      hit = {
        policies,
        rows,
        usesResourceTags: policies.some((p) => mentionsResourceTags(p.compiled)),
        usesCurrentTime: policies.some((p) => mentionsCurrentTime(p.compiled)),
        decisions: new Map(),
      };
      account.principals.set(key, hit);
    }
    return hit;
  }

  /** Compiles a stored (already validated) document, or a session policy (validated by AssumeRole). */
  compile(document: string, maxLength?: number): CompiledPolicy {
    let hit = this.#compiled.get(document);
    if (!hit) {
      hit = compilePolicy(parsePolicyDocument(document, maxLength ? { maxLength } : {}));
      if (this.#compiled.size >= COMPILED_LIMIT) this.#compiled.clear();
      this.#compiled.set(document, hit);
    }
    return hit;
  }
}

function mentionsResourceTags(p: CompiledPolicy): boolean {
  return p.statements.some((s) => s.conditions.some((c) => c.key.toLowerCase().startsWith('acs:resourcetag/')));
}

function mentionsCurrentTime(p: CompiledPolicy): boolean {
  return p.statements.some((s) => s.conditions.some((c) => c.key.toLowerCase() === 'acs:currenttime'));
}

// ---- judging ------------------------------------------------------------------------------

/** Who is judged: a RAM user, or a role (optionally narrowed by a session policy). */
export interface Subject {
  accountId: string;
  principal: PrincipalRef;
  sessionPolicy?: string;
}

export interface Judgement {
  detail: DecisionDetail;
  conditionValues: ConditionValueMap;
  /** The deciding statement, when one decided. */
  deciding?: DecodedDiagnosticMessage['DecidingStatement'];
  matched: DecodedDiagnosticMessage['MatchedPolicies'];
}

export function subjectOf(caller: Caller): Subject | undefined {
  if (caller.principalType === 'user') return { accountId: caller.accountId, principal: { type: 'User', id: caller.principalId } };
  if (caller.principalType === 'assumed-role') {
    return {
      accountId: caller.accountId,
      principal: { type: 'Role', id: caller.principalId.split(':')[0] },
      sessionPolicy: caller.sessionPolicy,
    };
  }
  return undefined;
}

let lastSecond = Number.NaN;
let lastSecondText = '';

/** acs:CurrentTime, `YYYY-MM-DDTHH:mm:ssZ`; formatted once per second, not per request. */
function currentTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
  }
  return lastSecondText;
}

/** The global condition keys of a request (protocol notes §6.4). */
export function globalConditionValues(
  services: Services,
  caller: Caller,
  ctx: { sourceIp: string; secureTransport: boolean },
): ConditionValueMap {
  return {
    'acs:SourceIp': plainIp(ctx.sourceIp),
    'acs:CurrentTime': currentTime(services.clock.now()),
    'acs:SecureTransport': String(ctx.secureTransport),
    'acs:AccessId': caller.accessKeyId,
    'acs:PrincipalARN': caller.arn,
    // Key-based calls never carry MFA (console logons do; openeas has none).
    'acs:MFAPresent': 'false',
  };
}

/** ::ffff:127.0.0.1 (an IPv4 peer on a dual-stack socket) is 127.0.0.1 to a policy. */
function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** acs:ResourceTag/<key> of the addressed resource group (its Labels), scoped by account. */
async function resourceTags(db: Db, resource: string, accountId: string): Promise<ConditionValueMap> {
  const target = easResourceOf(resource);
  if (!target || target.accountId !== accountId) return {};
  const row = await db
    .selectFrom('resources')
    .select('labels')
    .where('id', '=', target.resourceId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return {};
  const labels = JSON.parse(row.labels || '{}') as Record<string, unknown>;
  const out: ConditionValueMap = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[`acs:ResourceTag/${k}`] = v;
  return out;
}

export async function judge(
  services: Services,
  cache: PolicyCache,
  subject: Subject,
  request: { action: string; resource: string },
  values: ConditionValueMap,
): Promise<Judgement> {
  const set =
    cache.cached(subject.accountId, subject.principal) ?? (await cache.get(services.store.db, subject.accountId, subject.principal));
  let session: AttachedPolicy[] | undefined;
  let sessionUsesTags = false;
  let sessionUsesTime = false;
  if (subject.sessionPolicy !== undefined) {
    const compiled = cache.compile(subject.sessionPolicy, SESSION_POLICY_MAX_LENGTH);
    session = [{ name: 'SessionPolicy', type: 'Session', compiled }];
    sessionUsesTags = mentionsResourceTags(compiled);
    sessionUsesTime = mentionsCurrentTime(compiled);
  }
  const conditionValues =
    set.usesResourceTags || sessionUsesTags
      ? { ...(await resourceTags(services.store.db, request.resource, subject.accountId)), ...values }
      : values;
  // The same request with the same condition values gets the same decision: the policies are fixed
  // for as long as this set lives. Time is part of the question only when a policy asks about it.
  const usesTime = set.usesCurrentTime || sessionUsesTime;
  const question = questionOf(request, subject.sessionPolicy, conditionValues, usesTime);
  const known = set.decisions.get(question);
  // Spelled out, not spread: a spread and then a field more takes V8's slow path (docs/ARCHITECTURE.md).
  const decided = known ?? decide(set, session, subject, request, conditionValues);
  if (!known) {
    if (set.decisions.size >= DECISIONS_PER_PRINCIPAL) set.decisions.delete(set.decisions.keys().next().value!);
    set.decisions.set(question, decided);
  }
  return { detail: decided.detail, deciding: decided.deciding, matched: decided.matched, conditionValues };
}

/**
 * The memo key of a decision: every input that can change it, each written as `<length>:<text>`.
 * Length-prefixed parts are self-delimiting, so no request value — labels are the caller's own
 * text — can make two different questions read the same; and it is cheaper than escaping.
 */
export function questionOf(
  request: { action: string; resource: string },
  sessionPolicy: string | undefined,
  values: ConditionValueMap,
  usesTime: boolean,
): string {
  const part = (text: string) => `${text.length}:${text}`;
  let key = part(request.action) + part(request.resource) + (sessionPolicy === undefined ? '-' : part(sessionPolicy));
  for (const name in values) {
    const value = values[name];
    if (value === undefined || (!usesTime && name === 'acs:CurrentTime')) continue;
    key += part(name) + (typeof value === 'string' ? part(value) : `[${value.length}]${value.map(part).join('')}`);
  }
  return key;
}

function decide(
  set: PrincipalPolicies,
  session: AttachedPolicy[] | undefined,
  subject: Subject,
  request: { action: string; resource: string },
  conditionValues: ConditionValueMap,
): Omit<Judgement, 'conditionValues'> {
  const detail = evaluateWithSession(set.policies, session, { action: request.action, resource: request.resource, conditionValues });
  let deciding: Judgement['deciding'];
  const matched: Judgement['matched'] = [];
  if (detail.decidingPolicy && detail.decidingStatement !== undefined) {
    const p = detail.decidingPolicy;
    const row = p.type === 'Session' ? undefined : set.rows.find((r) => r.name === p.name && r.policyType === p.type);
    const document = p.type === 'Session' ? subject.sessionPolicy : row?.document;
    deciding = {
      PolicyName: p.name,
      PolicyType: p.type,
      PolicyVersion: p.version,
      AttachedTo: row ? `${row.attachedTo.type}:${row.attachedTo.name}` : undefined,
      StatementIndex: detail.decidingStatement,
      Statement: statementOf(document, detail.decidingStatement),
    };
    matched.push({
      PolicyIdentifier: p.name,
      PolicyType: p.type,
      PolicyVersion: p.version ?? '',
      Effect: detail.decision === 'Allow' ? 'Allow' : 'Deny',
      AttachedEntityType: row ? row.attachedTo.type : 'Session',
      AttachedScope: 'Account',
    });
  }
  return { detail, deciding, matched };
}

function statementOf(document: string | undefined, index: number): unknown {
  if (!document) return undefined;
  try {
    const st = (JSON.parse(document) as { Statement?: unknown }).Statement;
    return Array.isArray(st) ? st[index] : st;
  } catch {
    return undefined;
  }
}

const PRINCIPAL_TYPE: Record<string, string> = { user: 'SubUser', 'assumed-role': 'AssumedRoleUser' };

/** AccessDeniedDetail for a denial (protocol notes §6.8). */
export function accessDeniedDetail(
  services: Services,
  caller: Caller,
  request: { action: string; resource: string },
  j: Judgement,
): Record<string, string> {
  const principal = {
    AuthPrincipalType: PRINCIPAL_TYPE[caller.principalType] ?? 'SubUser',
    AuthPrincipalOwnerId: caller.accountId,
    // A RAM user is shown by its id, a role session as RoleName:SessionName (§6.8).
    AuthPrincipalDisplayName: caller.principalType === 'user' ? caller.principalId : caller.displayName,
  };
  const explicit = j.detail.decision === 'ExplicitDeny';
  const message: DecodedDiagnosticMessage = {
    ExplicitDeny: explicit,
    NoPermissionPolicyType: j.detail.policyType,
    AuthAction: request.action,
    AuthResource: request.resource,
    AuthPrincipal: principal,
    AuthConditions: Object.entries(j.conditionValues)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ ConditionKey: k, ConditionValues: typeof v === 'string' ? [v] : [...(v as readonly string[])] })),
    MatchedPolicies: j.matched,
    DecidingStatement: j.deciding,
  };
  return {
    AuthAction: request.action,
    ...principal,
    NoPermissionType: explicit ? 'ExplicitDeny' : 'ImplicitDeny',
    PolicyType: j.detail.policyType,
    EncodedDiagnosticMessage: encodeDiagnostic(services.secrets, caller.accountId, message),
  };
}

/** RAM, STS and ActionTrail deny with NoPermission (their error lists); every other product with Forbidden.RAM. */
function denial(action: string, detail: Record<string, string>): ApiError {
  const code = /^(ram|sts|actiontrail):/i.test(action) ? 'NoPermission' : 'Forbidden.RAM';
  return apiError(code, {}, { AccessDeniedDetail: detail });
}

export class RamAuthorizer implements Authorizer {
  readonly cache: PolicyCache;
  constructor(private readonly services: Services) {
    this.cache = new PolicyCache({ epochTtlMs: services.config.ramCacheMs });
  }

  async authorize(caller: Caller, request: AuthorizationRequest, ctx: CallContext): Promise<void> {
    const mode = this.services.config.ram;
    if (mode === 'off' || caller.principalType === 'root') return;
    if (ALWAYS_ALLOWED.has(request.action.toLowerCase())) return;
    const subject = subjectOf(caller);
    if (!subject) throw denial(request.action, {});
    // A fresh map, so the request's own values are added to it in place (a spread cost more).
    const values: ConditionValueMap = globalConditionValues(this.services, caller, ctx);
    if (request.conditionValues) Object.assign(values, request.conditionValues);
    await this.#one(caller, subject, request, values, ctx, mode);
    // Every further resource the call touches needs the same action allowed (docs/ram.md).
    for (const resource of request.additionalResources ?? []) await this.#one(caller, subject, { ...request, resource }, values, ctx, mode);
  }

  async #one(
    caller: Caller,
    subject: Subject,
    request: AuthorizationRequest,
    values: ConditionValueMap,
    ctx: CallContext,
    mode: Services['config']['ram'],
  ): Promise<void> {
    const j = await judge(this.services, this.cache, subject, request, values);
    if (j.detail.decision === 'Allow') return;
    const detail = accessDeniedDetail(this.services, caller, request, j);
    if (mode === 'soft') {
      // A write's nonce is still pending (gateway/authenticate.ts): a replay stops here, before it leaves a record.
      if (ctx.nonce) await settleNonce(this.services, ctx.nonce);
      await recordDenial(this.services, ctx.log, ctx.requestId, caller, request, detail, j);
      return;
    }
    throw denial(request.action, detail);
  }
}

async function recordDenial(
  services: Services,
  log: FastifyBaseLogger,
  requestId: string,
  caller: Caller,
  request: AuthorizationRequest,
  detail: Record<string, string>,
  j: Judgement,
): Promise<void> {
  log.warn(
    { action: request.action, resource: request.resource, principal: caller.arn, noPermissionType: detail.NoPermissionType },
    'RAM soft mode: request would be denied',
  );
  await services.store.db
    .insertInto('ram_denials')
    .values({
      id: newRequestId(),
      account_id: caller.accountId,
      request_id: requestId,
      principal_arn: caller.arn,
      action: request.action,
      resource: request.resource,
      no_permission_type: detail.NoPermissionType,
      detail: JSON.stringify({ AccessDeniedDetail: detail, DecidingStatement: j.deciding ?? null }),
      created_at: services.clock.now(),
    })
    .execute();
}

export type { PrincipalKind };
