// Services without metadata.resource, on the public pool, through the official clients on every
// engine: the instance type (named, or the smallest that fits) and its documented failures;
// capacity from the stock table (NoStock → Pending with an event → stock added → Running);
// pay-as-you-go billing per instance-second at the catalog price through settlement and the BSS
// bills; stop ends billing; delete gives the capacity back; overdue accounts; RAM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BssModule, * as $Bss from '@alicloud/bssopenapi20171214';
import * as Core from '@alicloud/openapi-core';
import { ENGINES } from '../support/engines.ts';
import { REGION, serviceCalls, svcPath, conforms } from '../support/services.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { allow, userWithPolicies } from '../support/ram.ts';
import { billingCycleOf } from '../../src/billing/calendar.ts';
import { serviceProblems } from '../adversarial/invariants.ts';
import { openStore } from '../../src/store/database.ts';

const Bss = BssModule.default;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** ecs.g6.large: 2 vCPU × ¥0.12 + 8 GiB × ¥0.03 = ¥0.48 per hour (docs/billing.md). */
const SMALL = 'ecs.g6.large';
const SMALL_HOURLY_FEN = 48;
/** Used by the stock tests only, so other tests' stock rows do not matter. */
const STOCKED = 'ecs.g6.xlarge';
const fen = (cny: string | number) => Math.round(Number(cny) * 100);

