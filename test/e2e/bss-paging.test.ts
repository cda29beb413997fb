// BSS pages answered from the database (docs/billing.md, "Paging"): QueryBill, QueryInstanceBill
// and QueryBillOverview page, count and sum in SQL. Every page is checked against the answer the
// former in-memory implementation gives — the whole cycle's items loaded, grouped and sliced here —
// across last pages, pages beyond the end, PageSize bounds and combined filters, on each engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { eas as easApi, rootCredentials, uniqueName } from '../support/ram.ts';
import { billingCycleOf, billingDateOf } from '../../src/billing/calendar.ts';
import { billTime } from '../../src/billing/bss.ts';
import { formatCny } from '../../src/billing/money.ts';

const REGION = 'cn-hangzhou';
const HOUR = 3600;
const DAY = 24 * HOUR;
const OFFSET = 480;
const BSS = '2017-12-14';

interface Line {
  instanceId: string;
  sub: string;
  first: Record<string, any>;
  amount: number;
  usageMs: number;
}

/** QueryInstanceBill's lines as the in-memory implementation computed them: every item of the cycle, grouped in order. */
async function expectedLines(server: TestServer, cycle: string, sub?: string, date?: string, hide?: boolean): Promise<Line[]> {
  let items = await server.services.store.db
    .selectFrom('bill_items')
    .selectAll()
    .where('billing_cycle', '=', cycle)
    .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
    .orderBy('instance_id')
    .orderBy('subscription_type')
    .orderBy('period_start')
    .execute();
  if (date) items = items.filter((i) => billingDateOf(Number(i.period_start), OFFSET) === date);
  const lines = new Map<string, Line>();
  for (const i of items) {
    const key = `${i.instance_id}/${i.subscription_type}`;
    const line = lines.get(key);
    if (line) {
      line.amount += Number(i.amount_fen);
      line.usageMs += Number(i.usage_ms);
    } else {
      lines.set(key, {
        instanceId: i.instance_id,
        sub: i.subscription_type,
        first: i,
        amount: Number(i.amount_fen),
        usageMs: Number(i.usage_ms),
      });
    }
  }
  const all = [...lines.values()];
  return hide ? all.filter((l) => l.amount !== 0) : all;
}

/** QueryBill's records as the in-memory implementation computed them (a GROUP BY over the cycle's items). */
async function expectedRecords(server: TestServer, cycle: string, sub?: string, hide?: boolean) {
  return server.services.store.db
    .selectFrom('bill_items')
    .where('billing_cycle', '=', cycle)
    .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
    .select((eb) => [
      'record_id',
      'subscription_type',
      eb.fn.min<number>('period_start').as('start'),
      eb.fn.max<number>('period_end').as('end'),
      eb.fn.max<number>('created_at').as('paid'),
      eb.fn.sum<number>('amount_fen').as('amount'),
    ])
    .groupBy(['record_id', 'subscription_type'])
    .$if(hide === true, (q) => q.having((eb) => eb.fn.sum('amount_fen'), '>', 0))
    .orderBy('paid')
    .orderBy('record_id')
    .execute();
}

/** A SelfManaged group of the root account, created through the official client; its id. */
const newGroup = async (server: TestServer): Promise<string> =>
  (await easApi(server, rootCredentials(server)).createGroup(uniqueName('g'))).body.ResourceId as string;

