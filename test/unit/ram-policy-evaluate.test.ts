// Policy evaluation: Deny > Allow > implicit deny, wildcards and case, every condition operator
// family with present and absent keys, session-policy intersection and trust-policy principals.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { parsePolicyDocument, type PolicyKind } from '../../src/ram/policy/document.ts';
import { compilePolicy, compilePolicyText } from '../../src/ram/policy/compile.ts';
import {
  evaluate,
  evaluateTrust,
  evaluateWithSession,
  principalMatchesTrust,
  type AttachedPolicy,
  type DecisionDetail,
  type RequestContext,
  type TrustPrincipal,
} from '../../src/ram/policy/evaluate.ts';
import { compilePatternSet } from '../../src/ram/policy/wildcard.ts';
import { parseIpAddress } from '../../src/ip.ts';

const UID = '1234567890';
const RES = `acs:eas:cn-hangzhou:${UID}:resource/eas-r-abc`;

function policy(
  name: string,
  statements: object[],
  type: AttachedPolicy['type'] = 'Custom',
  kind: PolicyKind = 'identity',
): AttachedPolicy {
  const compiled = compilePolicy(parsePolicyDocument(JSON.stringify({ Version: '1', Statement: statements }), { kind }));
  return { name, type, compiled };
}
function allow(action: string | string[], resource: string | string[] = '*', extra: object = {}): object {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}
function deny(action: string | string[], resource: string | string[] = '*', extra: object = {}): object {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}
function request(action: string, resource = RES, conditionValues: RequestContext['conditionValues'] = {}): RequestContext {
  return { action, resource, conditionValues };
}

