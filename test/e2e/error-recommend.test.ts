// An error's Recommend link names the product that answered (api.aliyun.com's code: eas, Ram, Sts,
// BssOpenApi), and the admin plane, which Alibaba's troubleshooter knows nothing of, has none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError } from '../support/client.ts';
import { rootCredentials } from '../support/ram.ts';

const productOf = (recommend: string) => new URL(recommend).searchParams.get('product');

for (const engine of ENGINES) {
  describe(`error Recommend [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;

    before(async () => {
      server = await startTestServer(engine);
      client = easClient({ url: server.url, ...rootCredentials(server) });
    });
    after(() => server.close());

    test('each product names itself in Recommend', async () => {
      const calls: Array<[string, () => Promise<unknown>]> = [
        [
          'eas',
          () =>
            callEas(client, {
              action: 'DescribeResource',
              method: 'GET',
              pathname: '/api/v2/resources/cn-hangzhou/eas-r-doesnotexist000000',
            }),
        ],
        ['Ram', () => callRpc(client, '2015-05-01', 'GetUser', { UserName: 'nobody-here' })],
        ['Ram', () => callRpc(client, '2015-05-01', 'NoSuchAction')],
        ['Sts', () => callRpc(client, '2015-04-01', 'AssumeRole', { RoleArn: 'acs:ram::1:role/none', RoleSessionName: 's' })],
        [
          'BssOpenApi',
          () =>
            callRpc(client, '2017-12-14', 'RenewInstance', { ProductCode: 'eas', InstanceId: 'eas-i-000000000000000000', RenewPeriod: 1 }),
        ],
      ];
      for (const [product, call] of calls) {
        const err = await expectApiError(call);
        assert.equal(productOf(err.data.Recommend), product, `${err.code}: ${err.data.Recommend}`);
        assert.equal(new URL(err.data.Recommend).searchParams.get('q'), err.code);
      }
    });

    test("admin-plane errors point at openeas docs, not at Alibaba's troubleshooter", async () => {
      for (const [method, path] of [
        ['POST', '/_openeas/clock/advance'],
        ['GET', '/_openeas/no-such-thing'],
      ]) {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: method === 'POST' ? '{"seconds": -1}' : undefined,
        });
        const body = await res.json();
        assert.ok(res.status >= 400, `${path}: ${res.status}`);
        assert.equal(typeof body.Code, 'string');
        assert.equal(typeof body.Recommend, 'string', path);
        assert.ok(!body.Recommend.includes('aliyun.com'), `${path}: ${body.Recommend}`);
      }
    });
  });
}
