// The RAM bypass table: a principal allowed everything except what an explicit Deny
// names must stay denied on those entities however a request spells them — upper or mixed case,
// percent-encoded, surrounding spaces, a trailing slash — for every action that names a RAM user,
// group, role, policy or AccessKey, STS AssumeRole's RoleArn, BSS instance ids and EAS group and
// machine ids (MigrateResourceInstance's destination included). A variant may be refused as
// denied, invalid or not found; it must never succeed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callRpc, easClient, type ApiResult, type Credentials } from '../support/client.ts';
import { advance } from '../support/admin.ts';
import { eas, REGION, rootCredentials, userWithPolicies } from '../support/ram.ts';

const RAM = '2015-05-01';
const STS = '2015-04-01';
const BSS = '2017-12-14';

/** The state the rows address, made by the root in before(). */
interface Fixture {
  account: string;
  adminKey: string;
  /** Groups: g1 allowed (holds m1), g2 denied (holds m2), g3 allowed. */
  g1: string;
  g2: string;
  g3: string;
  m1: string;
  m2: string;
}

/** Ways to spell a name or an id that a case-insensitive look-up, a decoder or a trim might fold. */
function spellings(name: string): Record<string, string> {
  const hex = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  return {
    'as stored': name,
    'upper case': name.toUpperCase(),
    'mixed case': [...name].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join(''),
    'percent-encoded first character': hex(name[0]) + name.slice(1),
    'percent-encoded throughout': [...name].map(hex).join(''),
    'surrounding spaces': ` ${name} `,
    'trailing slash': `${name}/`,
  };
}

type Attempt = (fx: Fixture, spelled: string) => Promise<ApiResult>;

interface Row {
  what: string;
  /** The name or id the Deny names, spelled in every way. */
  target: (fx: Fixture) => string;
  attempt: Attempt;
  /** Extra spellings (whole ARNs …). */
  extra?: (fx: Fixture) => Record<string, string>;
}

