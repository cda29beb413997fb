// No credential reaches the log, at the most talkative level: STS tokens, signatures and AccessKey
// secrets stay out of the incoming-request URL, the signature-mismatch debug line (canonical request,
// string to sign) and everything else, for V3, ROA V2 and RPC signatures. The client still gets
// its full string to sign in the error body.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError, type ClientOptions, type Credentials } from '../support/client.ts';
import { startProxy, type TestProxy, type WireCapture } from '../support/proxy.ts';
import { $Ram, $Sts, ramClient, rootCredentials, stsClient, uniqueName, userWithPolicies } from '../support/ram.ts';
import { percentEncode } from '../../src/gateway/signature/canonical.ts';

/** The credential values one captured request carried: token, signature, whole Authorization. */
function credentialsOn(req: WireCapture): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'x-acs-security-token' || name === 'x-openeas-admin-token') out.push(value);
    if (name === 'authorization') out.push(value, /Signature=(\S+)/.exec(value)?.[1] ?? /^acs [^:]+:(\S+)$/.exec(value)?.[1] ?? value);
  }
  const query = new URL(req.url, 'http://x').searchParams;
  for (const name of ['Signature', 'SecurityToken']) {
    const value = query.get(name);
    if (value) out.push(value);
  }
  return out;
}

/** Every spelling a value takes on the wire or inside a string to sign. */
const spellings = (value: string) => [value, encodeURIComponent(value), percentEncode(value), percentEncode(percentEncode(value))];

