// An audit event's stored record is written straight to JSON text (audit/parameters.ts, event.ts)
// for speed. What LookupEvents returns must be what the plain rules give: the model below copies
// the parameters into a bounded object and lets JSON.stringify write it (how openeas wrote events
// before); every case, hostile ones included, must read back the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestParametersJson, responseElementsJson } from '../../src/audit/parameters.ts';
import { buildEvent, presentEvent, storedResourceNames, storedResourceTypes } from '../../src/audit/event.ts';
import type { FinishedCall } from '../../src/gateway/context.ts';
import type { Config } from '../../src/config.ts';

// --- the model: the rules of docs/audit-trail.md "Secrets and size", written the simple way
const PROTOCOL = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
]);
const secret = (k: string) => {
  const l = k.toLowerCase();
  return (
    ['signature', 'securitytoken', 'bearertoken', 'accesskeysecret', 'token', 'accesstoken'].includes(l) ||
    l.includes('password') ||
    l.includes('secret')
  );
};

class Model {
  left = 8192;
  value(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.string(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= 8 || this.left <= 0) return '[omitted: too large]';
    if (Array.isArray(v)) {
      const items = v.slice(0, 100).map((item) => this.value(item, depth + 1));
      if (v.length > 100) items.push(`[${v.length - 100} more items omitted]`);
      return items;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return '[omitted]';
    return this.object(v as Record<string, unknown>, depth);
  }
  object(o: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [key, v] of Object.entries(o)) {
      if (secret(key) || key === '__proto__') continue;
      if (n++ >= 100 || this.left <= 0) {
        out['[omitted]'] = 'more parameters than an audit event keeps';
        break;
      }
      this.left -= key.length;
      out[key] = key.toLowerCase() === 'userdata' ? `[omitted: ${String(v).length} characters]` : this.value(v, depth + 1);
    }
    return out;
  }
  string(s: string): string {
    const keep = Math.max(0, Math.min(s.length, 1024, this.left));
    this.left -= keep;
    return keep === s.length ? s : `${s.slice(0, keep)}…[truncated: ${s.length} characters]`;
  }
}

function modelParameters(raw: { params: Record<string, string>; query: Record<string, unknown>; body?: unknown }): unknown {
  const all: Record<string, unknown> = { ...raw.params };
  for (const [k, v] of Object.entries(raw.query)) if (!PROTOCOL.has(k)) all[k] = v;
  if (raw.body !== undefined) {
    if (raw.body && typeof raw.body === 'object' && !Array.isArray(raw.body)) {
      for (const [k, v] of Object.entries(raw.body)) if (k !== '__proto__') all[k] = v;
    } else all.body = raw.body;
  }
  return JSON.parse(JSON.stringify(new Model().object(all, 0)));
}

// --- cases
const long = (n: number, c = 'x') => c.repeat(n);
const deep = (levels: number): unknown => (levels === 0 ? 'bottom' : { d: deep(levels - 1) });
const many = (n: number, prefix = 'K') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));
class Custom {
  x = 1;
}