describe('evaluate: effects, actions and resources', () => {
  type Case = [
    what: string,
    policies: AttachedPolicy[],
    ctx: RequestContext,
    decision: DecisionDetail['decision'],
    deciding?: [string, number],
  ];
  const readOnly = policy('ReadOnly', [allow(['eas:Describe*', 'eas:List*'])]);
  const cases: Case[] = [
    ['nothing attached is an implicit deny', [], request('eas:DescribeResource'), 'ImplicitDeny'],
    ['a matching Allow allows', [readOnly], request('eas:DescribeResource'), 'Allow', ['ReadOnly', 0]],
    ['an action no statement names is implicitly denied', [readOnly], request('eas:CreateResource'), 'ImplicitDeny'],
    [
      'an explicit Deny in a later policy beats an Allow',
      [readOnly, policy('NoDescribe', [deny('eas:DescribeResource')])],
      request('eas:DescribeResource'),
      'ExplicitDeny',
      ['NoDescribe', 0],
    ],
    [
      'an explicit Deny in an earlier policy beats an Allow',
      [policy('NoDescribe', [deny('eas:Describe*')]), readOnly],
      request('eas:DescribeResource'),
      'ExplicitDeny',
      ['NoDescribe', 0],
    ],
    [
      'a Deny statement after an Allow in the same policy wins',
      [policy('Mixed', [allow('eas:*'), allow('ecs:*'), deny('eas:Delete*')])],
      request('eas:DeleteResource'),
      'ExplicitDeny',
      ['Mixed', 2],
    ],
    [
      'a Deny for another action does not deny',
      [readOnly, policy('NoDelete', [deny('eas:Delete*')])],
      request('eas:DescribeResource'),
      'Allow',
      ['ReadOnly', 0],
    ],
    [
      'Allow with NotAction allows every other action',
      [policy('AllButDelete', [{ Effect: 'Allow', NotAction: 'eas:Delete*', Resource: '*' }])],
      request('ecs:RunInstances'),
      'Allow',
      ['AllButDelete', 0],
    ],
    [
      'Allow with NotAction does not allow the listed actions',
      [policy('AllButDelete', [{ Effect: 'Allow', NotAction: ['eas:Delete*'], Resource: '*' }])],
      request('eas:DeleteResource'),
      'ImplicitDeny',
    ],
    [
      'Deny with NotAction denies everything else',
      [policy('Admin', [allow('*')]), policy('OnlyEas', [{ Effect: 'Deny', NotAction: 'eas:*', Resource: '*' }])],
      request('ecs:RunInstances'),
      'ExplicitDeny',
      ['OnlyEas', 0],
    ],
    [
      'Deny with NotAction spares the listed actions',
      [policy('Admin', [allow('*')]), policy('OnlyEas', [{ Effect: 'Deny', NotAction: 'eas:*', Resource: '*' }])],
      request('eas:CreateResource'),
      'Allow',
      ['Admin', 0],
    ],
    [
      '"*" allows every action',
      [policy('Admin', [allow('*')])],
      request('ram:CreateUser', `acs:ram:*:${UID}:user/bob`),
      'Allow',
      ['Admin', 0],
    ],
    ['eas:* allows every EAS action', [policy('Eas', [allow('eas:*')])], request('eas:CreateResourceInstances'), 'Allow', ['Eas', 0]],
    ['eas:* does not allow another service', [policy('Eas', [allow('eas:*')])], request('easx:CreateResource'), 'ImplicitDeny'],
    [
      'eas:Describe* matches the bare prefix too (* is any run, even empty)',
      [policy('D', [allow('eas:Describe*')])],
      request('eas:Describe'),
      'Allow',
      ['D', 0],
    ],
    [
      'eas:Describe* does not match eas:ListResources',
      [policy('D', [allow('eas:Describe*')])],
      request('eas:ListResources'),
      'ImplicitDeny',
    ],
    ['? matches exactly one character', [policy('Q', [allow('eas:DescribeResourc?')])], request('eas:DescribeResource'), 'Allow', ['Q', 0]],
    ['? does not match zero characters', [policy('Q', [allow('eas:DescribeResource?')])], request('eas:DescribeResource'), 'ImplicitDeny'],
    ['? does not match two characters', [policy('Q', [allow('eas:Describe?')])], request('eas:DescribeAb'), 'ImplicitDeny'],
    ['* and ? together', [policy('Q', [allow('eas:*Resource?nstances')])], request('eas:CreateResourceInstances'), 'Allow', ['Q', 0]],
    [
      'actions match case-insensitively (policy side)',
      [policy('Lower', [allow('EAS:describeresource')])],
      request('eas:DescribeResource'),
      'Allow',
      ['Lower', 0],
    ],
    [
      'actions match case-insensitively (request side)',
      [policy('D', [allow('eas:Describe*')])],
      request('EAS:DESCRIBERESOURCE'),
      'Allow',
      ['D', 0],
    ],
    ['an exact resource matches', [policy('One', [allow('eas:*', RES)])], request('eas:DeleteResource'), 'Allow', ['One', 0]],
    [
      'resources match case-insensitively (policy side)',
      [policy('Upper', [allow('eas:*', `acs:EAS:CN-HANGZHOU:${UID}:RESOURCE/EAS-R-ABC`)])],
      request('eas:DeleteResource'),
      'Allow',
      ['Upper', 0],
    ],
    [
      'a Deny holds for any case of the resource (request side)',
      [policy('A', [allow('ram:*')]), policy('D', [deny('ram:*', `acs:ram:*:${UID}:user/mallory`)])],
      request('ram:AttachPolicyToUser', `ACS:RAM:*:${UID}:USER/Mallory`),
      'ExplicitDeny',
      ['D', 0],
    ],
    [
      'a Deny written in another case than the stored name holds',
      [policy('A', [allow('ram:*')]), policy('D', [deny('ram:*', `acs:ram:*:${UID}:user/Admin*`)])],
      request('ram:CreateAccessKey', `acs:ram:*:${UID}:user/admin`),
      'ExplicitDeny',
      ['D', 0],
    ],
    [
      'a wildcard region and group id',
      [policy('W', [allow('eas:*', `acs:eas:cn-*:${UID}:resource/*`)])],
      request('eas:DeleteResource'),
      'Allow',
      ['W', 0],
    ],
    [
      'another account is not matched',
      [policy('W', [allow('eas:*', 'acs:eas:*:999:resource/*')])],
      request('eas:DeleteResource'),
      'ImplicitDeny',
    ],
    [
      'a resource list matches any element',
      [policy('L', [allow('eas:*', ['acs:eas:*:*:service/*', 'acs:eas:*:*:resource/eas-r-ab?'])])],
      request('eas:DeleteResource'),
      'Allow',
      ['L', 0],
    ],
    [
      'a Deny on another resource does not deny',
      [policy('A', [allow('eas:*')]), policy('D', [deny('eas:*', 'acs:eas:*:*:resource/eas-r-other')])],
      request('eas:DeleteResource'),
      'Allow',
      ['A', 0],
    ],
  ];
  for (const [what, policies, ctx, decision, deciding] of cases) {
    test(`${what} → ${decision}`, () => {
      const d = evaluate(policies, ctx);
      assert.equal(d.decision, decision);
      assert.equal(d.policyType, 'AccountLevelIdentityBasedPolicy');
      if (deciding) {
        assert.equal(d.decidingPolicy?.name, deciding[0]);
        assert.equal(d.decidingStatement, deciding[1]);
      } else {
        assert.equal(d.decidingPolicy, undefined);
      }
    });
  }

  test('the deciding policy carries its type and version', () => {
    const p = { ...policy('AliyunPAIEASReadOnlyAccess', [allow('eas:*')], 'System'), version: 'v3' };
    assert.deepEqual(evaluate([p], request('eas:ListResources')), {
      decision: 'Allow',
      decidingPolicy: { name: 'AliyunPAIEASReadOnlyAccess', type: 'System', version: 'v3' },
      decidingStatement: 0,
      policyType: 'AccountLevelIdentityBasedPolicy',
    });
  });

  test('a compiled policy is reusable across many requests', () => {
    const p = {
      name: 'p',
      type: 'Custom' as const,
      compiled: compilePolicyText('{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:List*","Resource":"*"}]}'),
    };
    for (let i = 0; i < 3; i++) {
      assert.equal(evaluate([p], request('eas:ListResources')).decision, 'Allow');
      assert.equal(evaluate([p], request('eas:CreateResource')).decision, 'ImplicitDeny');
    }
    // The statements that can apply to an action are worked out once per action name.
    assert.equal(p.compiled.statementsFor('eas:listresources'), p.compiled.statementsFor('eas:listresources'));
    assert.equal(p.compiled.statementsFor('eas:createresource').length, 0);
  });
});

