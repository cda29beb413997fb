// The signature layer from wire bytes alone: every recorded official-client vector verifies (and
// fails once tampered), canonicalisation edge cases, the catalog error of each malformed request.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  hashPayload,
  headerValues,
  parseRequestTime,
  parseSignedRequest,
  rpcParams,
  signV3,
  type ParsedSignature,
  type SignatureScheme,
  type WireRequest,
} from '../../src/gateway/signature/index.ts';
import { isApiError } from '../../src/gateway/errors.ts';

interface WireRecord {
  method: string;
  rawUrl: string;
  headers: [string, string][];
  body: string;
}
interface V3Vector {
  name: string;
  algorithm: string;
  wire: WireRecord;
  expectedAuthorization: string;
  derived: { canonicalRequest: string; stringToSign: string };
}
interface RoaVector {
  name: string;
  wire: WireRecord;
  expectedAuthorization: string;
  derived: { stringToSign: string };
}
interface RpcVector {
  name: string;
  inputs: { params: Record<string, string>; method: string; secret: string };
  expectedSignature: string;
}
interface UtilRequest {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/signature-vectors.json', import.meta.url), 'utf8')) as {
  credentials: {
    ak: { id: string; secret: string };
    sts: { id: string; secret: string; securityToken: string };
    rsa_test_key: { privateKey: string; publicKey: string };
  };
  v3: V3Vector[];
  roa_v2: RoaVector[];
  rpc_v2: RpcVector[];
  util_level: {
    v3_getAuthorization: {
      inputs: { request: UtilRequest; body: string; accessKeyId: string; accessKeySecret: string };
      expectedAuthorization: string;
    };
    roa_getStringToSign: {
      inputs: { request: UtilRequest; accessKeyId: string; accessKeySecret: string };
      stringToSign: string;
      expectedAuthorization: string;
    };
    v3_official_doc_example: {
      inputs: { request: UtilRequest; accessKeyId: string; accessKeySecret: string };
      documentedHashedCanonicalRequest: string;
      expectedAuthorization: string;
    };
  };
};
const { ak, sts, rsa_test_key: rsa } = vectors.credentials;
const RSA_KEY_ID = 'RSAKeyPairExampleId';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST = 'pai-eas.cn-hangzhou.aliyuncs.com';

function wireOf(record: WireRecord): WireRequest {
  return { method: record.method, rawUrl: record.rawUrl, rawHeaders: record.headers.flat(), body: Buffer.from(record.body, 'utf8') };
}

/** The secret the server would hold for a key id: the RSA vector verifies with the public key. */
function verifyingSecret(accessKeyId: string): string {
  if (accessKeyId === RSA_KEY_ID) return rsa.publicKey;
  return accessKeyId === sts.id ? sts.secret : ak.secret;
}

function withHeader(wire: WireRequest, name: string, value: string): WireRequest {
  const rawHeaders = [...wire.rawHeaders];
  const at = rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name);
  assert.ok(at >= 0, `${name} is on the wire`);
  rawHeaders[at + 1] = value;
  return { ...wire, rawHeaders };
}

function withoutHeader(wire: WireRequest, name: string): WireRequest {
  const rawHeaders: string[] = [];
  for (let i = 0; i < wire.rawHeaders.length; i += 2) {
    if (wire.rawHeaders[i].toLowerCase() !== name) rawHeaders.push(wire.rawHeaders[i], wire.rawHeaders[i + 1]);
  }
  return { ...wire, rawHeaders };
}

function rawHeadersOf(headers: Record<string, string>): string[] {
  return Object.entries(headers).flat();
}

/** Query string as Node's querystring.stringify puts it on the wire (insertion order, %20 spaces). */
function wireQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

