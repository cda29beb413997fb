// What the fuzzer sends: for every operation (EAS from the API metadata, RAM/STS/BSS from their
// parameter tables, the admin plane from the small table below) and every parameter, at any depth,
// one request per hostile value, the other parameters holding plausible values; plus whole-request
// hostilities (bodies that are not JSON, nest deeply or are huge) and raw malformed URLs.
import { EAS_OPERATIONS, EAS_PRODUCT, EAS_SERVICE_OPERATIONS } from '../../src/eas/generated/operations.ts';
import { EXTRA_OPERATIONS } from '../../src/eas/handlers/index.ts';
import type { OperationSpec, ParamSpec } from '../../src/eas/operation-spec.ts';
import { USER_OPERATIONS } from '../../src/ram/api/users.ts';
import { GROUP_OPERATIONS } from '../../src/ram/api/groups.ts';
import { ROLE_OPERATIONS } from '../../src/ram/api/roles.ts';
import { POLICY_OPERATIONS } from '../../src/ram/api/policies.ts';
import { STS_OPERATIONS } from '../../src/ram/api/sts.ts';
import { RAM_VERSION, STS_VERSION } from '../../src/ram/api/rpc.ts';
import { BSS_OPERATIONS } from '../../src/billing/bss.ts';
import { ACTIONTRAIL_VERSION } from '../../src/audit/lookup-events.ts';
import type { RpcParams } from '../../src/gateway/rpc-params.ts';
import { hostileFor, SHAPES, STRINGS, type Hostile } from './fuzz-values.ts';
import { rawEncode, type SignedRequest } from './fuzz-wire.ts';

/** Real ids made by the fuzzer's setup, so that requests get past "not found". */
export interface Fixture {
  region: string;
  resourceId: string;
  instanceId: string;
  accountId: string;
  userName: string;
  billingCycle: string;
}

export type Case =
  | { kind: 'signed'; target: string; core: boolean; request: (f: Fixture) => SignedRequest }
  | { kind: 'admin'; target: string; core: boolean; method: string; path: (f: Fixture) => string; body?: string; steering?: boolean }
  | { kind: 'raw'; target: string; core: boolean; text: (host: string, f: Fixture) => string };

/** Seeded random strings, added to every string parameter's hostile values (set by allCases). */
const EXTRA: Hostile[] = [];

// ---- plausible values

const POLICY = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'eas:Describe*', Resource: '*' }] });
const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1:root'] } }],
});

