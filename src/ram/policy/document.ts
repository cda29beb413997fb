// Parsing and validation of RAM policy documents (protocol notes §6.1–§6.3, §6.6–§6.7).
// `parsePolicyDocument` turns the text a client sends (CreatePolicy's PolicyDocument, CreateRole's
// AssumeRolePolicyDocument, AssumeRole's Policy) into a normalised, validated PolicyDocument, or
// throws a PolicyDocumentError that names the faulty element with a JSON-path-like location:
//
//   Statement[1].Condition.IpAdress: unknown condition operator "IpAdress"
//
// The grammar is deliberately strict where Alibaba's documentation is silent, so that a document
// accepted here means one thing. Choices (also in docs/ram-policy-language.md):
//   - element names and Effect values are case-sensitive ("Allow", not "allow");
//   - unknown top-level and statement members are refused, NotResource included (§6.1: the
//     2024–2026 grammar lists only Resource);
//   - `Sid` is accepted (an optional string) in every statement (§6.1 leaves it unconfirmed);
//   - only the 21 documented condition operators exist: `…IfExists`, `ForAnyValue:` and
//     `ForAllValues:` appear in no Alibaba document (§6.3), so they are refused as unknown
//     operators rather than given AWS semantics that Alibaba may not share;
//   - an empty Condition block, an operator with no keys and an empty value list are refused;
//   - duplicate member names are refused (JSON.parse would silently keep the last one).

import { JsonSyntaxError, parseJson, type JsonObject, type JsonValue } from './json.ts';
import { parseIsoInstant } from './iso-date.ts';
import { parseIpRange } from '../../ip.ts';
import { NUMBER_TEXT } from './request-values.ts';

/** CreatePolicy / CreatePolicyVersion limit (§6.6). */
export const POLICY_DOCUMENT_MAX_LENGTH = 6144;
/** AssumeRole's session `Policy` limit (§6.6). */
export const SESSION_POLICY_MAX_LENGTH = 1024;

/**
 * `InvalidParameter.PolicyDocument` for every grammar fault, `InvalidParameter.PolicyDocument.Length`
 * when the text is longer than allowed. The RAM and STS handlers map these to the codes of their
 * APIs (AssumeRole: InvalidParameter.PolicyGrammar / InvalidParameter.PolicySize, §7).
 */
export type PolicyDocumentErrorCode = 'InvalidParameter.PolicyDocument' | 'InvalidParameter.PolicyDocument.Length';

export class PolicyDocumentError extends Error {
  constructor(
    readonly code: PolicyDocumentErrorCode,
    /** What is wrong, without the location. */
    readonly reason: string,
    /** JSON-path-like location (`Statement[0].Resource[2]`), absent for whole-text faults. */
    readonly location?: string,
  ) {
    super(location ? `${location}: ${reason}` : reason);
    this.name = 'PolicyDocumentError';
  }
}

export type PolicyKind = 'identity' | 'trust';
export type Effect = 'Allow' | 'Deny';

export const CONDITION_OPERATORS = {
  StringEquals: { family: 'String', negated: false },
  StringNotEquals: { family: 'String', negated: true },
  StringEqualsIgnoreCase: { family: 'String', negated: false },
  StringNotEqualsIgnoreCase: { family: 'String', negated: true },
  StringLike: { family: 'String', negated: false },
  StringNotLike: { family: 'String', negated: true },
  NumericEquals: { family: 'Numeric', negated: false },
  NumericNotEquals: { family: 'Numeric', negated: true },
  NumericLessThan: { family: 'Numeric', negated: false },
  NumericLessThanEquals: { family: 'Numeric', negated: false },
  NumericGreaterThan: { family: 'Numeric', negated: false },
  NumericGreaterThanEquals: { family: 'Numeric', negated: false },
  DateEquals: { family: 'Date', negated: false },
  DateNotEquals: { family: 'Date', negated: true },
  DateLessThan: { family: 'Date', negated: false },
  DateLessThanEquals: { family: 'Date', negated: false },
  DateGreaterThan: { family: 'Date', negated: false },
  DateGreaterThanEquals: { family: 'Date', negated: false },
  Bool: { family: 'Bool', negated: false },
  IpAddress: { family: 'Ip', negated: false },
  NotIpAddress: { family: 'Ip', negated: true },
} as const satisfies Record<string, { family: OperatorFamily; negated: boolean }>;

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Ip';
export type ConditionOperator = keyof typeof CONDITION_OPERATORS;

export function isConditionOperator(name: string): name is ConditionOperator {
  return Object.hasOwn(CONDITION_OPERATORS, name);
}