function assertApiError(fn: () => unknown, code: string, messageCheck?: (message: string) => void): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isApiError(e), `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.status, 400);
    messageCheck?.(e.message);
    return true;
  });
}

/** A V3 request signed the way the official Node client signs it. */
function signedV3(opts: {
  method?: string;
  rawUrl: string;
  headers?: Record<string, string>;
  body?: string;
  algorithm?: 'ACS3-HMAC-SHA256' | 'ACS3-HMAC-SM3';
}): WireRequest {
  const method = opts.method ?? 'GET';
  const body = Buffer.from(opts.body ?? '', 'utf8');
  const headers: Record<string, string> = {
    host: HOST,
    'x-acs-version': '2021-07-01',
    'x-acs-action': 'ListServices',
    'x-acs-date': '2025-01-01T00:00:00Z',
    'x-acs-signature-nonce': 'f00dfeedf00dfeedf00dfeedf00dfeed',
    'x-acs-content-sha256': hashPayload(opts.algorithm ?? 'ACS3-HMAC-SHA256', body),
    ...opts.headers,
  };
  const authorization = signV3({
    method,
    rawUrl: opts.rawUrl,
    headers,
    body,
    accessKeyId: ak.id,
    secret: ak.secret,
    algorithm: opts.algorithm,
  });
  return { method, rawUrl: opts.rawUrl, rawHeaders: [...rawHeadersOf(headers), 'Authorization', authorization], body };
}

/** Line `n` (0-based) of a parsed V3 canonical request. */
function canonicalLine(sig: ParsedSignature, n: number): string {
  assert.ok(sig.canonicalRequest !== undefined);
  return sig.canonicalRequest.split('\n')[n];
}

function hmacHex(hash: string, key: string, data: string): string {
  return crypto.createHmac(hash, key).update(data).digest('hex');
}

/** ROA V2 Authorization computed independently of the code under test. */
function roaAuthorization(stringToSign: string): string {
  return `acs ${ak.id}:${crypto.createHmac('sha1', ak.secret).update(stringToSign).digest('base64')}`;
}

function roaWire(rawUrl: string, extra: Record<string, string> = {}, body = ''): { wire: WireRequest; head: string } {
  const headers: Record<string, string> = {
    date: 'Wed, 01 Jan 2025 00:00:00 GMT',
    host: HOST,
    accept: 'application/json',
    'x-acs-signature-nonce': '0123456789abcdef',
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-version': '2021-07-01',
    'x-acs-action': 'ListServices',
    ...extra,
  };
  const head = `GET\napplication/json\n${extra['content-md5'] ?? ''}\n${extra['content-type'] ?? ''}\nWed, 01 Jan 2025 00:00:00 GMT\n`;
  return { wire: { method: 'GET', rawUrl, rawHeaders: rawHeadersOf(headers), body: Buffer.from(body, 'utf8') }, head };
}

const ROA_HEADERS =
  'x-acs-action:ListServices\nx-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:0123456789abcdef\nx-acs-signature-version:1.0\nx-acs-version:2021-07-01\n';

function withAuthorization(wire: WireRequest, authorization: string): WireRequest {
  return { ...wire, rawHeaders: [...wire.rawHeaders, 'authorization', authorization] };
}

describe('V3 vectors recorded from the official Node client', () => {
  for (const v of vectors.v3) {
    test(`${v.name}: verifies from its wire data`, () => {
      const sig = parseSignedRequest(wireOf(v.wire));
      assert.equal(sig.scheme, 'V3');
      assert.equal(sig.algorithm, v.algorithm);
      assert.equal(sig.canonicalRequest, v.derived.canonicalRequest);
      assert.equal(sig.stringToSign, v.derived.stringToSign);
      assert.equal(sig.timestamp, headerValues(v.wire.headers.flat(), 'x-acs-date')[0]);
      assert.equal(sig.nonce, headerValues(v.wire.headers.flat(), 'x-acs-signature-nonce')[0]);
      assert.ok(sig.verify(verifyingSecret(sig.accessKeyId)));
    });

    test(`${v.name}: fails once a signed header is altered`, () => {
      const sig = parseSignedRequest(withHeader(wireOf(v.wire), 'x-acs-action', 'DeleteResource'));
      assert.equal(sig.verify(verifyingSecret(sig.accessKeyId)), false);
    });

    test(`${v.name}: fails with another secret`, () => {
      const sig = parseSignedRequest(wireOf(v.wire));
      const other =
        sig.algorithm === 'ACS3-RSA-SHA256'
          ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
          : `${verifyingSecret(sig.accessKeyId)}x`;
      assert.equal(sig.verify(other), false);
    });

    test(`${v.name}: signV3 reproduces the Authorization`, () => {
      const headers = Object.fromEntries(v.wire.headers.filter(([name]) => name.toLowerCase() !== 'authorization'));
      const accessKeyId = v.expectedAuthorization.match(/Credential=([^,]+)/)![1];
      const secret = accessKeyId === RSA_KEY_ID ? rsa.privateKey : verifyingSecret(accessKeyId);
      const authorization = signV3({
        method: v.wire.method,
        rawUrl: v.wire.rawUrl,
        headers,
        body: Buffer.from(v.wire.body, 'utf8'),
        accessKeyId,
        secret,
        algorithm: v.algorithm as 'ACS3-HMAC-SHA256',
      });
      assert.equal(authorization, v.expectedAuthorization);
    });
  }

  test('the STS vector exposes its security token, date and nonce', () => {
    const sig = parseSignedRequest(wireOf(vectors.v3.find((v) => v.name.startsWith('V3-3'))!.wire));
    assert.equal(sig.accessKeyId, sts.id);
    assert.equal(sig.securityToken, sts.securityToken);
    assert.equal(sig.timestamp, '2025-06-30T23:59:59Z');
    assert.equal(sig.nonce, '00000000000000000000000000000001');
    assert.ok(sig.signedHeaders.includes('x-acs-security-token'));
  });

  test('the RSA signer accepts a bare PKCS#8 key body, as the client does', () => {
    const v = vectors.v3.find((x) => x.algorithm === 'ACS3-RSA-SHA256')!;
    const bare = rsa.privateKey.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').trim();
    const headers = Object.fromEntries(v.wire.headers.filter(([name]) => name.toLowerCase() !== 'authorization'));
    const authorization = signV3({
      method: v.wire.method,
      rawUrl: v.wire.rawUrl,
      headers,
      body: Buffer.alloc(0),
      accessKeyId: RSA_KEY_ID,
      secret: bare,
      algorithm: 'ACS3-RSA-SHA256',
    });
    assert.equal(authorization, v.expectedAuthorization);
  });
});

describe('ROA V2 vectors recorded from the official Node client', () => {
  for (const v of vectors.roa_v2) {
    test(`${v.name}: verifies from its wire data`, () => {
      const sig = parseSignedRequest(wireOf(v.wire));
      assert.equal(sig.scheme, 'ROA');
      assert.equal(sig.algorithm, 'HMAC-SHA1');
      assert.equal(sig.stringToSign, v.derived.stringToSign);
      assert.deepEqual(sig.signedHeaders, []);
      assert.ok(sig.verify(verifyingSecret(sig.accessKeyId)));
    });

    test(`${v.name}: fails once tampered`, () => {
      const wire = wireOf(v.wire);
      const sig = parseSignedRequest(withHeader(wire, 'x-acs-action', 'DeleteResource'));
      assert.equal(sig.verify(verifyingSecret(sig.accessKeyId)), false);
      const moved = parseSignedRequest({ ...wire, rawUrl: `${wire.rawUrl}x` });
      assert.equal(moved.verify(verifyingSecret(moved.accessKeyId)), false);
    });
  }

  test('ROA-3 (STS) exposes its security token, Date and nonce', () => {
    const sig = parseSignedRequest(wireOf(vectors.roa_v2[2].wire));
    assert.equal(sig.securityToken, sts.securityToken);
    assert.equal(sig.timestamp, 'Mon, 30 Jun 2025 23:59:59 GMT');
    assert.equal(sig.nonce, '00000000000000000000000000000001');
  });
});

describe('RPC vectors (documented and util-level)', () => {
  function rpcWire(v: RpcVector, signature = v.expectedSignature): WireRequest {
    const query = wireQuery({ ...v.inputs.params, Signature: signature });
    return { method: v.inputs.method, rawUrl: `/?${query}`, rawHeaders: ['host', 'ecs.aliyuncs.com'], body: Buffer.alloc(0) };
  }

  for (const v of vectors.rpc_v2) {
    test(`${v.name}: verifies from the query string`, () => {
      const sig = parseSignedRequest(rpcWire(v));
      assert.equal(sig.scheme, 'RPC');
      assert.equal(sig.accessKeyId, 'testid');
      assert.equal(sig.timestamp, '2016-02-23T12:46:24Z');
      assert.equal(sig.nonce, '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf');
      assert.ok(sig.stringToSign.startsWith('GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions'));
      assert.ok(sig.verify(v.inputs.secret));
      assert.equal(sig.verify('othersecret'), false);
    });

    test(`${v.name}: fails once a parameter is altered`, () => {
      const wire = rpcWire(v);
      const sig = parseSignedRequest({ ...wire, rawUrl: wire.rawUrl.replace('DescribeRegions', 'DescribeZones') });
      assert.equal(sig.verify(v.inputs.secret), false);
    });
  }

  test('parameters split between the query and a form body verify together', () => {
    const v = vectors.rpc_v2[1];
    const { Action, Version, ...common } = v.inputs.params;
    const wire: WireRequest = {
      method: 'GET',
      rawUrl: `/?${wireQuery({ ...common, Signature: v.expectedSignature })}`,
      rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'],
      body: Buffer.from(wireQuery({ Action, Version })),
    };
    assert.ok(parseSignedRequest(wire).verify('testsecret'));
  });
});

describe('util-level vectors', () => {
  test('v3_getAuthorization: signV3 matches and the wire request verifies', () => {
    const { inputs, expectedAuthorization } = vectors.util_level.v3_getAuthorization;
    const rawUrl = `${inputs.request.pathname}?${wireQuery(inputs.request.query)}`;
    const body = Buffer.from(inputs.body, 'utf8');
    const authorization = signV3({
      method: 'POST',
      rawUrl,
      headers: inputs.request.headers,
      body,
      accessKeyId: inputs.accessKeyId,
      secret: inputs.accessKeySecret,
    });
    assert.equal(authorization, expectedAuthorization);
    const wire = { method: 'POST', rawUrl, rawHeaders: [...rawHeadersOf(inputs.request.headers), 'Authorization', authorization], body };
    const sig = parseSignedRequest(wire);
    assert.equal(canonicalLine(sig, 2), 'Foo=bar%20baz');
    assert.ok(sig.verify(inputs.accessKeySecret));
  });

  test('roa_getStringToSign: same string to sign and Authorization', () => {
    const { inputs, stringToSign, expectedAuthorization } = vectors.util_level.roa_getStringToSign;
    const wire: WireRequest = {
      method: 'GET',
      rawUrl: `${inputs.request.pathname}?${wireQuery(inputs.request.query)}`,
      rawHeaders: [...rawHeadersOf(inputs.request.headers), 'Authorization', expectedAuthorization],
      body: Buffer.alloc(0),
    };
    const sig = parseSignedRequest(wire);
    assert.equal(sig.stringToSign, stringToSign);
    assert.ok(sig.verify(inputs.accessKeySecret));
    assert.equal(sig.verify(`${inputs.accessKeySecret}x`), false);
  });

  test('v3_official_doc_example: documented hashed canonical request and signature', () => {
    const { inputs, documentedHashedCanonicalRequest, expectedAuthorization } = vectors.util_level.v3_official_doc_example;
    const rawUrl = `/?${wireQuery(inputs.request.query)}`;
    const wire: WireRequest = {
      method: 'POST',
      rawUrl,
      rawHeaders: [...rawHeadersOf(inputs.request.headers), 'Authorization', expectedAuthorization],
      body: Buffer.alloc(0),
    };
    const sig = parseSignedRequest(wire);
    assert.equal(sig.stringToSign, `ACS3-HMAC-SHA256\n${documentedHashedCanonicalRequest}`);
    assert.ok(sig.verify(inputs.accessKeySecret));
    assert.equal(
      signV3({
        method: 'POST',
        rawUrl,
        headers: inputs.request.headers,
        body: Buffer.alloc(0),
        accessKeyId: inputs.accessKeyId,
        secret: inputs.accessKeySecret,
      }),
      expectedAuthorization,
    );
  });
});

describe('V3 canonicalisation', () => {
  const queryCases: Array<[what: string, rawQuery: string, canonical: string]> = [
    ['a space sent as %20', 'Filter=my%20svc', 'Filter=my%20svc'],
    ["a space sent as '+' (Python and Java runtimes)", 'Filter=my+svc', 'Filter=my%20svc'],
    ["a '+' sent as %2B", 'Filter=a%2Bb', 'Filter=a%2Bb'],
    ["a literal '*' and an escaped one", 'A=x*y&B=x%2Ay', 'A=x%2Ay&B=x%2Ay'],
    ["'~' literal or as %7E", 'A=~&B=%7E', 'A=~&B=~'],
    ["! ' ( ) re-encoded", "A=!'()", 'A=%21%27%28%29'],
    ['unicode text', 'Name=%E4%B8%AD%E6%96%87', 'Name=%E4%B8%AD%E6%96%87'],
    ['JSON with reserved characters', 'Label=%7B%22a%22%3A%22b%26c%3Dd%22%7D', 'Label=%7B%22a%22%3A%22b%26c%3Dd%22%7D'],
    ["an empty value and a key without '='", 'Empty=&Flag', 'Empty=&Flag='],
    ['keys needing encoding', 'a%20b=1&c!=2', 'a%20b=1&c%21=2'],
    ['code-unit order: upper case before lower case', 'b=1&B=2&a=3&A=4', 'A=4&B=2&a=3&b=1'],
    ['a malformed escape kept as sent', 'A=%zz', 'A=%25zz'],
    ['empty segments ignored', 'A=1&&B=2&', 'A=1&B=2'],
  ];
  for (const [what, rawQuery, canonical] of queryCases) {
    test(`canonical query: ${what}`, () => {
      const sig = parseSignedRequest(signedV3({ rawUrl: `/api/v2/services?${rawQuery}` }));
      assert.equal(canonicalLine(sig, 2), canonical);
      assert.ok(sig.verify(ak.secret));
    });
  }

  const pathCases: Array<[what: string, rawPath: string, canonical: string]> = [
    [
      'an encoded path kept as received',
      '/api/v2/services/cn-hangzhou/svc%20name%2B1%2A~',
      '/api/v2/services/cn-hangzhou/svc%20name%2B1%2A~',
    ],
    ["every '+', '*' and '%7E' fixed", '/a+b+c/x*y*z/%7E%7E', '/a%20b%20c/x%2Ay%2Az/~~'],
    ['unicode left encoded', '/api/v2/services/%E4%B8%AD', '/api/v2/services/%E4%B8%AD'],
  ];
  for (const [what, rawPath, canonical] of pathCases) {
    test(`canonical URI: ${what}`, () => {
      const sig = parseSignedRequest(signedV3({ rawUrl: rawPath }));
      assert.equal(canonicalLine(sig, 1), canonical);
      assert.ok(sig.verify(ak.secret));
    });
  }

  test('repeated headers: values sorted and joined with a comma', () => {
    const wire = signedV3({ rawUrl: '/' });
    const sig = parseSignedRequest({ ...wire, rawHeaders: [...wire.rawHeaders, 'x-acs-extra', 'b', 'X-Acs-Extra', ' a '] });
    assert.equal(sig.verify(ak.secret), true, 'x-acs-extra was not signed, so adding it changes nothing');

    const signed = signedV3({ rawUrl: '/', headers: { 'x-acs-extra': 'b', 'X-ACS-EXTRA': ' a ' } });
    const parsed = parseSignedRequest(signed);
    assert.ok(parsed.canonicalRequest!.includes('\nx-acs-extra:a,b\n'));
    assert.equal(parsed.signedHeaders.filter((h) => h === 'x-acs-extra').length, 1);
    assert.ok(parsed.verify(ak.secret));
  });

  test('header values are trimmed, inner whitespace kept, names matched case-insensitively', () => {
    const wire = signedV3({ rawUrl: '/', headers: { 'X-Acs-Custom': '  spaced   value\t' } });
    const sig = parseSignedRequest(wire);
    assert.ok(sig.canonicalRequest!.includes('\nx-acs-custom:spaced   value\n'));
    assert.ok(sig.verify(ak.secret));
  });

  test('a request signed the way the Python runtime signs (every header) verifies', () => {
    const rawHeaders = [
      'host',
      HOST,
      'User-Agent',
      'AlibabaCloud (Linux; x86_64) Python/3.12.3 Core/0.4.5 TeaDSL/1',
      'accept',
      'application/json',
      'x-acs-version',
      '2021-07-01',
      'x-acs-action',
      'ListServices',
      'x-acs-date',
      '2025-01-01T00:00:00Z',
      'x-acs-signature-nonce',
      '9f3b0c6e2a1d4e5f8a7b6c5d4e3f2a1b',
      'x-acs-content-sha256',
      EMPTY_SHA256,
    ];
    const signedHeaders = 'accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
    // Python puts a space on the wire as '+' (urlencode) and signs it as %20 (quote(v, safe='~')).
    const rawUrl = '/api/v2/services?PageNumber=1&Filter=my+svc&Label=%7B%22a%22%3A+1%7D';
    const canonicalRequest = [
      'GET',
      '/api/v2/services',
      'Filter=my%20svc&Label=%7B%22a%22%3A%201%7D&PageNumber=1',
      `accept:application/json\nhost:${HOST}\nuser-agent:AlibabaCloud (Linux; x86_64) Python/3.12.3 Core/0.4.5 TeaDSL/1\n` +
        'x-acs-action:ListServices\n' +
        `x-acs-content-sha256:${EMPTY_SHA256}\nx-acs-date:2025-01-01T00:00:00Z\n` +
        'x-acs-signature-nonce:9f3b0c6e2a1d4e5f8a7b6c5d4e3f2a1b\nx-acs-version:2021-07-01\n',
      signedHeaders,
      EMPTY_SHA256,
    ].join('\n');
    const stringToSign = `ACS3-HMAC-SHA256\n${crypto.createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const authorization = `ACS3-HMAC-SHA256 Credential=${ak.id},SignedHeaders=${signedHeaders},Signature=${hmacHex('sha256', ak.secret, stringToSign)}`;
    const sig = parseSignedRequest({
      method: 'GET',
      rawUrl,
      rawHeaders: [...rawHeaders, 'Authorization', authorization],
      body: Buffer.alloc(0),
    });
    assert.equal(sig.canonicalRequest, canonicalRequest);
    assert.deepEqual(sig.signedHeaders, signedHeaders.split(';'));
    assert.ok(sig.verify(ak.secret));
  });

  test('SM3: body hash and signature use SM3', () => {
    const sig = parseSignedRequest(signedV3({ method: 'POST', rawUrl: '/x', body: '{"a":1}', algorithm: 'ACS3-HMAC-SM3' }));
    assert.equal(sig.algorithm, 'ACS3-HMAC-SM3');
    assert.ok(sig.verify(ak.secret));
  });
});