function plausible(name: string, type: string, f: Fixture, spec?: { enum?: readonly string[]; minimum?: number; min?: number }): unknown {
  const known: Record<string, unknown> = {
    ClusterId: f.region,
    ResourceId: f.resourceId,
    InstanceName: f.instanceId,
    InstanceId: f.instanceId,
    InstanceIds: [f.instanceId],
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 1,
    ChargeType: 'PostPaid',
    ResourceType: 'Dedicated',
    UserName: f.userName,
    GroupName: 'fuzz-group',
    RoleName: 'fuzz-role',
    PolicyName: 'fuzz-policy',
    PolicyType: 'Custom',
    PolicyDocument: POLICY,
    AssumeRolePolicyDocument: TRUST,
    VersionId: 'v1',
    Status: 'Active',
    RoleArn: `acs:ram::${f.accountId}:role/fuzz-role`,
    RoleSessionName: 'fuzz',
    BillingCycle: f.billingCycle,
    ProductCode: 'eas',
    RenewPeriod: 1,
    OrderId: '1',
    EncodedDiagnosticMessage: 'AQ==',
  };
  if (name in known) return known[name];
  if (spec?.enum && spec.enum.length > 0) return spec.enum[0];
  switch (type) {
    case 'integer':
    case 'int':
    case 'number':
      return spec?.minimum ?? spec?.min ?? 1;
    case 'boolean':
    case 'bool':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'x';
  }
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

// ---- EAS (ROA) operations, from the API metadata

/** Every place a value can go in a body parameter: `[]` is an array element, `{}` a map value. */
function bodyPaths(spec: ParamSpec, prefix: string[], depth: number): Array<{ path: string[]; spec: ParamSpec }> {
  const out = [{ path: prefix, spec }];
  if (depth >= 4) return out;
  for (const p of spec.properties ?? []) out.push(...bodyPaths(p, [...prefix, p.name], depth + 1));
  if (spec.items) out.push(...bodyPaths(spec.items, [...prefix, '[]'], depth + 1));
  if (spec.additionalProperties) out.push(...bodyPaths(spec.additionalProperties, [...prefix, '{}'], depth + 1));
  return out;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  if (path.length === 0) return value as Record<string, unknown>;
  const [head, ...rest] = path;
  const copy: Record<string, unknown> = { ...root };
  const key = head === '{}' ? 'k' : head!;
  const inner = copy[key];
  if (rest[0] === '[]') {
    copy[key] = [rest.length === 1 ? value : setAt({}, rest.slice(1), value)];
    return copy;
  }
  copy[key] = rest.length === 0 ? value : setAt((inner && typeof inner === 'object' ? inner : {}) as Record<string, unknown>, rest, value);
  return copy;
}

function easBaseline(
  op: OperationSpec,
  f: Fixture,
): { path: Record<string, string>; query: Array<[string, string]>; body: Record<string, unknown> } {
  const path: Record<string, string> = {};
  const query: Array<[string, string]> = [];
  let body: Record<string, unknown> = {};
  for (const p of op.params) {
    if (p.location === 'path') path[p.name] = asText(plausible(p.name, p.type, f, p));
    else if (p.location === 'query' && p.required) query.push([p.name, asText(plausible(p.name, p.type, f, p))]);
    else if (p.location === 'body') {
      for (const field of p.properties ?? []) {
        if (field.required || op.action === 'CreateResource') body[field.name] = plausible(field.name, field.type, f, field);
      }
      if (op.action === 'CreateResource')
        body = { ResourceType: 'Dedicated', EcsInstanceType: 'ecs.c6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' };
    }
  }
  return { path, query, body };
}

function easRequest(
  op: OperationSpec,
  f: Fixture,
  change: { path?: [string, string]; query?: Array<[string, string]>; body?: unknown; rawBody?: Buffer; contentType?: string },
): SignedRequest {
  const base = easBaseline(op, f);
  const pathValues = { ...base.path, ...(change.path ? { [change.path[0]]: change.path[1] } : {}) };
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => rawEncode(pathValues[name] ?? 'x'));
  const query = [...base.query.filter(([k]) => !change.query?.some(([c]) => c === k)), ...(change.query ?? [])];
  const hasBody = op.params.some((p) => p.location === 'body');
  const body = change.rawBody ?? (hasBody || change.body !== undefined ? Buffer.from(JSON.stringify(change.body ?? base.body)) : undefined);
  return {
    method: op.method,
    path,
    query,
    action: op.action,
    version: EAS_PRODUCT.version,
    body,
    contentType: body ? (change.contentType ?? 'application/json') : undefined,
  };
}

/** The query form of a hostile value for a query parameter of this shape. */
function queryPairs(p: ParamSpec, h: Hostile): Array<Array<[string, string]>> {
  if (p.type === 'array' && (!p.style || p.style === 'repeatList')) return [[[`${p.name}.1`, h.text]], [[p.name, h.text]]];
  if (p.type === 'object' && p.style === 'flat') return [[[`${p.name}.k`, h.text]], [[`${p.name}.${h.text}`, 'v']]];
  return [[[p.name, h.text]]];
}

