// Compiles a parsed PolicyDocument once into matchers, so that judging a request does no JSON
// parsing, no pattern compilation and no value parsing on the policy side:
//   - actions are lower-cased and matched case-insensitively (§6.2: "in most cases not case-sensitive");
//   - resources are matched case-insensitively over the whole ARN (§6.2 leaves this unconfirmed):
//     every name space openeas authorizes is case-insensitive (RAM names) or lower-case only (ids,
//     regions), so folding never merges two resources, and a Deny written `user/Admin` holds for
//     the user stored as `admin` and for every spelling of either;
//   - `*`/`?` patterns become linear-time matchers (wildcard.ts explains why not RegExp);
//   - condition values become Sets, numbers, epoch milliseconds and parsed CIDR blocks.
//
// Condition semantics (the "missing-key rule", §6.3 leaves it unconfirmed; AWS convention):
//   - several values for one key: OR; several keys under one operator: AND; several operators: AND;
//   - a key absent from the request (undefined or []): positive operators are false, negated
//     operators (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals,
//     DateNotEquals, NotIpAddress) are true;
//   - a multi-valued request key: a positive operator holds when any request value matches any
//     policy value; a negated operator holds when no request value matches any policy value;
//   - a request value that cannot be read in the operator's type (an address that is not an IP,
//     a date that is not ISO 8601) matches nothing: positive operators false, negated true.

import {
  CONDITION_OPERATORS,
  parsePolicyDocument,
  type ConditionOperator,
  type ParseOptions,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyKind,
  type PolicyPrincipal,
} from './document.ts';
import { parseIpRange, ipInRange, type IpAddress, type IpRange } from '../../ip.ts';
import { parseIsoInstant } from './iso-date.ts';
import type { RequestValues } from './request-values.ts';
import { compilePatternSet, type PatternSet } from './wildcard.ts';

/** The caller as a trust policy sees it (§6.6, §6.7). */
export interface TrustPrincipal {
  /** acs:ram::<uid>:user/<name>, acs:ram::<uid>:role/<name>[/<session>], acs:ram::<uid>:root, or the service name. */
  arn: string;
  accountId: string;
  kind: 'root' | 'user' | 'role' | 'service';
  /** For kind 'service': the service principal, e.g. ecs.aliyuncs.com. */
  service?: string;
}

export interface CompiledCondition {
  readonly operator: ConditionOperator;
  readonly key: string;
  test(values: RequestValues): boolean;
}

export interface CompiledStatement {
  /** Position in the document's Statement list. */
  readonly index: number;
  readonly deny: boolean;
  /** Matches lower-cased action names. */
  readonly actions: PatternSet;
  /** NotAction: the statement applies when `actions` does not match. */
  readonly notAction: boolean;
  /** Matches lower-cased resources; undefined when the statement has no Resource (trust policies only): any resource. */
  readonly resources: PatternSet | undefined;
  /** Trust policies: does the statement's Principal name this caller? */
  readonly principal: ((p: TrustPrincipal) => boolean) | undefined;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly statements: readonly CompiledStatement[];
  /**
   * The statements whose Action/NotAction clause covers this lower-cased action, in document
   * order. Memoised per action name: a server has a bounded set of actions, so after warm-up a
   * request only visits the statements that can apply to it.
   */
  statementsFor(actionLower: string): readonly CompiledStatement[];
}

/** Distinct action names remembered per policy before the memo starts over. */
const ACTION_MEMO_LIMIT = 512;