describe('ROA V2 canonicalisation', () => {
  test("an empty query value verifies in both the Node ('key=') and Python ('key') spelling", () => {
    const { wire, head } = roaWire('/api/v2/services?PageNumber=1&Empty=');
    const node = `${head}${ROA_HEADERS}/api/v2/services?Empty=&PageNumber=1`;
    const python = `${head}${ROA_HEADERS}/api/v2/services?Empty&PageNumber=1`;
    for (const signed of [node, python]) {
      const sig = parseSignedRequest(withAuthorization(wire, roaAuthorization(signed)));
      assert.equal(sig.stringToSign, node);
      assert.ok(sig.verify(ak.secret));
    }
  });

  test("query values are decoded ('+' and %20 are spaces) and keys sorted", () => {
    const { wire, head } = roaWire('/api/v2/services?b=x+y&a=%7B%22k%22%3A1%7D&B=z%20w');
    const expected = `${head}${ROA_HEADERS}/api/v2/services?B=z w&a={"k":1}&b=x y`;
    const sig = parseSignedRequest(withAuthorization(wire, roaAuthorization(expected)));
    assert.equal(sig.stringToSign, expected);
    assert.ok(sig.verify(ak.secret));
  });

  test('x-acs-* names lowercased, values with control whitespace flattened and trimmed', () => {
    const { wire, head } = roaWire('/p', { 'X-Acs-Custom': ' a\tb ', 'x-acs-custom': 'c' });
    const expected = `${head}x-acs-action:ListServices\nx-acs-custom:a b,c\n${ROA_HEADERS.slice('x-acs-action:ListServices\n'.length)}/p`;
    const sig = parseSignedRequest(withAuthorization(wire, roaAuthorization(expected)));
    assert.equal(sig.stringToSign, expected);
    assert.ok(sig.verify(ak.secret));
  });

  test('a matching Content-MD5 is signed; a mismatching one is SignatureDoesNotMatch', () => {
    const body = '{"a":1}';
    const md5 = crypto.createHash('md5').update(body).digest('base64');
    const { wire, head } = roaWire('/p', { 'content-md5': md5, 'content-type': 'application/json' }, body);
    const expected = `${head}${ROA_HEADERS}/p`;
    assert.ok(head.includes(`\n${md5}\n`));
    const sig = parseSignedRequest(withAuthorization(wire, roaAuthorization(expected)));
    assert.ok(sig.verify(ak.secret));

    const tampered = withAuthorization({ ...wire, body: Buffer.from('{"a":2}') }, roaAuthorization(expected));
    assertApiError(
      () => parseSignedRequest(tampered),
      'SignatureDoesNotMatch',
      (m) => assert.ok(m.endsWith(`server string to sign is:${expected}`)),
    );
  });

  test('a signature method other than HMAC-SHA1 is InvalidSignatureMethod', () => {
    const { wire } = roaWire('/p', { 'x-acs-signature-method': 'HMAC-SHA256' });
    assertApiError(() => parseSignedRequest(withAuthorization(wire, `acs ${ak.id}:abc=`)), 'InvalidSignatureMethod');
  });
});