function easCases(op: OperationSpec): Case[] {
  const cases: Case[] = [];
  const target = (what: string, h: Hostile) => `${op.action} ${what} = ${h.label}`;
  for (const p of op.params) {
    if (p.location === 'path') {
      for (const h of hostileFor('string', EXTRA)) {
        if (h.text.length > 1000) continue; // over the router's limit: the raw cases cover it
        cases.push({
          kind: 'signed',
          target: target(`path ${p.name}`, h),
          core: !!h.core,
          request: (f) => easRequest(op, f, { path: [p.name, h.text] }),
        });
      }
    } else if (p.location === 'query') {
      for (const h of hostileFor(p.type, EXTRA)) {
        for (const pairs of queryPairs(p, h)) {
          cases.push({
            kind: 'signed',
            target: target(`query ${pairs[0]![0].slice(0, 40)}`, h),
            core: !!h.core,
            request: (f) => easRequest(op, f, { query: pairs }),
          });
        }
      }
    } else {
      for (const { path, spec } of bodyPaths(p, [], 0)) {
        for (const h of path.length === 0 ? SHAPES : hostileFor(spec.type, EXTRA)) {
          cases.push({
            kind: 'signed',
            target: target(`body ${path.join('.') || '(whole)'}`, h),
            core: !!h.core,
            request: (f) => easRequest(op, f, { body: setAt(easBaseline(op, f).body, path, h.json) }),
          });
        }
        if (spec.additionalProperties) {
          for (const h of STRINGS.filter((x) => x.core)) {
            cases.push({
              kind: 'signed',
              target: target(`body ${path.join('.')} key`, h),
              core: true,
              request: (f) => easRequest(op, f, { body: setAt(easBaseline(op, f).body, path, { [h.text]: 'v' }) }),
            });
          }
        }
      }
    }
  }
  // Whole requests: a ClientToken (taken from the raw query), unknown parameters, bodies that are not what they say.
  for (const h of STRINGS) {
    cases.push({
      kind: 'signed',
      target: target('query ClientToken', h),
      core: !!h.core,
      request: (f) => easRequest(op, f, { query: [['ClientToken', h.text]] }),
    });
  }
  for (const h of STRINGS.filter((x) => x.core)) {
    cases.push({
      kind: 'signed',
      target: target('unknown query name', h),
      core: true,
      request: (f) => easRequest(op, f, { query: [[`Zz${h.text}`, 'v']] }),
    });
  }
  const raws: Array<[string, Buffer, string]> = [
    ['not-json', Buffer.from('{"a":'), 'application/json'],
    ['deep-100k', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 'application/json'],
    ['invalid-utf8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xff, 0x22, 0x7d]), 'application/json'],
    ['escaped-nul-key', Buffer.from('{"\\u0000":1,"ResourceName":"\\ud800"}'), 'application/json'],
    ['form', Buffer.from('ResourceName=%00'), 'application/x-www-form-urlencoded'],
    ['text', Buffer.from('hello'), 'text/plain'],
    ['near-limit', Buffer.from(JSON.stringify({ ResourceName: 'x'.repeat(1_000_000) })), 'application/json'],
  ];
  for (const [label, body, contentType] of raws) {
    cases.push({
      kind: 'signed',
      target: `${op.action} raw body ${label}`,
      core: label !== 'near-limit',
      request: (f) => easRequest(op, f, { rawBody: body, contentType }),
    });
  }
  return cases;
}

// ---- RPC operations (RAM, STS, BSS), from their parameter tables

function rpcCases(version: string, action: string, params: RpcParams, ordinal: number): Case[] {
  const cases: Case[] = [];
  const baseline = (f: Fixture): Array<[string, string]> =>
    Object.entries(params)
      .filter(([, p]) => p.required)
      .map(([name, p]) => [name, asText(plausible(name, p.type, f, p))]);
  const request =
    (pairs: (f: Fixture) => Array<[string, string]>, asForm: boolean) =>
    (f: Fixture): SignedRequest => {
      const all = pairs(f);
      return asForm
        ? {
            method: 'POST',
            path: '/',
            action,
            version,
            body: Buffer.from(all.map(([k, v]) => `${rawEncode(k)}=${rawEncode(v)}`).join('&')),
            contentType: 'application/x-www-form-urlencoded',
          }
        : { method: 'POST', path: '/', query: all, action, version };
    };
  let n = ordinal;
  const targets: Array<[string, string]> = [
    ...Object.entries(params).map(([name, p]) => [name, p.type] as [string, string]),
    ['ClientToken', 'string'],
  ];
  for (const [name, type] of targets) {
    for (const h of hostileFor(type, EXTRA)) {
      const pairs = (f: Fixture): Array<[string, string]> => [...baseline(f).filter(([k]) => k !== name), [name, h.text]];
      // Alternate between the query string and a form body, as the SDKs' two RPC styles do.
      cases.push({ kind: 'signed', target: `${action} ${name} = ${h.label}`, core: !!h.core, request: request(pairs, n++ % 2 === 0) });
    }
  }
  for (const h of STRINGS.filter((x) => x.core)) {
    cases.push({
      kind: 'signed',
      target: `${action} unknown name = ${h.label}`,
      core: true,
      request: request((f) => [...baseline(f), [`Zz${h.text}`, 'v']], n++ % 2 === 0),
    });
  }
  return cases;
}

/** LookupEvents checks its parameters by hand (audit/lookup-events.ts); what it reads, as a table. */
const LOOKUP_EVENTS_PARAMS: RpcParams = {
  'LookupAttribute.1.Key': { type: 'string' },
  'LookupAttribute.1.Value': { type: 'string' },
  'LookupAttribute.2.Key': { type: 'string' },
  'LookupAttribute.2.Value': { type: 'string' },
  StartTime: { type: 'string' },
  EndTime: { type: 'string' },
  NextToken: { type: 'string' },
  MaxResults: { type: 'int' },
  Direction: { type: 'string' },
};

// ---- the admin plane: its routes read these fields (src/admin, src/billing, src/ram admin routes)

const ADMIN: Array<{ method: string; path: string; fields: Record<string, string>; base?: Record<string, unknown> }> = [
  { method: 'POST', path: '/accounts', fields: { AccountId: 'string', AccessKeyId: 'string', AccessKeySecret: 'string' } },
  { method: 'POST', path: '/clock/advance', fields: { seconds: 'number', to: 'string' } },
  { method: 'POST', path: '/engine/progress', fields: { InstanceIds: 'array' } },
  {
    method: 'PUT',
    path: '/stock',
    base: { Region: 'cn-hangzhou', InstanceType: 'ecs.g6.large' },
    fields: { Region: 'string', Zone: 'string', InstanceType: 'string', Status: 'string', Available: 'number' },
  },
  {
    method: 'POST',
    path: '/faults',
    base: { Kind: 'CreateFailure', Count: 1, Region: 'xx-nowhere' },
    fields: {
      Kind: 'string',
      Region: 'string',
      Zone: 'string',
      InstanceType: 'string',
      InstanceId: 'string',
      Action: 'string',
      Count: 'number',
      Fraction: 'number',
      LatencyMs: 'number',
      Reason: 'string',
    },
  },
  { method: 'DELETE', path: '/faults/:id', fields: {} },
  {
    method: 'PUT',
    path: '/accounts/:id/quota',
    base: { Region: 'cn-shanghai' },
    fields: { Region: 'string', Instances: 'number', Vcpus: 'number', Gpus: 'number' },
  },
  { method: 'GET', path: '/accounts/:id/balance', fields: {} },
  { method: 'POST', path: '/accounts/:id/balance', fields: { Amount: 'string' } },
  {
    method: 'POST',
    path: '/ram/simulate',
    fields: { Principal: 'string', Action: 'string', Resource: 'string', Context: 'object', SessionPolicy: 'string', AccountId: 'string' },
  },
  { method: 'GET', path: '/ram/denials?AccountId=', fields: {} },
  // The views' filters and paging (src/admin/views.ts, paging.ts).
  { method: 'GET', path: '/machines?InstanceStatus=CreateFailed&AccountId=', fields: {} },
  { method: 'GET', path: '/machines?ResourceId=', fields: {} },
  { method: 'GET', path: '/groups?Region=', fields: {} },
  { method: 'GET', path: '/stock?Region=', fields: {} },
  { method: 'GET', path: '/faults?PageSize=', fields: {} },
  { method: 'GET', path: '/accounts?PageNumber=', fields: {} },
];

/** Admin values that steer the rest of the run (a clock moved by years, a latency fault): sent last. */
const ADMIN_STEERING = /^(POST \/clock\/advance (seconds|to)|POST \/faults (Kind|LatencyMs))$/;

function adminCases(): Case[] {
  const cases: Case[] = [];
  for (const r of ADMIN) {
    const pathOf = (id: string) => (f: Fixture) => `/_openeas${r.path.replace(':id', rawEncode(id || f.accountId))}`;
    const plain = pathOf('');
    const idRoute = r.path.includes(':id') || r.path.endsWith('=');
    if (idRoute) {
      for (const h of STRINGS.filter((x) => x.text.length < 1000)) {
        const withId = r.path.endsWith('=') ? () => `/_openeas${r.path}${rawEncode(h.text)}` : pathOf(h.text);
        cases.push({
          kind: 'admin',
          target: `admin ${r.method} ${r.path} id = ${h.label}`,
          core: !!h.core,
          method: r.method,
          path: withId,
        });
      }
    }
    for (const [field, type] of Object.entries(r.fields)) {
      const steering = ADMIN_STEERING.test(`${r.method} ${r.path} ${field}`);
      for (const h of hostileFor(type)) {
        cases.push({
          kind: 'admin',
          target: `admin ${r.method} ${r.path} ${field} = ${h.label}`,
          core: !!h.core,
          steering,
          method: r.method,
          path: plain,
          body: JSON.stringify({ ...r.base, [field]: h.json }),
        });
      }
    }
    if (r.method !== 'GET' && r.method !== 'DELETE') {
      for (const [label, body] of [
        ['not-json', '{'],
        ['deep', '['.repeat(50_000) + ']'.repeat(50_000)],
        ['nul-key', '{"\\u0000":"\\ud800"}'],
      ] as const) {
        cases.push({
          kind: 'admin',
          target: `admin ${r.method} ${r.path} raw body ${label}`,
          core: true,
          method: r.method,
          path: plain,
          body,
        });
      }
    }
  }
  return cases;
}

// ---- raw, unsigned, malformed requests

const RAW_TARGETS: Array<[string, string]> = [
  ['bad escape', 'GET /api/v2/resources/%ZZ'],
  ['lone percent', 'GET /api/v2/resources/cn-hangzhou/%'],
  ['segment over 100', `GET /api/v2/resources/cn-hangzhou/${'a'.repeat(101)}`],
  ['segment of 10k', `DELETE /api/v2/resources/cn-hangzhou/${'a'.repeat(10_000)}`],
  ['url over the header limit', `GET /api/v2/resources?x=${'a'.repeat(20_000)}`],
  ['nul in path', 'GET /api/v2/resources/cn-hangzhou/eas-r-%00'],
  ['surrogate bytes in path', 'GET /api/v2/resources/cn-hangzhou/%ED%A0%80'],
  ['overlong utf8', 'GET /api/v2/resources/%C0%AF'],
  ['double slash', 'GET //api/v2/resources'],
  ['bad escape in rpc query', 'GET /?Action=%ZZ&Version=2015-05-01'],
  ['bad escape in admin path', 'GET /_openeas/accounts/%ZZ/balance'],
  ['unknown route', 'GET /nowhere'],
  ['unknown method', 'PATCH /api/v2/resources'],
  ['absolute form', 'GET http://evil.example/api/v2/resources'],
];

function rawCases(): Case[] {
  const cases: Case[] = RAW_TARGETS.map(([label, line]) => ({
    kind: 'raw' as const,
    target: `raw ${label}`,
    core: true,
    text: (host: string) => `${line} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
  }));
  cases.push({ kind: 'raw', target: 'raw not http', core: true, text: () => 'HELLO\r\n\r\n' });
  cases.push({
    kind: 'raw',
    target: 'raw NUL in a client-token header',
    core: true,
    text: (host) => `GET /api/v2/resources HTTP/1.1\r\nHost: ${host}\r\nx-acs-client-token: a\u0000b\r\nConnection: close\r\n\r\n`,
  });
  cases.push({
    kind: 'raw',
    target: 'raw header without colon',
    core: true,
    text: (host) => `GET / HTTP/1.1\r\nHost: ${host}\r\nbroken\r\n\r\n`,
  });
  cases.push({
    kind: 'raw',
    target: 'raw content-length mismatch',
    core: true,
    text: (host) =>
      `POST /api/v2/resources HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello`,
  });
  return cases;
}

/** Every case, in a fixed order (the runner samples and shuffles with its seed). */
export function allCases(extra: Hostile[] = []): Case[] {
  EXTRA.length = 0;
  EXTRA.push(...extra);
  const cases: Case[] = [];
  for (const op of [...EAS_OPERATIONS, ...EAS_SERVICE_OPERATIONS, ...EXTRA_OPERATIONS.map((e) => e.spec)]) cases.push(...easCases(op));
  let ordinal = 0;
  for (const s of [...USER_OPERATIONS, ...GROUP_OPERATIONS, ...ROLE_OPERATIONS, ...POLICY_OPERATIONS]) {
    const c = rpcCases(RAM_VERSION, s.action, s.params, ordinal);
    ordinal += c.length;
    cases.push(...c);
  }
  for (const s of STS_OPERATIONS) cases.push(...rpcCases(STS_VERSION, s.action, s.params, ordinal++));
  for (const s of BSS_OPERATIONS) cases.push(...rpcCases('2017-12-14', s.action, s.params, ordinal++));
  cases.push(...rpcCases(ACTIONTRAIL_VERSION, 'LookupEvents', LOOKUP_EVENTS_PARAMS, ordinal++));
  cases.push(...adminCases(), ...rawCases());
  return cases;
}