export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  const statements: CompiledStatement[] = doc.statements.map((s, index) => ({
    index,
    deny: s.effect === 'Deny',
    actions: compilePatternSet(s.action.patterns, true),
    notAction: s.action.negated,
    resources: s.resource === undefined ? undefined : compilePatternSet(s.resource, true),
    principal: s.principal === undefined ? undefined : compilePrincipal(s.principal),
    conditions: s.conditions.map(compileCondition),
  }));
  const memo = new Map<string, readonly CompiledStatement[]>();
  return {
    kind: doc.kind,
    statements,
    statementsFor(actionLower) {
      let hit = memo.get(actionLower);
      if (hit === undefined) {
        hit = statements.filter((st) => st.actions.matches(actionLower) !== st.notAction);
        if (memo.size >= ACTION_MEMO_LIMIT) memo.clear();
        memo.set(actionLower, hit);
      }
      return hit;
    },
  };
}

/** Parses (throwing PolicyDocumentError) and compiles in one step. */
export function compilePolicyText(text: string, opts?: ParseOptions): CompiledPolicy {
  return compilePolicy(parsePolicyDocument(text, opts));
}

// ---- conditions ---------------------------------------------------------------------------

/** Does any request value match any policy value, for the operator's positive form? */
type AnyMatch = (values: RequestValues, keyLower: string) => boolean | undefined;

function compileCondition(c: PolicyCondition): CompiledCondition {
  const keyLower = c.key.toLowerCase();
  const { negated } = CONDITION_OPERATORS[c.operator];
  const anyMatch = compileAnyMatch(c.operator, c.values);
  // anyMatch answers undefined when the key is absent.
  const test = negated
    ? (values: RequestValues) => {
        const m = anyMatch(values, keyLower);
        return m === undefined ? true : !m;
      }
    : (values: RequestValues) => anyMatch(values, keyLower) === true;
  return { operator: c.operator, key: c.key, test };
}

function compileAnyMatch(operator: ConditionOperator, policyValues: readonly string[]): AnyMatch {
  // Predicates are built here, once, so that judging a request allocates no closures.
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals': {
      const set = new Set(policyValues);
      const pred = (v: string) => set.has(v);
      return (rv, k) => some(rv.strings(k), pred);
    }
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase': {
      const set = new Set(policyValues.map((v) => v.toLowerCase()));
      const pred = (v: string) => set.has(v.toLowerCase());
      return (rv, k) => some(rv.strings(k), pred);
    }
    case 'StringLike':
    case 'StringNotLike': {
      const patterns = compilePatternSet(policyValues); // case-sensitive (§6.2)
      const pred = (v: string) => patterns.matches(v);
      return (rv, k) => some(rv.strings(k), pred);
    }
    case 'NumericEquals':
    case 'NumericNotEquals':
      return ordered(policyValues.map(Number), (a, b) => a === b, 'numbers');
    case 'NumericLessThan':
      return ordered(policyValues.map(Number), (a, b) => a < b, 'numbers');
    case 'NumericLessThanEquals':
      return ordered(policyValues.map(Number), (a, b) => a <= b, 'numbers');
    case 'NumericGreaterThan':
      return ordered(policyValues.map(Number), (a, b) => a > b, 'numbers');
    case 'NumericGreaterThanEquals':
      return ordered(policyValues.map(Number), (a, b) => a >= b, 'numbers');
    case 'DateEquals':
    case 'DateNotEquals':
      return ordered(instants(policyValues), (a, b) => a === b, 'instants');
    case 'DateLessThan':
      return ordered(instants(policyValues), (a, b) => a < b, 'instants');
    case 'DateLessThanEquals':
      return ordered(instants(policyValues), (a, b) => a <= b, 'instants');
    case 'DateGreaterThan':
      return ordered(instants(policyValues), (a, b) => a > b, 'instants');
    case 'DateGreaterThanEquals':
      return ordered(instants(policyValues), (a, b) => a >= b, 'instants');
    case 'Bool': {
      const want = policyValues[0]; // "true" | "false", one value (document.ts)
      const pred = (v: string) => v.length === want.length && v.toLowerCase() === want;
      return (rv, k) => some(rv.strings(k), pred);
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const ranges = policyValues.map((v) => parseIpRange(v) as IpRange);
      const pred = (ip: IpAddress | undefined) => {
        if (ip === undefined) return false;
        for (let i = 0; i < ranges.length; i++) if (ipInRange(ip, ranges[i])) return true;
        return false;
      };
      return (rv, k) => some(rv.ips(k), pred);
    }
  }
}

