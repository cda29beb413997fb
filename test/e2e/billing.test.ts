// Billing end to end: subscription orders, renewal, expiry and release; pay-as-you-go metering
// and hourly settlement; balance and overdue; bills and orders through the official BSS SDK
// (@alicloud/bssopenapi20171214). Time moves only through the admin clock — no sleeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BssModule, * as $Bss from '@alicloud/bssopenapi20171214';
import * as Core from '@alicloud/openapi-core';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import type { ConfigOverrides } from '../../src/config.ts';
import { addMonths, billingCycleOf } from '../../src/billing/calendar.ts';

const Bss = BssModule.default;
type BssClient = InstanceType<typeof Bss>;
const REGION = 'cn-hangzhou';
const HOUR = 3600;
const DAY = 24 * HOUR;
/** ecs.g6.large: 2 vCPU × ¥0.12 + 8 GiB × ¥0.03 = ¥0.48 per hour; a month = 0.48 × 730 × 0.7 = ¥245.28. */
const SMALL = 'ecs.g6.large';
const SMALL_HOURLY_FEN = 48;
const SMALL_MONTHLY_FEN = 24528;

const fen = (cny: string | number) => Math.round(Number(cny) * 100);

interface Creds {
  accessKeyId: string;
  accessKeySecret: string;
}

const rootCreds = (server: TestServer): Creds => ({ accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });

function bssClient(server: TestServer, creds: Creds) {
  const config = new Core.$OpenApiUtil.Config({
    ...creds,
    endpoint: `127.0.0.1:${server.port}`,
    protocol: 'http',
    regionId: REGION,
  });
  return new Bss(config);
}

function api(server: TestServer, creds: Creds = rootCreds(server)) {
  const client = easClient({ url: server.url, ...creds });
  const bss = bssClient(server, creds);
  return {
    bss,
    async group(): Promise<string> {
      const r = await callEas(client, {
        action: 'CreateResource',
        method: 'POST',
        pathname: '/api/v2/resources',
        body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
      });
      return r.body.ResourceId;
    },
    create: async (group: string, body: Record<string, unknown>): Promise<string[]> =>
      (
        await callEas(client, {
          action: 'CreateResourceInstances',
          method: 'POST',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          body,
        })
      ).body.InstanceIds,
    createRaw: (group: string, body: Record<string, unknown>) =>
      callEas(client, {
        action: 'CreateResourceInstances',
        method: 'POST',
        pathname: `/api/v2/resources/${REGION}/${group}/instances`,
        body,
      }),
    remove: (group: string, ids: string[]) =>
      callEas(client, {
        action: 'DeleteResourceInstances',
        method: 'DELETE',
        pathname: `/api/v2/resources/${REGION}/${group}/instances`,
        query: { InstanceList: ids.join(',') },
      }),
    instances: async (group: string): Promise<any[]> =>
      (
        await callEas(client, {
          action: 'ListResourceInstances',
          method: 'GET',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          query: { PageSize: 100 },
        })
      ).body.Instances,
    describe: async (group: string) =>
      (await callEas(client, { action: 'DescribeResource', method: 'GET', pathname: `/api/v2/resources/${REGION}/${group}` })).body,
    balanceFen: async () => fen((await bss.queryAccountBalance()).body!.data!.availableAmount!),
  };
}

async function nowMs(server: TestServer): Promise<number> {
  return (await admin(server.url, 'GET', '/clock')).NowMs;
}

/** Moves the clock to the next whole hour plus `plusSeconds`, so hour-rounding is predictable. */
async function alignToHour(server: TestServer, plusSeconds = 0): Promise<number> {
  const now = await nowMs(server);
  const target = Math.ceil(now / 3_600_000) * 3_600_000 + plusSeconds * 1000;
  await admin(server.url, 'POST', '/clock/advance', { to: new Date(target).toISOString() });
  return target;
}

/** Advances in steps, like time passing (each step runs what fell due). */
async function advanceSteps(server: TestServer, seconds: number, step: number): Promise<void> {
  for (let done = 0; done < seconds; done += step) await advance(server.url, Math.min(step, seconds - done));
}

/** Every billing cycle from `fromMs` to `toMs` (billing time zone UTC+8). */
function cycles(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = fromMs; ; t = addMonths(t, 1)) {
    const c = billingCycleOf(t, 480);
    if (!out.includes(c)) out.push(c);
    if (t > toMs) break;
  }
  const last = billingCycleOf(toMs, 480);
  return out.includes(last) ? out : [...out, last];
}