const cases: Array<[string, { params: Record<string, string>; query: Record<string, unknown>; body?: unknown }]> = [
  [
    'a create',
    {
      params: { ClusterId: 'cn-hangzhou', ResourceId: 'eas-r-abc' },
      query: {},
      body: { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1 },
    },
  ],
  [
    'an RPC call',
    { params: {}, query: { Action: 'CreateUser', Version: '2015-05-01', UserName: 'alice', Signature: 's', Timestamp: 't' } },
  ],
  [
    'credentials at any depth',
    {
      params: {},
      query: { Password: 'p' },
      body: { a: { SecurityToken: 't', b: [{ AccessKeySecret: 's', c: 1 }] }, MySecretThing: 'x', token: 'x' },
    },
  ],
  // Keys over 64 characters are not remembered between calls (they are the caller's to choose): still judged every time.
  [
    'long keys',
    {
      params: {},
      query: {},
      body: { [`${long(100)}Password`]: 'p', [`${long(100, 'k')}UserData`]: 'x', [long(100, 'k')]: 'kept', userdata: long(80) },
    },
  ],
  ['UserData', { params: {}, query: {}, body: { UserData: long(5000), userdata: { nested: true } } }],
  [
    'a key in two sources',
    { params: { ResourceId: 'eas-r-p' }, query: { ResourceId: 'eas-r-q', X: '1' }, body: { X: 2, ResourceId: 'eas-r-b', Y: 3 } },
  ],
  ['a protocol key in the body', { params: {}, query: { Action: 'A', Name: 'n' }, body: { Action: 'from body', Name: 'body wins' } }],
  ['index-like keys', { params: { Z: 'z' }, query: { '2': 'two', b: 'b' }, body: { '1': 'one', a: 'a', '10': 'ten', '01': 'x' } }],
  ['__proto__ keys', { params: {}, query: {}, body: JSON.parse('{"__proto__":{"polluted":1},"a":{"__proto__":2,"b":3}}') }],
  ['strings over 1,024 characters', { params: {}, query: { Long: long(3000) }, body: { l: [long(1025), long(1024), ''] } }],
  [
    'the 8,192-character budget',
    { params: {}, query: {}, body: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, long(1000, String(i % 10))])) },
  ],
  [
    'the budget spent by keys',
    { params: {}, query: {}, body: Object.fromEntries(Array.from({ length: 90 }, (_, i) => [long(100, 'k') + i, i])) },
  ],
  // Where the entry limit is reached, which keys count first decides what is kept.
  ['index-like keys past the entry limit', { params: many(100, 'P'), query: { '7': 'seven' }, body: { B: 'b', '5': 'five' } }],
  [
    'repeated keys past the entry limit',
    { params: many(60), query: {}, body: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`K${i}`, `body ${i}`])) },
  ],
  ['over 100 keys', { params: many(30, 'P'), query: many(50, 'Q'), body: many(60, 'B') }],
  ['over 100 keys in one object', { params: {}, query: {}, body: { nested: many(150) } }],
  ['over 100 items', { params: {}, query: {}, body: { items: Array.from({ length: 250 }, (_, i) => i), empty: [] } }],
  ['nesting past 8 levels', { params: {}, query: {}, body: deep(12) }],
  [
    'odd values',
    { params: {}, query: {}, body: { n: null, t: true, f: 1.5e300, neg: -0, e: '', emoji: '\u{1F600}\u2028"\\', arr: [null, [], {}] } },
  ],
  ['a body that is an array', { params: { P: 'p' }, query: {}, body: [1, 'two', { three: 3 }] }],
  ['a body that is a string', { params: {}, query: { body: 'query body' }, body: 'text' }],
  ['a null body', { params: {}, query: {}, body: null }],
  ['no body', { params: { ClusterId: 'cn-shanghai' }, query: { PageSize: '100' } }],
];

for (const [name, raw] of cases) {
  test(`requestParameters written as JSON read back as the plain rules give: ${name}`, () => {
    assert.deepEqual(JSON.parse(requestParametersJson(raw as never)), modelParameters(raw));
  });
}

test('responseElements: non-plain values are omitted, secrets removed, like the parameters', () => {
  const output = {
    RequestId: 'R',
    AccessKeySecret: 's',
    Custom: new Custom(),
    When: new Date(0),
    Items: [new Custom(), 'eas-i-1'],
    fn: () => 1,
    U: undefined,
  };
  const expected = JSON.parse(JSON.stringify(new Model().object(output as Record<string, unknown>, 0)));
  assert.deepEqual(JSON.parse(responseElementsJson(output as never)), expected);
  assert.equal(expected.Custom, '[omitted]');
  assert.ok(!('U' in expected) && !('fn' in expected));
});

