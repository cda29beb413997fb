// RAM through the official @alicloud/ram20150501 SDK and EAS calls signed by RAM users' keys:
// resource-scoped permissions with AccessDeniedDetail, Deny over Allow, NotAction, condition keys
// (acs:SourceIp, acs:CurrentTime moved by the business clock, acs:ResourceTag), group policies,
// inactive keys, policy document validation, RAM's own entity rules, soft mode and the simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { $Ram, allow, deny, eas, ramClient, rootCredentials, uniqueName, userWithPolicies, REGION } from '../support/ram.ts';

for (const engine of ENGINES) {
  describe(`RAM [${engine.name}]`, () => {
    let server: TestServer;
    let ram: ReturnType<typeof ramClient>;
    let root: ReturnType<typeof eas>;
    let account: string;

    before(async () => {
      server = await startTestServer(engine);
      ram = ramClient(server, rootCredentials(server));
      root = eas(server, rootCredentials(server));
      account = server.root.accountId;
    });
    after(() => server.close());

    const newGroup = async (labels?: Record<string, string>) =>
      (await root.createGroup(uniqueName('g').replace(/-/g, '_').slice(0, 27), labels)).body.ResourceId as string;
    const groupArn = (id: string) => `acs:eas:${REGION}:${account}:resource/${id}`;

    test('a user limited to one resource group creates instances there and gets Forbidden.RAM with AccessDeniedDetail elsewhere', async () => {
      const [mine, other] = [await newGroup(), await newGroup()];
      const user = await userWithPolicies(server, [allow('eas:CreateResourceInstances', groupArn(mine))]);
      const api = eas(server, user);
      const ok = await api.createInstances(mine);
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.body.InstanceIds.length, 1);

      const err = await expectApiError(() => api.createInstances(other));
      assert.equal(err.statusCode, 403);
      assert.equal(err.code, 'Forbidden.RAM');
      const detail = err.data.AccessDeniedDetail;
      assert.equal(detail.AuthAction, 'eas:CreateResourceInstances');
      assert.equal(detail.AuthPrincipalType, 'SubUser');
      assert.equal(detail.AuthPrincipalOwnerId, account);
      const got = await ram.getUser(new $Ram.GetUserRequest({ userName: user.userName }));
      assert.equal(detail.AuthPrincipalDisplayName, got.body!.user!.userId);
      assert.equal(detail.NoPermissionType, 'ImplicitDeny');
      assert.equal(detail.PolicyType, 'AccountLevelIdentityBasedPolicy');
      assert.equal(typeof detail.EncodedDiagnosticMessage, 'string');

      const decoded = await ram.decodeDiagnosticMessage(
        new $Ram.DecodeDiagnosticMessageRequest({ encodedDiagnosticMessage: detail.EncodedDiagnosticMessage }),
      );
      const m = decoded.body!.decodedDiagnosticMessage!;
      assert.equal(m.authAction, 'eas:CreateResourceInstances');
      assert.equal(m.authResource, groupArn(other));
      assert.equal(m.explicitDeny, false);
      assert.equal(m.authPrincipal!.authPrincipalType, 'SubUser');
      assert.ok(m.authConditions!.some((c) => c.conditionKey === 'acs:SourceIp'));
      // The group the user may not touch is untouched.
      assert.equal((await root.describe(other)).body.InstanceCount, 0);
    });

    test('an explicit Deny beats an Allow, and the diagnostic names the deciding statement', async () => {
      const group = await newGroup();
      const user = await userWithPolicies(server, [allow('eas:*'), deny('eas:DescribeResource', groupArn(group))]);
      const api = eas(server, user);
      assert.equal((await api.listResources()).statusCode, 200);
      const err = await expectApiError(() => api.describe(group));
      assert.equal(err.code, 'Forbidden.RAM');
      assert.equal(err.data.AccessDeniedDetail.NoPermissionType, 'ExplicitDeny');
      // Raw RPC call: the SDK's typed model drops openeas's extra DecidingStatement field.
      const res = await callRpc(easClient({ url: server.url, ...rootCredentials(server) }), '2015-05-01', 'DecodeDiagnosticMessage', {
        EncodedDiagnosticMessage: err.data.AccessDeniedDetail.EncodedDiagnosticMessage,
      });
      const decoded = res.body.DecodedDiagnosticMessage;
      assert.equal(decoded.ExplicitDeny, true);
      assert.equal(decoded.DecidingStatement.PolicyName, user.policyNames[1]);
      assert.equal(decoded.DecidingStatement.StatementIndex, 0);
      assert.equal(decoded.DecidingStatement.Statement.Effect, 'Deny');
      assert.equal(decoded.MatchedPolicies[0].Effect, 'Deny');
    });

    test('NotAction allows everything except the named actions', async () => {
      const group = await newGroup();
      const user = await userWithPolicies(server, [
        { Version: '1', Statement: [{ Effect: 'Allow', NotAction: 'eas:Delete*', Resource: '*' }] },
      ]);
      const api = eas(server, user);
      assert.equal((await api.describe(group)).statusCode, 200);
      const err = await expectApiError(() => api.deleteGroup(group));
      assert.equal(err.code, 'Forbidden.RAM');
      assert.equal(err.data.AccessDeniedDetail.AuthAction, 'eas:DeleteResource');
    });

    test('an acs:SourceIp condition allows 127.0.0.1 and denies other addresses', async () => {
      const local = await userWithPolicies(server, [allow('eas:ListResources', '*', { IpAddress: { 'acs:SourceIp': ['127.0.0.1'] } })]);
      assert.equal((await eas(server, local).listResources()).statusCode, 200);
      const elsewhere = await userWithPolicies(server, [allow('eas:ListResources', '*', { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]);
      const err = await expectApiError(() => eas(server, elsewhere).listResources());
      assert.equal(err.code, 'Forbidden.RAM');
      const notLocal = await userWithPolicies(server, [
        allow('eas:ListResources'),
        deny('eas:*', '*', { NotIpAddress: { 'acs:SourceIp': '127.0.0.0/8' } }),
      ]);
      assert.equal((await eas(server, notLocal).listResources()).statusCode, 200);
    });

    test("one user's decisions follow the request's own source address, call after call", async () => {
      // Decisions are remembered per question; the source address is part of the question.
      const proxied = await startTestServer(engine, { trustedProxies: ['127.0.0.1', '::ffff:127.0.0.1'] });
      try {
        const user = await userWithPolicies(proxied, [allow('eas:ListResources', '*', { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]);
        const client = easClient({ url: proxied.url, ...user });
        const list = (from?: string) =>
          callEas(client, {
            action: 'ListResources',
            method: 'GET',
            pathname: '/api/v2/resources',
            headers: from ? { 'x-forwarded-for': from } : {},
          });
        assert.equal((await list('10.1.2.3')).statusCode, 200);
        assert.equal((await expectApiError(() => list('192.0.2.7'))).code, 'Forbidden.RAM');
        assert.equal((await list('10.9.9.9')).statusCode, 200);
        assert.equal((await expectApiError(() => list())).code, 'Forbidden.RAM');
      } finally {
        await proxied.close();
      }
    });

    test('an acs:CurrentTime window flips when the business clock is advanced', async () => {
      const now = Date.parse((await admin(server.url, 'GET', '/clock')).Now);
      const until = new Date(now + 3600_000).toISOString().slice(0, 19) + 'Z';
      const user = await userWithPolicies(server, [allow('eas:ListResources', '*', { DateLessThan: { 'acs:CurrentTime': until } })]);
      const api = eas(server, user);
      assert.equal((await api.listResources()).statusCode, 200);
      await advance(server.url, 7200);
      const err = await expectApiError(() => api.listResources());
      assert.equal(err.code, 'Forbidden.RAM');
      assert.equal(err.data.AccessDeniedDetail.NoPermissionType, 'ImplicitDeny');
    });

    test("acs:ResourceTag conditions read the addressed group's labels", async () => {
      const [teamA, teamB] = [await newGroup({ team: 'a' }), await newGroup({ team: 'b' })];
      const user = await userWithPolicies(server, [allow('eas:DescribeResource', '*', { StringEquals: { 'acs:ResourceTag/team': 'a' } })]);
      const api = eas(server, user);
      assert.equal((await api.describe(teamA)).statusCode, 200);
      assert.equal((await expectApiError(() => api.describe(teamB))).code, 'Forbidden.RAM');
    });

    test("a group's policies apply to its members, and stop applying when they leave", async () => {
      const user = await userWithPolicies(server, []);
      const api = eas(server, user);
      assert.equal((await expectApiError(() => api.listResources())).code, 'Forbidden.RAM');
      const groupName = uniqueName('readers');
      await ram.createGroup(new $Ram.CreateGroupRequest({ groupName, comments: 'EAS readers' }));
      await ram.attachPolicyToGroup(
        new $Ram.AttachPolicyToGroupRequest({ policyType: 'System', policyName: 'AliyunPAIEASReadOnlyAccess', groupName }),
      );
      await ram.addUserToGroup(new $Ram.AddUserToGroupRequest({ groupName, userName: user.userName }));
      assert.equal((await api.listResources()).statusCode, 200);
      const groups = await ram.listGroupsForUser(new $Ram.ListGroupsForUserRequest({ userName: user.userName }));
      assert.deepEqual(
        groups.body!.groups!.group!.map((g) => g.groupName),
        [groupName],
      );
      // Read-only: no creating.
      assert.equal((await expectApiError(() => api.createGroup('nope'))).code, 'Forbidden.RAM');
      await ram.removeUserFromGroup(new $Ram.RemoveUserFromGroupRequest({ groupName, userName: user.userName }));
      assert.equal((await expectApiError(() => api.listResources())).code, 'Forbidden.RAM');
    });

    test('an inactive AccessKey is refused with InvalidAccessKeyId.Inactive; a user has at most 2 keys', async () => {
      const user = await userWithPolicies(server, [allow('eas:ListResources')]);
      await ram.updateAccessKey(
        new $Ram.UpdateAccessKeyRequest({ userName: user.userName, userAccessKeyId: user.accessKeyId, status: 'Inactive' }),
      );
      const err = await expectApiError(() => eas(server, user).listResources());
      assert.equal(err.code, 'InvalidAccessKeyId.Inactive');
      await ram.updateAccessKey(
        new $Ram.UpdateAccessKeyRequest({ userName: user.userName, userAccessKeyId: user.accessKeyId, status: 'Active' }),
      );
      assert.equal((await eas(server, user).listResources()).statusCode, 200);

      await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: user.userName }));
      const limit = await expectApiError(() => ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: user.userName })));
      assert.equal(limit.code, 'LimitExceeded.User.AccessKey');
      const keys = await ram.listAccessKeys(new $Ram.ListAccessKeysRequest({ userName: user.userName }));
      assert.equal(keys.body!.accessKeys!.accessKey!.length, 2);
      assert.ok(
        keys.body!.accessKeys!.accessKey!.every((k) => k.status === 'Active' && !('accessKeySecret' in k && (k as any).accessKeySecret)),
      );
      await ram.deleteAccessKey(new $Ram.DeleteAccessKeyRequest({ userName: user.userName, userAccessKeyId: user.accessKeyId }));
      assert.equal((await expectApiError(() => eas(server, user).listResources())).code, 'InvalidAccessKeyId.NotFound');
    });

    test('policy documents with each kind of fault are rejected, naming the fault', async () => {
      const cases: Array<[string, RegExp, string?]> = [
        ['{"Version":"1","Statement":[', /malformed JSON/],
        ['[]', /must be a JSON object/],
        ['{"Version":"2","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"*"}]}', /Version/],
        ['{"Version":"1","Statement":[{"Action":"eas:*","Resource":"*"}]}', /Effect/],
        ['{"Version":"1","Statement":[{"Effect":"allow","Action":"eas:*","Resource":"*"}]}', /Effect/],
        ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","NotAction":"eas:List*","Resource":"*"}]}', /NotAction|Action/],
        ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas","Resource":"*"}]}', /Statement\[0\]\.Action/],
        ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"arn:aws:s3:::x"}]}', /Statement\[0\]\.Resource/],
        ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*"}]}', /Resource/],
        [
          '{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"*","Condition":{"IpAdress":{"acs:SourceIp":"1.2.3.4"}}}]}',
          /IpAdress/,
        ],
        [
          '{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"not-an-ip"}}}]}',
          /not-an-ip|IP/,
        ],
        ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"*","Principal":{"RAM":"*"}}]}', /Principal/],
        [
          JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'eas:*', Resource: 'x'.repeat(6200) }] }),
          /6144/,
          'InvalidParameter.PolicyDocument.Length',
        ],
      ];
      for (const [doc, reason, code = 'InvalidParameter.PolicyDocument'] of cases) {
        const err = await expectApiError(() =>
          ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: uniqueName('bad'), policyDocument: doc })),
        );
        assert.equal(err.code, code, doc);
        assert.equal(err.statusCode, 400);
        assert.match(err.message, reason, doc);
      }
    });

    test("users, groups, roles and policies follow RAM's entity rules", async () => {
      const userName = uniqueName('carol');
      const created = await ram.createUser(new $Ram.CreateUserRequest({ userName, displayName: 'Carol', comments: 'ops' }));
      assert.match(created.body!.user!.userId!, /^\d{16}$/);
      assert.equal(created.body!.user!.displayName, 'Carol');
      assert.equal(
        (await expectApiError(() => ram.createUser(new $Ram.CreateUserRequest({ userName: userName.toUpperCase() })))).code,
        'EntityAlreadyExists.User',
      );
      assert.equal(
        (await expectApiError(() => ram.getUser(new $Ram.GetUserRequest({ userName: 'nobody-here' })))).code,
        'EntityNotExist.User',
      );
      assert.equal(
        (await expectApiError(() => ram.createUser(new $Ram.CreateUserRequest({ userName: 'bad name' })))).code,
        'InvalidParameter.UserName.InvalidChars',
      );
      const renamed = await ram.updateUser(new $Ram.UpdateUserRequest({ userName, newUserName: `${userName}-2`, newComments: 'moved' }));
      assert.equal(renamed.body!.user!.userName, `${userName}-2`);

      // Policies: versions (≤ 5), defaults, refusal to delete while attached, system policies.
      const policyName = uniqueName('pol');
      const p = await ram.createPolicy(
        new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify(allow('eas:List*')), description: 'lists' }),
      );
      assert.equal(p.body!.policy!.defaultVersion, 'v1');
      assert.equal(p.body!.policy!.policyType, 'Custom');
      for (let v = 2; v <= 5; v++) {
        const r = await ram.createPolicyVersion(
          new $Ram.CreatePolicyVersionRequest({
            policyName,
            policyDocument: JSON.stringify(allow('eas:Describe*')),
            setAsDefault: v === 5,
          }),
        );
        assert.equal(r.body!.policyVersion!.versionId, `v${v}`);
      }
      assert.equal(
        (
          await expectApiError(() =>
            ram.createPolicyVersion(new $Ram.CreatePolicyVersionRequest({ policyName, policyDocument: JSON.stringify(allow('eas:*')) })),
          )
        ).code,
        'LimitExceeded.Policy.Version',
      );
      const got = await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName, policyType: 'Custom' }));
      assert.equal(got.body!.policy!.defaultVersion, 'v5');
      assert.equal(got.body!.defaultPolicyVersion!.isDefaultVersion, true);
      assert.equal(
        (await expectApiError(() => ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName, versionId: 'v5' })))).code,
        'DeleteConflict.PolicyVersion.Default',
      );
      await ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName, versionId: 'v2' }));

      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName, userName: `${userName}-2` }));
      assert.equal(
        (
          await expectApiError(() =>
            ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName, userName: `${userName}-2` })),
          )
        ).code,
        'EntityAlreadyExists.User.Policy',
      );
      const entities = await ram.listEntitiesForPolicy(new $Ram.ListEntitiesForPolicyRequest({ policyName, policyType: 'Custom' }));
      assert.deepEqual(
        entities.body!.users!.user!.map((u) => u.userName),
        [`${userName}-2`],
      );
      const forUser = await ram.listPoliciesForUser(new $Ram.ListPoliciesForUserRequest({ userName: `${userName}-2` }));
      assert.deepEqual(
        forUser.body!.policies!.policy!.map((x) => [x.policyName, x.policyType]),
        [[policyName, 'Custom']],
      );
      assert.equal(
        (await expectApiError(() => ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName })))).code,
        'DeleteConflict.Policy.User',
      );
      assert.equal(
        (await expectApiError(() => ram.deleteUser(new $Ram.DeleteUserRequest({ userName: `${userName}-2` })))).code,
        'DeleteConflict.User.Policy',
      );
      await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest({ policyType: 'Custom', policyName, userName: `${userName}-2` }));
      await ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName, cascadingDelete: true }));
      await ram.deleteUser(new $Ram.DeleteUserRequest({ userName: `${userName}-2` }));

      const system = await ram.listPolicies(new $Ram.ListPoliciesRequest({ policyType: 'System', maxItems: 100 }));
      const names = system.body!.policies!.policy!.map((x) => x.policyName);
      for (const n of [
        'AdministratorAccess',
        'ReadOnlyAccess',
        'AliyunPAIEASFullAccess',
        'AliyunPAIEASReadOnlyAccess',
        'AliyunSTSAssumeRoleAccess',
      ])
        assert.ok(names.includes(n), n);
      assert.equal(
        (await expectApiError(() => ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'AdministratorAccess' })))).statusCode,
        403,
      );
      const eas = await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'AliyunPAIEASFullAccess', policyType: 'System' }));
      assert.match(eas.body!.policy!.policyDocument!, /eas:\*/);

      // Roles.
      const roleName = uniqueName('role');
      const trust = JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${account}:root`] } }],
      });
      const role = await ram.createRole(
        new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: trust, maxSessionDuration: 7200 }),
      );
      assert.equal(role.body!.role!.arn, `acs:ram::${account}:role/${roleName.toLowerCase()}`);
      assert.equal(role.body!.role!.maxSessionDuration, 7200);
      assert.equal(
        (
          await expectApiError(() =>
            ram.createRole(
              new $Ram.CreateRoleRequest({
                roleName: uniqueName('r'),
                assumeRolePolicyDocument: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
              }),
            ),
          )
        ).code,
        'InvalidParameter.AssumeRolePolicyDocument',
      );
      await ram.attachPolicyToRole(
        new $Ram.AttachPolicyToRoleRequest({ policyType: 'System', policyName: 'AliyunPAIEASReadOnlyAccess', roleName }),
      );
      assert.equal(
        (await expectApiError(() => ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName })))).code,
        'DeleteConflict.Role.Policy',
      );
      await ram.detachPolicyFromRole(
        new $Ram.DetachPolicyFromRoleRequest({ policyType: 'System', policyName: 'AliyunPAIEASReadOnlyAccess', roleName }),
      );
      await ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName }));
      assert.equal((await expectApiError(() => ram.getRole(new $Ram.GetRoleRequest({ roleName })))).code, 'EntityNotExist.Role');
    });

    test('RAM APIs are authorized by RAM too: NoPermission (403) without ram: permissions', async () => {
      const user = await userWithPolicies(server, [allow('eas:*')]);
      const asUser = ramClient(server, user);
      const err = await expectApiError(() => asUser.createUser(new $Ram.CreateUserRequest({ userName: uniqueName('x') })));
      assert.equal(err.code, 'NoPermission');
      assert.equal(err.statusCode, 403);
      assert.equal(err.data.AccessDeniedDetail.AuthAction, 'ram:CreateUser');
      const admin_ = await userWithPolicies(server, [allow('ram:*User*', `acs:ram:*:${account}:user/*`)]);
      const ok = await ramClient(server, admin_).createUser(new $Ram.CreateUserRequest({ userName: uniqueName('y') }));
      assert.equal(typeof ok.body!.user!.userId, 'string');
    });

    test('the simulator answers which statement decides', async () => {
      const group = await newGroup();
      const user = await userWithPolicies(server, [allow('eas:Describe*'), deny('eas:DescribeResource', groupArn(group))]);
      const principal = `acs:ram::${account}:user/${user.userName}`;
      const denied = await admin(server.url, 'POST', '/ram/simulate', {
        Principal: principal,
        Action: 'eas:DescribeResource',
        Resource: groupArn(group),
      });
      assert.equal(denied.Decision, 'Deny');
      assert.equal(denied.NoPermissionType, 'ExplicitDeny');
      assert.equal(denied.DecidingStatement.PolicyName, user.policyNames[1]);
      const allowed = await admin(server.url, 'POST', '/ram/simulate', {
        Principal: principal,
        Action: 'eas:DescribeMachineSpec',
        Resource: '*',
        Context: { 'acs:SourceIp': '192.0.2.1' },
      });
      assert.equal(allowed.Decision, 'Allow');
      assert.equal(allowed.DecidingStatement.PolicyName, user.policyNames[0]);
      const implicit = await admin(server.url, 'POST', '/ram/simulate', {
        Principal: principal,
        Action: 'eas:DeleteResource',
        Resource: groupArn(group),
      });
      assert.equal(implicit.NoPermissionType, 'ImplicitDeny');
      assert.equal(implicit.DecidingStatement, null);
    });
  });

  describe(`RAM modes [${engine.name}]`, () => {
    test('soft mode allows, logs and records the would-be denial; off mode ignores policies', async () => {
      const server = await startTestServer(engine, { ram: 'soft' });
      try {
        const user = await userWithPolicies(server, []);
        assert.equal((await eas(server, user).listResources()).statusCode, 200);
        const { Denials } = await admin(server.url, 'GET', `/ram/denials?AccountId=${server.root.accountId}`);
        assert.equal(Denials.length, 1);
        assert.equal(Denials[0].Action, 'eas:ListResources');
        assert.equal(Denials[0].NoPermissionType, 'ImplicitDeny');
        assert.equal(Denials[0].AccessDeniedDetail.AuthPrincipalType, 'SubUser');
      } finally {
        await server.close();
      }
      const off = await startTestServer(engine, { ram: 'off' });
      try {
        const user = await userWithPolicies(off, []);
        assert.equal((await eas(off, user).listResources()).statusCode, 200);
      } finally {
        await off.close();
      }
    });
  });
}