/** Sum of QueryInstanceBill PretaxAmount over the cycles, read page by page (PageSize 1 on purpose). */
async function instanceBillTotal(bss: BssClient, cyclesList: string[], subscriptionType?: string): Promise<{ fen: number; lines: any[] }> {
  let total = 0;
  const lines: any[] = [];
  for (const cycle of cyclesList) {
    for (let page = 1; ; page++) {
      const r = await bss.queryInstanceBill(
        new $Bss.QueryInstanceBillRequest({ billingCycle: cycle, pageNum: page, pageSize: 1, subscriptionType }),
      );
      const items = r.body!.data!.items!.item ?? [];
      for (const i of items) {
        total += fen(i.pretaxAmount!);
        lines.push(i);
      }
      if (page * 1 >= r.body!.data!.totalCount!) break;
    }
  }
  return { fen: total, lines };
}

async function billTotal(bss: BssClient, cyclesList: string[]): Promise<number> {
  let total = 0;
  for (const cycle of cyclesList) {
    const r = await bss.queryBill(new $Bss.QueryBillRequest({ billingCycle: cycle, pageSize: 300 }));
    assert.equal(r.body!.data!.totalCount, r.body!.data!.items!.item!.length);
    for (const i of r.body!.data!.items!.item ?? []) total += fen(i.pretaxAmount!);
  }
  return total;
}

async function overviewTotal(bss: BssClient, cyclesList: string[]): Promise<number> {
  let total = 0;
  for (const cycle of cyclesList) {
    const r = await bss.queryBillOverview(new $Bss.QueryBillOverviewRequest({ billingCycle: cycle }));
    for (const i of r.body!.data!.items!.item ?? []) total += fen(i.pretaxAmount!);
  }
  return total;
}