test('a stored event reads back with every field of the record', () => {
  const config = { defaultRegion: 'cn-hangzhou', trustedProxies: [] } as unknown as Config;
  const call = {
    request: {
      id: 'REQ-1',
      headers: { host: 'eas.example:8080', 'user-agent': `ua "quoted" ${long(600)}` },
      protocol: 'https',
      log: console,
    },
    operation: { action: 'CreateResourceInstances', product: 'eas', version: '2021-07-01' },
    caller: {
      accountId: '1000000000000001',
      accessKeyId: 'STS.key',
      principalType: 'assumed-role',
      principalId: 'role-id:sess',
      displayName: 'Ops:sess',
      arn: 'arn',
    },
    ctx: { region: 'cn-shanghai', sourceIp: '10.0.0.1' },
    authorization: {
      resource: 'acs:eas:cn-shanghai:1000000000000001:resource/eas-r-abc',
      additionalResources: ['acs:ram:*:1000000000000001:user/alice', 'acs:eas:*:1:resource/*'],
    },
    raw: {
      params: { ClusterId: 'cn-shanghai', ResourceId: 'eas-r-abc' },
      query: {},
      body: { EcsInstanceCount: 2, Note: 'eas-i-aaa, eas-i-bbb,eas-r-abc' },
    },
    output: { RequestId: 'REQ-1', InstanceIds: ['eas-i-ccc', 'eas-i-aaa', 'not-an-id'] },
    error: { code: 'Some.Code', message: 'went wrong' },
  } as unknown as FinishedCall;
  const built = buildEvent(call, config, Date.UTC(2026, 11, 2, 10, 0, 0))!;
  const e = presentEvent(built.row);
  assert.equal(e.apiVersion, '2021-07-01');
  assert.equal(e.eventSource, 'eas.example:8080');
  assert.equal(e.requestId, 'REQ-1');
  assert.equal(e.userAgent, `ua "quoted" ${long(600)}`.slice(0, 512));
  assert.deepEqual(e.userIdentity, {
    type: 'assumed-role',
    principalId: 'role-id:sess',
    accountId: '1000000000000001',
    accessKeyId: 'STS.key',
    userName: 'Ops:sess',
    sessionContext: { attributes: { mfaAuthenticated: 'false' } },
  });
  assert.deepEqual(e.requestParameters, {
    ClusterId: 'cn-shanghai',
    ResourceId: 'eas-r-abc',
    EcsInstanceCount: 2,
    Note: 'eas-i-aaa, eas-i-bbb,eas-r-abc',
  });
  assert.deepEqual(e.responseElements, { RequestId: 'REQ-1', InstanceIds: ['eas-i-ccc', 'eas-i-aaa', 'not-an-id'] });
  // Types in the order first named; names in the order first named, each once.
  assert.equal(e.resourceType, 'ACS::EAS::Resource;ACS::RAM::User;ACS::EAS::Instance');
  assert.equal(e.resourceName, 'eas-r-abc;alice;eas-i-aaa,eas-i-bbb,eas-i-ccc');
  assert.deepEqual(
    built.resources.map((r) => `${r.resource_type} ${r.resource_name}`),
    [
      'ACS::EAS::Resource eas-r-abc',
      'ACS::RAM::User alice',
      'ACS::EAS::Instance eas-i-aaa',
      'ACS::EAS::Instance eas-i-bbb',
      'ACS::EAS::Instance eas-i-ccc',
    ],
  );
  assert.equal(e.errorCode, 'Some.Code');
  assert.equal(e.errorMessage, 'went wrong');
  assert.deepEqual(e.additionalEventData, { Scheme: 'https' });
  assert.equal(e.acsRegion, 'cn-shanghai');
  assert.match(String(e.eventId), /^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
});

/** A root caller's call of `action` in cn-hangzhou, as the pipeline hands it to buildEvent; `rest` adds or replaces fields. */
function rootCall(action: string, product: string, version: string, rest: Record<string, unknown>): FinishedCall {
  return {
    request: { id: 'R', headers: {}, protocol: 'http', log: console },
    operation: { action, product, version },
    caller: { accountId: '1', accessKeyId: 'K', principalType: 'root', principalId: '1', displayName: '1', arn: 'a' },
    ctx: { region: 'cn-hangzhou', sourceIp: '127.0.0.1' },
    ...rest,
  } as unknown as FinishedCall;
}
const CONFIG = { defaultRegion: 'cn-hangzhou', trustedProxies: [] } as unknown as Config;

test('an event names at most 200 resources, each once', () => {
  const ids = Array.from({ length: 300 }, (_, i) => `eas-i-${String(i).padStart(6, '0')}`);
  const call = rootCall('DeleteResourceInstances', 'eas', '2021-07-01', {
    raw: {
      params: {},
      query: { InstanceIds: [...ids.slice(0, 50), ...ids.slice(0, 50)].join(',') },
      body: { More: ids.slice(50, 120), Again: ids },
    },
  });
  const built = buildEvent(call, CONFIG, 0)!;
  assert.equal(built.resources.length, 200);
  assert.deepEqual(
    built.resources.map((r) => r.resource_name),
    ids.slice(0, 200),
  );
  assert.equal(new Set(built.resources.map((r) => r.resource_name)).size, 200);
});

test("a name holding ',' or ';' (a failed call's spelling of an ARN) is not a resource: the record's lists stay readable, and the sweep finds every name", () => {
  const call = rootCall('AssumeRole', 'Sts', '2015-04-01', {
    authorization: {
      resource: 'acs:ram::1:role/ops,admin',
      additionalResources: ['acs:ram::1:role/a;b', 'acs:ram::1:role/reader', 'acs:ram:*:1:user/alice'],
    },
    raw: { params: {}, query: {}, body: {} },
    error: { code: 'EntityNotExist.Role', message: 'no such role' },
  });
  const built = buildEvent(call, CONFIG, 0)!;
  assert.deepEqual(
    built.resources.map((r) => `${r.resource_type} ${r.resource_name}`),
    ['ACS::RAM::Role reader', 'ACS::RAM::User alice'],
  );
  assert.deepEqual(storedResourceTypes(built.row.event), ['ACS::RAM::Role', 'ACS::RAM::User']);
  assert.deepEqual(storedResourceNames(built.row.event), ['reader', 'alice']);
});

test("a stored record's resource types are read from its text as parsing would read them, whatever its parameters hold", () => {
  const call = rootCall('CreateResourceInstances', 'eas', '2021-07-01', {
    raw: {
      params: { ResourceId: 'eas-r-abc' },
      query: { resourceType: 'ACS::Fake::Query' },
      body: { resourceType: 'ACS::Fake::Body', Note: '"resourceType":"ACS::Fake::Quoted"' },
    },
    output: { resourceType: 'ACS::Fake::Output', InstanceIds: ['eas-i-aaa'] },
    error: { code: 'X', message: 'a message with "resourceType":"ACS::Fake::Message" in it' },
  });
  const { event } = buildEvent(call, CONFIG, 0)!.row;
  const parsed = (JSON.parse(event) as { resourceType: string }).resourceType.split(';');
  assert.deepEqual(parsed, ['ACS::EAS::Resource', 'ACS::EAS::Instance']);
  assert.deepEqual(storedResourceTypes(event), parsed);
  // A value the text cannot be trusted for (an escaped character) is parsed instead.
  const odd = JSON.stringify({ requestParameters: {}, resourceType: 'ACS::A\\"B;ACS::C', resourceName: 'x;y' });
  assert.deepEqual(storedResourceTypes(odd), ['ACS::A\\"B', 'ACS::C']);
  assert.deepEqual(storedResourceTypes(JSON.stringify({ resourceType: '', resourceName: '' })), []);
});
