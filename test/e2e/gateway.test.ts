// The gateway as the official client sees it: signatures (V3, ROA V2), keys, time window,
// nonces (also across a restart), tampering, error envelopes, routing, account isolation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError, type Credentials } from '../support/client.ts';
import { send, startProxy, type TestProxy } from '../support/proxy.ts';

// The modules the official client itself loads, to pin its clock for the skew tests.
const clientRequire = createRequire(createRequire(import.meta.url).resolve('@alicloud/openapi-client'));
const OpenApiUtil = clientRequire('@alicloud/openapi-util').default;

const describeMissing = (client: ReturnType<typeof easClient>) =>
  callEas(client, { action: 'DescribeResource', method: 'GET', pathname: '/api/v2/resources/cn-hangzhou/eas-r-doesnotexist000000' });

for (const engine of ENGINES) {
  describe(`gateway [${engine.name}]`, () => {
    let server: TestServer;
    let root: Credentials;

    before(async () => {
      server = await startTestServer(engine);
      root = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
    });
    after(() => server.close());

    test('a V3-signed call reaches the handler and gets its 404 with the full envelope', async () => {
      const err = await expectApiError(() => describeMissing(easClient({ url: server.url, ...root })));
      assert.equal(err.code, 'InvalidResource.NotFound');
      assert.equal(err.statusCode, 404);
      assert.match(err.data.RequestId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
      assert.equal(typeof err.data.HostId, 'string');
      assert.match(err.data.Recommend, /InvalidResource\.NotFound/);
    });

    test('a ROA-V2-signed call (signatureAlgorithm v2) is accepted too', async () => {
      const client = easClient({ url: server.url, ...root, signatureAlgorithm: 'v2' });
      const err = await expectApiError(() => describeMissing(client));
      assert.equal(err.code, 'InvalidResource.NotFound');
      const ok = await callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.body.Resources, []);
    });

    test('an SM3-signed V3 call is accepted', async () => {
      const client = easClient({ url: server.url, ...root, signatureAlgorithm: 'ACS3-HMAC-SM3' });
      const ok = await callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
      assert.equal(ok.statusCode, 200);
    });

    test('success responses carry x-acs-request-id equal to the body RequestId', async () => {
      const ok = await callEas(easClient({ url: server.url, ...root }), {
        action: 'ListResources',
        method: 'GET',
        pathname: '/api/v2/resources',
      });
      assert.equal(ok.headers['x-acs-request-id'], ok.body.RequestId);
      assert.equal(ok.headers['content-type'], 'application/json;charset=utf-8');
    });

    test('a wrong secret gets SignatureDoesNotMatch with the server string to sign', async () => {
      for (const signatureAlgorithm of [undefined, 'v2'] as const) {
        const client = easClient({ url: server.url, accessKeyId: root.accessKeyId, accessKeySecret: 'not-the-secret', signatureAlgorithm });
        const err = await expectApiError(() => describeMissing(client));
        assert.equal(err.code, 'SignatureDoesNotMatch');
        assert.equal(err.statusCode, 400);
        assert.match(err.data.Message, /server string to sign is:/);
      }
      const v3 = await expectApiError(() =>
        describeMissing(easClient({ url: server.url, accessKeyId: root.accessKeyId, accessKeySecret: 'x' })),
      );
      assert.match(v3.data.Message, /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    });

    test('an unknown AccessKey gets InvalidAccessKeyId.NotFound (404)', async () => {
      const err = await expectApiError(() =>
        describeMissing(easClient({ url: server.url, accessKeyId: 'LTAI5tUnknownKeyId000000', accessKeySecret: 'x' })),
      );
      assert.equal(err.code, 'InvalidAccessKeyId.NotFound');
      assert.equal(err.statusCode, 404);
    });

    test('a request dated 20 minutes off gets InvalidTimeStamp.Expired, either way', async () => {
      const original = OpenApiUtil.getTimestamp;
      try {
        for (const offset of [-20, 20]) {
          OpenApiUtil.getTimestamp = () => new Date(Date.now() + offset * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
          const err = await expectApiError(() => describeMissing(easClient({ url: server.url, ...root })));
          assert.equal(err.code, 'InvalidTimeStamp.Expired');
          assert.equal(err.statusCode, 400);
        }
      } finally {
        OpenApiUtil.getTimestamp = original;
      }
    });

    describe('through a recording proxy', () => {
      let proxy: TestProxy;
      before(async () => {
        proxy = await startProxy(server.url);
      });
      after(() => proxy.close());

      test('a tampered body is rejected and changes nothing', async () => {
        proxy.mutate = (req) => ({ ...req, body: Buffer.from(req.body.toString('utf8').replace('"tampered-a"', '"tampered-b"')) });
        try {
          const err = await expectApiError(() =>
            callEas(easClient({ url: proxy.url, ...root }), {
              action: 'CreateResource',
              method: 'POST',
              pathname: '/api/v2/resources',
              body: { ResourceType: 'SelfManaged', ResourceName: 'tampered-a', SelfManagedResourceOptions: { ExternalClusterId: 'c1' } },
            }),
          );
          assert.equal(err.statusCode, 400);
          assert.match(err.code, /^(ContentSha256NotMatched|SignatureDoesNotMatch)$/);
        } finally {
          proxy.mutate = undefined;
        }
        const list = await callEas(easClient({ url: server.url, ...root }), {
          action: 'ListResources',
          method: 'GET',
          pathname: '/api/v2/resources',
        });
        assert.equal(list.body.Resources.filter((r: any) => r.ResourceName.startsWith('tampered')).length, 0);
      });

      test('a replayed request (same nonce) gets SignatureNonceUsed, also after a restart', async () => {
        proxy.captured.length = 0;
        await callEas(easClient({ url: proxy.url, ...root }), { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
        const original = proxy.captured[0]!;
        const replay = await send(server.url, original);
        assert.equal(replay.status, 400);
        assert.equal(replay.body.Code, 'SignatureNonceUsed');

        server = await server.restart();
        const afterRestart = await send(server.url, original);
        assert.equal(afterRestart.body.Code, 'SignatureNonceUsed');
      });

      // A create is the costliest call to replay: its nonce must be used up once, whether it succeeds or fails.
      const captureCreate = async (resourceId: string, type: string) => {
        proxy.captured.length = 0;
        proxy.mutate = () => null; // captured, not delivered
        await callEas(easClient({ url: proxy.url, ...root }), {
          action: 'CreateResourceInstances',
          method: 'POST',
          pathname: `/api/v2/resources/cn-hangzhou/${resourceId}/instances`,
          body: { EcsInstanceType: type, EcsInstanceCount: 1, ChargeType: 'PostPaid' },
        }).catch(() => {});
        proxy.mutate = undefined;
        return proxy.captured[0]!;
      };
      const machinesOf = async (resourceId: string) =>
        (
          await callEas(easClient({ url: server.url, ...root }), {
            action: 'ListResourceInstances',
            method: 'GET',
            pathname: `/api/v2/resources/cn-hangzhou/${resourceId}/instances`,
          })
        ).body.TotalCount;
      const newGroup = async () =>
        (
          await callEas(easClient({ url: server.url, ...root }), {
            action: 'CreateResource',
            method: 'POST',
            pathname: '/api/v2/resources',
            body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c1' } },
          })
        ).body.ResourceId as string;

      test('a create sent twice at once (same nonce) orders once: the other gets SignatureNonceUsed', async () => {
        const group = await newGroup();
        const create = await captureCreate(group, 'ecs.g6.large');
        const answers = await Promise.all([send(server.url, create), send(server.url, create), send(server.url, create)]);
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400]);
        for (const a of answers.filter((x) => x.status === 400)) assert.equal(a.body.Code, 'SignatureNonceUsed');
        assert.equal(await machinesOf(group), 1);
        server = await server.restart();
        assert.equal((await send(server.url, create)).body.Code, 'SignatureNonceUsed');
        assert.equal(await machinesOf(group), 1);
      });

      test('a create that fails still uses up its nonce: its replay gets SignatureNonceUsed', async () => {
        const group = await newGroup();
        const refused = await captureCreate(group, 'ecs.no-such-type');
        assert.equal((await send(server.url, refused)).body.Code, 'InvalidInstanceType.NotSupported');
        assert.equal((await send(server.url, refused)).body.Code, 'SignatureNonceUsed');
        const missingGroup = await captureCreate('eas-r-doesnotexist0000000', 'ecs.g6.large');
        assert.equal((await send(server.url, missingGroup)).status, 404);
        assert.equal((await send(server.url, missingGroup)).body.Code, 'SignatureNonceUsed');
        assert.equal(await machinesOf(group), 0);
      });

      test('a forged request does not burn the nonce of the real one', async () => {
        proxy.captured.length = 0;
        proxy.mutate = () => null;
        // Capture a signed request without delivering it.
        await callEas(easClient({ url: proxy.url, ...root }), {
          action: 'ListResources',
          method: 'GET',
          pathname: '/api/v2/resources',
        }).catch(() => {});
        proxy.mutate = undefined;
        const genuine = proxy.captured[0]!;
        const forged = { ...genuine, url: genuine.url + '?PageSize=5' };
        assert.equal((await send(server.url, forged)).body.Code, 'SignatureDoesNotMatch');
        assert.equal((await send(server.url, genuine)).status, 200);
      });
    });

    test('restart keeps the account and its key', async () => {
      server = await server.restart();
      const ok = await callEas(easClient({ url: server.url, ...root }), {
        action: 'ListResources',
        method: 'GET',
        pathname: '/api/v2/resources',
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(server.root.accountId, server.services.rootAccountId);
      assert.equal(server.root.accessKeySecret, undefined, 'the secret is only shown when created');
    });

    test('unknown routes answer InvalidApi.NotFound (404) without authentication', async () => {
      const res = await fetch(`${server.url}/api/v2/nothing-here`);
      assert.equal(res.status, 404);
      const body = await res.json();
      assert.equal(body.Code, 'InvalidApi.NotFound');
      assert.equal(res.headers.get('x-acs-request-id'), body.RequestId);
      const wrongMethod = await fetch(`${server.url}/api/v2/resources`, { method: 'PATCH' });
      assert.equal((await wrongMethod.json()).Code, 'InvalidApi.NotFound');
    });

    test('unsigned requests get MissingAuthorization, malformed ones IncompleteSignature', async () => {
      const unsigned = await fetch(`${server.url}/api/v2/resources`);
      assert.equal(unsigned.status, 400);
      assert.equal((await unsigned.json()).Code, 'MissingAuthorization');
      const garbled = await fetch(`${server.url}/api/v2/resources`, { headers: { authorization: 'ACS3-HMAC-SHA256 nonsense' } });
      const refusal = await garbled.json();
      assert.equal(refusal.Code, 'IncompleteSignature');
      assert.match(refusal.Message, /server string to sign is: \(none: .*Credential=<AccessKeyId>.*\)$/, 'never an empty string to sign');
    });

    test('a body over the limit is refused with 413 without reading it all', async () => {
      const res = await fetch(`${server.url}/api/v2/resources`, {
        method: 'POST',
        body: 'x'.repeat(server.config.bodyLimit + 1),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 413);
      assert.equal((await res.json()).Code, 'RequestBodyTooLarge');
    });

    test('RPC calls with an unknown version or action get not-found errors', async () => {
      const unknownVersion = await fetch(`${server.url}/?Action=ListUsers&Version=1999-01-01`);
      assert.equal(unknownVersion.status, 404);
      assert.equal((await unknownVersion.json()).Code, 'InvalidProduct.NotFound');
    });

    test('health answers without credentials', async () => {
      const res = await fetch(`${server.url}/_openeas/health`);
      const body = await res.json();
      assert.equal(res.status, 200);
      assert.equal(body.Status, 'ok');
      assert.equal(body.Database, engine.name);
      assert.equal(typeof body.Version, 'string');
    });

    test("another account's key cannot see this account's groups", async () => {
      const client = easClient({ url: server.url, ...root });
      const created = await callEas(client, {
        action: 'CreateResource',
        method: 'POST',
        pathname: '/api/v2/resources',
        body: { ResourceType: 'SelfManaged', ResourceName: 'mine', SelfManagedResourceOptions: { ExternalClusterId: 'c1' } },
      });
      const res = await fetch(`${server.url}/_openeas/accounts`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      const other = await res.json();
      const otherClient = easClient({ url: server.url, accessKeyId: other.AccessKeyId, accessKeySecret: other.AccessKeySecret });
      const err = await expectApiError(() =>
        callEas(otherClient, {
          action: 'DescribeResource',
          method: 'GET',
          pathname: `/api/v2/resources/cn-hangzhou/${created.body.ResourceId}`,
        }),
      );
      assert.equal(err.code, 'InvalidResource.NotFound');
      const list = await callEas(otherClient, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
      assert.equal(list.body.TotalCount, 0);
    });
  });
}