for (const engine of ENGINES) {
  describe(`services on the public pool [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    let bss: InstanceType<typeof Bss>;
    const { eas, create, describeSvc, instancesOf } = serviceCalls(() => client);
    const publicJson = (name: string, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
      name,
      containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
      cloud: { computing: { instance_type: SMALL } },
      metadata: { instance: 1, ...metadata },
      ...extra,
    });
    const events = async (name: string) =>
      (await eas('DescribeServiceEvent', 'GET', svcPath(name, '/events'), { query: { PageSize: '100' } })).body.Events as any[];
    const stock = (body: Record<string, unknown>) => admin(server.url, 'PUT', '/stock', { Region: REGION, ...body });
    const stockRow = async (type: string) =>
      ((await admin(server.url, 'GET', `/stock?Region=${REGION}`)).Stock as any[]).find((r) => r.InstanceType === type);
    const nowMs = async () => (await admin(server.url, 'GET', '/clock')).NowMs as number;
    const alignToHour = async () => {
      const target = Math.ceil((await nowMs()) / 3_600_000) * 3_600_000;
      await admin(server.url, 'POST', '/clock/advance', { to: new Date(target).toISOString() });
      return target;
    };
    const balanceFen = async () => fen((await bss.queryAccountBalance()).body!.data!.availableAmount!);
    /** QueryInstanceBill lines of the service's instances over the cycles from `from` to now. */
    const billLines = async (from: number, service: string) => {
      const cycles = [...new Set([billingCycleOf(from, 480), billingCycleOf(await nowMs(), 480)])];
      const lines: any[] = [];
      for (const cycle of cycles) {
        for (let page = 1; ; page++) {
          const r = await bss.queryInstanceBill(new $Bss.QueryInstanceBillRequest({ billingCycle: cycle, pageNum: page, pageSize: 100 }));
          const items = r.body!.data!.items!.item ?? [];
          lines.push(...items.filter((i) => i.nickName === service).map((i) => ({ ...i, cycle })));
          if (page * 100 >= r.body!.data!.totalCount!) break;
        }
      }
      return lines;
    };

    before(async () => {
      server = await startTestServer(engine, { progression: 'time', serviceStartSeconds: 5, overdueStopDays: 1 });
      const creds = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
      client = easClient({ url: server.url, ...creds });
      bss = new Bss(new Core.$OpenApiUtil.Config({ ...creds, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', regionId: REGION }));
    });
    after(() => server.close());

    test('a service without metadata.resource runs on the public pool, billed per instance-second at the catalog price', async () => {
      const t0 = await alignToHour();
      const before = await balanceFen();
      const body = publicJson('pub_bill', {}, { instance: 2 });
      const created = await create(body);
      assert.equal(created.body.Status, 'Creating');
      assert.equal((await describeSvc('pub_bill')).Status, 'Waiting');
      const pending = await instancesOf('pub_bill');
      assert.deepEqual(
        pending.map((i) => [i.Status, i.Reason]),
        [
          ['Pending', 'ContainerCreating'],
          ['Pending', 'ContainerCreating'],
        ],
      );
      await advance(server.url, 5);
      const running = await describeSvc('pub_bill');
      assert.equal(running.Status, 'Running');
      assert.equal(running.RunningInstance, 2);
      assert.equal(running.Resource, '', 'no dedicated group');
      assert.deepEqual(running.InstanceCountInResource, { Dedicated: 0, Public: 2, Quota: 0 });
      assert.deepEqual(JSON.parse(running.ServiceConfig), body, 'ServiceConfig round-trips');
      // The type's whole size, as the document named only the type.
      assert.equal(running.Cpu, 2);
      assert.equal(running.Memory, 8192);
      const inst = await instancesOf('pub_bill');
      for (const i of inst) {
        conforms('Instance', i);
        assert.equal(i.Status, 'Running');
        assert.equal(i.ResourceType, 'PublicResource');
        assert.equal(i.InstanceType, SMALL);
        assert.match(i.Zone, /^cn-hangzhou-[a-z]$/);
        assert.equal(i.CurrentAmount, SMALL_HOURLY_FEN / 100);
        assert.equal(i.OriginalAmount, SMALL_HOURLY_FEN / 100);
      }
      const filtered = (q: Record<string, unknown>) =>
        eas('ListServiceInstances', 'GET', svcPath('pub_bill', '/instances'), { query: q }).then((r) => r.body.TotalCount);
      assert.equal(await filtered({ ResourceType: 'PublicResource' }), 2);
      assert.equal(await filtered({ ResourceType: 'DedicatedResource' }), 0);

      // A day of running (from t0 + 5 s: start-up is not billed), then the service stops.
      await advance(server.url, DAY);
      await eas('StopService', 'PUT', svcPath('pub_bill', '/stop'));
      assert.equal((await describeSvc('pub_bill')).Status, 'Stopped');
      await advance(server.url, 2 * HOUR); // settlement of the last hours
      const oneDay = 24 * SMALL_HOURLY_FEN; // [t0+5 s, t0+24 h+5 s): 23 whole hours + 3595 s + 5 s
      const lines = await billLines(t0, 'pub_bill');
      const names = inst.map((i) => i.InstanceName).sort();
      assert.deepEqual([...new Set(lines.map((l) => l.instanceID))].sort(), names, 'a line per instance, named by it');
      for (const l of lines) {
        assert.equal(l.subscriptionType, 'PayAsYouGo');
        assert.equal(l.instanceSpec, SMALL);
        assert.equal(l.listPrice, '0.48');
        assert.equal(l.resourceGroup, '');
      }
      const billed = lines.reduce((sum, l) => sum + fen(l.pretaxAmount), 0);
      assert.equal(billed, 2 * oneDay);
      assert.equal(before - (await balanceFen()), 2 * oneDay, 'the balance paid exactly that');
      let recorded = 0;
      for (const cycle of new Set([billingCycleOf(t0, 480), billingCycleOf(await nowMs(), 480)])) {
        const r = await bss.queryBill(new $Bss.QueryBillRequest({ billingCycle: cycle, pageSize: 300 }));
        for (const i of r.body!.data!.items!.item ?? []) recorded += fen(i.pretaxAmount!);
      }
      assert.equal(recorded, 2 * oneDay, 'QueryBill records the same settlement');

      // Stopped: no more charges.
      const frozen = await balanceFen();
      await advance(server.url, DAY);
      assert.equal(await balanceFen(), frozen, 'a stopped service is not billed');
      assert.equal(
        (await billLines(t0, 'pub_bill')).reduce((sum, l) => sum + fen(l.pretaxAmount), 0),
        2 * oneDay,
      );

      // Started again it is billed again; deleted, billing ends.
      await eas('StartService', 'PUT', svcPath('pub_bill', '/start'));
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_bill')).Status, 'Running');
      await advance(server.url, HOUR - 5);
      await eas('DeleteService', 'DELETE', svcPath('pub_bill'));
      assert.equal((await expectApiError(() => describeSvc('pub_bill'))).code, 'InvalidService.NotFound');
      await advance(server.url, 3 * HOUR);
      const after = await billLines(t0, 'pub_bill');
      assert.equal(
        after.reduce((sum, l) => sum + fen(l.pretaxAmount), 0),
        2 * oneDay + 2 * SMALL_HOURLY_FEN,
        'one more hour each',
      );
      const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
      try {
        assert.deepEqual(await serviceProblems(store), []);
      } finally {
        await store.close();
      }
    });

    test('without stock instances stay Pending with an explaining event, and run when stock is added', async () => {
      await stock({ InstanceType: STOCKED, Status: 'NoStock' });
      await create(publicJson('pub_stock', { cloud: { computing: { instance_type: STOCKED } } }, { instance: 2 }));
      await advance(server.url, 10);
      const waiting = await describeSvc('pub_stock');
      assert.equal(waiting.Status, 'Waiting');
      assert.equal(waiting.Reason, 'INSUFFICIENT_RESOURCE');
      assert.match(waiting.Message, /no stock of instance type \[ecs\.g6\.xlarge\]/);
      const pending = await instancesOf('pub_stock');
      assert.deepEqual(
        pending.map((i) => [i.Status, i.Zone, i.InnerIP]),
        [
          ['Pending', '', ''],
          ['Pending', '', ''],
        ],
      );
      const warning = (await events('pub_stock')).find((e) => e.Reason === 'INSUFFICIENT_RESOURCE');
      assert.ok(warning, 'an event says why');
      assert.equal(warning.Type, 'Warning');
      assert.match(warning.Message, /OperationDenied\.NoStock/);

      // One unit of stock: one instance runs, the other keeps waiting.
      await stock({ InstanceType: STOCKED, Status: 'WithStock', Available: 1 });
      await advance(server.url, 5);
      assert.deepEqual((await instancesOf('pub_stock')).map((i) => i.Status).sort(), ['Pending', 'Running']);
      assert.equal((await describeSvc('pub_stock')).Status, 'Waiting');
      assert.equal((await stockRow(STOCKED)).Available, 0);
      await stock({ InstanceType: STOCKED, Status: 'WithStock', Available: 1 });
      await advance(server.url, 5);
      const running = await describeSvc('pub_stock');
      assert.equal(running.Status, 'Running');
      assert.equal(running.RunningInstance, 2);

      // Clearing the stock table makes every type unlimited: a third instance runs at once.
      await eas('ScaleService', 'PUT', svcPath('pub_stock', '/scale'), { body: { Instance: 3 } });
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_stock')).Status, 'Waiting', 'no stock left for the third');
      await admin(server.url, 'DELETE', '/stock');
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_stock')).RunningInstance, 3);
      await stock({ InstanceType: STOCKED, Status: 'WithStock', Available: 0 });

      // Scale-in and delete give the capacity back.
      await eas('ScaleService', 'PUT', svcPath('pub_stock', '/scale'), { body: { Instance: 1 } });
      assert.equal((await stockRow(STOCKED)).Available, 2);
      await eas('DeleteService', 'DELETE', svcPath('pub_stock'));
      assert.equal((await stockRow(STOCKED)).Available, 3);
    });

    test('concurrent creates never take more stock than there is', async () => {
      const TYPE = 'ecs.c6.xlarge';
      await stock({ InstanceType: TYPE, Status: 'WithStock', Available: 3 });
      const names = Array.from({ length: 6 }, (_, i) => `pub_race_${i}`);
      await Promise.all(names.map((n) => create(publicJson(n, { cloud: { computing: { instance_type: TYPE } } }))));
      await advance(server.url, 5);
      const statuses = await Promise.all(names.map(async (n) => (await instancesOf(n))[0].Status));
      assert.equal(statuses.filter((st) => st === 'Running').length, 3, statuses.join(','));
      assert.equal(statuses.filter((st) => st === 'Pending').length, 3);
      assert.equal((await stockRow(TYPE)).Available, 0);
      await Promise.all(names.map((n) => eas('DeleteService', 'DELETE', svcPath(n))));
      assert.equal((await stockRow(TYPE)).Available, 3, 'every unit back, none twice');
    });

    test('a service on a dedicated group adds no charge beyond its machines', async () => {
      const t0 = await alignToHour();
      const g = (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'Dedicated', EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' },
        })
      ).body.ResourceId as string;
      await advance(server.url, 60); // provisioning
      await create({
        name: 'ded_free',
        containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1' }],
        metadata: { instance: 1, cpu: 1, memory: 1024, resource: g },
      });
      await advance(server.url, 5);
      const [inst] = await instancesOf('ded_free');
      assert.equal(inst.Status, 'Running');
      assert.equal(inst.ResourceType, 'PrivateResource');
      assert.equal(inst.CurrentAmount, 0);
      assert.equal(inst.OriginalAmount, 0);
      await advance(server.url, 3 * HOUR);
      const cycles = [...new Set([billingCycleOf(t0, 480), billingCycleOf(await nowMs(), 480)])];
      const ids: string[] = [];
      for (const cycle of cycles) {
        const r = await bss.queryInstanceBill(new $Bss.QueryInstanceBillRequest({ billingCycle: cycle, pageSize: 300 }));
        ids.push(...(r.body!.data!.items!.item ?? []).map((i) => i.instanceID!));
      }
      assert.ok(!ids.includes(inst.InstanceName), 'no bill line for the service instance');
      assert.ok(
        ids.some((id) => id.startsWith('eas-i-')),
        'the machine is billed',
      );
      await eas('DeleteService', 'DELETE', svcPath('ded_free'));
    });

    test('update, restart and scale work as on a group; instances keep their type', async () => {
      await create(publicJson('pub_ops'));
      await advance(server.url, 5);
      await eas('ScaleService', 'PUT', svcPath('pub_ops', '/scale'), { body: { Instance: 2 } });
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_ops')).RunningInstance, 2);
      await eas('UpdateService', 'PUT', svcPath('pub_ops'), { body: { cloud: { computing: { instance_type: STOCKED } } } });
      await advance(server.url, 5);
      await advance(server.url, 5);
      const updated = await describeSvc('pub_ops');
      assert.equal(updated.Status, 'Running');
      assert.equal(updated.CurrentVersion, 2);
      assert.deepEqual(
        (await instancesOf('pub_ops')).map((i) => i.InstanceType),
        [STOCKED, STOCKED],
      );
      await eas('RestartService', 'PUT', svcPath('pub_ops', '/restart'));
      await advance(server.url, 5);
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_ops')).Status, 'Running');
      const moved = await expectApiError(() =>
        eas('UpdateService', 'PUT', svcPath('pub_ops'), { body: { metadata: { resource: 'eas-r-abc123', cpu: 1, memory: 1024 } } }),
      );
      assert.equal(moved.code, 'InvalidParameter');
      assert.match(moved.message, /metadata\.resource/);
      await eas('DeleteService', 'DELETE', svcPath('pub_ops'));
    });

    test('the instance type is checked against the catalog; a size alone takes the smallest type that fits', async () => {
      const bad = async (body: Record<string, unknown>) => expectApiError(() => create(body));
      const unknown = await bad(publicJson('pub_bad', { cloud: { computing: { instance_type: 'ecs.nope.large' } } }));
      assert.equal(unknown.code, 'InvalidParameter');
      assert.match(unknown.message, /cloud\.computing\.instance_type/);
      const tooBig = await bad(publicJson('pub_bad', {}, { cpu: 4, memory: 1024 }));
      assert.equal(tooBig.code, 'InvalidParameter');
      assert.match(tooBig.message, /metadata\.cpu/);
      const noType = await bad({ name: 'pub_bad', processor: 'pmml', metadata: { instance: 1 } });
      assert.equal(noType.code, 'MissingParameter');
      assert.match(noType.message, /cloud\.computing\.instance_type/);
      const huge = await bad({ name: 'pub_bad', processor: 'pmml', metadata: { cpu: 512, memory: 1024 } });
      assert.equal(huge.code, 'InvalidParameter');
      assert.match(huge.message, /metadata\.cpu/);
      const listed = await bad(publicJson('pub_bad', { cloud: { computing: { instances: [{}] } } }));
      assert.equal(listed.code, 'MissingParameter');
      assert.match(listed.message, /cloud\.computing\.instances\.1\.type/);

      // cpu + memory only: the cheapest catalog type holding 2 cores and 4 GB.
      await create({ name: 'pub_size', processor: 'pmml', metadata: { instance: 1, cpu: 2, memory: 4096 } });
      await advance(server.url, 5);
      const svc = await describeSvc('pub_size');
      assert.equal(svc.Status, 'Running');
      assert.equal(svc.Cpu, 2);
      assert.equal(svc.Memory, 4096);
      const [inst] = await instancesOf('pub_size');
      assert.equal(inst.InstanceType, 'ecs.c6.large', '2 vCPU, 4 GiB: ¥0.36 per hour');
      assert.equal(inst.CurrentAmount, 0.36);
      // The named form also works in a list.
      await create(publicJson('pub_list', { cloud: { computing: { instances: [{ type: SMALL }] } } }));
      await advance(server.url, 5);
      assert.equal((await instancesOf('pub_list'))[0].InstanceType, SMALL);
      for (const name of ['pub_size', 'pub_list']) await eas('DeleteService', 'DELETE', svcPath(name));
    });

    test('RAM: a public-pool service needs eas:CreateService on the service only', async () => {
      const svcOnly = await userWithPolicies(server, [allow(['eas:CreateService', 'eas:DeleteService'], 'acs:eas:*:*:service/pub_ram*')]);
      const none = await userWithPolicies(server, [allow('eas:DescribeService', '*')]);
      const as = (creds: { accessKeyId: string; accessKeySecret: string }) => easClient({ url: server.url, ...creds });
      const createAs = (c: ReturnType<typeof easClient>, name: string) =>
        callEas(c, { action: 'CreateService', method: 'POST', pathname: '/api/v2/services', body: publicJson(name) });
      assert.equal((await expectApiError(() => createAs(as(none), 'pub_ram_a'))).code, 'Forbidden.RAM');
      assert.equal((await expectApiError(() => createAs(as(svcOnly), 'other_ram'))).code, 'Forbidden.RAM');
      const ok = await createAs(as(svcOnly), 'pub_ram_a');
      assert.equal(ok.body.ServiceName, 'pub_ram_a');
      await callEas(as(svcOnly), { action: 'DeleteService', method: 'DELETE', pathname: svcPath('pub_ram_a') });
    });

    test('an overdue account: its public-pool services stop, and a stopped one is not billed', async () => {
      await create(publicJson('pub_overdue'));
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_overdue')).Status, 'Running');
      const balance = await balanceFen();
      await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: (-(balance + 100) / 100).toFixed(2) });
      await advance(server.url, DAY + 2 * HOUR); // overdue for a day (overdueStopDays 1 here)
      const stopped = await describeSvc('pub_overdue');
      assert.equal(stopped.Status, 'Stopped');
      assert.ok((await events('pub_overdue')).some((e) => e.Reason === 'OVERDUE'));
      const frozen = await balanceFen();
      await advance(server.url, DAY);
      assert.equal(await balanceFen(), frozen);
      // Refused to start while the balance is below the minimum; topped up, it starts.
      const refused = await expectApiError(() => eas('StartService', 'PUT', svcPath('pub_overdue', '/start')));
      assert.equal(refused.code, 'InvalidAccountStatus.NotEnoughBalance');
      await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: '1000' });
      await eas('StartService', 'PUT', svcPath('pub_overdue', '/start'));
      await advance(server.url, 5);
      assert.equal((await describeSvc('pub_overdue')).Status, 'Running');
      await eas('DeleteService', 'DELETE', svcPath('pub_overdue'));
    });
  });
}