function instants(values: readonly string[]): number[] {
  return values.map((v) => parseIsoInstant(v) as number);
}

/** `request <cmp> policy` for some request value and some policy value; NaN never compares. */
function ordered(policy: readonly number[], cmp: (request: number, policy: number) => boolean, kind: 'numbers' | 'instants'): AnyMatch {
  let pred: (v: number) => boolean;
  if (policy.length === 1) {
    const p = policy[0];
    pred = (v) => cmp(v, p);
  } else {
    pred = (v) => {
      for (let i = 0; i < policy.length; i++) if (cmp(v, policy[i])) return true;
      return false;
    };
  }
  return kind === 'numbers' ? (rv, k) => some(rv.numbers(k), pred) : (rv, k) => some(rv.instants(k), pred);
}

/** undefined when the key is absent, else whether some value satisfies `pred`. */
function some<T>(values: readonly T[] | undefined, pred: (v: T) => boolean): boolean | undefined {
  if (values === undefined) return undefined;
  for (let i = 0; i < values.length; i++) if (pred(values[i])) return true;
  return false;
}

// ---- principals (trust policies) ----------------------------------------------------------

const ROOT_ENTRY = /^acs:ram::([0-9]+):root$/;
/** acs:ram::<uid>:role/<name>/<session> → acs:ram::<uid>:role/<name> */
const ROLE_SESSION = /^(acs:ram::[^:]*:role\/[^/]+)\/.+$/i;

/**
 * RAM entries: `acs:ram::<uid>:root` trusts the account and every RAM user and role in it (the
 * account decides by its own identity policies, §6.5); `…:user/<name>` and `…:role/<name>` name
 * one identity, with `*`/`?` allowed in the name. ARNs compare case-insensitively (RAM names are
 * unique regardless of case). A role session (…:role/<name>/<session>) is judged as its role.
 * Service entries match service principals by name; `<uid>@<service>` also requires the account.
 * Federated entries name SAML/OIDC providers and never match a root, user, role or service caller.
 */
function compilePrincipal(p: PolicyPrincipal): (principal: TrustPrincipal) => boolean {
  const rootAccounts = new Set<string>();
  const identities: string[] = [];
  for (const entry of p.ram) {
    const m = ROOT_ENTRY.exec(entry);
    if (m) rootAccounts.add(m[1]);
    else identities.push(entry);
  }
  const identityPatterns = compilePatternSet(identities, true);
  const plainServices = compilePatternSet(
    p.service.filter((s) => !s.includes('@')),
    true,
  );
  const scopedServices = compilePatternSet(
    p.service.filter((s) => s.includes('@')),
    true,
  );
  const hasIdentities = identities.length > 0;
  const hasPlain = p.service.some((s) => !s.includes('@'));
  const hasScoped = p.service.some((s) => s.includes('@'));
  return (principal) => {
    switch (principal.kind) {
      case 'root':
        return rootAccounts.has(principal.accountId);
      case 'user':
        return rootAccounts.has(principal.accountId) || (hasIdentities && identityPatterns.matches(principal.arn.toLowerCase()));
      case 'role': {
        if (rootAccounts.has(principal.accountId)) return true;
        if (!hasIdentities) return false;
        const roleArn = ROLE_SESSION.exec(principal.arn)?.[1] ?? principal.arn;
        return identityPatterns.matches(roleArn.toLowerCase());
      }
      case 'service': {
        const service = (principal.service ?? principal.arn).toLowerCase();
        return (hasPlain && plainServices.matches(service)) || (hasScoped && scopedServices.matches(`${principal.accountId}@${service}`));
      }
    }
  };
}
