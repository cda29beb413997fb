// Policy document grammar: every kind of fault is refused with a code and a message that points
// at the faulty element; valid documents come back normalised.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parsePolicyDocument,
  PolicyDocumentError,
  POLICY_DOCUMENT_MAX_LENGTH,
  SESSION_POLICY_MAX_LENGTH,
  type ParseOptions,
} from '../../src/ram/policy/document.ts';

const INVALID = 'InvalidParameter.PolicyDocument';
const LENGTH = 'InvalidParameter.PolicyDocument.Length';

/** A valid identity statement to start from. */
const ALLOW = { Effect: 'Allow', Action: 'eas:DescribeResource', Resource: '*' };
const TRUST = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1234567890:root'] } };

function doc(...statements: unknown[]): string {
  return JSON.stringify({ Version: '1', Statement: statements });
}
function withCondition(condition: unknown): string {
  return doc({ ...ALLOW, Condition: condition });
}

/** [what, text, code, location (undefined: none), fragment of the reason, options] */
type Failure = [what: string, text: string, code: string, location: string | undefined, reason: string, opts?: ParseOptions];

function expectRejected([, text, code, location, reason, opts]: Failure): void {
  assert.throws(
    () => parsePolicyDocument(text, opts),
    (e: unknown) => {
      assert.ok(e instanceof PolicyDocumentError, `expected a PolicyDocumentError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.equal(e.location, location, e.message);
      assert.ok(e.reason.includes(reason), `"${e.reason}" should mention "${reason}"`);
      assert.equal(e.message, location === undefined ? e.reason : `${location}: ${e.reason}`);
      return true;
    },
  );
}

const failures: Failure[] = [
  // Whole text
  [
    'text longer than 6,144 characters',
    doc({ ...ALLOW, Sid: 'x'.repeat(POLICY_DOCUMENT_MAX_LENGTH) }),
    LENGTH,
    undefined,
    'longer than 6144',
  ],
  [
    'session policy longer than its limit',
    doc({ ...ALLOW, Sid: 'x'.repeat(1000) }),
    LENGTH,
    undefined,
    'longer than 1024',
    { maxLength: SESSION_POLICY_MAX_LENGTH },
  ],
  ['truncated JSON', '{"Version":"1",', INVALID, undefined, 'malformed JSON at position 15'],
  ['a missing value', '{"Version":"1","Statement":}', INVALID, undefined, 'malformed JSON at position 27'],
  ['a trailing comma', '{"Version":"1",}', INVALID, undefined, 'malformed JSON at position 15'],
  ['single quotes', "{'Version':'1'}", INVALID, undefined, 'malformed JSON at position 1'],
  ['content after the document', `${doc(ALLOW)} x`, INVALID, undefined, 'unexpected content after the JSON value'],
  ['a duplicate member', '{"Version":"1","Version":"1"}', INVALID, undefined, 'duplicate member name "Version"'],
  ['a JSON array', '[]', INVALID, undefined, 'must be a JSON object'],
  // Top level
  ['an unknown top-level element', JSON.stringify({ Version: '1', Statement: [ALLOW], Id: 'x' }), INVALID, 'Id', 'unknown element "Id"'],
  ['no Version', JSON.stringify({ Statement: [ALLOW] }), INVALID, 'Version', 'is required'],
  ['Version "2"', JSON.stringify({ Version: '2', Statement: [ALLOW] }), INVALID, 'Version', 'must be "1"'],
  ['Version as a number', JSON.stringify({ Version: 1, Statement: [ALLOW] }), INVALID, 'Version', 'must be "1", not number 1'],
  ['no Statement', JSON.stringify({ Version: '1' }), INVALID, 'Statement', 'is required'],
  ['an empty Statement list', doc(), INVALID, 'Statement', 'must not be empty'],
  ['Statement as a string', JSON.stringify({ Version: '1', Statement: 'x' }), INVALID, 'Statement', 'must be a statement object'],
  ['a statement that is not an object', doc(ALLOW, 'x'), INVALID, 'Statement[1]', 'must be an object'],
  // Statements
  ['an unknown statement element', doc(ALLOW, { ...ALLOW, Bogus: 1 }), INVALID, 'Statement[1].Bogus', 'unknown element "Bogus"'],
  [
    'NotResource (not in the current grammar)',
    doc({ Effect: 'Allow', Action: '*', NotResource: '*' }),
    INVALID,
    'Statement[0].NotResource',
    'unknown element',
  ],
  ['lower-case element names', doc({ effect: 'Allow', Action: '*', Resource: '*' }), INVALID, 'Statement[0].effect', 'unknown element'],
  [
    'Principal in an identity policy',
    doc({ ...ALLOW, Principal: { RAM: ['acs:ram::1:root'] } }),
    INVALID,
    'Statement[0].Principal',
    'only allowed in trust policies',
  ],
  ['a Sid that is not a string', doc({ ...ALLOW, Sid: 5 }), INVALID, 'Statement[0].Sid', 'must be a string'],
  ['no Effect', doc({ Action: '*', Resource: '*' }), INVALID, 'Statement[0].Effect', 'is required'],
  ['Effect "allow"', doc({ ...ALLOW, Effect: 'allow' }), INVALID, 'Statement[0].Effect', 'must be "Allow" or "Deny"'],
  [
    'neither Action nor NotAction',
    doc({ Effect: 'Allow', Resource: '*' }),
    INVALID,
    'Statement[0]',
    'one of Action or NotAction is required',
  ],
  ['both Action and NotAction', doc({ ...ALLOW, NotAction: 'eas:x' }), INVALID, 'Statement[0]', 'cannot both be given'],
  ['an empty Action list', doc({ ...ALLOW, Action: [] }), INVALID, 'Statement[0].Action', 'non-empty list'],
  ['an Action that is a number', doc({ ...ALLOW, Action: 5 }), INVALID, 'Statement[0].Action', 'must be a string or a non-empty list'],
  [
    'a non-string action in a list',
    doc({ ...ALLOW, Action: ['eas:A', null] }),
    INVALID,
    'Statement[0].Action[1]',
    'must be a string, not null',
  ],
  [
    'an action without a service',
    doc({ ...ALLOW, Action: ['eas:A', 'CreateResource'] }),
    INVALID,
    'Statement[0].Action[1]',
    'invalid action format "CreateResource"',
  ],
  [
    'an action with a space',
    doc({ ...ALLOW, NotAction: 'eas:Create Resource', Action: undefined }),
    INVALID,
    'Statement[0].NotAction',
    'invalid action format',
  ],
  ['no Resource in an identity policy', doc({ Effect: 'Allow', Action: '*' }), INVALID, 'Statement[0].Resource', 'is required'],
  ['an empty Resource list', doc({ ...ALLOW, Resource: [] }), INVALID, 'Statement[0].Resource', 'non-empty list'],
  [
    'an ARN with too few parts',
    doc({ ...ALLOW, Resource: ['*', '*', 'acs:eas'] }),
    INVALID,
    'Statement[0].Resource[2]',
    'invalid ARN prefix "acs:eas"',
  ],
  [
    'an ARN with a foreign prefix',
    doc({ ...ALLOW, Resource: 'arn:aws:s3:::bucket' }),
    INVALID,
    'Statement[0].Resource',
    'invalid ARN prefix "arn:aws:s3:"',
  ],
  [
    'an ARN with a letter in the account',
    doc({ ...ALLOW, Resource: 'acs:eas:cn-hangzhou:abc:resource/x' }),
    INVALID,
    'Statement[0].Resource',
    'invalid ARN prefix "acs:eas:cn-hangzhou:abc"',
  ],
  [
    'an ARN with an empty relative id',
    doc({ ...ALLOW, Resource: 'acs:eas:*:*:' }),
    INVALID,
    'Statement[0].Resource',
    'relative resource id is empty',
  ],
  // Conditions
  ['a Condition that is a list', withCondition([]), INVALID, 'Statement[0].Condition', 'must be an object'],
  ['an empty Condition', withCondition({}), INVALID, 'Statement[0].Condition', 'must not be empty'],
  [
    'a misspelt operator',
    doc(ALLOW, { ...ALLOW, Condition: { IpAdress: { 'acs:SourceIp': '10.0.0.1' } } }),
    INVALID,
    'Statement[1].Condition.IpAdress',
    'unknown condition operator "IpAdress"',
  ],
  [
    'an …IfExists operator',
    withCondition({ StringEqualsIfExists: { 'acs:AccessId': 'x' } }),
    INVALID,
    'Statement[0].Condition.StringEqualsIfExists',
    'IfExists, ForAnyValue: and ForAllValues: forms are not supported',
  ],
  [
    'a ForAnyValue: operator',
    withCondition({ 'ForAnyValue:StringEquals': { 'acs:AccessId': 'x' } }),
    INVALID,
    'Statement[0].Condition.ForAnyValue:StringEquals',
    'not supported',
  ],
  [
    'an operator in the wrong case',
    withCondition({ stringequals: { 'acs:AccessId': 'x' } }),
    INVALID,
    'Statement[0].Condition.stringequals',
    'unknown condition operator',
  ],
  [
    'an operator with no keys',
    withCondition({ StringEquals: {} }),
    INVALID,
    'Statement[0].Condition.StringEquals',
    'at least one condition key',
  ],
  [
    'an operator whose value is a string',
    withCondition({ StringEquals: 'x' }),
    INVALID,
    'Statement[0].Condition.StringEquals',
    'must be an object of condition keys',
  ],
  [
    'a key without a service',
    withCondition({ IpAddress: { SourceIp: '10.0.0.1' } }),
    INVALID,
    'Statement[0].Condition.IpAddress.SourceIp',
    'invalid condition key format "SourceIp"',
  ],
  [
    'a key with a space',
    withCondition({ StringEquals: { 'acs:Access Id': 'x' } }),
    INVALID,
    'Statement[0].Condition.StringEquals["acs:Access Id"]',
    'invalid condition key format',
  ],
  [
    'an empty value list',
    withCondition({ StringEquals: { 'acs:AccessId': [] } }),
    INVALID,
    'Statement[0].Condition.StringEquals.acs:AccessId',
    'must not be an empty list',
  ],
  [
    'an object as a value',
    withCondition({ StringEquals: { 'acs:AccessId': ['a', {}] } }),
    INVALID,
    'Statement[0].Condition.StringEquals.acs:AccessId[1]',
    'must be a string, number or boolean',
  ],
  [
    'a word for NumericLessThan',
    withCondition({ NumericLessThan: { 'eas:Count': 'ten' } }),
    INVALID,
    'Statement[0].Condition.NumericLessThan.eas:Count',
    'needs a number',
  ],
  [
    'a boolean for NumericEquals',
    withCondition({ NumericEquals: { 'eas:Count': [1, true] } }),
    INVALID,
    'Statement[0].Condition.NumericEquals.eas:Count[1]',
    'needs a number',
  ],
  [
    'epoch seconds for DateLessThan',
    withCondition({ DateLessThan: { 'acs:CurrentTime': 1700000000 } }),
    INVALID,
    'Statement[0].Condition.DateLessThan.acs:CurrentTime',
    'ISO 8601',
  ],
  [
    'an impossible date',
    withCondition({ DateGreaterThan: { 'acs:CurrentTime': '2023-02-30T00:00:00Z' } }),
    INVALID,
    'Statement[0].Condition.DateGreaterThan.acs:CurrentTime',
    'ISO 8601',
  ],
  [
    'a word for Bool',
    withCondition({ Bool: { 'acs:SecureTransport': 'yes' } }),
    INVALID,
    'Statement[0].Condition.Bool.acs:SecureTransport',
    'Bool needs true or false',
  ],
  [
    'several values for Bool',
    withCondition({ Bool: { 'acs:MFAPresent': ['true', 'false'] } }),
    INVALID,
    'Statement[0].Condition.Bool.acs:MFAPresent',
    'exactly one value',
  ],
  [
    'an IPv4 octet over 255',
    withCondition({ IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '10.0.0.256'] } }),
    INVALID,
    'Statement[0].Condition.IpAddress.acs:SourceIp[1]',
    'IPv4/IPv6 address or CIDR',
  ],
  [
    'an IPv4 prefix over 32',
    withCondition({ NotIpAddress: { 'acs:SourceIp': '10.0.0.0/33' } }),
    INVALID,
    'Statement[0].Condition.NotIpAddress.acs:SourceIp',
    'CIDR',
  ],
  [
    'an IPv6 address with two ::',
    withCondition({ IpAddress: { 'acs:SourceIp': '2001::db8::1' } }),
    INVALID,
    'Statement[0].Condition.IpAddress.acs:SourceIp',
    'CIDR',
  ],
  [
    'a host name for IpAddress',
    withCondition({ IpAddress: { 'acs:SourceIp': 'example.com' } }),
    INVALID,
    'Statement[0].Condition.IpAddress.acs:SourceIp',
    'CIDR',
  ],
  // Trust policies
  [
    'a trust statement without Principal',
    doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
    INVALID,
    'Statement[0].Principal',
    'is required in a trust policy',
    { kind: 'trust' },
  ],
  [
    'a trust action other than sts:AssumeRole',
    doc({ ...TRUST, Action: 'eas:*' }),
    INVALID,
    'Statement[0].Action',
    'only allows the action "sts:AssumeRole"',
    { kind: 'trust' },
  ],
  [
    'NotAction in a trust policy',
    doc({ ...TRUST, Action: undefined, NotAction: 'sts:AssumeRole' }),
    INVALID,
    'Statement[0].NotAction',
    'not allowed in a trust policy',
    { kind: 'trust' },
  ],
  ['a Principal string', doc({ ...TRUST, Principal: '*' }), INVALID, 'Statement[0].Principal', 'must be an object', { kind: 'trust' }],
  ['an empty Principal', doc({ ...TRUST, Principal: {} }), INVALID, 'Statement[0].Principal', 'at least one', { kind: 'trust' }],
  [
    'an AWS principal',
    doc({ ...TRUST, Principal: { AWS: ['x'] } }),
    INVALID,
    'Statement[0].Principal.AWS',
    'unknown principal type "AWS"',
    { kind: 'trust' },
  ],
  [
    'a RAM principal without an account',
    doc({ ...TRUST, Principal: { RAM: ['acs:ram::1:root', 'acs:ram:::user/bob'] } }),
    INVALID,
    'Statement[0].Principal.RAM[1]',
    'invalid RAM principal',
    { kind: 'trust' },
  ],
  [
    'a group as a RAM principal',
    doc({ ...TRUST, Principal: { RAM: 'acs:ram::1:group/devs' } }),
    INVALID,
    'Statement[0].Principal.RAM',
    'invalid RAM principal',
    { kind: 'trust' },
  ],
  [
    'a service principal without a domain',
    doc({ ...TRUST, Principal: { Service: ['ecs'] } }),
    INVALID,
    'Statement[0].Principal.Service[0]',
    'invalid Service principal',
    { kind: 'trust' },
  ],
  [
    'a Federated principal that is not a provider',
    doc({ ...TRUST, Principal: { Federated: ['acs:ram::1:user/x'] } }),
    INVALID,
    'Statement[0].Principal.Federated[0]',
    'invalid Federated principal',
    { kind: 'trust' },
  ],
  [
    'an empty Service list',
    doc({ ...TRUST, Principal: { Service: [] } }),
    INVALID,
    'Statement[0].Principal.Service',
    'non-empty list',
    { kind: 'trust' },
  ],
];

describe('parsePolicyDocument rejects', () => {
  for (const f of failures) {
    test(`${f[0]} → ${f[2]}${f[3] ? ` at ${f[3]}` : ''}`, () => expectRejected(f));
  }

  test('the single statement form is located as "Statement"', () => {
    expectRejected([
      '',
      JSON.stringify({ Version: '1', Statement: { ...ALLOW, Effect: 'Permit' } }),
      INVALID,
      'Statement.Effect',
      'must be "Allow" or "Deny"',
    ]);
  });
});

describe('parsePolicyDocument accepts', () => {
  test('single-value forms of Statement, Action, Resource and condition values', () => {
    const parsed = parsePolicyDocument(
      JSON.stringify({
        Version: '1',
        Statement: {
          Effect: 'Deny',
          Action: 'eas:Delete*',
          Resource: 'acs:eas:cn-hangzhou:123:resource/*',
          Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } },
        },
      }),
    );
    assert.deepEqual(parsed, {
      version: '1',
      kind: 'identity',
      statements: [
        {
          effect: 'Deny',
          action: { negated: false, patterns: ['eas:Delete*'] },
          resource: ['acs:eas:cn-hangzhou:123:resource/*'],
          conditions: [{ operator: 'IpAddress', key: 'acs:SourceIp', values: ['10.0.0.0/8'] }],
        },
      ],
    });
  });

  test('lists, NotAction, Sid and every operator family, with values normalised to strings', () => {
    const parsed = parsePolicyDocument(
      doc(
        {
          Sid: 'ReadOnly',
          Effect: 'Allow',
          Action: ['eas:Describe*', 'eas:List*'],
          Resource: ['acs:eas:*:*:resource/*', 'acs:eas:*:*:service/*'],
        },
        {
          Effect: 'Allow',
          NotAction: ['eas:Delete*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'acs:ResourceTag/team': ['ml', 7] },
            StringLike: { 'acs:PrincipalARN': 'acs:ram::*:role/ci-*' },
            NumericLessThanEquals: { 'eas:Count': [10, '2.5'] },
            DateGreaterThan: { 'acs:CurrentTime': '2019-08-12T17:00:00+08:00' },
            Bool: { 'acs:SecureTransport': true },
            NotIpAddress: { 'acs:SourceIp': ['192.168.0.0/16', '2001:db8::/32', '::1'] },
          },
        },
      ),
    );
    assert.equal(parsed.statements.length, 2);
    assert.equal(parsed.statements[0].sid, 'ReadOnly');
    assert.deepEqual(parsed.statements[1].action, { negated: true, patterns: ['eas:Delete*'] });
    assert.deepEqual(
      parsed.statements[1].conditions.map((c) => [c.operator, c.key, c.values]),
      [
        ['StringEquals', 'acs:ResourceTag/team', ['ml', '7']],
        ['StringLike', 'acs:PrincipalARN', ['acs:ram::*:role/ci-*']],
        ['NumericLessThanEquals', 'eas:Count', ['10', '2.5']],
        ['DateGreaterThan', 'acs:CurrentTime', ['2019-08-12T17:00:00+08:00']],
        ['Bool', 'acs:SecureTransport', ['true']],
        ['NotIpAddress', 'acs:SourceIp', ['192.168.0.0/16', '2001:db8::/32', '::1']],
      ],
    );
  });

  test('the action "*", region- and account-less ARNs, and tag keys with spaces', () => {
    const parsed = parsePolicyDocument(
      doc({
        Effect: 'Allow',
        Action: '*',
        Resource: ['acs:ram::123:user/bob', 'acs:*:*:*:*'],
        Condition: { StringEquals: { 'acs:ResourceTag/cost center': 'x' } },
      }),
    );
    assert.deepEqual(parsed.statements[0].resource, ['acs:ram::123:user/bob', 'acs:*:*:*:*']);
  });

  test('a document of exactly the maximum length, counted in characters (code points)', () => {
    const base = doc({ ...ALLOW, Sid: '' });
    const pad = POLICY_DOCUMENT_MAX_LENGTH - base.length;
    const text = doc({ ...ALLOW, Sid: '😀'.repeat(pad) }); // 2 UTF-16 units, 1 character each
    assert.ok(text.length > POLICY_DOCUMENT_MAX_LENGTH);
    assert.equal(parsePolicyDocument(text).statements[0].sid, '😀'.repeat(pad));
    assert.throws(() => parsePolicyDocument(doc({ ...ALLOW, Sid: '😀'.repeat(pad + 1) })), { code: LENGTH });
  });

  test('a trust policy with RAM, Service and Federated principals and no Resource', () => {
    const parsed = parsePolicyDocument(
      doc({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: {
          RAM: ['acs:ram::1234567890:root', 'acs:ram::1234567890:user/dev-*'],
          Service: 'ecs.aliyuncs.com',
          Federated: 'acs:ram::1234567890:saml-provider/idp',
        },
        Condition: { StringEquals: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' } },
      }),
      { kind: 'trust' },
    );
    assert.equal(parsed.kind, 'trust');
    assert.equal(parsed.statements[0].resource, undefined);
    assert.deepEqual(parsed.statements[0].principal, {
      ram: ['acs:ram::1234567890:root', 'acs:ram::1234567890:user/dev-*'],
      service: ['ecs.aliyuncs.com'],
      federated: ['acs:ram::1234567890:saml-provider/idp'],
    });
  });

  test('JSON escapes and insignificant white space', () => {
    const text =
      '\n{ "Version" : "1",\t"Statement" : [ { "Effect" : "Allow", "Action" : "eas:\\u0044escribe*", "Resource" : "acs:eas:*:*:resource\\/*" } ] }\r\n';
    const parsed = parsePolicyDocument(text);
    assert.deepEqual(parsed.statements[0].action.patterns, ['eas:Describe*']);
    assert.deepEqual(parsed.statements[0].resource, ['acs:eas:*:*:resource/*']);
  });
});