describe('RPC parameters', () => {
  test('rpcParams: decoded query pairs, then form pairs, order kept', () => {
    const wire: WireRequest = {
      method: 'POST',
      rawUrl: '/?Z=1&A=a%20b&Flag',
      rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
      body: Buffer.from('Policy=%7B%22x%22%3A+1%7D&B=%E4%B8%AD'),
    };
    assert.deepEqual(rpcParams(wire), [
      ['Z', '1'],
      ['A', 'a b'],
      ['Flag', ''],
      ['Policy', '{"x": 1}'],
      ['B', '中'],
    ]);
  });

  test('rpcParams ignores bodies that are not forms', () => {
    const wire: WireRequest = {
      method: 'POST',
      rawUrl: '/?A=1',
      rawHeaders: ['content-type', 'application/json'],
      body: Buffer.from('{"B":2}'),
    };
    assert.deepEqual(rpcParams(wire), [['A', '1']]);
  });

  test('SecurityToken is exposed and signed', () => {
    const params: Record<string, string> = {
      AccessKeyId: sts.id,
      Action: 'GetCallerIdentity',
      Format: 'JSON',
      SecurityToken: sts.securityToken,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'n-1',
      SignatureVersion: '1.0',
      Timestamp: '2025-01-01T00:00:00Z',
      Version: '2015-04-01',
    };
    const canonical = Object.keys(params)
      .sort()
      .map(
        (k) =>
          `${encodeURIComponent(k)}=${encodeURIComponent(params[k]).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      )
      .join('&');
    const stringToSign = `GET&%2F&${encodeURIComponent(canonical)}`;
    const signature = crypto.createHmac('sha1', `${sts.secret}&`).update(stringToSign).digest('base64');
    const sig = parseSignedRequest({
      method: 'GET',
      rawUrl: `/?${wireQuery({ ...params, Signature: signature })}`,
      rawHeaders: [],
      body: Buffer.alloc(0),
    });
    assert.equal(sig.stringToSign, stringToSign);
    assert.equal(sig.securityToken, sts.securityToken);
    assert.ok(sig.verify(sts.secret));
  });

  test('a SignatureMethod other than HMAC-SHA1 is InvalidSignatureMethod', () => {
    const wire: WireRequest = {
      method: 'GET',
      rawUrl: '/?AccessKeyId=a&SignatureMethod=HMAC-SHA256&Signature=x',
      rawHeaders: [],
      body: Buffer.alloc(0),
    };
    assertApiError(() => parseSignedRequest(wire), 'InvalidSignatureMethod');
  });

  test('a missing AccessKeyId or a repeated Signature is IncompleteSignature carrying the string to sign', () => {
    for (const [rawUrl, stringToSign] of [
      ['/?SignatureMethod=HMAC-SHA1&Signature=x', 'GET&%2F&SignatureMethod%3DHMAC-SHA1'],
      ['/?AccessKeyId=a&SignatureMethod=HMAC-SHA1&Signature=x&Signature=y', 'GET&%2F&AccessKeyId%3Da%26SignatureMethod%3DHMAC-SHA1'],
    ]) {
      assertApiError(
        () => parseSignedRequest({ method: 'GET', rawUrl, rawHeaders: [], body: Buffer.alloc(0) }),
        'IncompleteSignature',
        (m) => assert.ok(m.endsWith(`server string to sign is:${stringToSign}`), m),
      );
    }
  });
});

describe('error mapping', () => {
  const v1 = vectors.v3[0];

  test('no Authorization header and no Signature parameter: MissingAuthorization', () => {
    assertApiError(() => parseSignedRequest(withoutHeader(wireOf(v1.wire), 'authorization')), 'MissingAuthorization');
  });

  test('a bearer-token request: MissingAuthorization for now', () => {
    const wire: WireRequest = {
      method: 'GET',
      rawUrl: '/',
      rawHeaders: ['x-acs-bearer-token', 't', 'x-acs-signature-type', 'BEARERTOKEN'],
      body: Buffer.alloc(0),
    };
    assertApiError(() => parseSignedRequest(wire), 'MissingAuthorization');
  });

  const unparseable = [
    'ACS3-HMAC-SHA256',
    'ACS3-HMAC-SHA256 Credential=AK,Signature=abc',
    'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=',
    'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;;x-acs-date,Signature=ab',
    'Bearer abc',
    'acs no-colon',
    'acs :sig',
    '',
  ];
  for (const authorization of unparseable) {
    test(`an Authorization that does not parse (${JSON.stringify(authorization)}): IncompleteSignature`, () => {
      const wire = withHeader(wireOf(v1.wire), 'authorization', authorization);
      // No string to sign can be built from it: the message says why instead of ending empty.
      assertApiError(
        () => parseSignedRequest(wire),
        'IncompleteSignature',
        (m) => assert.match(m, /server string to sign is: \(none: .+\)$/),
      );
    });
  }

  test('two Authorization headers: IncompleteSignature', () => {
    const wire = wireOf(v1.wire);
    assertApiError(
      () => parseSignedRequest(withAuthorization(wire, v1.expectedAuthorization)),
      'IncompleteSignature',
      (m) => assert.match(m, /server string to sign is: \(none: it is not known which of them to check\)$/),
    );
  });

  for (const name of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
    test(`SignedHeaders without ${name}: IncompleteSignature carrying the string to sign`, () => {
      const authorization = v1.expectedAuthorization.replace(
        /SignedHeaders=([^,]+)/,
        (_, list: string) =>
          `SignedHeaders=${list
            .split(';')
            .filter((h) => h !== name)
            .join(';')}`,
      );
      const wire = withHeader(wireOf(v1.wire), 'authorization', authorization);
      assertApiError(
        () => parseSignedRequest(wire),
        'IncompleteSignature',
        (m) => {
          assert.ok(m.includes(name), m);
          assert.match(m, /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
        },
      );
    });
  }

  test('an x-acs-security-token that is sent but not signed: IncompleteSignature', () => {
    const wire = wireOf(v1.wire);
    const withToken = { ...wire, rawHeaders: [...wire.rawHeaders, 'x-acs-security-token', sts.securityToken] };
    assertApiError(
      () => parseSignedRequest(withToken),
      'IncompleteSignature',
      (m) => assert.ok(m.includes('x-acs-security-token'), m),
    );
  });

  test('a body that does not match x-acs-content-sha256: ContentSha256NotMatched', () => {
    const wire = wireOf(v1.wire);
    assertApiError(() => parseSignedRequest({ ...wire, body: Buffer.from(`${v1.wire.body} `) }), 'ContentSha256NotMatched');
  });

  test('an SM3-signed request whose body hash is SHA-256: ContentSha256NotMatched', () => {
    const wire = signedV3({ method: 'POST', rawUrl: '/x', body: '{}', algorithm: 'ACS3-HMAC-SM3' });
    const sha = withHeader(wire, 'x-acs-content-sha256', hashPayload('ACS3-HMAC-SHA256', wire.body));
    assertApiError(() => parseSignedRequest(sha), 'ContentSha256NotMatched');
  });

  test('an unknown V3 algorithm: InvalidSignatureMethod', () => {
    const wire = withHeader(wireOf(v1.wire), 'authorization', v1.expectedAuthorization.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-MD5'));
    assertApiError(() => parseSignedRequest(wire), 'InvalidSignatureMethod');
  });
});

describe('parseRequestTime', () => {
  const good: Array<[SignatureScheme, string, string]> = [
    ['V3', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['V3', '2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['ROA', 'Wed, 01 Jan 2025 00:00:00 GMT', '2025-01-01T00:00:00.000Z'],
    ['ROA', 'Mon, 30 Jun 2025 23:59:59 GMT', '2025-06-30T23:59:59.000Z'],
    ['ROA', 'Wed, 1 Jan 2025 00:00:00 GMT', '2025-01-01T00:00:00.000Z'],
    ['RPC', '2016-02-23T12:46:24Z', '2016-02-23T12:46:24.000Z'],
    ['RPC', '2016-02-23T12:46:24.123Z', '2016-02-23T12:46:24.123Z'],
  ];
  for (const [scheme, value, iso] of good) {
    test(`${scheme} accepts ${value}`, () => {
      assert.equal(parseRequestTime(scheme, value).toISOString(), iso);
    });
  }

  const bad: Array<[SignatureScheme, string | undefined]> = [
    ['V3', undefined],
    ['V3', ''],
    ['V3', '2025-01-01T00:00:00.000Z'],
    ['V3', '2025-01-01T00:00:00+08:00'],
    ['V3', '2025-01-01 00:00:00Z'],
    ['V3', '2025-02-30T00:00:00Z'],
    ['V3', '2025-01-01T24:00:00Z'],
    ['V3', 'Wed, 01 Jan 2025 00:00:00 GMT'],
    ['ROA', '2025-01-01T00:00:00Z'],
    ['ROA', 'Wed, 01 Foo 2025 00:00:00 GMT'],
    ['ROA', 'Wed, 01 Jan 2025 00:00:00 +0000'],
    ['ROA', 'Wed, 32 Jan 2025 00:00:00 GMT'],
    ['RPC', '2016-02-23T12:46:24'],
    ['RPC', '1456231584'],
    ['RPC', undefined],
  ];
  for (const [scheme, value] of bad) {
    test(`${scheme} rejects ${JSON.stringify(value)} with InvalidTimeStamp.Format`, () => {
      assertApiError(() => parseRequestTime(scheme, value), 'InvalidTimeStamp.Format');
    });
  }
});

describe('headerValues', () => {
  test('matches names case-insensitively and keeps every occurrence in order', () => {
    const raw = ['Host', 'a', 'X-Acs-Foo', '1', 'x-acs-foo', '2', 'Accept', 'json'];
    assert.deepEqual(headerValues(raw, 'x-ACS-foo'), ['1', '2']);
    assert.deepEqual(headerValues(raw, 'missing'), []);
  });
});
