// The BSS OpenAPI (2017-12-14, RPC) operations openeas answers, with the request and response
// field names of the official SDK @alicloud/bssopenapi20171214: balance, bills, orders, renewal.
// Every response is `{RequestId, Success, Code, Message, Data}` like the real service's.
import { sql } from 'kysely';
import { isPublicPool } from '../scheduling/public-pool.ts';
import { apiError } from '../gateway/errors.ts';
import { validateRpcParams, type RpcParams } from '../gateway/rpc-params.ts';
import type { Input, Operation, Output } from '../gateway/operation.ts';
import type { OperationRegistry } from '../gateway/registry.ts';
import type { CallContext } from '../gateway/context.ts';
import type { Services } from '../services.ts';
import type { BillItemsTable, BillRecordsTable, InstancesTable } from '../store/schema.ts';
import { inIds } from '../store/id-lists.ts';
import { formatTime } from '../eas/presenters.ts';
import { oncePerClientToken } from '../eas/idempotency.ts';
import { balanceOf } from './accounts.ts';
import { renewMachines, scheduleTerms } from './subscriptions.ts';
import { billingDateOf, DAY_MS } from './calendar.ts';
import { cnyNumber, formatCny } from './money.ts';
import './errors.ts';
import { updateInstances } from '../store/instances.ts';

export const BSS_VERSION = '2017-12-14';
const PRODUCT_NAME = 'PAI-EAS';

type Handler = (input: Input, ctx: CallContext) => Promise<Output>;

interface BssSpec {
  action: string;
  params: RpcParams;
  handle: Handler;
}

function operation(spec: BssSpec): Operation {
  return {
    product: 'BssOpenApi',
    version: BSS_VERSION,
    action: spec.action,
    // The BSS API documents its RAM actions as bssapi:<Action>, on all resources.
    authorize: () => ({ action: `bssapi:${spec.action}`, resource: '*' }),
    validate: (raw) => validateRpcParams(spec.params, raw),
    handle: spec.handle,
  };
}

/** OwnerId, BillOwnerId: 16-digit account ids, wider than the 32-bit default of an integer parameter. */
const ACCOUNT_ID = { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER } as const;

const ok = (data?: unknown): Output => ({
  Code: 'Success',
  Message: 'Successful!',
  Success: true,
  ...(data === undefined ? {} : { Data: data }),
});

/** A ProductCode filter that names another product matches nothing; an unknown product is refused where it acts. */
function ourProduct(s: Services, code: unknown): boolean {
  return code === undefined || String(code).toLowerCase() === s.config.bssProductCode.toLowerCase();
}

function requireOurProduct(s: Services, code: unknown): void {
  if (!ourProduct(s, code)) throw apiError('InvalidProductCode', { productCode: String(code), expected: s.config.bssProductCode });
}

function cycleOf(input: Input): string {
  const cycle = input.BillingCycle as string;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(cycle))
    throw apiError('InvalidParameter', { name: 'BillingCycle', reason: 'It must be a month, YYYY-MM.' });
  return cycle;
}

function page(input: Input, defaultSize: number): { num: number; size: number; offset: number } {
  const num = (input.PageNum as number | undefined) ?? 1;
  const size = (input.PageSize as number | undefined) ?? defaultSize;
  return { num, size, offset: (num - 1) * size };
}

function subscriptionFilter(input: Input): string | undefined {
  return input.SubscriptionType as string | undefined;
}

/**
 * `YYYY-MM-DD HH:mm:ss` in the billing time zone: the format the BSS models document for QueryBill's
 * UsageStartTime, UsageEndTime and PaymentTime (example `2020-03-11 08:00:00`); orders use ISO 8601.
 */