for (const engine of ENGINES) {
  describe(`BSS paging [${engine.name}]`, () => {
    let server: TestServer;
    let bss: (action: string, query: Record<string, unknown>) => Promise<any>;
    const cycles: string[] = [];
    let days: string[] = [];

    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 5 });
      const creds = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
      const eas = easClient({ url: server.url, ...creds });
      bss = async (action, query) => (await callRpc(eas, BSS, action, query)).body.Data;
      const group = await newGroup(server);
      const create = async (body: Record<string, unknown>): Promise<string[]> =>
        (
          await callEas(eas, {
            action: 'CreateResourceInstances',
            method: 'POST',
            pathname: `/api/v2/resources/${REGION}/${group}/instances`,
            body: { EcsInstanceType: 'ecs.g6.large', ...body },
          })
        ).body.InstanceIds;
      const start = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      await create({ EcsInstanceCount: 3, ChargeType: 'PrePaid', AutoRenewal: true });
      await create({ EcsInstanceCount: 4, ChargeType: 'PostPaid' });
      // Ready after 5 s, released 10 s later: a line of zero charge (10 s of ¥0.48/h rounds to 0 fen).
      const brief = await create({ EcsInstanceCount: 1, ChargeType: 'PostPaid' });
      await advance(server.url, 15);
      await callEas(eas, {
        action: 'DeleteResourceInstances',
        method: 'DELETE',
        pathname: `/api/v2/resources/${REGION}/${group}/instances`,
        query: { InstanceList: brief.join(',') },
      });
      for (let h = 0; h < 30; h += 6) await advance(server.url, 6 * HOUR); // several items a day, over two days
      await advance(server.url, 40 * DAY); // into the next cycle and a renewal
      const end = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      for (let t = start; t <= end + DAY; t += DAY) {
        if (!cycles.includes(billingCycleOf(t, OFFSET))) cycles.push(billingCycleOf(t, OFFSET));
      }
      days = [billingDateOf(start, OFFSET), billingDateOf(start + DAY, OFFSET)];
    });

    after(async () => {
      await server?.close();
    });

    test('QueryInstanceBill: every page of every filter combination holds the lines the whole cycle gives, in order', async () => {
      let zeroLines = 0;
      let compared = 0;
      for (const cycle of cycles) {
        for (const sub of [undefined, 'PayAsYouGo', 'Subscription']) {
          for (const hide of [false, true]) {
            for (const date of [undefined, ...days.filter((d) => d.startsWith(cycle))]) {
              const lines = await expectedLines(server, cycle, sub, date, hide);
              if (!hide) zeroLines += lines.filter((l) => l.amount === 0).length;
              for (const size of [1, 3, 300]) {
                const last = Math.max(1, Math.ceil(lines.length / size));
                for (let num = 1; num <= last + 1; num++) {
                  const query: Record<string, unknown> = { BillingCycle: cycle, PageNum: num, PageSize: size };
                  if (sub) query.SubscriptionType = sub;
                  if (hide) query.IsHideZeroCharge = true;
                  if (date) Object.assign(query, { Granularity: 'DAILY', BillingDate: date });
                  const data = await bss('QueryInstanceBill', query);
                  const what = JSON.stringify(query);
                  assert.equal(data.TotalCount, lines.length, what);
                  assert.equal(data.PageNum, num);
                  assert.equal(data.PageSize, size);
                  const want = lines.slice((num - 1) * size, num * size);
                  const got = data.Items.Item as any[];
                  assert.equal(got.length, want.length, `${what}: ${num > last ? 'beyond the end: empty' : 'page length'}`);
                  got.forEach((g, k) => {
                    const w = want[k]!;
                    const payg = w.sub === 'PayAsYouGo';
                    assert.deepEqual(
                      {
                        id: g.InstanceID,
                        sub: g.SubscriptionType,
                        amount: g.PretaxAmount,
                        usage: g.Usage,
                        period: g.ServicePeriod,
                        price: g.ListPrice,
                        spec: g.InstanceSpec,
                        zone: g.Zone,
                        group: g.ResourceGroup,
                        date: g.BillingDate,
                      },
                      {
                        id: w.instanceId,
                        sub: w.sub,
                        amount: w.amount / 100,
                        usage: payg ? (w.usageMs / 3_600_000).toFixed(4) : '1',
                        period: String(Math.round(w.usageMs / 1000)),
                        price: formatCny(Number(w.first.list_price_fen)),
                        spec: w.first.instance_type,
                        zone: w.first.zone,
                        group: w.first.resource_id,
                        date: date ?? '',
                      },
                      what,
                    );
                    compared++;
                  });
                }
              }
            }
          }
        }
      }
      assert.ok(zeroLines > 0, 'the data has a zero-charge line for IsHideZeroCharge to hide');
      assert.ok(compared > 100, `compared ${compared} lines`);
    });

    test('QueryBill: pages, last page and beyond, filters combined, match the cycle grouped whole; the overview sums agree', async () => {
      for (const cycle of cycles) {
        for (const sub of [undefined, 'PayAsYouGo', 'Subscription']) {
          for (const hide of [false, true]) {
            const records = await expectedRecords(server, cycle, sub, hide);
            for (const size of [1, 2, 300]) {
              const last = Math.max(1, Math.ceil(records.length / size));
              for (let num = 1; num <= last + 1; num++) {
                const query: Record<string, unknown> = { BillingCycle: cycle, PageNum: num, PageSize: size };
                if (sub) query.SubscriptionType = sub;
                if (hide) query.IsHideZeroCharge = true;
                const data = await bss('QueryBill', query);
                const what = JSON.stringify(query);
                assert.equal(data.TotalCount, records.length, what);
                const want = records.slice((num - 1) * size, num * size);
                assert.deepEqual(
                  (data.Items.Item as any[]).map((g) => [
                    g.RecordID,
                    g.SubscriptionType,
                    g.PretaxAmount,
                    g.UsageStartTime,
                    g.UsageEndTime,
                    g.PaymentTime,
                  ]),
                  want.map((r) => [
                    r.record_id,
                    r.subscription_type,
                    Number(r.amount) / 100,
                    billTime(Number(r.start), OFFSET),
                    billTime(Number(r.end), OFFSET),
                    billTime(Number(r.paid), OFFSET),
                  ]),
                  what,
                );
              }
            }
          }
          const overview = await bss('QueryBillOverview', sub ? { BillingCycle: cycle, SubscriptionType: sub } : { BillingCycle: cycle });
          const sums = new Map<string, number>();
          for (const r of await expectedRecords(server, cycle, sub))
            sums.set(r.subscription_type, (sums.get(r.subscription_type) ?? 0) + Number(r.amount));
          assert.deepEqual(
            (overview.Items.Item as any[]).map((i) => [i.SubscriptionType, i.PretaxAmount]),
            [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, fen]) => [t, fen / 100]),
          );
        }
      }
      assert.ok((await expectedRecords(server, cycles[0]!)).length >= 4, 'several records: orders and settlement runs');
    });

    test('items hold the same fields in the same order as before: the JSON text of a page is unchanged', async () => {
      const account = (await server.services.store.db.selectFrom('bill_items').select('account_id').executeTakeFirstOrThrow()).account_id;
      const product = {
        ProductCode: 'eas',
        ProductName: 'PAI-EAS',
        ProductType: '',
        ProductDetail: 'PAI-EAS',
        CommodityCode: 'eas',
        PipCode: 'eas',
        OwnerID: account,
      };
      const amounts = (fen: number) => {
        const cny = fen / 100;
        return {
          PretaxGrossAmount: cny,
          PretaxAmount: cny,
          PaymentAmount: cny,
          CashAmount: cny,
          AfterTaxAmount: cny,
          PretaxAmountLocal: cny,
          Tax: 0,
          DeductedByCoupons: 0,
          DeductedByCashCoupons: 0,
          DeductedByPrepaidCard: 0,
          InvoiceDiscount: 0,
          AdjustAmount: 0,
          OutstandingAmount: 0,
          Currency: 'CNY',
          PaymentCurrency: 'CNY',
        };
      };
      const kind = (sub: string) => (sub === 'Subscription' ? 'SubscriptionOrder' : 'PayAsYouGoBill');
      const cycle = cycles[0]!;
      const lines = await expectedLines(server, cycle, undefined, days[0], false);
      const instanceBill = await bss('QueryInstanceBill', {
        BillingCycle: cycle,
        PageSize: 300,
        Granularity: 'DAILY',
        BillingDate: days[0],
        IsBillingItem: true,
      });
      assert.ok(lines.length > 0);
      assert.equal(
        JSON.stringify(instanceBill.Items.Item),
        JSON.stringify(
          lines.map((l) => {
            const payg = l.sub === 'PayAsYouGo';
            const { AfterTaxAmount: _a, PretaxAmountLocal: _l, Tax: _t, PaymentCurrency: _c, ...lineAmounts } = amounts(l.amount);
            return {
              ...product,
              InstanceID: l.instanceId,
              NickName: l.instanceId,
              BillingDate: days[0],
              SubscriptionType: l.sub,
              Item: kind(l.sub),
              BillingType: payg ? 'PayAsYouGo' : 'Subscription',
              BillingItem: 'Instance',
              Region: l.first.region,
              Zone: l.first.zone,
              ResourceGroup: l.first.resource_id,
              InstanceSpec: l.first.instance_type,
              InstanceConfig: `InstanceType:${l.first.instance_type}`,
              InternetIP: '',
              IntranetIP: '',
              Tag: '',
              CostUnit: '',
              ListPrice: formatCny(Number(l.first.list_price_fen)),
              ListPriceUnit: payg ? 'CNY/Hour' : 'CNY/Month',
              Usage: payg ? (l.usageMs / 3_600_000).toFixed(4) : '1',
              UsageUnit: payg ? 'Hour' : 'Month',
              ServicePeriod: String(Math.round(l.usageMs / 1000)),
              ServicePeriodUnit: 'Second',
              DeductedByResourcePackage: '0',
              ...lineAmounts,
            };
          }),
        ),
      );
      const bill = await bss('QueryBill', { BillingCycle: cycle, PageSize: 300 });
      assert.equal(
        JSON.stringify(bill.Items.Item),
        JSON.stringify(
          (await expectedRecords(server, cycle)).map((r) => ({
            ...product,
            RecordID: r.record_id,
            SubOrderId: r.record_id,
            PaymentTransactionID: r.record_id,
            Item: kind(r.subscription_type),
            SubscriptionType: r.subscription_type,
            Status: 'PayOff',
            RoundDownDiscount: '0',
            UsageStartTime: billTime(Number(r.start), OFFSET),
            UsageEndTime: billTime(Number(r.end), OFFSET),
            PaymentTime: billTime(Number(r.paid), OFFSET),
            ...amounts(Number(r.amount)),
          })),
        ),
      );
      const overview = await bss('QueryBillOverview', { BillingCycle: cycle });
      const sums = new Map<string, number>();
      for (const r of await expectedRecords(server, cycle))
        sums.set(r.subscription_type, (sums.get(r.subscription_type) ?? 0) + Number(r.amount));
      assert.equal(
        JSON.stringify(overview.Items.Item),
        JSON.stringify(
          [...sums.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([sub, fen]) => ({
              ...product,
              BillAccountID: account,
              BillAccountName: account,
              BizType: 'PAI-EAS',
              SubscriptionType: sub,
              Item: kind(sub),
              RoundDownDiscount: '0',
              ...amounts(fen),
            })),
        ),
      );
    });

    test('PageSize outside 1–300 and PageNum 0 are refused; a day the calendar lacks is an empty daily bill', async () => {
      const creds = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
      const eas = easClient({ url: server.url, ...creds });
      for (const action of ['QueryBill', 'QueryInstanceBill']) {
        for (const bad of [{ PageSize: 0 }, { PageSize: 301 }, { PageNum: 0 }]) {
          const e = await expectApiError(() => callRpc(eas, BSS, action, { BillingCycle: cycles[0], ...bad }));
          assert.equal(e.code, 'InvalidParameter', `${action} ${JSON.stringify(bad)}`);
          assert.equal(e.statusCode, 400);
        }
      }
      const cycle = cycles[1]!;
      const month = Number(cycle.slice(5));
      const lacking = `${cycle}-${month === 2 ? '30' : '32'}`;
      const data = await bss('QueryInstanceBill', { BillingCycle: cycle, Granularity: 'DAILY', BillingDate: lacking });
      assert.equal(data.TotalCount, 0);
      assert.deepEqual(data.Items.Item, []);
      // The largest page number there is: an empty page with the true count, monthly and daily.
      const lines = await expectedLines(server, cycle);
      const farthest = await bss('QueryInstanceBill', { BillingCycle: cycle, PageNum: 2147483647, PageSize: 300 });
      assert.equal(farthest.TotalCount, lines.length);
      assert.deepEqual(farthest.Items.Item, []);
      const day = billingDateOf(Number(lines[0]!.first.period_start), OFFSET);
      const daily = await bss('QueryInstanceBill', {
        BillingCycle: cycle,
        Granularity: 'DAILY',
        BillingDate: day,
        PageNum: 2147483647,
        PageSize: 300,
      });
      assert.equal(daily.TotalCount, (await expectedLines(server, cycle, undefined, day)).length);
      assert.ok(daily.TotalCount > 0);
      assert.deepEqual(daily.Items.Item, []);
    });
  });
}

