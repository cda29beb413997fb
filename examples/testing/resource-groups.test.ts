// A complete test suite of your own, run against openeas/testing with Alibaba Cloud's official
// client (@alicloud/openapi-client). Run it with node's test runner:
//   node --import tsx --test examples/testing/resource-groups.test.ts
// (under Vitest: the same file, with `import { afterAll as after, beforeAll as before, beforeEach, test } from 'vitest'`).
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { startOpenEas, type OpenEas } from 'openeas/testing';

let eas: OpenEas;
let client: InstanceType<typeof OpenApi.default>;

before(async () => {
  eas = await startOpenEas();
  client = new OpenApi.default(
    new $OpenApi.Config({
      accessKeyId: eas.accessKeyId,
      accessKeySecret: eas.accessKeySecret,
      endpoint: eas.endpoint,
      protocol: eas.protocol,
      regionId: eas.regionId,
    }),
  );
});
after(() => eas.stop());
// Every test starts from an empty server; the credentials stay valid.
beforeEach(() => eas.reset());

/** One PAI-EAS call (API 2021-07-01, ROA), as the generated SDK makes it. */
async function callEas(action: string, method: string, pathname: string, body?: Record<string, unknown>) {
  const params = new $OpenApi.Params({
    action,
    version: '2021-07-01',
    protocol: 'HTTPS',
    pathname,
    method,
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new $OpenApi.OpenApiRequest({ body });
  const res = await client.callApi(params, request, new $Util.RuntimeOptions({}));
  return res.body as Record<string, any>;
}

test('a dedicated group gets Ready machines once provisioning time has passed', async () => {
  const group = await callEas('CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'Dedicated',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 2,
    ChargeType: 'PostPaid',
  });
  const instances = `/api/v2/resources/${eas.regionId}/${group.ResourceId}/instances`;
  const statuses = async () => (await callEas('ListResourceInstances', 'GET', instances)).Instances.map((i: any) => i.InstanceStatus);
  assert.deepEqual(await statuses(), ['Attaching', 'Attaching']);

  await eas.clock.advance(60); // business time: machines come up without waiting for real time
  assert.deepEqual(await statuses(), ['Ready', 'Ready']);
});

test('machines of a sold-out type end in CreateFailed', async () => {
  await eas.stock.set({ Region: eas.regionId, InstanceType: 'ecs.c6.xlarge', Status: 'NoStock' });
  const group = await callEas('CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'Dedicated',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 1,
    ChargeType: 'PostPaid',
  });
  await eas.clock.advance(60);
  const list = await callEas('ListResourceInstances', 'GET', `/api/v2/resources/${eas.regionId}/${group.ResourceId}/instances`);
  assert.equal(list.Instances[0].InstanceStatus, 'CreateFailed');
});

test('an injected fault fails exactly the machines it names', async () => {
  await eas.faults.add({ Kind: 'CreateFailure', Count: 1 });
  const group = await callEas('CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'Dedicated',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 3,
    ChargeType: 'PostPaid',
  });
  await eas.clock.advance(60);
  const list = await callEas('ListResourceInstances', 'GET', `/api/v2/resources/${eas.regionId}/${group.ResourceId}/instances`);
  assert.deepEqual(list.Instances.map((i: any) => i.InstanceStatus).sort(), ['CreateFailed', 'Ready', 'Ready']);
});

test('reset left nothing of the earlier tests', async () => {
  assert.equal((await callEas('ListResources', 'GET', '/api/v2/resources')).TotalCount, 0);
});