const TRUST_ACCOUNT = (account: string) =>
  JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${account}:root`] } }],
  });
const ALLOW_ALL = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/**
 * Names the attacker's Deny covers; `ghost*` ones do not exist (a Deny can guard a name in advance).
 * The user stored as `Carol` is denied as `carol`: the Deny's own spelling must not matter either.
 */
const DENIED = {
  users: ['mallory', 'admin', 'victim', 'ghost', 'carol'],
  groups: ['admins', 'empties', 'ghost-group'],
  roles: ['admin-role', 'ghost-role'],
  policies: ['secret-policy', 'ghost-policy'],
};

function rows(
  rpc: (version: string, action: string, query: Record<string, unknown>) => Promise<ApiResult>,
  call: ReturnType<typeof eas>['call'],
): Row[] {
  const ram =
    (action: string, query: (fx: Fixture, v: string) => Record<string, unknown>): Attempt =>
    (fx, v) =>
      rpc(RAM, action, query(fx, v));
  const user = (name: string) => () => name;
  // Spaces are sent percent-encoded: a raw space cannot travel in a request line.
  const path = (id: string, rest = '') => `/api/v2/resources/${REGION}/${id}${rest}`.replace(/ /g, '%20');
  return [
    // ---- RAM users and AccessKeys
    { what: 'GetUser', target: user('admin'), attempt: ram('GetUser', (_, v) => ({ UserName: v })) },
    { what: 'GetUser (stored as Carol, denied as carol)', target: user('Carol'), attempt: ram('GetUser', (_, v) => ({ UserName: v })) },
    { what: 'UpdateUser', target: user('admin'), attempt: ram('UpdateUser', (_, v) => ({ UserName: v, NewComments: 'pwned' })) },
    {
      what: 'UpdateUser renaming another user to a denied name',
      target: user('ghost'),
      attempt: ram('UpdateUser', (_, v) => ({ UserName: 'bob', NewUserName: v })),
    },
    { what: 'CreateUser', target: user('ghost'), attempt: ram('CreateUser', (_, v) => ({ UserName: v })) },
    { what: 'DeleteUser', target: user('victim'), attempt: ram('DeleteUser', (_, v) => ({ UserName: v })) },
    { what: 'CreateAccessKey', target: user('admin'), attempt: ram('CreateAccessKey', (_, v) => ({ UserName: v })) },
    { what: 'ListAccessKeys', target: user('admin'), attempt: ram('ListAccessKeys', (_, v) => ({ UserName: v })) },
    {
      what: 'UpdateAccessKey',
      target: user('admin'),
      attempt: ram('UpdateAccessKey', (fx, v) => ({ UserName: v, UserAccessKeyId: fx.adminKey, Status: 'Inactive' })),
    },
    {
      what: 'DeleteAccessKey',
      target: user('admin'),
      attempt: ram('DeleteAccessKey', (fx, v) => ({ UserName: v, UserAccessKeyId: fx.adminKey })),
    },
    { what: 'ListGroupsForUser', target: user('admin'), attempt: ram('ListGroupsForUser', (_, v) => ({ UserName: v })) },
    { what: 'ListPoliciesForUser', target: user('admin'), attempt: ram('ListPoliciesForUser', (_, v) => ({ UserName: v })) },
    {
      what: 'AttachPolicyToUser (the user)',
      target: user('mallory'),
      attempt: ram('AttachPolicyToUser', (_, v) => ({ PolicyType: 'System', PolicyName: 'AdministratorAccess', UserName: v })),
    },
    {
      what: 'DetachPolicyFromUser (the user)',
      target: user('mallory'),
      attempt: ram('DetachPolicyFromUser', (_, v) => ({ PolicyType: 'System', PolicyName: 'ReadOnlyAccess', UserName: v })),
    },
    {
      what: 'AddUserToGroup (the user)',
      target: user('mallory'),
      attempt: ram('AddUserToGroup', (_, v) => ({ GroupName: 'devs', UserName: v })),
    },
    {
      what: 'RemoveUserFromGroup (the user)',
      target: user('admin'),
      attempt: ram('RemoveUserFromGroup', (_, v) => ({ GroupName: 'devs', UserName: v })),
    },
    // ---- RAM groups
    { what: 'CreateGroup', target: user('ghost-group'), attempt: ram('CreateGroup', (_, v) => ({ GroupName: v })) },
    { what: 'GetGroup', target: user('admins'), attempt: ram('GetGroup', (_, v) => ({ GroupName: v })) },
    { what: 'UpdateGroup', target: user('admins'), attempt: ram('UpdateGroup', (_, v) => ({ GroupName: v, NewComments: 'pwned' })) },
    {
      what: 'UpdateGroup renaming another group to a denied name',
      target: user('ghost-group'),
      attempt: ram('UpdateGroup', (_, v) => ({ GroupName: 'devs', NewGroupName: v })),
    },
    { what: 'DeleteGroup', target: user('empties'), attempt: ram('DeleteGroup', (_, v) => ({ GroupName: v })) },
    {
      what: 'AddUserToGroup (the group)',
      target: user('admins'),
      attempt: ram('AddUserToGroup', (_, v) => ({ GroupName: v, UserName: 'attacker' })),
    },
    {
      what: 'RemoveUserFromGroup (the group)',
      target: user('admins'),
      attempt: ram('RemoveUserFromGroup', (_, v) => ({ GroupName: v, UserName: 'admin' })),
    },
    { what: 'ListUsersForGroup', target: user('admins'), attempt: ram('ListUsersForGroup', (_, v) => ({ GroupName: v })) },
    {
      what: 'AttachPolicyToGroup',
      target: user('admins'),
      attempt: ram('AttachPolicyToGroup', (_, v) => ({ PolicyType: 'System', PolicyName: 'ReadOnlyAccess', GroupName: v })),
    },
    {
      what: 'DetachPolicyFromGroup',
      target: user('admins'),
      attempt: ram('DetachPolicyFromGroup', (_, v) => ({ PolicyType: 'System', PolicyName: 'AdministratorAccess', GroupName: v })),
    },
    { what: 'ListPoliciesForGroup', target: user('admins'), attempt: ram('ListPoliciesForGroup', (_, v) => ({ GroupName: v })) },
    // ---- RAM roles
    {
      what: 'CreateRole',
      target: user('ghost-role'),
      attempt: ram('CreateRole', (fx, v) => ({ RoleName: v, AssumeRolePolicyDocument: TRUST_ACCOUNT(fx.account) })),
    },
    { what: 'GetRole', target: user('admin-role'), attempt: ram('GetRole', (_, v) => ({ RoleName: v })) },
    {
      what: 'UpdateRole',
      target: user('admin-role'),
      attempt: ram('UpdateRole', (fx, v) => ({
        RoleName: v,
        NewAssumeRolePolicyDocument: TRUST_ACCOUNT(fx.account),
        NewDescription: 'pwned',
      })),
    },
    { what: 'DeleteRole', target: user('admin-role'), attempt: ram('DeleteRole', (_, v) => ({ RoleName: v })) },
    {
      what: 'AttachPolicyToRole',
      target: user('admin-role'),
      attempt: ram('AttachPolicyToRole', (_, v) => ({ PolicyType: 'System', PolicyName: 'ReadOnlyAccess', RoleName: v })),
    },
    {
      what: 'DetachPolicyFromRole',
      target: user('admin-role'),
      attempt: ram('DetachPolicyFromRole', (_, v) => ({ PolicyType: 'System', PolicyName: 'AdministratorAccess', RoleName: v })),
    },
    { what: 'ListPoliciesForRole', target: user('admin-role'), attempt: ram('ListPoliciesForRole', (_, v) => ({ RoleName: v })) },
    // ---- RAM policies
    {
      what: 'CreatePolicy',
      target: user('ghost-policy'),
      attempt: ram('CreatePolicy', (_, v) => ({ PolicyName: v, PolicyDocument: ALLOW_ALL })),
    },
    { what: 'GetPolicy', target: user('secret-policy'), attempt: ram('GetPolicy', (_, v) => ({ PolicyName: v, PolicyType: 'Custom' })) },
    {
      what: 'CreatePolicyVersion',
      target: user('secret-policy'),
      attempt: ram('CreatePolicyVersion', (_, v) => ({ PolicyName: v, PolicyDocument: ALLOW_ALL, SetAsDefault: true })),
    },
    {
      what: 'GetPolicyVersion',
      target: user('secret-policy'),
      attempt: ram('GetPolicyVersion', (_, v) => ({ PolicyName: v, PolicyType: 'Custom', VersionId: 'v1' })),
    },
    {
      what: 'ListPolicyVersions',
      target: user('secret-policy'),
      attempt: ram('ListPolicyVersions', (_, v) => ({ PolicyName: v, PolicyType: 'Custom' })),
    },
    {
      what: 'SetDefaultPolicyVersion',
      target: user('secret-policy'),
      attempt: ram('SetDefaultPolicyVersion', (_, v) => ({ PolicyName: v, VersionId: 'v2' })),
    },
    {
      what: 'DeletePolicyVersion',
      target: user('secret-policy'),
      attempt: ram('DeletePolicyVersion', (_, v) => ({ PolicyName: v, VersionId: 'v2' })),
    },
    {
      what: 'DeletePolicy',
      target: user('secret-policy'),
      attempt: ram('DeletePolicy', (_, v) => ({ PolicyName: v, CascadingDelete: true })),
    },
    {
      what: 'ListEntitiesForPolicy',
      target: user('secret-policy'),
      attempt: ram('ListEntitiesForPolicy', (_, v) => ({ PolicyName: v, PolicyType: 'Custom' })),
    },
    {
      what: 'AttachPolicyToUser (the policy)',
      target: user('secret-policy'),
      attempt: ram('AttachPolicyToUser', (_, v) => ({ PolicyType: 'Custom', PolicyName: v, UserName: 'attacker' })),
    },
    {
      what: 'DetachPolicyFromUser (the policy)',
      target: user('secret-policy'),
      attempt: ram('DetachPolicyFromUser', (_, v) => ({ PolicyType: 'Custom', PolicyName: v, UserName: 'bob' })),
    },
    // ---- STS
    {
      what: 'AssumeRole (the role name in RoleArn)',
      target: user('admin-role'),
      attempt: (fx, v) => rpc(STS, 'AssumeRole', { RoleArn: `acs:ram::${fx.account}:role/${v}`, RoleSessionName: 's1' }),
    },
    {
      what: 'AssumeRole (the whole RoleArn)',
      target: (fx) => `acs:ram::${fx.account}:role/admin-role`,
      attempt: (_, v) => rpc(STS, 'AssumeRole', { RoleArn: v, RoleSessionName: 's1' }),
      extra: (fx) => ({
        'upper-case prefix': `ACS:RAM::${fx.account}:ROLE/admin-role`,
        'a wildcard region': `acs:ram:*:${fx.account}:role/admin-role`,
        'a session part': `acs:ram::${fx.account}:role/admin-role/s0`,
      }),
    },
    // ---- EAS groups and machines (g2 is denied)
    { what: 'DescribeResource', target: (fx) => fx.g2, attempt: (_, v) => call('DescribeResource', 'GET', path(v)) },
    {
      what: 'UpdateResource',
      target: (fx) => fx.g2,
      attempt: (_, v) => call('UpdateResource', 'PUT', path(v), { body: { ResourceName: 'pwned' } }),
    },
    {
      what: 'ListResourceInstances',
      target: (fx) => fx.g2,
      attempt: (_, v) => call('ListResourceInstances', 'GET', path(v, '/instances')),
    },
    {
      what: 'CreateResourceInstances',
      target: (fx) => fx.g2,
      attempt: (_, v) =>
        call('CreateResourceInstances', 'POST', path(v, '/instances'), {
          body: { EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
        }),
    },
    {
      what: 'UpdateResourceInstance (the group)',
      target: (fx) => fx.g2,
      attempt: (fx, v) => call('UpdateResourceInstance', 'PUT', path(v, `/instances/${fx.m2}`), { body: { Action: 'Cordon' } }),
    },
    {
      what: 'UpdateResourceInstance (the machine)',
      target: (fx) => fx.m2,
      attempt: (fx, v) => call('UpdateResourceInstance', 'PUT', path(fx.g2, `/instances/${v}`), { body: { Action: 'Cordon' } }),
    },
    {
      what: "UpdateResourceInstance (a denied group's machine through an allowed group)",
      target: (fx) => fx.m2,
      attempt: (fx, v) => call('UpdateResourceInstance', 'PUT', path(fx.g1, `/instances/${v}`), { body: { Action: 'Cordon' } }),
    },
    {
      what: 'UpdateResourceInstanceLabel',
      target: (fx) => fx.g2,
      attempt: (fx, v) =>
        call('UpdateResourceInstanceLabel', 'PUT', path(v, '/label'), { query: { InstanceIds: fx.m2 }, body: { Labels: { pwned: '1' } } }),
    },
    {
      what: 'DeleteResourceInstances (the machine through an allowed group)',
      target: (fx) => fx.m2,
      attempt: (fx, v) => call('DeleteResourceInstances', 'DELETE', path(fx.g1, '/instances'), { query: { InstanceList: v } }),
    },
    {
      what: 'MigrateResourceInstance (the source)',
      target: (fx) => fx.g2,
      attempt: (fx, v) =>
        call('MigrateResourceInstance', 'POST', path(v, '/instances/migrate'), { body: { InstanceIds: [fx.m2], DestResourceId: fx.g3 } }),
    },
    {
      what: 'MigrateResourceInstance (the destination)',
      target: (fx) => fx.g2,
      attempt: (fx, v) =>
        call('MigrateResourceInstance', 'POST', path(fx.g1, '/instances/migrate'), { body: { InstanceIds: [fx.m1], DestResourceId: v } }),
    },
    { what: 'DeleteResource', target: (fx) => fx.g2, attempt: (_, v) => call('DeleteResource', 'DELETE', path(v)) },
    // ---- BSS (its actions are authorized on `*`, so a Deny names actions, never instances)
    {
      what: 'BSS RenewInstance',
      target: (fx) => fx.m2,
      attempt: (_, v) => rpc(BSS, 'RenewInstance', { ProductCode: 'eas', InstanceId: v, RenewPeriod: 1 }),
    },
    {
      what: 'BSS SetRenewal',
      target: (fx) => fx.m2,
      attempt: (_, v) => rpc(BSS, 'SetRenewal', { InstanceIDs: v, RenewalStatus: 'AutoRenewal' }),
    },
  ];
}

for (const engine of ENGINES) {
  describe(`RAM bypass table [${engine.name}]`, () => {
    let server: TestServer;
    let attacker: Credentials;
    const fx = {} as Fixture;
    const rpcAs = (creds: Credentials) => {
      let client: ReturnType<typeof easClient> | undefined;
      return (version: string, action: string, query: Record<string, unknown>) =>
        callRpc((client ??= easClient({ url: server.url, ...creds })), version, action, query);
    };
    let attackerRpc: ReturnType<typeof rpcAs>;
    let attackerEas: ReturnType<typeof eas>;

    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 30 });
      fx.account = server.root.accountId;
      const root = rpcAs(rootCredentials(server));
      const rootEas = eas(server, rootCredentials(server));
      for (const name of ['mallory', 'admin', 'victim', 'bob', 'Carol']) await root(RAM, 'CreateUser', { UserName: name });
      fx.adminKey = (await root(RAM, 'CreateAccessKey', { UserName: 'admin' })).body.AccessKey.AccessKeyId;
      await root(RAM, 'AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'ReadOnlyAccess', UserName: 'mallory' });
      for (const name of ['admins', 'empties', 'devs']) await root(RAM, 'CreateGroup', { GroupName: name });
      await root(RAM, 'AttachPolicyToGroup', { PolicyType: 'System', PolicyName: 'AdministratorAccess', GroupName: 'admins' });
      await root(RAM, 'AddUserToGroup', { GroupName: 'admins', UserName: 'admin' });
      await root(RAM, 'AddUserToGroup', { GroupName: 'devs', UserName: 'admin' });
      for (const name of ['admin-role', 'dev-role'])
        await root(RAM, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST_ACCOUNT(fx.account) });
      await root(RAM, 'AttachPolicyToRole', { PolicyType: 'System', PolicyName: 'AdministratorAccess', RoleName: 'admin-role' });
      await root(RAM, 'CreatePolicy', {
        PolicyName: 'secret-policy',
        PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'eas:Describe*', Resource: '*' }] }),
      });
      await root(RAM, 'CreatePolicyVersion', { PolicyName: 'secret-policy', PolicyDocument: ALLOW_ALL });
      await root(RAM, 'AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'secret-policy', UserName: 'bob' });
      [fx.g1, fx.g2, fx.g3] = await Promise.all(
        ['g_one', 'g_two', 'g_three'].map(async (n) => (await rootEas.createGroup(n)).body.ResourceId as string),
      );
      [fx.m1] = (await rootEas.createInstances(fx.g1)).body.InstanceIds;
      [fx.m2] = (await rootEas.createInstances(fx.g2)).body.InstanceIds;
      await advance(server.url, 31); // machines Ready, so that migration would go through

      const arn = (kind: string, name: string) => `acs:ram:*:${fx.account}:${kind}/${name}`;
      const denied = [
        ...DENIED.users.map((n) => arn('user', n)),
        ...DENIED.groups.map((n) => arn('group', n)),
        ...DENIED.roles.map((n) => arn('role', n)),
        ...DENIED.policies.map((n) => arn('policy', n)),
      ];
      attacker = await userWithPolicies(
        server,
        [
          { Version: '1', Statement: [{ Effect: 'Allow', Action: ['ram:*', 'sts:*', 'eas:*', 'bssapi:*'], Resource: '*' }] },
          {
            Version: '1',
            Statement: [
              { Effect: 'Deny', Action: ['ram:*', 'sts:*'], Resource: denied },
              { Effect: 'Deny', Action: 'eas:*', Resource: `acs:eas:*:${fx.account}:resource/${fx.g2}` },
              { Effect: 'Deny', Action: ['bssapi:RenewInstance', 'bssapi:SetRenewal'], Resource: '*' },
            ],
          },
        ],
        'attacker',
      );
      attackerRpc = rpcAs(attacker);
      attackerEas = eas(server, attacker);
    });
    after(() => server.close());

    test('the attacker is allowed what the Deny does not name (the table is not vacuous)', async () => {
      assert.equal((await attackerRpc(RAM, 'GetUser', { UserName: 'bob' })).statusCode, 200);
      assert.equal((await attackerRpc(RAM, 'ListPoliciesForUser', { UserName: 'BOB' })).statusCode, 200);
      assert.equal((await attackerRpc(RAM, 'GetGroup', { GroupName: 'devs' })).statusCode, 200);
      assert.equal((await attackerRpc(RAM, 'GetPolicy', { PolicyName: 'AdministratorAccess', PolicyType: 'System' })).statusCode, 200);
      assert.equal(
        (await attackerRpc(STS, 'AssumeRole', { RoleArn: `acs:ram::${fx.account}:role/dev-role`, RoleSessionName: 's1' })).statusCode,
        200,
      );
      assert.equal((await attackerEas.describe(fx.g1)).statusCode, 200);
      const back = await attackerEas.call('MigrateResourceInstance', 'POST', `/api/v2/resources/${REGION}/${fx.g1}/instances/migrate`, {
        body: { InstanceIds: [fx.m1], DestResourceId: fx.g3 },
      });
      assert.equal(back.statusCode, 200);
      await attackerEas.call('MigrateResourceInstance', 'POST', `/api/v2/resources/${REGION}/${fx.g3}/instances/migrate`, {
        body: { InstanceIds: [fx.m1], DestResourceId: fx.g1 },
      });
    });

    for (const row of rows(
      (v, a, q) => attackerRpc(v, a, q),
      (...args) => attackerEas.call(...args),
    )) {
      test(`${row.what}: no spelling of a denied name gets through`, async () => {
        const variants = { ...spellings(row.target(fx)), ...(row.extra?.(fx) ?? {}) };
        const leaks: string[] = [];
        for (const [how, spelled] of Object.entries(variants)) {
          try {
            const res = await row.attempt(fx, spelled);
            leaks.push(`${how} (${JSON.stringify(spelled)}): succeeded with ${res.statusCode}`);
          } catch (e) {
            const err = e as { code?: string; statusCode?: number };
            // Denied, invalid or not found are all fine; a server error is not.
            if (typeof err.code !== 'string' || !(Number(err.statusCode) >= 400 && Number(err.statusCode) < 500)) {
              leaks.push(`${how} (${JSON.stringify(spelled)}): ${err.statusCode} ${err.code ?? String(e)}`);
            }
          }
        }
        assert.deepEqual(leaks, []);
      });
    }

    test('the denied entities are as they were', async () => {
      const root = rpcAs(rootCredentials(server));
      const attached = (await root(RAM, 'ListPoliciesForUser', { UserName: 'mallory' })).body.Policies.Policy.map(
        (p: { PolicyName: string }) => p.PolicyName,
      );
      assert.deepEqual(attached, ['ReadOnlyAccess']);
      assert.equal((await root(RAM, 'ListAccessKeys', { UserName: 'admin' })).body.AccessKeys.AccessKey.length, 1);
      const members = (await root(RAM, 'ListUsersForGroup', { GroupName: 'admins' })).body.Users.User.map(
        (u: { UserName: string }) => u.UserName,
      );
      assert.deepEqual(members, ['admin']);
      assert.equal((await root(RAM, 'GetPolicy', { PolicyName: 'secret-policy', PolicyType: 'Custom' })).body.Policy.DefaultVersion, 'v1');
      assert.equal((await eas(server, rootCredentials(server)).describe(fx.g2)).body.InstanceCount, 1);
      assert.equal((await eas(server, rootCredentials(server)).describe(fx.g1)).body.InstanceCount, 1);
    });
  });
}