export function billTime(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

const itemKind = (subscriptionType: string) => (subscriptionType === 'Subscription' ? 'SubscriptionOrder' : 'PayAsYouGoBill');

// Bill lines are written out as single object literals, field by field in the models' order:
// building them by spreading shared parts (`{...productFields, …, ...amounts}`) cost V8 about
// 0.2 ms per line — most of a 300-line page — against microseconds for a literal. Nothing is paid
// by coupons or credit here, so every amount field but the charge itself is 0.

/** A QueryBillOverview item. */
function overviewItem(s: Services, account: string, subscriptionType: string, fen: number): Record<string, unknown> {
  const code = s.config.bssProductCode;
  const cny = cnyNumber(fen);
  return {
    ProductCode: code,
    ProductName: PRODUCT_NAME,
    ProductType: '',
    ProductDetail: PRODUCT_NAME,
    CommodityCode: code,
    PipCode: code,
    OwnerID: account,
    BillAccountID: account,
    BillAccountName: account,
    BizType: PRODUCT_NAME,
    SubscriptionType: subscriptionType,
    Item: itemKind(subscriptionType),
    RoundDownDiscount: '0',
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
}

/** A QueryBill item: one record (an order or a settlement run). */
function billItem(s: Services, account: string, r: BillRecordsTable): Record<string, unknown> {
  const code = s.config.bssProductCode;
  const offset = s.config.billingUtcOffsetMinutes;
  const cny = cnyNumber(Number(r.amount_fen));
  return {
    ProductCode: code,
    ProductName: PRODUCT_NAME,
    ProductType: '',
    ProductDetail: PRODUCT_NAME,
    CommodityCode: code,
    PipCode: code,
    OwnerID: account,
    RecordID: r.record_id,
    SubOrderId: r.record_id,
    PaymentTransactionID: r.record_id,
    Item: itemKind(r.subscription_type),
    SubscriptionType: r.subscription_type,
    Status: 'PayOff',
    RoundDownDiscount: '0',
    UsageStartTime: billTime(Number(r.period_start), offset),
    UsageEndTime: billTime(Number(r.period_end), offset),
    PaymentTime: billTime(Number(r.paid_at), offset),
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
}

/**
 * A QueryInstanceBill item: one machine and billing method. Its model has no after-tax,
 * local-currency, tax or payment-currency fields.
 */
function instanceBillItem(s: Services, account: string, line: InstanceBillLine, billingDate: string, billingItem: string) {
  const { item: i, amount, usageMs } = line;
  const code = s.config.bssProductCode;
  const payg = i.subscription_type === 'PayAsYouGo';
  const cny = cnyNumber(amount);
  // A public-pool service instance (scheduling/public-pool.ts): InstanceID is the instance's name,
  // NickName its service's (an instance name is `<service>-<10 hex>-<5>`; service names have no '-').
  const pub = isPublicPool(i.resource_id);
  return {
    ProductCode: code,
    ProductName: PRODUCT_NAME,
    ProductType: '',
    ProductDetail: PRODUCT_NAME,
    CommodityCode: code,
    PipCode: code,
    OwnerID: account,
    InstanceID: i.instance_id,
    NickName: pub ? i.instance_id.split('-')[0]! : i.instance_id,
    BillingDate: billingDate,
    SubscriptionType: i.subscription_type,
    Item: itemKind(i.subscription_type),
    BillingType: payg ? 'PayAsYouGo' : 'Subscription',
    BillingItem: billingItem,
    Region: i.region,
    Zone: i.zone,
    ResourceGroup: pub ? '' : i.resource_id,
    InstanceSpec: i.instance_type,
    InstanceConfig: pub ? `InstanceType:${i.instance_type};ResourceType:PublicResource` : `InstanceType:${i.instance_type}`,
    InternetIP: '',
    IntranetIP: '',
    Tag: '',
    CostUnit: '',
    ListPrice: formatCny(Number(i.list_price_fen)),
    ListPriceUnit: payg ? 'CNY/Hour' : 'CNY/Month',
    Usage: payg ? (usageMs / 3_600_000).toFixed(4) : '1',
    UsageUnit: payg ? 'Hour' : 'Month',
    ServicePeriod: String(Math.round(usageMs / 1000)),
    ServicePeriodUnit: 'Second',
    DeductedByResourcePackage: '0',
    PretaxGrossAmount: cny,
    PretaxAmount: cny,
    PaymentAmount: cny,
    CashAmount: cny,
    DeductedByCoupons: 0,
    DeductedByCashCoupons: 0,
    DeductedByPrepaidCard: 0,
    InvoiceDiscount: 0,
    AdjustAmount: 0,
    OutstandingAmount: 0,
    Currency: 'CNY',
  };
}

const queryAccountBalance: BssSpec = {
  action: 'QueryAccountBalance',
  params: {},
  async handle(_input, ctx) {
    const account = await balanceOf(ctx.services, ctx.caller.accountId);
    const amount = formatCny(account.balance_fen);
    return ok({
      AvailableAmount: amount,
      AvailableCashAmount: amount,
      CreditAmount: '0.00',
      MybankCreditAmount: '0.00',
      QuotaLimit: '0.00',
      Currency: 'CNY',
    });
  },
};

const queryBillOverview: BssSpec = {
  action: 'QueryBillOverview',
  params: {
    BillingCycle: { type: 'string', required: true },
    ProductCode: { type: 'string' },
    ProductType: { type: 'string' },
    SubscriptionType: { type: 'string', enum: ['Subscription', 'PayAsYouGo'] },
    BillOwnerId: ACCOUNT_ID,
  },
  async handle(input, ctx) {
    const s = ctx.services;
    const account = ctx.caller.accountId;
    const cycle = cycleOf(input);
    const sub = subscriptionFilter(input);
    // From the cycle's records (one per order or settlement run), not its items: the same sums.
    const rows = ourProduct(s, input.ProductCode)
      ? await s.store.db
          .selectFrom('bill_records')
          .select((eb) => ['subscription_type', eb.fn.sum<number>('amount_fen').as('amount')])
          .where('account_id', '=', account)
          .where('billing_cycle', '=', cycle)
          .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
          .groupBy('subscription_type')
          .orderBy('subscription_type')
          .execute()
      : [];
    return ok({
      BillingCycle: cycle,
      AccountID: account,
      AccountName: account,
      Items: {
        Item: rows.map((r) => overviewItem(s, account, r.subscription_type, Number(r.amount))),
      },
    });
  },
};

const queryBill: BssSpec = {
  action: 'QueryBill',
  params: {
    BillingCycle: { type: 'string', required: true },
    Type: { type: 'string' },
    ProductCode: { type: 'string' },
    ProductType: { type: 'string' },
    SubscriptionType: { type: 'string', enum: ['Subscription', 'PayAsYouGo'] },
    IsHideZeroCharge: { type: 'bool' },
    IsDisplayLocalCurrency: { type: 'bool' },
    OwnerId: ACCOUNT_ID,
    BillOwnerId: ACCOUNT_ID,
    PageNum: { type: 'int', min: 1 },
    PageSize: { type: 'int', min: 1, max: 300 },
  },
  async handle(input, ctx) {
    const s = ctx.services;
    const account = ctx.caller.accountId;
    const cycle = cycleOf(input);
    const p = page(input, 20);
    const sub = subscriptionFilter(input);
    // Every bill here is a normal charge: no refunds or adjustments are ever made.
    const none = !ourProduct(s, input.ProductCode) || (input.Type !== undefined && input.Type !== 'Normal');
    // A page of the cycle's records (billing/bill-records.ts) in index order, and a COUNT.
    const records = s.store.db
      .selectFrom('bill_records')
      .where('account_id', '=', account)
      .where('billing_cycle', '=', cycle)
      .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
      .$if(input.IsHideZeroCharge === true, (q) => q.where('amount_fen', '>', 0));
    const [rows, count] = none
      ? [[], { n: 0 }]
      : await Promise.all([
          records.selectAll().orderBy('paid_at').orderBy('record_id').limit(p.size).offset(p.offset).execute(),
          records.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ]);
    return ok({
      BillingCycle: cycle,
      AccountID: account,
      AccountName: account,
      PageNum: p.num,
      PageSize: p.size,
      TotalCount: Number(count.n),
      Items: {
        Item: rows.map((r) => billItem(s, account, r)),
      },
    });
  },
};

interface InstanceBillLine {
  /** The line's first item (earliest period_start): where its machine's fields come from. */
  item: Pick<BillItemsTable, 'instance_id' | 'subscription_type' | 'region' | 'zone' | 'resource_id' | 'instance_type' | 'list_price_fen'>;
  amount: number;
  usageMs: number;
}

/**
 * What a QueryInstanceBill line shows (InstanceBillLine), read from its month's line (bill_lines) or
 * from its day's items (bill_items), which both hold these columns: not the key's account and cycle
 * or the row's bookkeeping.
 */
const LINE_COLUMNS = [
  'instance_id',
  'subscription_type',
  'region',
  'zone',
  'resource_id',
  'instance_type',
  'list_price_fen',
  'amount_fen',
  'usage_ms',
] as const;

/**
 * One page of QueryInstanceBill's lines — one per (machine, billing method) of the cycle, in that
 * order — and how many there are. A month's lines are kept with the items (bill_lines), so its
 * page reads a range of them, and their counts are kept with them (bill_line_counts). A daily bill
 * holds the items that start on that day (billing time zone), found by the bill_items_day index and
 * summed here per line.
 */
async function instanceBillPage(
  s: Services,
  account: string,
  cycle: string,
  p: { size: number; offset: number },
  input: Input,
  date: string | undefined,
): Promise<{ total: number; page: InstanceBillLine[] }> {
  const db = s.store.db;
  const sub = subscriptionFilter(input);
  const hideZero = input.IsHideZeroCharge === true;
  if (date === undefined) {
    const lines = () =>
      db
        .selectFrom('bill_lines')
        .where('account_id', '=', account)
        .where('billing_cycle', '=', cycle)
        .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
        .$if(hideZero, (q) => q.where('amount_fen', '<>', 0));
    // A page past the first starts at its first line's key, found by an OFFSET over the keys alone
    // (the primary key). An OFFSET over whole rows made PostgreSQL plan a sort of the cycle's lines
    // for a far page (10,000 lines: 5–12 ms against about 1 for the keys).
    const firstKey = lines()
      .select(['instance_id', 'subscription_type'])
      .orderBy('instance_id')
      .orderBy('subscription_type')
      .limit(1)
      .offset(p.offset);
    const [page, count] = await Promise.all([
      lines()
        .select(LINE_COLUMNS)
        .$if(p.offset > 0, (q) => q.where(sql<boolean>`(${sql.ref('instance_id')}, ${sql.ref('subscription_type')}) >= (${firstKey})`))
        .orderBy('instance_id')
        .orderBy('subscription_type')
        .limit(p.size)
        .execute(),
      // Kept with the lines (bill_line_counts): at most one row per billing method.
      db
        .selectFrom('bill_line_counts')
        .where('account_id', '=', account)
        .where('billing_cycle', '=', cycle)
        .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!))
        .select(hideZero ? ['charged_lines as n'] : ['lines as n'])
        .execute(),
    ]);
    return {
      total: count.reduce((sum, c) => sum + Number(c.n), 0),
      page: page.map((l) => ({ item: l, amount: Number(l.amount_fen), usageMs: Number(l.usage_ms) })),
    };
  }
  const offsetMs = s.config.billingUtcOffsetMinutes * 60_000;
  const dayStart = Date.parse(`${date}T00:00:00Z`) - offsetMs;
  // A date no calendar has (2021-02-30) is no item's billing date.
  if (Number.isNaN(dayStart) || billingDateOf(dayStart, s.config.billingUtcOffsetMinutes) !== date) return { total: 0, page: [] };
  const items = () =>
    db
      .selectFrom('bill_items')
      .where('account_id', '=', account)
      .where('period_start', '>=', dayStart)
      .where('period_start', '<', dayStart + DAY_MS)
      .where('billing_cycle', '=', cycle)
      .$if(sub !== undefined, (q) => q.where('subscription_type', '=', sub!));
  const keys = items()
    .select(['instance_id', 'subscription_type'])
    .groupBy(['instance_id', 'subscription_type'])
    .$if(hideZero, (q) => q.having((eb) => eb.fn.sum('amount_fen'), '<>', 0));
  const [page, count] = await Promise.all([
    keys.orderBy('instance_id').orderBy('subscription_type').limit(p.size).offset(p.offset).execute(),
    db
      .selectFrom(keys.as('k'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  if (page.length === 0) return { total: Number(count.n), page: [] };
  // The page's machines' items of the day, summed per line here.
  const rows = await items()
    .select(LINE_COLUMNS)
    .where(inIds(db, 'instance_id', [...new Set(page.map((k) => k.instance_id))]))
    .orderBy('instance_id')
    .orderBy('subscription_type')
    .orderBy('period_start')
    .execute();
  const lines = new Map<string, InstanceBillLine>();
  for (const i of rows) {
    const key = `${i.instance_id}/${i.subscription_type}`;
    const line = lines.get(key);
    if (line) {
      line.amount += Number(i.amount_fen);
      line.usageMs += Number(i.usage_ms);
    } else lines.set(key, { item: i, amount: Number(i.amount_fen), usageMs: Number(i.usage_ms) });
  }
  return { total: Number(count.n), page: page.map((k) => lines.get(`${k.instance_id}/${k.subscription_type}`)!) };
}

const queryInstanceBill: BssSpec = {
  action: 'QueryInstanceBill',
  params: {
    BillingCycle: { type: 'string', required: true },
    ProductCode: { type: 'string' },
    ProductType: { type: 'string' },
    SubscriptionType: { type: 'string', enum: ['Subscription', 'PayAsYouGo'] },
    IsBillingItem: { type: 'bool' },
    IsHideZeroCharge: { type: 'bool' },
    Granularity: { type: 'string', enum: ['MONTHLY', 'DAILY'] },
    BillingDate: { type: 'string' },
    OwnerId: ACCOUNT_ID,
    BillOwnerId: ACCOUNT_ID,
    PageNum: { type: 'int', min: 1 },
    PageSize: { type: 'int', min: 1, max: 300 },
  },
  async handle(input, ctx) {
    const s = ctx.services;
    const account = ctx.caller.accountId;
    const cycle = cycleOf(input);
    const p = page(input, 20);
    const daily = input.Granularity === 'DAILY';
    const date = input.BillingDate as string | undefined;
    if (daily && (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !date.startsWith(cycle))) {
      throw apiError('InvalidParameter', {
        name: 'BillingDate',
        reason: 'With Granularity DAILY it must be a day (YYYY-MM-DD) of BillingCycle.',
      });
    }
    const lines = ourProduct(s, input.ProductCode)
      ? await instanceBillPage(s, account, cycle, p, input, daily ? date : undefined)
      : { total: 0, page: [] };
    return ok({
      BillingCycle: cycle,
      AccountID: account,
      AccountName: account,
      PageNum: p.num,
      PageSize: p.size,
      TotalCount: lines.total,
      Items: {
        Item: lines.page.map((l) => instanceBillItem(s, account, l, daily ? date! : '', input.IsBillingItem === true ? 'Instance' : '')),
      },
    });
  },
};

type OrderRow = {
  id: string;
  order_type: string;
  subscription_type: string;
  region: string;
  instance_ids: string;
  quantity: number;
  amount_fen: number;
  payment_status: string;
  usage_start: number;
  usage_end: number;
  created_at: number;
};

/** The columns presentOrder reads. */
const ORDER_LISTED = ['id', 'order_type', 'subscription_type', 'payment_status', 'created_at', 'amount_fen'] as const;

function presentOrder(s: Services, o: Pick<OrderRow, (typeof ORDER_LISTED)[number]>): Record<string, unknown> {
  const amount = formatCny(Number(o.amount_fen));
  return {
    OrderId: o.id,
    RelatedOrderId: '',
    OrderType: o.order_type,
    SubscriptionType: o.subscription_type,
    ProductCode: s.config.bssProductCode,
    ProductType: '',
    CommodityCode: s.config.bssProductCode,
    PaymentStatus: o.payment_status,
    CreateTime: formatTime(Number(o.created_at)),
    PaymentTime: formatTime(Number(o.created_at)),
    PretaxGrossAmount: amount,
    PretaxAmount: amount,
    AfterTaxAmount: amount,
    PretaxAmountLocal: amount,
    Tax: '0.00',
    Currency: 'CNY',
    PaymentCurrency: 'CNY',
  };
}

function isoTime(input: Input, name: string): number | undefined {
  const v = input[name] as string | undefined;
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw apiError('InvalidParameter', { name, reason: 'It must be a UTC time like 2019-01-01T00:00:00Z.' });
  return t;
}

const queryOrders: BssSpec = {
  action: 'QueryOrders',
  params: {
    CreateTimeStart: { type: 'string' },
    CreateTimeEnd: { type: 'string' },
    ProductCode: { type: 'string' },
    ProductType: { type: 'string' },
    SubscriptionType: { type: 'string', enum: ['Subscription', 'PayAsYouGo'] },
    OrderType: { type: 'string', enum: ['New', 'Renew', 'Upgrade', 'Refund'] },
    PaymentStatus: { type: 'string', enum: ['Paid', 'Unpaid', 'Cancelled'] },
    OwnerId: ACCOUNT_ID,
    PageNum: { type: 'int', min: 1 },
    PageSize: { type: 'int', min: 1, max: 100 },
  },
  async handle(input, ctx) {
    const s = ctx.services;
    const p = page(input, 20);
    const from = isoTime(input, 'CreateTimeStart');
    const to = isoTime(input, 'CreateTimeEnd');
    const base = s.store.db
      .selectFrom('orders')
      .where('account_id', '=', ctx.caller.accountId)
      .$if(from !== undefined, (q) => q.where('created_at', '>=', from!))
      .$if(to !== undefined, (q) => q.where('created_at', '<', to!))
      .$if(input.SubscriptionType !== undefined, (q) => q.where('subscription_type', '=', input.SubscriptionType as string))
      .$if(input.OrderType !== undefined, (q) => q.where('order_type', '=', input.OrderType as string))
      .$if(input.PaymentStatus !== undefined, (q) => q.where('payment_status', '=', input.PaymentStatus as string));
    const [count, rows] = ourProduct(s, input.ProductCode)
      ? await Promise.all([
          base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
          // What a listed order shows (presentOrder): not its machines' ids, a list as long as the order.
          base.select(ORDER_LISTED).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p.size).offset(p.offset).execute(),
        ])
      : [{ n: 0 }, []];
    return ok({
      HostName: '',
      PageNum: p.num,
      PageSize: p.size,
      TotalCount: Number(count.n),
      OrderList: { Order: rows.map((o) => presentOrder(s, o)) },
    });
  },
};

/** One module of an order's configuration, as GetOrderDetail's BillModuleConfig / OriginalModuleConfig lists them. */
interface OrderModule {
  code: string;
  name: string;
  values: Array<[string, string]>;
}

/** What a subscription order bought: machine types (from its bill items), region and period. */
async function orderModules(s: Services, o: OrderRow & { account_id: string; months: number }): Promise<OrderModule[]> {
  const ids = JSON.parse(o.instance_ids) as string[];
  const types =
    ids.length === 0
      ? []
      : await s.store.db
          .selectFrom('bill_items')
          .select('instance_type')
          .distinct()
          .where('account_id', '=', o.account_id)
          .where('instance_id', 'in', ids)
          .where('subscription_type', '=', o.subscription_type)
          .where('record_id', '=', o.id)
          .orderBy('instance_type')
          .execute();
  return [
    ...types.map((t) => ({
      code: 'InstanceType',
      name: 'Instance type',
      values: [['InstanceType', t.instance_type]] as Array<[string, string]>,
    })),
    { code: 'Region', name: 'Region', values: [['Region', o.region]] },
    {
      code: 'Period',
      name: 'Subscription period',
      values: [
        ['Period', String(o.months)],
        ['PeriodUnit', 'Month'],
      ],
    },
  ];
}

function billModuleConfig(modules: OrderModule[]): Record<string, unknown> {
  return {
    billModuleConfig: modules.map((m) => ({
      ApiCode: m.code,
      Code: m.code,
      Name: m.name,
      BillModuleProperties: {
        billModuleProperties: m.values.map(([attr, value]) => ({ AttrApiCode: attr, ModuleApiCode: m.code, Value: value })),
      },
    })),
  };
}

function originalModuleConfig(modules: OrderModule[]): Record<string, unknown> {
  return {
    originalModuleConfig: modules.map((m) => ({
      Code: m.code,
      Name: m.name,
      ModuleProperties: { moduleProperties: m.values.map(([attr, value]) => ({ Code: attr, Name: attr, Value: value })) },
    })),
  };
}

const getOrderDetail: BssSpec = {
  action: 'GetOrderDetail',
  params: { OrderId: { type: 'string', required: true }, OwnerId: ACCOUNT_ID },
  async handle(input, ctx) {
    const s = ctx.services;
    const o = await s.store.db
      .selectFrom('orders')
      .selectAll()
      .where('account_id', '=', ctx.caller.accountId)
      .where('id', '=', input.OrderId as string)
      .executeTakeFirst();
    if (!o) throw apiError('InvalidOrderId.NotFound', { orderId: input.OrderId as string });
    const modules = await orderModules(s, o);
    // A renewal keeps what it renews: its configuration before is its configuration after; a new order had none.
    const renewal = o.order_type === 'Renew';
    const config = `Period:${o.months};PeriodUnit:Month`;
    return ok({
      HostName: '',
      PageNum: 1,
      PageSize: 20,
      TotalCount: 1,
      OrderList: {
        Order: [
          {
            // InstanceIDs is JSON array text, as the model's example shows (`["rm-bp1a2vsr018313t6o"]`).
            ...presentOrder(s, o),
            SubOrderId: o.id,
            InstanceIDs: JSON.stringify(JSON.parse(o.instance_ids) as string[]),
            Quantity: String(o.quantity),
            Region: o.region,
            UsageStartTime: formatTime(Number(o.usage_start)),
            UsageEndTime: formatTime(Number(o.usage_end)),
            Operator: ctx.caller.accountId,
            OrderSubType: '',
            Config: config,
            OriginalConfig: renewal ? config : '',
            ExtendInfos: {},
            BillModuleConfig: billModuleConfig(modules),
            OriginalModuleConfig: originalModuleConfig(renewal ? modules : []),
          },
        ],
      },
    });
  },
};

async function ownMachines(ctx: CallContext, ids: string[], tx = ctx.services.store.db): Promise<InstancesTable[]> {
  const rows = await tx.selectFrom('instances').selectAll().where('account_id', '=', ctx.caller.accountId).where('id', 'in', ids).execute();
  const found = new Set(rows.filter((r) => r.health !== 'Deleting').map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw apiError('InvalidInstanceId.NotFound', { instanceId: missing });
  const notPrepaid = rows.find((r) => r.charge_type !== 'PrePaid');
  if (notPrepaid) throw apiError('InvalidInstance.ChargeType', { instanceId: notPrepaid.id });
  return rows;
}

const RENEW_PERIODS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36];

const renewInstance: BssSpec = {
  action: 'RenewInstance',
  params: {
    ProductCode: { type: 'string', required: true },
    InstanceId: { type: 'string', required: true },
    RenewPeriod: { type: 'int', required: true },
    ClientToken: { type: 'string' },
    ProductType: { type: 'string' },
    OwnerId: ACCOUNT_ID,
  },
  async handle(input, ctx) {
    const s = ctx.services;
    requireOurProduct(s, input.ProductCode);
    const months = input.RenewPeriod as number;
    if (!RENEW_PERIODS.includes(months))
      throw apiError('InvalidParameter', { name: 'RenewPeriod', reason: `It must be one of: ${RENEW_PERIODS.join(', ')} (months).` });
    const { ClientToken: _token, ...params } = input;
    return s.store.transaction((tx) => {
      const now = s.clock.now();
      return oncePerClientToken(tx, ctx, 'RenewInstance', params, now, async () => {
        const rows = await ownMachines(ctx, [input.InstanceId as string], tx);
        const { renewed, orderId } = await renewMachines(tx, s, ctx.caller.accountId, rows, months, now, false);
        await scheduleTerms(tx, s, renewed, now);
        return ok({ OrderId: orderId });
      });
    });
  },
};

const setRenewal: BssSpec = {
  action: 'SetRenewal',
  params: {
    InstanceIDs: { type: 'string', required: true },
    RenewalStatus: { type: 'string', required: true, enum: ['AutoRenewal', 'ManualRenewal', 'NotRenewal'] },
    RenewalPeriod: { type: 'int' },
    RenewalPeriodUnit: { type: 'string', enum: ['M', 'Y'] },
    ProductCode: { type: 'string' },
    ProductType: { type: 'string' },
    SubscriptionType: { type: 'string' },
    OwnerId: ACCOUNT_ID,
  },
  async handle(input, ctx) {
    const s = ctx.services;
    requireOurProduct(s, input.ProductCode);
    const ids = [
      ...new Set(
        (input.InstanceIDs as string)
          .split(',')
          .map((i) => i.trim())
          .filter(Boolean),
      ),
    ];
    if (ids.length === 0) throw apiError('MissingParameter', { name: 'InstanceIDs' });
    if (ids.length > 100) throw apiError('InvalidParameter', { name: 'InstanceIDs', reason: 'At most 100 instances can be set at once.' });
    const auto = input.RenewalStatus === 'AutoRenewal';
    const period = (input.RenewalPeriod as number | undefined) ?? 1;
    if (auto && ![1, 2, 3, 6, 12].includes(period))
      throw apiError('InvalidParameter', { name: 'RenewalPeriod', reason: 'It must be one of: 1, 2, 3, 6, 12.' });
    const months = input.RenewalPeriodUnit === 'Y' ? period * 12 : period;
    await s.store.transaction(async (tx) => {
      const now = s.clock.now();
      const rows = await ownMachines(ctx, ids, tx);
      await updateInstances(tx, { auto_renewal: auto ? 1 : 0, updated_at: now })
        .where('id', 'in', ids)
        .where('account_id', '=', ctx.caller.accountId)
        .execute();
      const updated = rows.map((r) => ({ ...r, auto_renewal: auto ? 1 : 0 }));
      await scheduleTerms(
        tx,
        s,
        updated.filter((r) => r.expired_at !== null && r.health !== 'Stopped'),
        now,
        new Map(auto ? ids.map((id) => [id, months]) : []),
      );
    });
    return ok();
  },
};

export const BSS_OPERATIONS: BssSpec[] = [
  queryAccountBalance,
  queryBillOverview,
  queryBill,
  queryInstanceBill,
  queryOrders,
  getOrderDetail,
  renewInstance,
  setRenewal,
];

export function registerBssOperations(registry: OperationRegistry): void {
  for (const spec of BSS_OPERATIONS) registry.addRpc(operation(spec));
}