/** Actions (Action or NotAction) of a statement, as written. */
export interface ActionClause {
  /** True for NotAction: the statement applies to every action except these. */
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

export interface PolicyPrincipal {
  readonly ram: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

/**
 * One condition: operator, key and its values, normalised to strings (numbers as written by
 * String(), booleans as "true"/"false"). Values are validated for the operator's family.
 */
export interface PolicyCondition {
  readonly operator: ConditionOperator;
  readonly key: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly action: ActionClause;
  /** ARN patterns; absent only in a trust policy that names no Resource (then any resource). */
  readonly resource?: readonly string[];
  /** Present in (and only in) trust policies. */
  readonly principal?: PolicyPrincipal;
  /** Every condition must hold (operators AND, keys AND, values OR). Empty: no conditions. */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyDocument {
  readonly version: '1';
  readonly kind: PolicyKind;
  readonly statements: readonly PolicyStatement[];
}

export interface ParseOptions {
  /** Maximum length in characters (Unicode code points); default 6,144. */
  maxLength?: number;
  /** 'identity' (default): Resource required, no Principal. 'trust': Principal required, sts:AssumeRole only. */
  kind?: PolicyKind;
}

const TOP_LEVEL_KEYS = new Set(['Version', 'Statement']);
const STATEMENT_KEYS: Record<PolicyKind, Set<string>> = {
  identity: new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'Condition']),
  trust: new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'Condition', 'Principal']),
};

/** `<service>:<ActionName>` with `*`/`?` wildcards, or `*` alone (§6.1). */
const ACTION_FORMAT = /^(?:\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+)$/;
/** `acs:<service>:<region>:<account>:` (region and account may be empty or wildcards; §6.7). */
const ARN_PREFIX = /^acs:[A-Za-z0-9*?-]+:[A-Za-z0-9*?-]*:[0-9*?]*:/;
/** `<service>:<Name>[/<tag key>]`: acs:SourceIp, acs:ResourceTag/team, oss:Prefix … */
const CONDITION_KEY_FORMAT = /^[A-Za-z0-9-]+:[A-Za-z][A-Za-z0-9_.-]*(?:\/[^\u0000-\u001f\u007f]+)?$/;
const RAM_PRINCIPAL = /^acs:ram::[0-9]+:(?:root|(?:user|role)\/[A-Za-z0-9.@_*?-]+)$/;
const SERVICE_PRINCIPAL = /^(?:[0-9]+@)?[A-Za-z0-9*?-]+(?:\.[A-Za-z0-9*?-]+)+$/;
const FEDERATED_PRINCIPAL = /^acs:ram::[0-9]+:(?:saml-provider|oidc-provider)\/[A-Za-z0-9._*?-]+$/;

const INVALID = 'InvalidParameter.PolicyDocument';

function fail(location: string | undefined, reason: string): never {
  throw new PolicyDocumentError(INVALID, reason, location);
}

/** `.Name` when the name is plain, `["odd name"]` otherwise. */
function member(path: string, name: string): string {
  return /^[A-Za-z0-9_:/-]+$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function codePointLength(text: string, stopAfter: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= stopAfter; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function parsePolicyDocument(text: string, opts: ParseOptions = {}): PolicyDocument {
  const maxLength = opts.maxLength ?? POLICY_DOCUMENT_MAX_LENGTH;
  const kind = opts.kind ?? 'identity';
  if (text.length > maxLength && codePointLength(text, maxLength) > maxLength) {
    throw new PolicyDocumentError('InvalidParameter.PolicyDocument.Length', `the policy document is longer than ${maxLength} characters`);
  }
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) fail(undefined, `malformed JSON at position ${e.position}: ${e.reason}`);
    throw e;
  }
  if (!isObject(root)) fail(undefined, `the policy document must be a JSON object, not ${describe(root)}`);
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(member('', key).replace(/^\./, ''), `unknown element "${key}"`);
  }
  if (!('Version' in root)) fail('Version', 'is required and must be "1"');
  if (root.Version !== '1') fail('Version', `must be "1", not ${describe(root.Version)}`);
  if (!('Statement' in root)) fail('Statement', 'is required');

  const raw = root.Statement;
  let statements: PolicyStatement[];
  if (Array.isArray(raw)) {
    if (raw.length === 0) fail('Statement', 'must not be empty');
    statements = raw.map((s, i) => parseStatement(s, `Statement[${i}]`, kind));
  } else if (isObject(raw)) {
    statements = [parseStatement(raw, 'Statement', kind)];
  } else {
    fail('Statement', `must be a statement object or a list of them, not ${describe(raw)}`);
  }
  return { version: '1', kind, statements };
}

