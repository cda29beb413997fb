// The fields the EAS SDK 7.9 models added, as a user sees them (docs/sdk-models.md): cordon reason
// and operator, InstancePhase, NewDiskSize (and its price), DescribeResource's new fields,
// UsageMode and the ListResourceInstances Zone filter. On every engine, through the official client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BssModule, * as $Bss from '@alicloud/bssopenapi20171214';
import * as Core from '@alicloud/openapi-core';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { allow, userWithPolicies } from '../support/ram.ts';

const REGION = 'cn-hangzhou';
const Bss = BssModule.default;

for (const engine of ENGINES) {
  describe(`SDK 7.9 fields [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    const eas = (
      action: string,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      pathname: string,
      extra: { query?: Record<string, unknown>; body?: Record<string, unknown> } = {},
    ) => callEas(client, { action, method, pathname, ...extra });
    const base = `/api/v2/resources/${REGION}`;
    const newGroup = async (extra: Record<string, unknown> = {}) =>
      (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' }, ...extra },
        })
      ).body.ResourceId as string;
    const machines = async (group: string, body: Record<string, unknown>) =>
      (await eas('CreateResourceInstances', 'POST', `${base}/${group}/instances`, { body })).body.InstanceIds as string[];
    const list = async (group: string, query: Record<string, unknown> = {}) =>
      (await eas('ListResourceInstances', 'GET', `${base}/${group}/instances`, { query })).body;
    const update = (group: string, id: string, body: Record<string, unknown>, c = client) =>
      callEas(c, { action: 'UpdateResourceInstance', method: 'PUT', pathname: `${base}/${group}/instances/${id}`, body });

    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 30, releaseSeconds: 10 });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('a cordon keeps its reason and operator; InstancePhase follows the machine', async () => {
      const group = await newGroup();
      const [id] = await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      let m = (await list(group)).Instances[0];
      assert.equal(m.InstancePhase, 'pending');
      assert.equal(m.LastCordonReason, '');
      assert.equal(m.LastCordonOperator, '');
      await advance(server.url, 30);
      m = (await list(group)).Instances[0];
      assert.equal(m.InstancePhase, 'succeeded');

      await update(group, id!, { Action: 'Cordon', Reason: 'kernel upgrade' });
      m = (await list(group)).Instances[0];
      assert.equal(m.InstanceStatus, 'Ready-SchedulingDisabled');
      assert.equal(m.LastCordonReason, 'kernel upgrade');
      assert.equal(m.LastCordonOperator, server.root.accountId, 'the root account is named by its id');

      // Uncordon keeps the record of the last cordon; a RAM user's drain names the user's id.
      await update(group, id!, { Action: 'Uncordon' });
      m = (await list(group)).Instances[0];
      assert.equal(m.InstanceStatus, 'Ready');
      assert.equal(m.LastCordonReason, 'kernel upgrade');
      const user = await userWithPolicies(server, [allow('eas:*')]);
      const userClient = easClient({ url: server.url, accessKeyId: user.accessKeyId, accessKeySecret: user.accessKeySecret });
      await update(group, id!, { Action: 'Drain', Reason: 'evict' }, userClient);
      m = (await list(group)).Instances[0];
      assert.equal(m.LastCordonReason, 'evict');
      assert.match(m.LastCordonOperator, /^\d+$/);
      assert.notEqual(m.LastCordonOperator, server.root.accountId);

      const long = await expectApiError(() => update(group, id!, { Action: 'Cordon', Reason: 'x'.repeat(257) }));
      assert.equal(long.code, 'InvalidParameter');
      const none = await expectApiError(() => update(group, id!, { Reason: 'nothing to do' }));
      assert.equal(none.code, 'MissingParameter');
    });

    test('NewDiskSize grows the system disk only, and the larger disk is billed from then on', async () => {
      const group = await newGroup();
      const [small, big] = await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' });
      await advance(server.url, 30);
      await update(group, big!, { NewDiskSize: '1200' });
      const disks = Object.fromEntries((await list(group)).Instances.map((i: any) => [i.InstanceId, i.InstanceSystemDiskSize]));
      assert.deepEqual(disks, { [small!]: 200, [big!]: 1200 });
      for (const bad of ['1200', '100', '2001', 'abc', '12.5']) {
        const err = await expectApiError(() => update(group, big!, { NewDiskSize: bad }));
        assert.equal(err.code, 'InvalidParameter', bad);
      }
      // Resize and cordon in one call.
      await update(group, small!, { Action: 'Cordon', NewDiskSize: '300' });
      const after = (await list(group)).Instances.find((i: any) => i.InstanceId === small);
      assert.equal(after.InstanceSystemDiskSize, 300);
      assert.equal(after.InstanceStatus, 'Ready-SchedulingDisabled');

      // A day later the 1200 GiB machine has cost more than the 300 GiB one: disk above 200 GiB is priced.
      await advance(server.url, 24 * 3600);
      const bss = new Bss(
        new Core.$OpenApiUtil.Config({
          accessKeyId: server.root.accessKeyId,
          accessKeySecret: server.root.accessKeySecret!,
          endpoint: `127.0.0.1:${server.port}`,
          protocol: 'http',
          regionId: REGION,
        }),
      );
      const now = new Date((await admin(server.url, 'GET', '/clock')).NowMs);
      const cycle = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const cost: Record<string, number> = {};
      for (const c of new Set([cycle, billingCycleBefore(now)])) {
        const items =
          (await bss.queryInstanceBill(new $Bss.QueryInstanceBillRequest({ billingCycle: c, pageSize: 300 }))).body!.data!.items!.item ??
          [];
        for (const i of items) cost[i.instanceID!] = (cost[i.instanceID!] ?? 0) + Number(i.pretaxAmount);
      }
      // 900 GiB more disk for a day at ¥0.50 per GiB-month: 900 × 0.5 / 730 × 24 ≈ ¥14.79.
      const extra = cost[big!]! - cost[small!]!;
      assert.ok(extra > 14 && extra < 15.5, `1200 GiB machine cost ${cost[big!]} vs ${cost[small!]} for 300 GiB`);
    });

    test('DescribeResource carries the 7.9 fields; ServiceCount is a string there and an integer in ListResources', async () => {
      const group = await newGroup({ UsageMode: 'inference' });
      await machines(group, { EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      const attaching = (await eas('DescribeResource', 'GET', `${base}/${group}`)).body;
      assert.equal(attaching.InstanceMaxAllocatableCPU, 0, 'no machine runs yet');
      await advance(server.url, 30);
      const d = (await eas('DescribeResource', 'GET', `${base}/${group}`)).body;
      assert.equal(d.ServiceCount, '0');
      assert.deepEqual(d.Features, []);
      assert.equal(d.InstanceMaxAllocatableCPU, 4);
      assert.equal(d.InstanceMaxAllocatableGPU, 0);
      assert.equal(d.InstanceMaxAllocatableMemory, 16384);
      assert.equal(d.UsageMode, 'inference');
      const listed = (await eas('ListResources', 'GET', '/api/v2/resources', { query: { ResourceId: group, UsageMode: 'inference' } }))
        .body;
      assert.equal(listed.TotalCount, 1);
      assert.equal(listed.Resources[0].ServiceCount, 0);
      assert.equal(listed.Resources[0].UsageMode, 'inference');
      assert.equal(listed.Resources[0].InstanceMaxAllocatableMemory, d.InstanceMaxAllocatableMemory);
      // The largest running machine decides; a bigger one that comes up is seen at once (the kept answer is renewed).
      await machines(group, { EcsInstanceType: 'ecs.g6.2xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      await advance(server.url, 30);
      const bigger = (await eas('DescribeResource', 'GET', `${base}/${group}`)).body;
      assert.deepEqual([bigger.InstanceMaxAllocatableCPU, bigger.InstanceMaxAllocatableMemory], [8, 32768]);
      const err = await expectApiError(() =>
        eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' }, UsageMode: 'mining' },
        }),
      );
      assert.equal(err.code, 'InvalidParameter');
      assert.equal(
        (await expectApiError(() => eas('ListResources', 'GET', '/api/v2/resources', { query: { UsageMode: 'x' } }))).code,
        'InvalidParameter',
      );
    });

    test('BSS: QueryBill times read YYYY-MM-DD HH:mm:ss in the billing time zone; GetOrderDetail lists its modules', async () => {
      const group = await newGroup();
      const [id] = await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PrePaid' });
      await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      await advance(server.url, 2 * 3600);
      const bss = new Bss(
        new Core.$OpenApiUtil.Config({
          accessKeyId: server.root.accessKeyId,
          accessKeySecret: server.root.accessKeySecret!,
          endpoint: `127.0.0.1:${server.port}`,
          protocol: 'http',
          regionId: REGION,
        }),
      );
      const nowMs = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      const beijing = new Date(nowMs + 8 * 3600_000); // the default billing time zone is UTC+8
      const cycle = beijing.toISOString().slice(0, 7);
      const items = (await bss.queryBill(new $Bss.QueryBillRequest({ billingCycle: cycle, pageSize: 300 }))).body!.data!.items!.item!;
      assert.ok(items.length >= 2);
      for (const i of items) {
        for (const t of [i.usageStartTime, i.usageEndTime, i.paymentTime]) assert.match(t!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        assert.ok(i.paymentTime!.startsWith(cycle), `${i.paymentTime} is a time of ${cycle} (billing time zone)`);
      }
      const orders = (await bss.queryOrders(new $Bss.QueryOrdersRequest({}))).body!.data!.orderList!.order!;
      const order = orders.find((o) => o.orderType === 'New')!;
      const detail = (await bss.getOrderDetail(new $Bss.GetOrderDetailRequest({ orderId: order.orderId }))).body!.data!.orderList!
        .order![0]!;
      assert.deepEqual(JSON.parse(detail.instanceIDs!), [id]);
      const modules = detail.billModuleConfig!.billModuleConfig!;
      const instanceType = modules.find((m) => m.code === 'InstanceType')!;
      assert.equal(instanceType.billModuleProperties!.billModuleProperties![0]!.value, 'ecs.g6.large');
      assert.equal(modules.find((m) => m.code === 'Region')!.billModuleProperties!.billModuleProperties![0]!.value, REGION);
      assert.deepEqual(detail.originalModuleConfig!.originalModuleConfig, [], 'a new order had no configuration before');
    });

    test('ListResourceInstances filters by Zone', async () => {
      const group = await newGroup();
      await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid', Zone: 'cn-hangzhou-h' });
      await machines(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', Zone: 'cn-hangzhou-i' });
      const h = await list(group, { Zone: 'cn-hangzhou-h', PageSize: 1 });
      assert.equal(h.TotalCount, 2);
      assert.equal(h.Instances.length, 1);
      assert.equal(h.Instances[0].Zone, 'cn-hangzhou-h');
      const i = await list(group, { Zone: 'cn-hangzhou-i' });
      assert.deepEqual(
        i.Instances.map((m: any) => m.Zone),
        ['cn-hangzhou-i'],
      );
      assert.equal((await list(group, { Zone: 'cn-hangzhou-z' })).TotalCount, 0);
    });
  });
}

function billingCycleBefore(d: Date): string {
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, '0')}`;
}