for (const engine of ENGINES) {
  describe(`log redaction [${engine.name}]`, () => {
    const lines: string[] = [];
    let server: TestServer;
    let proxy: TestProxy;
    let session: Credentials;
    const secrets: string[] = [];

    before(async () => {
      server = await startTestServer(
        engine,
        { logLevel: 'trace', adminToken: 'admin-token-value-42' },
        { logStream: { write: (line: string) => void lines.push(line) } },
      );
      proxy = await startProxy(server.url);
      // A user who may assume a role: the session's token is the credential under test.
      const user = await userWithPolicies(server, []);
      const ram = ramClient(server, rootCredentials(server));
      await ram.attachPolicyToUser(
        new $Ram.AttachPolicyToUserRequest({ policyType: 'System', policyName: 'AliyunSTSAssumeRoleAccess', userName: user.userName }),
      );
      const roleName = uniqueName('logged');
      const trust = {
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${server.root.accountId}:user/${user.userName}`] } },
        ],
      };
      const role = await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify(trust) }));
      await ram.attachPolicyToRole(
        new $Ram.AttachPolicyToRoleRequest({ policyType: 'System', policyName: 'AliyunPAIEASFullAccess', roleName }),
      );
      const assumed = await stsClient(server, user).assumeRole(
        new $Sts.AssumeRoleRequest({ roleArn: role.body!.role!.arn!, roleSessionName: 's1' }),
      );
      const c = assumed.body!.credentials!;
      session = { accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! };
      secrets.push(session.accessKeySecret, session.securityToken!, user.accessKeySecret, server.root.accessKeySecret!);
    });
    after(async () => {
      await proxy.close();
      await server.close();
    });

    test('no token, signature or secret appears in any log line, for every signature scheme', async () => {
      const through = (opts: Partial<ClientOptions>) => easClient({ url: proxy.url, ...session, ...opts });
      const list = (client: ReturnType<typeof easClient>) =>
        callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
      const whoAmI = (client: ReturnType<typeof easClient>) => callRpc(client, '2015-04-01', 'GetCallerIdentity');

      // Accepted calls: V3 (token in a header), ROA V2 (header), RPC (token and signature in the URL).
      assert.equal((await list(through({}))).statusCode, 200);
      assert.equal((await list(through({ signatureAlgorithm: 'v2' }))).statusCode, 200);
      assert.equal((await whoAmI(through({ signatureAlgorithm: 'v2' }))).statusCode, 200);
      // Refused ones: each logs the server's canonical request / string to sign at debug.
      const wrong = { accessKeySecret: 'not-the-secret' };
      for (const call of [
        () => list(through(wrong)),
        () => list(through({ ...wrong, signatureAlgorithm: 'v2' })),
        () => whoAmI(through({ ...wrong, signatureAlgorithm: 'v2' })),
      ]) {
        const err = await expectApiError(call);
        assert.equal(err.code, 'SignatureDoesNotMatch');
      }
      // The RPC client is told its whole string to sign, its own token included.
      const rpcErr = await expectApiError(() => whoAmI(through({ ...wrong, signatureAlgorithm: 'v2' })));
      assert.ok(rpcErr.data.Message.includes(percentEncode(percentEncode(session.securityToken!))), 'the token stays in the error body');
      // Admin calls with the token, making an account whose secret is chosen by the caller.
      const chosenSecret = 'chosen-secret-value-0123456789';
      secrets.push(chosenSecret);
      const res = await fetch(`${proxy.url}/_openeas/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-openeas-admin-token': 'admin-token-value-42' },
        body: JSON.stringify({ AccessKeySecret: chosenSecret }),
      });
      assert.equal(res.status, 200);

      const values = [...secrets, 'admin-token-value-42', ...proxy.captured.flatMap(credentialsOn)];
      assert.ok(values.length > 20, 'the calls carried credentials');
      for (const line of lines) {
        for (const value of values) {
          for (const spelling of spellings(value))
            assert.ok(!line.includes(spelling), `a log line contains a credential (${value.slice(0, 12)}…): ${line}`);
        }
      }
      // The lines are there, only scrubbed: this is not a test of an empty log.
      const mismatches = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'signature mismatch');
      assert.equal(mismatches.length, 4);
      assert.ok(mismatches.some((l) => l.canonicalRequest?.includes('x-acs-security-token:REDACTED')));
      assert.ok(mismatches.some((l) => l.stringToSign.includes('SecurityToken%3DREDACTED')));
      assert.ok(lines.some((l) => /"url":"\/\?[^"]*SecurityToken=REDACTED/.test(l) && /Signature=REDACTED/.test(l)));
    });

    test("a service's invocation token, chosen or generated, appears in no log line", async () => {
      const client = easClient({ url: proxy.url, ...session });
      const body = (name: string, extra: Record<string, unknown> = {}) => ({
        name,
        containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1' }],
        cloud: { computing: { instance_type: 'ecs.g6.large' } },
        metadata: { instance: 1 },
        ...extra,
      });
      const call = (action: string, method: 'GET' | 'POST' | 'PUT', pathname: string, b?: Record<string, unknown>) =>
        callEas(client, { action, method, pathname, ...(b ? { body: b } : {}) });
      const before = lines.length;
      await call('CreateService', 'POST', '/api/v2/services', body('logged_own', { token: 'chosen-service-token-31' }));
      await call('UpdateService', 'PUT', '/api/v2/services/cn-hangzhou/logged_own', { token: 'rotated-service-token-32' });
      await call('CreateService', 'POST', '/api/v2/services', body('logged_gen'));
      const tokens = ['chosen-service-token-31', 'rotated-service-token-32'];
      for (const name of ['logged_own', 'logged_gen']) {
        tokens.push((await call('DescribeService', 'GET', `/api/v2/services/cn-hangzhou/${name}`)).body.AccessToken);
        tokens.push((await call('DescribeServiceEndpoints', 'GET', `/api/v2/services/cn-hangzhou/${name}/endpoints`)).body.AccessToken);
      }
      assert.equal(tokens[2], 'rotated-service-token-32');
      assert.ok(lines.length > before, 'the calls were logged');
      for (const line of lines)
        for (const token of tokens) assert.ok(!line.includes(token), `a log line contains a service token: ${line}`);
    });
  });
}
