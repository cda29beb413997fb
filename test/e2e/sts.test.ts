// STS through the official @alicloud/sts20150401 SDK: AssumeRole (identity permission and trust
// policy both required, never for the root), temporary credentials on EAS and RAM calls with
// x-acs-security-token until they expire on the business clock, session policies narrowing
// them, and the token checks (missing, malformed, another key's, expired).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { TEST_DEFAULTS } from '../support/server.ts';
import { startOpenEas, type OpenEas } from '../../src/testing/index.ts';
import type { RunningServer } from '../../src/server.ts';
import { expectApiError, type Credentials } from '../support/client.ts';
import { advance } from '../support/admin.ts';
import { $Ram, $Sts, allow, eas, ramClient, rootCredentials, stsClient, uniqueName, userWithPolicies } from '../support/ram.ts';

for (const engine of ENGINES) {
  describe(`STS [${engine.name}]`, () => {
    let openEas: OpenEas;
    let server: RunningServer;
    let ram: ReturnType<typeof ramClient>;
    let account: string;
    let caller: Awaited<ReturnType<typeof userWithPolicies>>;
    let roleArn: string;
    let roleName: string;

    before(async () => {
      openEas = await startOpenEas({ ...TEST_DEFAULTS, databaseUrl: await engine.freshDatabaseUrl() });
      server = openEas.server;
      ram = ramClient(server, rootCredentials(server));
      account = server.root.accountId;
      // A user who may assume roles, and a role that trusts it and may use EAS.
      caller = await userWithPolicies(server, []);
      await ram.attachPolicyToUser(
        new $Ram.AttachPolicyToUserRequest({ policyType: 'System', policyName: 'AliyunSTSAssumeRoleAccess', userName: caller.userName }),
      );
      roleName = uniqueName('eas-operator');
      const trust = {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${account}:user/${caller.userName}`] } }],
      };
      const role = await ram.createRole(
        new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify(trust), maxSessionDuration: 7200 }),
      );
      roleArn = role.body!.role!.arn!;
      await ram.attachPolicyToRole(
        new $Ram.AttachPolicyToRoleRequest({ policyType: 'System', policyName: 'AliyunPAIEASFullAccess', roleName }),
      );
    });
    after(() => openEas.stop());

    const assume = (
      creds: Credentials,
      extra: Partial<{ durationSeconds: number; policy: string; roleArn: string; roleSessionName: string }> = {},
    ) => stsClient(server, creds).assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'session-1', ...extra }));
    const temporary = (r: Awaited<ReturnType<typeof assume>>): Credentials => ({
      accessKeyId: r.body!.credentials!.accessKeyId!,
      accessKeySecret: r.body!.credentials!.accessKeySecret!,
      securityToken: r.body!.credentials!.securityToken!,
    });

    test('AssumeRole returns STS. keys that work until they expire on the business clock', async () => {
      const r = await assume(caller, { durationSeconds: 900 });
      const c = r.body!.credentials!;
      assert.match(c.accessKeyId!, /^STS\.[A-Za-z0-9]{24}$/);
      assert.match(c.expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(r.body!.assumedRoleUser!.arn, `acs:ram::${account}:role/${roleName.toLowerCase()}/session-1`);
      assert.match(r.body!.assumedRoleUser!.assumedRoleId!, /^\d{19}:session-1$/);

      const creds = temporary(r);
      const api = eas(server, creds);
      const group = (await api.createGroup('from_sts')).body.ResourceId as string;
      assert.equal((await api.describe(group)).statusCode, 200);
      const who = await stsClient(server, creds).getCallerIdentity();
      assert.equal(who.body!.identityType, 'AssumedRoleUser');
      assert.equal(who.body!.arn, r.body!.assumedRoleUser!.arn);
      assert.equal(who.body!.accountId, account);

      await advance(server.url, 901);
      const err = await expectApiError(() => api.listResources());
      assert.equal(err.code, 'InvalidSecurityToken.Expired');
    });

    test("a session policy narrows the role's permissions", async () => {
      const policy = JSON.stringify(allow('eas:ListResources'));
      const creds = temporary(await assume(caller, { policy }));
      const api = eas(server, creds);
      assert.equal((await api.listResources()).statusCode, 200);
      const err = await expectApiError(() => api.createGroup('narrowed'));
      assert.equal(err.code, 'Forbidden.RAM');
      assert.equal(err.data.AccessDeniedDetail.PolicyType, 'SessionPolicy');
      assert.equal(err.data.AccessDeniedDetail.AuthPrincipalType, 'AssumedRoleUser');
      assert.equal(err.data.AccessDeniedDetail.AuthPrincipalDisplayName, `${roleName}:session-1`);
    });

    test("the security token is checked: missing, malformed, another key's", async () => {
      const a = temporary(await assume(caller, { roleSessionName: 'a-session' }));
      const b = temporary(await assume(caller, { roleSessionName: 'b-session' }));
      const missing = await expectApiError(() =>
        eas(server, { accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret }).listResources(),
      );
      assert.equal(missing.code, 'MissingSecurityToken');
      const garbled = await expectApiError(() => eas(server, { ...a, securityToken: 'CAIS' + 'x'.repeat(40) }).listResources());
      assert.equal(garbled.code, 'InvalidSecurityToken.Malformed');
      const swapped = await expectApiError(() => eas(server, { ...a, securityToken: b.securityToken }).listResources());
      assert.equal(swapped.code, 'InvalidSecurityToken.MismatchWithAccessKey');
      // Temporary credentials work on the RAM API as well (and are judged by the role's policies).
      const err = await expectApiError(() => ramClient(server, a).listUsers(new $Ram.ListUsersRequest({})));
      assert.equal(err.code, 'NoPermission');
    });

    test("the root cannot assume a role; the caller needs sts:AssumeRole and the role's trust", async () => {
      const byRoot = await expectApiError(() => assume(rootCredentials(server)));
      assert.equal(byRoot.code, 'NoPermission');
      assert.equal(byRoot.statusCode, 403);
      const stranger = await userWithPolicies(server, []);
      const noPermission = await expectApiError(() => assume(stranger));
      assert.equal(noPermission.code, 'NoPermission');
      assert.equal(noPermission.data.AccessDeniedDetail.AuthAction, 'sts:AssumeRole');
      await ram.attachPolicyToUser(
        new $Ram.AttachPolicyToUserRequest({ policyType: 'System', policyName: 'AliyunSTSAssumeRoleAccess', userName: stranger.userName }),
      );
      const untrusted = await expectApiError(() => assume(stranger));
      assert.equal(untrusted.code, 'NoPermission');
      assert.equal(untrusted.data.AccessDeniedDetail.PolicyType, 'AssumeRolePolicy');
    });

    test('AssumeRole validates its parameters', async () => {
      const cases: Array<[Parameters<typeof assume>[1], string]> = [
        [{ durationSeconds: 600 }, 'InvalidParameter.DurationSeconds'],
        [{ durationSeconds: 7201 }, 'InvalidParameter.DurationSeconds'],
        [{ roleSessionName: 'x' }, 'InvalidParameter.RoleSessionName'],
        [{ roleArn: 'not-an-arn' }, 'InvalidParameter.RoleArn'],
        [{ roleArn: `acs:ram::${account}:role/no-such-role` }, 'EntityNotExist.Role'],
        [{ policy: JSON.stringify(allow(Array.from({ length: 100 }, (_, i) => `eas:Action${i}`))) }, 'InvalidParameter.PolicySize'],
        [{ policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*"}]}' }, 'InvalidParameter.PolicyGrammar'],
      ];
      for (const [extra, code] of cases) {
        const err = await expectApiError(() => assume(caller, extra));
        assert.equal(err.code, code, JSON.stringify(extra));
      }
      // The longest session accepted is the role's MaxSessionDuration.
      const r = await assume(caller, { durationSeconds: 7200 });
      assert.ok(r.body!.credentials!.securityToken!.startsWith('CAIS'));
    });

    test('GetCallerIdentity needs no permission and tells who calls', async () => {
      const root = await stsClient(server, rootCredentials(server)).getCallerIdentity();
      assert.equal(root.body!.identityType, 'Account');
      assert.equal(root.body!.arn, `acs:ram::${account}:root`);
      const user = await stsClient(server, caller).getCallerIdentity();
      assert.equal(user.body!.identityType, 'RAMUser');
      assert.equal(user.body!.arn, `acs:ram::${account}:user/${caller.userName}`);
    });
  });
}