function parseStatement(raw: JsonValue, at: string, kind: PolicyKind): PolicyStatement {
  if (!isObject(raw)) fail(at, `a statement must be an object, not ${describe(raw)}`);
  const allowed = STATEMENT_KEYS[kind];
  for (const key of Object.keys(raw)) {
    if (allowed.has(key)) continue;
    if (key === 'Principal') fail(member(at, key), 'Principal is only allowed in trust policies');
    fail(member(at, key), `unknown element "${key}"`);
  }

  let sid: string | undefined;
  if ('Sid' in raw) {
    if (typeof raw.Sid !== 'string') fail(`${at}.Sid`, `must be a string, not ${describe(raw.Sid)}`);
    sid = raw.Sid;
  }

  if (!('Effect' in raw)) fail(`${at}.Effect`, 'is required ("Allow" or "Deny")');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    fail(`${at}.Effect`, `must be "Allow" or "Deny", not ${describe(raw.Effect)}`);
  }
  const effect: Effect = raw.Effect;

  const hasAction = 'Action' in raw;
  const hasNotAction = 'NotAction' in raw;
  if (hasAction === hasNotAction) {
    fail(at, hasAction ? 'Action and NotAction cannot both be given' : 'one of Action or NotAction is required');
  }
  const actionKey = hasAction ? 'Action' : 'NotAction';
  if (kind === 'trust' && hasNotAction) fail(`${at}.NotAction`, 'NotAction is not allowed in a trust policy');
  const patterns = stringList(raw[actionKey], `${at}.${actionKey}`, (value, loc) => {
    if (!ACTION_FORMAT.test(value)) fail(loc, `invalid action format "${value}" (expected <service>:<ActionName> or *)`);
    if (kind === 'trust' && value.toLowerCase() !== 'sts:assumerole') {
      fail(loc, `a trust policy only allows the action "sts:AssumeRole", not "${value}"`);
    }
  });
  const action: ActionClause = { negated: hasNotAction, patterns };

  let resource: string[] | undefined;
  if ('Resource' in raw) {
    resource = stringList(raw.Resource, `${at}.Resource`, checkResource);
  } else if (kind === 'identity') {
    fail(`${at}.Resource`, 'is required');
  }

  let principal: PolicyPrincipal | undefined;
  if (kind === 'trust') {
    if (!('Principal' in raw)) fail(`${at}.Principal`, 'is required in a trust policy');
    principal = parsePrincipal(raw.Principal, `${at}.Principal`);
  }

  const conditions = 'Condition' in raw ? parseCondition(raw.Condition, `${at}.Condition`) : [];

  const statement: { -readonly [K in keyof PolicyStatement]: PolicyStatement[K] } = { effect, action, conditions };
  if (sid !== undefined) statement.sid = sid;
  if (resource !== undefined) statement.resource = resource;
  if (principal !== undefined) statement.principal = principal;
  return statement;
}

/** A string or a non-empty list of strings; `check` validates each (location given). */
function stringList(raw: JsonValue, at: string, check: (value: string, at: string) => void): string[] {
  if (typeof raw === 'string') {
    check(raw, at);
    return [raw];
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    fail(at, `must be a string or a non-empty list of strings, not ${describe(raw)}`);
  }
  return raw.map((item, i) => {
    const loc = `${at}[${i}]`;
    if (typeof item !== 'string') fail(loc, `must be a string, not ${describe(item)}`);
    check(item, loc);
    return item;
  });
}

function checkResource(value: string, at: string): void {
  if (value === '*') return;
  if (!value.startsWith('acs:'))
    fail(at, `invalid ARN prefix "${value.split(':').slice(0, 4).join(':')}" (expected acs:<service>:<region>:<account-id>:<relative-id>)`);
  const m = ARN_PREFIX.exec(value);
  if (!m) {
    const parts = value.split(':');
    const shown = parts.length < 5 ? value : parts.slice(0, 4).join(':');
    fail(at, `invalid ARN prefix "${shown}" (expected acs:<service>:<region>:<account-id>:<relative-id>)`);
  }
  if (value.length === m[0].length) fail(at, `invalid ARN "${value}": the relative resource id is empty`);
}