describe('evaluate: conditions', () => {
  /** [what, Condition block, request condition values, does the condition hold?] */
  type Case = [what: string, condition: object, values: RequestContext['conditionValues'], holds: boolean];
  const T = 'acs:ResourceTag/team';
  const cases: Case[] = [
    // String
    ['StringEquals, equal', { StringEquals: { [T]: 'ml' } }, { [T]: 'ml' }, true],
    ['StringEquals, different', { StringEquals: { [T]: 'ml' } }, { [T]: 'web' }, false],
    ['StringEquals is case-sensitive', { StringEquals: { [T]: 'ml' } }, { [T]: 'ML' }, false],
    ['StringEquals, key absent', { StringEquals: { [T]: 'ml' } }, {}, false],
    ['StringEquals, key undefined', { StringEquals: { [T]: 'ml' } }, { [T]: undefined }, false],
    ['StringEquals, key an empty list', { StringEquals: { [T]: 'ml' } }, { [T]: [] }, false],
    ['StringNotEquals, equal', { StringNotEquals: { [T]: 'ml' } }, { [T]: 'ml' }, false],
    ['StringNotEquals, different', { StringNotEquals: { [T]: 'ml' } }, { [T]: 'web' }, true],
    ['StringNotEquals, key absent', { StringNotEquals: { [T]: 'ml' } }, {}, true],
    ['StringEqualsIgnoreCase, other case', { StringEqualsIgnoreCase: { [T]: 'ML' } }, { [T]: 'ml' }, true],
    ['StringEqualsIgnoreCase, key absent', { StringEqualsIgnoreCase: { [T]: 'ML' } }, {}, false],
    ['StringNotEqualsIgnoreCase, other case', { StringNotEqualsIgnoreCase: { [T]: 'ML' } }, { [T]: 'ml' }, false],
    ['StringNotEqualsIgnoreCase, key absent', { StringNotEqualsIgnoreCase: { [T]: 'ML' } }, {}, true],
    [
      'StringLike with *',
      { StringLike: { 'acs:PrincipalARN': `acs:ram::${UID}:role/ci-*` } },
      { 'acs:PrincipalARN': `acs:ram::${UID}:role/ci-deploy` },
      true,
    ],
    ['StringLike with ?', { StringLike: { 'acs:AccessId': 'STS.????' } }, { 'acs:AccessId': 'STS.abcd' }, true],
    ['StringLike ? is one character', { StringLike: { 'acs:AccessId': 'STS.????' } }, { 'acs:AccessId': 'STS.abcde' }, false],
    ['StringLike is case-sensitive', { StringLike: { 'acs:AccessId': 'STS.*' } }, { 'acs:AccessId': 'sts.abc' }, false],
    ['StringLike, key absent', { StringLike: { 'acs:AccessId': '*' } }, {}, false],
    ['StringNotLike, matching', { StringNotLike: { 'acs:AccessId': 'STS.*' } }, { 'acs:AccessId': 'STS.abc' }, false],
    ['StringNotLike, not matching', { StringNotLike: { 'acs:AccessId': 'STS.*' } }, { 'acs:AccessId': 'LTAIabc' }, true],
    ['StringNotLike, key absent', { StringNotLike: { 'acs:AccessId': 'STS.*' } }, {}, true],
    // Numeric
    ['NumericEquals, equal (number in policy, text in request)', { NumericEquals: { 'eas:Count': 3 } }, { 'eas:Count': '3.0' }, true],
    ['NumericEquals, different', { NumericEquals: { 'eas:Count': '3' } }, { 'eas:Count': '4' }, false],
    ['NumericEquals, key absent', { NumericEquals: { 'eas:Count': 3 } }, {}, false],
    ['NumericEquals, request value not a number', { NumericEquals: { 'eas:Count': 3 } }, { 'eas:Count': 'three' }, false],
    ['NumericNotEquals, equal', { NumericNotEquals: { 'eas:Count': 3 } }, { 'eas:Count': '3' }, false],
    ['NumericNotEquals, different', { NumericNotEquals: { 'eas:Count': 3 } }, { 'eas:Count': '4' }, true],
    ['NumericNotEquals, key absent', { NumericNotEquals: { 'eas:Count': 3 } }, {}, true],
    ['NumericLessThan, less', { NumericLessThan: { 'eas:Count': 10 } }, { 'eas:Count': '9' }, true],
    ['NumericLessThan, equal', { NumericLessThan: { 'eas:Count': 10 } }, { 'eas:Count': '10' }, false],
    ['NumericLessThanEquals, equal', { NumericLessThanEquals: { 'eas:Count': 10 } }, { 'eas:Count': '10' }, true],
    ['NumericLessThanEquals, key absent', { NumericLessThanEquals: { 'eas:Count': 10 } }, {}, false],
    ['NumericGreaterThan, greater (negative numbers)', { NumericGreaterThan: { 'eas:Count': -5 } }, { 'eas:Count': '-4.5' }, true],
    ['NumericGreaterThan, equal', { NumericGreaterThan: { 'eas:Count': 5 } }, { 'eas:Count': '5' }, false],
    ['NumericGreaterThanEquals, equal', { NumericGreaterThanEquals: { 'eas:Count': '5' } }, { 'eas:Count': '5' }, true],
    ['NumericGreaterThanEquals, less', { NumericGreaterThanEquals: { 'eas:Count': '5' } }, { 'eas:Count': '1e0' }, false],
    // Date
    [
      'DateLessThan, before',
      { DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' } },
      { 'acs:CurrentTime': '2029-12-31T23:59:59Z' },
      true,
    ],
    [
      'DateLessThan, at the instant',
      { DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' } },
      { 'acs:CurrentTime': '2030-01-01T00:00:00Z' },
      false,
    ],
    [
      'DateLessThanEquals, same instant written with an offset',
      { DateLessThanEquals: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' } },
      { 'acs:CurrentTime': '2030-01-01T08:00:00+08:00' },
      true,
    ],
    [
      'DateGreaterThan, offsets compared as instants',
      { DateGreaterThan: { 'acs:CurrentTime': '2019-08-12T17:00:00+08:00' } },
      { 'acs:CurrentTime': '2019-08-12T09:00:01Z' },
      true,
    ],
    [
      'DateGreaterThan, earlier',
      { DateGreaterThan: { 'acs:CurrentTime': '2019-08-12T17:00:00+08:00' } },
      { 'acs:CurrentTime': '2019-08-12T08:59:59Z' },
      false,
    ],
    [
      'DateGreaterThanEquals, date only is midnight UTC',
      { DateGreaterThanEquals: { 'acs:CurrentTime': '2024-03-01' } },
      { 'acs:CurrentTime': '2024-03-01T00:00:00.000Z' },
      true,
    ],
    [
      'DateEquals, same instant',
      { DateEquals: { 'acs:CurrentTime': '2024-03-01T12:00:00Z' } },
      { 'acs:CurrentTime': '2024-03-01T20:00:00+0800' },
      true,
    ],
    ['DateEquals, key absent', { DateEquals: { 'acs:CurrentTime': '2024-03-01T12:00:00Z' } }, {}, false],
    [
      'DateNotEquals, same instant',
      { DateNotEquals: { 'acs:CurrentTime': '2024-03-01T12:00:00Z' } },
      { 'acs:CurrentTime': '2024-03-01T12:00:00.000Z' },
      false,
    ],
    ['DateNotEquals, key absent', { DateNotEquals: { 'acs:CurrentTime': '2024-03-01T12:00:00Z' } }, {}, true],
    [
      'DateLessThan, request value not ISO 8601',
      { DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' } },
      { 'acs:CurrentTime': '1700000000' },
      false,
    ],
    [
      'a date window, inside',
      {
        DateGreaterThanEquals: { 'acs:CurrentTime': '2024-01-01T00:00:00+08:00' },
        DateLessThan: { 'acs:CurrentTime': '2024-02-01T00:00:00+08:00' },
      },
      { 'acs:CurrentTime': '2024-01-15T10:00:00Z' },
      true,
    ],
    [
      'a date window, before',
      {
        DateGreaterThanEquals: { 'acs:CurrentTime': '2024-01-01T00:00:00+08:00' },
        DateLessThan: { 'acs:CurrentTime': '2024-02-01T00:00:00+08:00' },
      },
      { 'acs:CurrentTime': '2023-12-31T15:59:59Z' },
      false,
    ],
    [
      'a date window, at its opening instant',
      {
        DateGreaterThanEquals: { 'acs:CurrentTime': '2024-01-01T00:00:00+08:00' },
        DateLessThan: { 'acs:CurrentTime': '2024-02-01T00:00:00+08:00' },
      },
      { 'acs:CurrentTime': '2023-12-31T16:00:00Z' },
      true,
    ],
    [
      'a date window, after',
      {
        DateGreaterThanEquals: { 'acs:CurrentTime': '2024-01-01T00:00:00+08:00' },
        DateLessThan: { 'acs:CurrentTime': '2024-02-01T00:00:00+08:00' },
      },
      { 'acs:CurrentTime': '2024-01-31T16:00:00Z' },
      false,
    ],
    // Bool
    ['Bool true, request "true"', { Bool: { 'acs:SecureTransport': 'true' } }, { 'acs:SecureTransport': 'true' }, true],
    ['Bool true, request "TRUE"', { Bool: { 'acs:SecureTransport': true } }, { 'acs:SecureTransport': 'TRUE' }, true],
    ['Bool true, request "false"', { Bool: { 'acs:SecureTransport': 'True' } }, { 'acs:SecureTransport': 'false' }, false],
    ['Bool false, request "false"', { Bool: { 'acs:MFAPresent': false } }, { 'acs:MFAPresent': 'false' }, true],
    ['Bool, key absent', { Bool: { 'acs:MFAPresent': 'false' } }, {}, false],
    // IP
    ['IpAddress, IPv4 inside the block', { IpAddress: { 'acs:SourceIp': '192.168.0.0/16' } }, { 'acs:SourceIp': '192.168.10.20' }, true],
    ['IpAddress, IPv4 outside the block', { IpAddress: { 'acs:SourceIp': '192.168.0.0/16' } }, { 'acs:SourceIp': '192.169.0.1' }, false],
    ['IpAddress, a single address', { IpAddress: { 'acs:SourceIp': '203.0.113.7' } }, { 'acs:SourceIp': '203.0.113.7' }, true],
    [
      'IpAddress, host bits in the block are ignored',
      { IpAddress: { 'acs:SourceIp': '10.1.2.3/8' } },
      { 'acs:SourceIp': '10.200.0.1' },
      true,
    ],
    [
      'IpAddress, /0 matches every IPv4 address',
      { IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } },
      { 'acs:SourceIp': '255.255.255.255' },
      true,
    ],
    [
      'IpAddress, IPv4-mapped IPv6 request matches an IPv4 /32',
      { IpAddress: { 'acs:SourceIp': '127.0.0.1/32' } },
      { 'acs:SourceIp': '::ffff:127.0.0.1' },
      true,
    ],
    [
      'IpAddress, IPv4-mapped IPv6 block matches an IPv4 request',
      { IpAddress: { 'acs:SourceIp': '::ffff:10.0.0.0/104' } },
      { 'acs:SourceIp': '10.9.8.7' },
      true,
    ],
    ['IpAddress, IPv6 inside the block', { IpAddress: { 'acs:SourceIp': '2001:db8::/32' } }, { 'acs:SourceIp': '2001:db8:abcd::1' }, true],
    ['IpAddress, IPv6 outside the block', { IpAddress: { 'acs:SourceIp': '2001:db8::/32' } }, { 'acs:SourceIp': '2001:db9::1' }, false],
    [
      'IpAddress, IPv6 written in full',
      { IpAddress: { 'acs:SourceIp': 'fd00::/8' } },
      { 'acs:SourceIp': 'FD12:3456:789A:0001:0000:0000:0000:0001' },
      true,
    ],
    ['IpAddress, IPv6 loopback', { IpAddress: { 'acs:SourceIp': '::1' } }, { 'acs:SourceIp': '0:0:0:0:0:0:0:1' }, true],
    ['IpAddress, IPv4 request against an IPv6 block', { IpAddress: { 'acs:SourceIp': '::/0' } }, { 'acs:SourceIp': '10.0.0.1' }, false],
    [
      'IpAddress, several blocks OR',
      { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
      { 'acs:SourceIp': '2001:db8::5' },
      true,
    ],
    ['IpAddress, request value not an address', { IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } }, { 'acs:SourceIp': 'localhost' }, false],
    ['IpAddress, key absent', { IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } }, {}, false],
    ['NotIpAddress, inside', { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, { 'acs:SourceIp': '10.0.0.1' }, false],
    ['NotIpAddress, outside', { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, { 'acs:SourceIp': '11.0.0.1' }, true],
    ['NotIpAddress, IPv6 inside', { NotIpAddress: { 'acs:SourceIp': '2001:db8::/32' } }, { 'acs:SourceIp': '2001:db8::1' }, false],
    ['NotIpAddress, key absent', { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, {}, true],
    // Combination rules
    ['several values for one key: OR', { StringEquals: { [T]: ['ml', 'web', 'ops'] } }, { [T]: 'web' }, true],
    [
      'several keys under one operator: AND (both hold)',
      { StringEquals: { [T]: 'ml', 'acs:AccessId': 'LTAI1' } },
      { [T]: 'ml', 'acs:AccessId': 'LTAI1' },
      true,
    ],
    [
      'several keys under one operator: AND (one fails)',
      { StringEquals: { [T]: 'ml', 'acs:AccessId': 'LTAI1' } },
      { [T]: 'ml', 'acs:AccessId': 'LTAI2' },
      false,
    ],
    ['several keys under one operator: AND (one absent)', { StringEquals: { [T]: 'ml', 'acs:AccessId': 'LTAI1' } }, { [T]: 'ml' }, false],
    [
      'several operators: AND (all hold)',
      { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': 'true' } },
      { 'acs:SourceIp': '10.1.1.1', 'acs:SecureTransport': 'true' },
      true,
    ],
    [
      'several operators: AND (one fails)',
      { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': 'true' } },
      { 'acs:SourceIp': '10.1.1.1', 'acs:SecureTransport': 'false' },
      false,
    ],
    ['request keys compare case-insensitively', { IpAddress: { 'ACS:SOURCEIP': '10.0.0.0/8' } }, { 'acs:sourceip': '10.1.1.1' }, true],
    [
      'a multi-valued request key: positive holds if any value matches',
      { StringEquals: { 'acs:TagKeys': 'team' } },
      { 'acs:TagKeys': ['owner', 'team'] },
      true,
    ],
    [
      'a multi-valued request key: positive fails if none matches',
      { StringEquals: { 'acs:TagKeys': 'team' } },
      { 'acs:TagKeys': ['owner', 'cost'] },
      false,
    ],
    [
      'a multi-valued request key: negated fails if any value matches',
      { StringNotEquals: { 'acs:TagKeys': 'team' } },
      { 'acs:TagKeys': ['owner', 'team'] },
      false,
    ],
    [
      'a multi-valued request key: negated holds if none matches',
      { StringNotEquals: { 'acs:TagKeys': 'team' } },
      { 'acs:TagKeys': ['owner', 'cost'] },
      true,
    ],
    [
      'a multi-valued request key with NotIpAddress',
      { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } },
      { 'acs:SourceIp': ['11.0.0.1', '10.0.0.1'] },
      false,
    ],
  ];
  for (const [what, condition, values, holds] of cases) {
    test(`${what} → ${holds ? 'holds' : 'does not hold'}`, () => {
      const p = policy('Conditional', [allow('eas:*', '*', { Condition: condition })]);
      assert.equal(evaluate([p], request('eas:ListResources', RES, values)).decision, holds ? 'Allow' : 'ImplicitDeny');
    });
  }

  test('a Deny conditioned on the source network denies only outside it', () => {
    const policies = [
      policy('Admin', [allow('*')]),
      policy('OfficeOnly', [deny('*', '*', { Condition: { NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', 'fd00::/8'] } } })]),
    ];
    assert.equal(evaluate(policies, request('eas:CreateResource', RES, { 'acs:SourceIp': '10.3.3.3' })).decision, 'Allow');
    assert.equal(evaluate(policies, request('eas:CreateResource', RES, { 'acs:SourceIp': 'fd00::9' })).decision, 'Allow');
    assert.equal(evaluate(policies, request('eas:CreateResource', RES, { 'acs:SourceIp': '8.8.8.8' })).decision, 'ExplicitDeny');
    // No source address at all: the negated operator holds, so the Deny applies.
    assert.equal(evaluate(policies, request('eas:CreateResource', RES, {})).decision, 'ExplicitDeny');
  });
});

describe('evaluateWithSession: identity ∩ session policy', () => {
  const identity = [policy('EasAdmin', [allow('eas:*')]), policy('NoDelete', [deny('eas:DeleteResource')])];
  const session = [policy('session', [allow('eas:Describe*'), allow('eas:DeleteResource'), deny('eas:DescribeService')], 'Session')];
  type Case = [
    what: string,
    session: AttachedPolicy[] | undefined,
    action: string,
    decision: DecisionDetail['decision'],
    policyType: DecisionDetail['policyType'],
    deciding?: string,
  ];
  const cases: Case[] = [
    ['both allow', session, 'eas:DescribeResource', 'Allow', 'AccountLevelIdentityBasedPolicy', 'EasAdmin'],
    ['identity allows, session is silent', session, 'eas:CreateResource', 'ImplicitDeny', 'SessionPolicy'],
    ['session denies explicitly', session, 'eas:DescribeService', 'ExplicitDeny', 'SessionPolicy', 'session'],
    [
      'identity denies explicitly while the session allows',
      session,
      'eas:DeleteResource',
      'ExplicitDeny',
      'AccountLevelIdentityBasedPolicy',
      'NoDelete',
    ],
    ['session allows, identity is silent', session, 'eas:DescribeMachineSpec', 'Allow', 'AccountLevelIdentityBasedPolicy', 'EasAdmin'],
    ['no session policy: identity alone', undefined, 'eas:CreateResource', 'Allow', 'AccountLevelIdentityBasedPolicy', 'EasAdmin'],
    ['an empty session policy list allows nothing', [], 'eas:CreateResource', 'ImplicitDeny', 'SessionPolicy'],
  ];
  for (const [what, s, action, decision, policyType, deciding] of cases) {
    test(`${what} → ${decision} (${policyType})`, () => {
      const d = evaluateWithSession(identity, s, request(action));
      assert.equal(d.decision, decision);
      assert.equal(d.policyType, policyType);
      assert.equal(d.decidingPolicy?.name, deciding);
    });
  }

  test('identity silent and session silent: the session policy is reported (it is evaluated first)', () => {
    const d = evaluateWithSession([policy('Ecs', [allow('ecs:*')])], session, request('eas:CreateResource'));
    assert.deepEqual(d, { decision: 'ImplicitDeny', policyType: 'SessionPolicy' });
  });

  test('identity silent, session allows: the identity policies are reported', () => {
    const d = evaluateWithSession([policy('Ecs', [allow('ecs:*')])], session, request('eas:DescribeResource'));
    assert.deepEqual(d, { decision: 'ImplicitDeny', policyType: 'AccountLevelIdentityBasedPolicy' });
  });

  test('explicit denies on both sides: the session policy is reported', () => {
    const d = evaluateWithSession([policy('DenyAll', [deny('*')])], session, request('eas:DescribeService'));
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.policyType, 'SessionPolicy');
  });

  test('evaluate() on session policies alone reports SessionPolicy', () => {
    assert.deepEqual(evaluate(session, request('eas:CreateResource')), { decision: 'ImplicitDeny', policyType: 'SessionPolicy' });
  });
});

describe('trust policies', () => {
  const OTHER = '9999999999';
  function trust(statements: object[]): AttachedPolicy {
    return policy('trust', statements, 'Trust', 'trust');
  }
  function assume(principal: object, extra: object = {}): object {
    return { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal, ...extra };
  }
  const user = (account: string, name: string): TrustPrincipal => ({
    arn: `acs:ram::${account}:user/${name}`,
    accountId: account,
    kind: 'user',
  });
  const role = (account: string, name: string, session?: string): TrustPrincipal => ({
    arn: `acs:ram::${account}:role/${name}${session ? `/${session}` : ''}`,
    accountId: account,
    kind: 'role',
  });
  const root = (account: string): TrustPrincipal => ({ arn: `acs:ram::${account}:root`, accountId: account, kind: 'root' });
  const service = (name: string, account = UID): TrustPrincipal => ({ arn: name, accountId: account, kind: 'service', service: name });

  type Case = [what: string, trust: AttachedPolicy, principal: TrustPrincipal, matches: boolean];
  const rootTrust = trust([assume({ RAM: `acs:ram::${UID}:root` })]);
  const named = trust([assume({ RAM: [`acs:ram::${UID}:user/alice`, `acs:ram::${UID}:role/deployer`, `acs:ram::${OTHER}:user/ci-*`] })]);
  const services = trust([assume({ Service: ['ecs.aliyuncs.com', `${OTHER}@fc.aliyuncs.com`, 'pai*.aliyuncs.com'] })]);
  const cases: Case[] = [
    ['root entry: a RAM user of that account', rootTrust, user(UID, 'bob'), true],
    ['root entry: a RAM role of that account', rootTrust, role(UID, 'any', 'session-1'), true],
    ['root entry: the account itself', rootTrust, root(UID), true],
    ['root entry: a user of another account', rootTrust, user(OTHER, 'bob'), false],
    ['root entry: a service', rootTrust, service('ecs.aliyuncs.com'), false],
    ['user entry: that user', named, user(UID, 'alice'), true],
    ['user entry: names compare case-insensitively', named, user(UID, 'Alice'), true],
    ['user entry: another user', named, user(UID, 'bob'), false],
    ['user entry: the same name in another account', named, user(OTHER, 'alice'), false],
    ['user entry: the account root is not the user', named, root(UID), false],
    ['role entry: the role', named, role(UID, 'deployer'), true],
    ['role entry: a session of the role', named, role(UID, 'deployer', 'build-42'), true],
    ['role entry: another role', named, role(UID, 'deployer2'), false],
    ['role entry: a user of the same name', named, user(UID, 'deployer'), false],
    ['wildcard user entry: matching name', named, user(OTHER, 'ci-runner'), true],
    ['wildcard user entry: other name', named, user(OTHER, 'dev-runner'), false],
    ['service entry: that service', services, service('ecs.aliyuncs.com'), true],
    ['service entry: case-insensitive', services, service('ECS.aliyuncs.com'), true],
    ['service entry: another service', services, service('oss.aliyuncs.com'), false],
    ['service entry: wildcard', services, service('pai-eas.aliyuncs.com'), true],
    ['account-scoped service entry: that account', services, service('fc.aliyuncs.com', OTHER), true],
    ['account-scoped service entry: another account', services, service('fc.aliyuncs.com', UID), false],
    ['service entry: a RAM user is not a service', services, user(UID, 'ecs.aliyuncs.com'), false],
    [
      'federated entry: never matches a RAM identity',
      trust([assume({ Federated: `acs:ram::${UID}:saml-provider/idp` })]),
      user(UID, 'idp'),
      false,
    ],
    [
      'a Deny for the principal wins',
      trust([assume({ RAM: `acs:ram::${UID}:root` }), { ...assume({ RAM: `acs:ram::${UID}:user/mallory` }), Effect: 'Deny' }]),
      user(UID, 'mallory'),
      false,
    ],
  ];
  for (const [what, t, principal, matches] of cases) {
    test(`${what} → ${matches ? 'trusted' : 'not trusted'}`, () => {
      assert.equal(principalMatchesTrust(t.compiled, principal), matches);
    });
  }

  test('trust conditions are evaluated against the request', () => {
    const t = trust([assume({ RAM: `acs:ram::${UID}:root` }, { Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } })]);
    assert.equal(principalMatchesTrust(t.compiled, user(UID, 'bob'), { conditionValues: { 'acs:SourceIp': '10.0.0.1' } }), true);
    assert.equal(principalMatchesTrust(t.compiled, user(UID, 'bob'), { conditionValues: { 'acs:SourceIp': '8.8.8.8' } }), false);
    assert.equal(principalMatchesTrust(t.compiled, user(UID, 'bob')), false);
  });

  test('a trust Resource restricts which role ARN may be assumed', () => {
    const t = trust([assume({ RAM: `acs:ram::${UID}:root` }, { Resource: `acs:ram::${UID}:role/deployer` })]);
    assert.equal(principalMatchesTrust(t.compiled, user(UID, 'bob'), { resource: `acs:ram::${UID}:role/deployer` }), true);
    assert.equal(principalMatchesTrust(t.compiled, user(UID, 'bob'), { resource: `acs:ram::${UID}:role/other` }), false);
  });

  test('only sts:AssumeRole is trusted', () => {
    assert.equal(principalMatchesTrust(rootTrust.compiled, user(UID, 'bob'), { action: 'sts:assumerole' }), true);
    assert.equal(principalMatchesTrust(rootTrust.compiled, user(UID, 'bob'), { action: 'eas:ListResources' }), false);
  });

  test('evaluateTrust reports AssumeRolePolicy, with the deciding statement', () => {
    const t = trust([assume({ RAM: `acs:ram::${UID}:root` }), { ...assume({ RAM: `acs:ram::${UID}:user/mallory` }), Effect: 'Deny' }]);
    assert.deepEqual(evaluateTrust(t, user(UID, 'bob')), {
      decision: 'Allow',
      decidingPolicy: { name: 'trust', type: 'Trust' },
      decidingStatement: 0,
      policyType: 'AssumeRolePolicy',
    });
    assert.deepEqual(evaluateTrust(t, user(UID, 'mallory')), {
      decision: 'ExplicitDeny',
      decidingPolicy: { name: 'trust', type: 'Trust' },
      decidingStatement: 1,
      policyType: 'AssumeRolePolicy',
    });
    assert.deepEqual(evaluateTrust(t, user(OTHER, 'bob')), { decision: 'ImplicitDeny', policyType: 'AssumeRolePolicy' });
  });

  test('trust statements never apply in identity evaluation (no caller to match)', () => {
    assert.equal(evaluate([rootTrust], request('sts:AssumeRole', `acs:ram::${UID}:role/x`)).decision, 'ImplicitDeny');
  });
});

describe('building blocks', () => {
  test('wildcard matching agrees with an anchored reference RegExp on 50,000 random cases', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 50_000; i++) {
      const pattern = Array.from({ length: rnd(7) }, () => 'ab*?'[rnd(4)]).join('');
      const subject = Array.from({ length: rnd(8) }, () => 'ab'[rnd(2)]).join('');
      const reference = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
      assert.equal(compilePatternSet([pattern]).matches(subject), reference.test(subject), `${pattern} vs ${subject}`);
    }
  });

  test('? matches one character outside the Basic Multilingual Plane', () => {
    assert.equal(compilePatternSet(['team-?']).matches('team-😀'), true);
    assert.equal(compilePatternSet(['*-??']).matches('team-😀'), false);
  });

  test('IP address syntax agrees with node:net (zone ids excepted, which are refused)', () => {
    const samples = [
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':1::',
      '1:::2',
      '::ffff:1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::1.2.3.4',
      '1.2.3.4::',
      '12345::',
      'g::',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '255.255.255.255',
      '256.1.1.1',
      '1.2.3.4:',
      ':',
      '',
      '1::2:3:4:5:6:7',
      '1::2:3:4:5:6:7:8',
      'abcd:ef01::1.2.3.4',
      'FFFF::',
    ];
    for (const ip of samples) assert.equal(parseIpAddress(ip) !== undefined, isIP(ip) !== 0, JSON.stringify(ip));
    assert.equal(parseIpAddress('fe80::1%eth0'), undefined);
  });
});

describe('cost', () => {
  test('wildcards run in linear time on hostile patterns (no RegExp backtracking)', () => {
    const p = policy('Hostile', [allow('eas:*', ['acs:eas:*:*:*a*a*a*a*a*a*a*a*a*a*a*a*b', 'acs:eas:*:*:*a?a*a?a*a?a*a?a*a?a*b'])]);
    const started = performance.now();
    const d = evaluate([p], request('eas:X', `acs:eas:cn-hangzhou:${UID}:${'a'.repeat(20_000)}`));
    assert.equal(d.decision, 'ImplicitDeny');
    assert.ok(performance.now() - started < 1_000, 'hostile patterns must not take seconds');
  });

  test('50 policies × 20 statements judge thousands of requests quickly', () => {
    const policies: AttachedPolicy[] = [];
    for (let p = 0; p < 50; p++) {
      const statements: object[] = [];
      for (let s = 0; s < 20; s++) {
        statements.push(
          allow([`ecs:Describe${p}x${s}*`, `oss:Get${s}?`], [`acs:ecs:*:${UID}:instance/i-${p}-${s}-*`], {
            Condition: {
              IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
              DateLessThan: { 'acs:CurrentTime': '2099-01-01T00:00:00Z' },
            },
          }),
        );
      }
      statements.push(deny('eas:DeleteResource', `acs:eas:*:*:resource/never-${p}`));
      policies.push(policy(`p${p}`, statements));
    }
    const ctx = request('eas:CreateResourceInstances', RES, { 'acs:SourceIp': '10.1.2.3', 'acs:CurrentTime': '2025-01-01T00:00:00Z' });
    const n = 2_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) assert.equal(evaluate(policies, ctx).decision, 'ImplicitDeny');
    const perRequestMs = (performance.now() - started) / n;
    assert.ok(perRequestMs < 1, `one evaluation of 1,050 statements took ${perRequestMs.toFixed(3)} ms`);
  });
});