for (const engine of ENGINES) {
  test(`a QueryInstanceBill page too long for one string (gateway/envelope.ts renderBody) arrives whole through the official client [${engine.name}]`, async () => {
    const server = await startTestServer(engine, { provisionSeconds: 5 });
    try {
      const eas = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      const group = await newGroup(server);
      const start = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      for (let i = 0; i < 2; i++) {
        await callEas(eas, {
          action: 'CreateResourceInstances',
          method: 'POST',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          body: { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 100, ChargeType: 'PostPaid' },
        });
      }
      await advance(server.url, 40 * DAY); // the first cycle settled
      const cycle = billingCycleOf(start, OFFSET);
      const lines = await expectedLines(server, cycle);
      assert.equal(lines.length, 200);
      const data = (await callRpc(eas, BSS, 'QueryInstanceBill', { BillingCycle: cycle, PageSize: 300 })).body.Data;
      // Over LARGE_BODY (110,000 characters): rendered in parts into one Buffer, not as one string.
      assert.ok(JSON.stringify(data).length > 110_000, `the page is ${JSON.stringify(data).length} characters`);
      assert.equal(data.TotalCount, 200);
      assert.deepEqual(
        (data.Items.Item as any[]).map((i) => [i.InstanceID, i.PretaxAmount]),
        lines.map((l) => [l.instanceId, l.amount / 100]),
      );
    } finally {
      await server.close();
    }
  });
}