const PRINCIPAL_TYPES = {
  RAM: { format: RAM_PRINCIPAL, expected: 'acs:ram::<uid>:root, acs:ram::<uid>:user/<name> or acs:ram::<uid>:role/<name>' },
  Service: { format: SERVICE_PRINCIPAL, expected: 'a service name such as ecs.aliyuncs.com' },
  Federated: { format: FEDERATED_PRINCIPAL, expected: 'acs:ram::<uid>:saml-provider/<name> or acs:ram::<uid>:oidc-provider/<name>' },
} as const;

function parsePrincipal(raw: JsonValue, at: string): PolicyPrincipal {
  if (!isObject(raw)) fail(at, `must be an object with RAM, Service or Federated, not ${describe(raw)}`);
  const keys = Object.keys(raw);
  if (keys.length === 0) fail(at, 'must name at least one of RAM, Service or Federated');
  const out = { ram: [] as string[], service: [] as string[], federated: [] as string[] };
  for (const key of keys) {
    if (key !== 'RAM' && key !== 'Service' && key !== 'Federated') {
      fail(member(at, key), `unknown principal type "${key}" (expected RAM, Service or Federated)`);
    }
    const { format, expected } = PRINCIPAL_TYPES[key];
    const values = stringList(raw[key], `${at}.${key}`, (value, loc) => {
      if (!format.test(value)) fail(loc, `invalid ${key} principal "${value}" (expected ${expected})`);
    });
    out[key === 'RAM' ? 'ram' : key === 'Service' ? 'service' : 'federated'] = values;
  }
  return out;
}

function parseCondition(raw: JsonValue, at: string): PolicyCondition[] {
  if (!isObject(raw)) fail(at, `must be an object of condition operators, not ${describe(raw)}`);
  const operators = Object.keys(raw);
  if (operators.length === 0) fail(at, 'must not be empty');
  const out: PolicyCondition[] = [];
  for (const operator of operators) {
    const opAt = member(at, operator);
    if (!isConditionOperator(operator)) {
      const hint = /IfExists$|^ForAnyValue:|^ForAllValues:/.test(operator)
        ? ' (…IfExists, ForAnyValue: and ForAllValues: forms are not supported)'
        : '';
      fail(opAt, `unknown condition operator "${operator}"${hint}`);
    }
    const block = raw[operator];
    if (!isObject(block)) fail(opAt, `must be an object of condition keys, not ${describe(block)}`);
    const keys = Object.keys(block);
    if (keys.length === 0) fail(opAt, 'must name at least one condition key');
    for (const key of keys) {
      const keyAt = member(opAt, key);
      if (!CONDITION_KEY_FORMAT.test(key)) {
        fail(keyAt, `invalid condition key format "${key}" (expected <service>:<Name>, e.g. acs:SourceIp)`);
      }
      out.push({ operator, key, values: conditionValues(operator, block[key], keyAt) });
    }
  }
  return out;
}

function conditionValues(operator: ConditionOperator, raw: JsonValue, at: string): string[] {
  const { family } = CONDITION_OPERATORS[operator];
  const items: [JsonValue, string][] = Array.isArray(raw) ? raw.map((v, i) => [v, `${at}[${i}]`]) : [[raw, at]];
  if (items.length === 0) fail(at, 'must not be an empty list');
  if (family === 'Bool' && items.length > 1) fail(at, 'Bool takes exactly one value ("true" or "false")');
  return items.map(([v, loc]) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      fail(loc, `a condition value must be a string, number or boolean, not ${describe(v)}`);
    }
    return conditionValue(operator, family, v, loc);
  });
}

function conditionValue(operator: ConditionOperator, family: OperatorFamily, v: string | number | boolean, at: string): string {
  switch (family) {
    case 'String':
      return String(v);
    case 'Numeric':
      if (typeof v === 'number') return String(v);
      if (typeof v === 'string' && NUMBER_TEXT.test(v) && Number.isFinite(Number(v))) return v;
      return fail(at, `${operator} needs a number, not ${JSON.stringify(v)}`);
    case 'Date':
      if (typeof v === 'string' && parseIsoInstant(v) !== undefined) return v;
      return fail(at, `${operator} needs an ISO 8601 date-time such as "2019-08-12T17:00:00+08:00", not ${JSON.stringify(v)}`);
    case 'Bool': {
      const s = String(v).toLowerCase();
      if (s === 'true' || s === 'false') return s;
      return fail(at, `Bool needs true or false, not ${JSON.stringify(v)}`);
    }
    case 'Ip':
      if (typeof v === 'string' && parseIpRange(v) !== undefined) return v;
      return fail(at, `${operator} needs an IPv4/IPv6 address or CIDR block, not ${JSON.stringify(v)}`);
  }
}
