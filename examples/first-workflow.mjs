// A first workflow against openeas with Alibaba Cloud's official client (@alicloud/openapi-client),
// exactly as against PAI-EAS: create a dedicated resource group, add PostPaid machines, wait until
// they are Ready, list them with a filter, cordon one, delete the machines, then the group.
//
//   npm install @alicloud/openapi-client @alicloud/tea-util
//   OPENEAS_ENDPOINT=http://127.0.0.1:8080 \
//   ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5t… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… node first-workflow.mjs
//
// The root AccessKey is the one `openeas serve` printed on its first start. New machines stay
// Attaching for OPENEAS_PROVISION_SECONDS (5 by default) and released ones Deleting for
// OPENEAS_RELEASE_SECONDS (2), so the whole run takes a few seconds.
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';

const endpoint = new URL(process.env.OPENEAS_ENDPOINT ?? 'http://127.0.0.1:8080');
const region = process.env.OPENEAS_REGION ?? 'cn-hangzhou';
const client = new OpenApi.default(
  new $OpenApi.Config({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    endpoint: endpoint.host,
    protocol: endpoint.protocol.replace(':', ''),
    regionId: region,
  }),
);

/** One EAS API call (ROA style, version 2021-07-01), as the generated @alicloud/eas20210701 SDK makes it. */
async function eas(action, method, pathname, { query, body } = {}) {
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
  const request = new $OpenApi.OpenApiRequest({ query, body });
  const response = await client.callApi(params, request, new $Util.RuntimeOptions({}));
  return response.body;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks `check` once a second until it answers true (at most `seconds`). */
async function waitFor(what, seconds, check) {
  for (let i = 0; i < seconds; i++) {
    if (await check()) return;
    await sleep(1000);
  }
  throw new Error(`gave up waiting for ${what} after ${seconds} s`);
}

// 1. A dedicated resource group: Dedicated groups are bought with their first machines.
const group = await eas('CreateResource', 'POST', '/api/v2/resources', {
  body: {
    ResourceType: 'Dedicated',
    ResourceName: 'first-workflow',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 1,
    ChargeType: 'PostPaid',
  },
});
const groupPath = `/api/v2/resources/${region}/${group.ResourceId}`;
console.log(`created group ${group.ResourceId}`);

// 2. Two more PostPaid machines, labelled so they can be found again.
const added = await eas('CreateResourceInstances', 'POST', `${groupPath}/instances`, {
  body: { EcsInstanceType: 'ecs.c6.xlarge', EcsInstanceCount: 2, ChargeType: 'PostPaid', Labels: { pool: 'batch' } },
});
console.log(added.Message);

// 3. Machines come up asynchronously: Attaching, then Ready.
const listMachines = (query = {}) => eas('ListResourceInstances', 'GET', `${groupPath}/instances`, { query });
await waitFor('3 Ready machines', 60, async () => {
  const { Instances } = await listMachines({ InstanceStatus: 'Ready' });
  return Instances.length === 3;
});
console.log('all 3 machines are Ready');

// 4. List with a filter: the machines labelled pool=batch (the label filter is a JSON object).
const batch = await listMachines({ Label: JSON.stringify({ pool: 'batch' }) });
for (const m of batch.Instances) console.log(`  ${m.InstanceId} ${m.InstanceType} ${m.InstanceStatus} ${m.InstanceIp}`);
console.log(`${batch.TotalCount} machines in pool batch`);

// 5. Cordon one of them: no new services are scheduled onto it.
const [first] = batch.Instances;
await eas('UpdateResourceInstance', 'PUT', `${groupPath}/instances/${first.InstanceId}`, { body: { Action: 'Cordon' } });
const cordoned = await listMachines({ InstanceId: first.InstanceId });
console.log(`${first.InstanceId} is now ${cordoned.Instances[0].InstanceStatus}`);

// 6. Delete every machine, wait until they are released, then delete the group.
const all = await listMachines();
const deleting = await eas('DeleteResourceInstances', 'DELETE', `${groupPath}/instances`, {
  query: { InstanceList: all.Instances.map((m) => m.InstanceId).join(',') },
});
console.log(deleting.Message);
await waitFor('the machines to be released', 60, async () => (await eas('DescribeResource', 'GET', groupPath)).InstanceCount === 0);
const deleted = await eas('DeleteResource', 'DELETE', groupPath);
console.log(deleted.Message);