async function withServer(
  engine: (typeof ENGINES)[number],
  overrides: ConfigOverrides,
  fn: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(engine, overrides);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

for (const engine of ENGINES) {
  describe(`billing [${engine.name}]`, () => {
    test('a PrePaid create pays one month at once; at expiry the machine stops; 15 days later it is released and the counts drop', () =>
      withServer(engine, {}, async (server) => {
        const a = api(server);
        const before = await a.balanceFen();
        const group = await a.group();
        const ids = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 2, ChargeType: 'PrePaid' });
        assert.equal(before - (await a.balanceFen()), 2 * SMALL_MONTHLY_FEN, 'the month of both machines is charged at once');

        const orders = (await a.bss.queryOrders(new $Bss.QueryOrdersRequest({}))).body!.data!;
        assert.equal(orders.totalCount, 1, 'one order per create call');
        const order = orders.orderList!.order![0]!;
        assert.equal(order.orderType, 'New');
        assert.equal(order.paymentStatus, 'Paid');
        assert.equal(fen(order.pretaxAmount!), 2 * SMALL_MONTHLY_FEN);
        const detail = (await a.bss.getOrderDetail(new $Bss.GetOrderDetailRequest({ orderId: order.orderId }))).body!.data!.orderList!
          .order![0]!;
        assert.deepEqual((JSON.parse(detail.instanceIDs!) as string[]).sort(), [...ids].sort());

        await advance(server.url, 10);
        const [m] = await a.instances(group);
        const expiry = Date.parse(m.ExpiredTime);
        assert.equal(expiry, addMonths(Date.parse(m.CreateTime), 1), 'ExpiredTime = creation + 1 calendar month');
        assert.equal((await a.describe(group)).CpuCount, 4);

        await admin(server.url, 'POST', '/clock/advance', { to: new Date(expiry + 1000).toISOString() });
        assert.deepEqual(
          (await a.instances(group)).map((i) => i.InstanceStatus),
          ['Stopped', 'Stopped'],
        );
        const stopped = await a.describe(group);
        assert.equal(stopped.CpuCount, 0, 'stopped machines are no capacity');
        assert.equal(stopped.InstanceCount, 2);

        await advance(server.url, 15 * DAY);
        assert.equal((await a.instances(group)).length, 0, 'released after the 15-day grace period');
        const gone = await a.describe(group);
        assert.equal(gone.InstanceCount, 0);
        assert.equal(gone.PrePaidInstanceCount, 0);
        assert.equal(before - (await a.balanceFen()), 2 * SMALL_MONTHLY_FEN, 'nothing else was charged');
      }));

    test('with AutoRenewal the renewal is charged 9 days before expiry and the machine is still Ready after 2 months', () =>
      withServer(engine, {}, async (server) => {
        const a = api(server);
        const group = await a.group();
        await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PrePaid', AutoRenewal: true });
        await advance(server.url, 10);
        const afterOrder = await a.balanceFen();
        const [m] = await a.instances(group);
        const expiry = Date.parse(m.ExpiredTime);

        await admin(server.url, 'POST', '/clock/advance', { to: new Date(expiry - 9 * DAY * 1000 - HOUR * 1000).toISOString() });
        assert.equal(await a.balanceFen(), afterOrder, 'not yet: more than 9 days before expiry');
        await advance(server.url, 2 * HOUR);
        assert.equal(afterOrder - (await a.balanceFen()), SMALL_MONTHLY_FEN, 'renewed 9 days before expiry');
        const [renewed] = await a.instances(group);
        assert.equal(Date.parse(renewed.ExpiredTime), addMonths(expiry, 1));

        await admin(server.url, 'POST', '/clock/advance', {
          to: new Date(addMonths(Date.parse(m.CreateTime), 2) + DAY * 1000).toISOString(),
        });
        const [later] = await a.instances(group);
        assert.equal(later.InstanceStatus, 'Ready');
        assert.equal(afterOrder - (await a.balanceFen()), 2 * SMALL_MONTHLY_FEN, 'two renewals in two months');
        const renewals = (await a.bss.queryOrders(new $Bss.QueryOrdersRequest({ orderType: 'Renew' }))).body!.data!;
        assert.equal(renewals.totalCount, 2);
      }));

    test('renewals falling due together are separate orders, each paid from what the ones before it left', () =>
      withServer(engine, { initialBalanceFen: 7 * SMALL_MONTHLY_FEN + 100 }, async (server) => {
        const a = api(server);
        const group = await a.group();
        const first = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 2, ChargeType: 'PrePaid', AutoRenewal: true });
        await advance(server.url, 60);
        const second = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 2, ChargeType: 'PrePaid', AutoRenewal: true });
        assert.equal(await a.balanceFen(), 3 * SMALL_MONTHLY_FEN + 100, 'room for three renewals, not four');
        const expiries = new Map((await a.instances(group)).map((m) => [m.InstanceId as string, Date.parse(m.ExpiredTime)]));
        // One jump past both renewal dates: both are due by then and run in one batch.
        await advance(server.url, 25 * DAY);
        assert.equal(await a.balanceFen(), 100);
        const renewals = (await a.bss.queryOrders(new $Bss.QueryOrdersRequest({ orderType: 'Renew', pageSize: 100 }))).body!.data!;
        assert.deepEqual(
          renewals.orderList!.order!.map((o) => fen(o.pretaxAmount!)).sort((x, y) => x - y),
          [SMALL_MONTHLY_FEN, 2 * SMALL_MONTHLY_FEN],
          'the earlier machines renew whole, the later order takes what is left: one machine',
        );
        const now = new Map((await a.instances(group)).map((m) => [m.InstanceId as string, Date.parse(m.ExpiredTime)]));
        for (const id of first) assert.equal(now.get(id), addMonths(expiries.get(id)!, 1), `${id} renewed`);
        assert.equal(second.filter((id) => now.get(id) === addMonths(expiries.get(id)!, 1)).length, 1, 'one of the later two renewed');
        assert.equal(second.filter((id) => now.get(id) === expiries.get(id)).length, 1, 'the other keeps its expiry');
      }));

    test('BSS RenewInstance brings a machine back from its grace period; SetRenewal switches auto-renewal', () =>
      withServer(engine, {}, async (server) => {
        const a = api(server);
        const group = await a.group();
        const [id] = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PrePaid' });
        await advance(server.url, 10);
        const [m] = await a.instances(group);
        const expiry = Date.parse(m.ExpiredTime);

        await a.bss.setRenewal(
          new $Bss.SetRenewalRequest({
            instanceIDs: id,
            renewalStatus: 'AutoRenewal',
            renewalPeriod: 1,
            renewalPeriodUnit: 'M',
            productCode: 'eas',
          }),
        );
        assert.equal((await a.instances(group))[0].AutoRenewal, true);
        await a.bss.setRenewal(new $Bss.SetRenewalRequest({ instanceIDs: id, renewalStatus: 'ManualRenewal', productCode: 'eas' }));
        assert.equal((await a.instances(group))[0].AutoRenewal, false);

        await admin(server.url, 'POST', '/clock/advance', { to: new Date(expiry + 2 * DAY * 1000).toISOString() });
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Stopped');
        const before = await a.balanceFen();
        const r = await a.bss.renewInstance(
          new $Bss.RenewInstanceRequest({ productCode: 'eas', instanceId: id, renewPeriod: 1, clientToken: 'renew-1' }),
        );
        assert.equal(r.body!.success, true);
        assert.match(r.body!.data!.orderId!, /^\d{15}$/);
        // A retry with the same client token is not paid twice.
        const again = await a.bss.renewInstance(
          new $Bss.RenewInstanceRequest({ productCode: 'eas', instanceId: id, renewPeriod: 1, clientToken: 'renew-1' }),
        );
        assert.equal(again.body!.data!.orderId, r.body!.data!.orderId);
        assert.equal(before - (await a.balanceFen()), SMALL_MONTHLY_FEN);
        const [back] = await a.instances(group);
        assert.equal(back.InstanceStatus, 'Ready');
        assert.equal(Date.parse(back.ExpiredTime), addMonths(expiry, 1));

        await advance(server.url, 20 * DAY);
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Ready', 'not released: it was renewed');

        const wrong = await expectApiError(() =>
          a.bss.renewInstance(
            new $Bss.RenewInstanceRequest({ productCode: 'eas', instanceId: 'eas-i-000000000000000000', renewPeriod: 1 }),
          ),
        );
        assert.equal(wrong.code, 'InvalidInstanceId.NotFound');
      }));

    test('a PostPaid machine running 3.5 hours bills exactly 3.5 × the hourly price in hourly items, nothing while Attaching', () =>
      withServer(engine, { provisionSeconds: 600 }, async (server) => {
        const a = api(server);
        const group = await a.group();
        const before = await a.balanceFen();
        const start = await alignToHour(server);
        const [id] = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        assert.equal(await a.balanceFen(), before, 'pay-as-you-go pays nothing up front');
        await advance(server.url, 600); // Attaching for 10 minutes: not billed
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Ready');
        await advanceSteps(server, 3.5 * HOUR, HOUR / 2);
        await a.remove(group, [id!]);
        await advanceSteps(server, 3 * HOUR, HOUR / 2);

        const expected = 3.5 * SMALL_HOURLY_FEN;
        assert.equal(before - (await a.balanceFen()), expected);
        const items = await server.services.store.db
          .selectFrom('bill_items')
          .selectAll()
          .where('instance_id', '=', id!)
          .orderBy('period_start')
          .execute();
        assert.ok(items.length >= 4, `hourly items, got ${items.length}`);
        for (const i of items) {
          assert.equal(Number(i.period_end) - Number(i.period_start), 3_600_000, 'each item is one hour');
          assert.ok(Number(i.amount_fen) <= SMALL_HOURLY_FEN);
        }
        assert.equal(
          items.reduce((s, i) => s + Number(i.amount_fen), 0),
          expected,
        );
        assert.equal(Number(items[0]!.period_start), start, 'the first hour is the one it became Ready in');
        assert.equal(Number(items[0]!.amount_fen), 40, "50 of the first hour's minutes: the 10 Attaching minutes are free");

        const cyc = cycles(start, await nowMs(server));
        const inst = await instanceBillTotal(a.bss, cyc, 'PayAsYouGo');
        assert.equal(inst.fen, expected);
        assert.equal(inst.lines.length, 1);
        assert.equal(inst.lines[0].instanceID, id);
        assert.equal(await billTotal(a.bss, cyc), expected);
        assert.equal(await overviewTotal(a.bss, cyc), expected);
      }));

    test('BSS bills, instance bills, overview and balance agree after PrePaid and PostPaid use', () =>
      withServer(engine, {}, async (server) => {
        const a = api(server);
        const start = await nowMs(server);
        const before = await a.balanceFen();
        const group = await a.group();
        await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 3, ChargeType: 'PrePaid', AutoRenewal: true });
        await a.create(group, {
          EcsInstanceType: 'ecs.gn6i-c4g1.xlarge',
          EcsInstanceCount: 2,
          ChargeType: 'PostPaid',
          SystemDiskSize: 300,
        });
        await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        await advance(server.url, 40 * DAY);
        const cyc = cycles(start, await nowMs(server));
        const spent = before - (await a.balanceFen());
        assert.ok(spent > 0);
        const inst = await instanceBillTotal(a.bss, cyc);
        assert.equal(inst.fen, spent, 'instance bills add up to what the balance lost');
        assert.equal(await billTotal(a.bss, cyc), spent);
        assert.equal(await overviewTotal(a.bss, cyc), spent);
        assert.equal(new Set(inst.lines.map((l) => l.instanceID)).size, 6, 'every machine has bill lines');
        const orders = (await a.bss.queryOrders(new $Bss.QueryOrdersRequest({ pageSize: 100 }))).body!.data!;
        assert.equal(orders.totalCount, 2, 'the create order and one renewal');
      }));

    test('insufficient balance refuses the create as a whole and creates nothing', () =>
      withServer(engine, { initialBalanceFen: 200_00 }, async (server) => {
        const a = api(server);
        const group = await a.group();
        const refused = await expectApiError(() =>
          a.createRaw(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PrePaid' }),
        );
        assert.equal(refused.code, 'PAY.INSUFFICIENT_BALANCE');
        assert.equal(refused.statusCode, 400);
        assert.equal((await a.instances(group)).length, 0);
        assert.equal((await a.describe(group)).InstanceCount, 0);
        assert.equal(await a.balanceFen(), 200_00);
        assert.equal((await a.bss.queryOrders(new $Bss.QueryOrdersRequest({}))).body!.data!.totalCount, 0);

        // Pay-as-you-go needs ¥100 on the account.
        await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: '-150.00' });
        const low = await expectApiError(() => a.createRaw(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' }));
        assert.equal(low.code, 'InvalidAccountStatus.NotEnoughBalance');
        assert.equal((await a.instances(group)).length, 0);
        const topped = await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: '100' });
        assert.equal(topped.AvailableAmount, '150.00');
        await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      }));

    test("an overdue account's PostPaid machines stop, run again after a top-up, and are released without one", () =>
      withServer(engine, { initialBalanceFen: 120_00, overdueStopDays: 1, overdueReleaseDays: 2 }, async (server) => {
        const a = api(server);
        const group = await a.group();
        await a.create(group, { EcsInstanceType: 'ecs.gn6i-c4g1.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        await advance(server.url, 20 * HOUR); // ¥11.63 an hour: negative after ~11 hours
        assert.ok((await a.balanceFen()) < 0);
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Ready', 'still running inside the overdue period');
        await advance(server.url, DAY);
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Stopped');
        const frozen = await a.balanceFen();
        await advance(server.url, 6 * HOUR);
        assert.equal(await a.balanceFen(), frozen, 'a stopped machine is not billed');
        assert.equal((await a.describe(group)).CpuCount, 0);

        await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: '1000' });
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Ready', 'a top-up brings it back');
        await advance(server.url, 3 * DAY);
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Ready', 'no release after the top-up');

        await admin(server.url, 'POST', `/accounts/${server.root.accountId}/balance`, { Amount: '-5000' });
        await advance(server.url, DAY + HOUR);
        assert.equal((await a.instances(group))[0].InstanceStatus, 'Stopped');
        await advance(server.url, 2 * DAY);
        assert.equal((await a.instances(group)).length, 0, 'released after the overdue grace period');
        const d = await a.describe(group);
        assert.equal(d.InstanceCount, 0);
        assert.equal(d.PostPaidInstanceCount, 0);
      }));

    test('a restart in the middle of the month loses and duplicates no charge', async () => {
      let server = await startTestServer(engine, { provisionSeconds: 600 });
      try {
        const creds = rootCreds(server);
        let a = api(server, creds);
        const group = await a.group();
        const before = await a.balanceFen();
        const start = await alignToHour(server);
        const [post] = await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        await a.create(group, { EcsInstanceType: SMALL, EcsInstanceCount: 1, ChargeType: 'PrePaid', AutoRenewal: true });
        await advance(server.url, 600);
        await advance(server.url, 10 * DAY);
        await server.close();
        server = await server.restart();
        a = api(server, creds);
        await advance(server.url, 25 * DAY); // crosses the auto-renewal
        await a.remove(group, [post!]);
        await advance(server.url, 2 * HOUR);
        server = await server.restart();
        a = api(server, creds);
        await advance(server.url, 2 * HOUR);

        // Ran from start+10 min to start+10 min+35 days: exactly 35 × 24 hours.
        const payg = 35 * 24 * SMALL_HOURLY_FEN;
        const cyc = cycles(start, await nowMs(server));
        assert.equal((await instanceBillTotal(a.bss, cyc, 'PayAsYouGo')).fen, payg);
        assert.equal((await instanceBillTotal(a.bss, cyc, 'Subscription')).fen, 2 * SMALL_MONTHLY_FEN);
        assert.equal(before - (await a.balanceFen()), payg + 2 * SMALL_MONTHLY_FEN);
      } finally {
        await server.close();
      }
    });
  });
}
