// Pure billing arithmetic: prices, per-hour rounded metering, calendars and money texts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chargeOf, clip } from '../../src/billing/metering.ts';
import {
  addMonths,
  billingCycleOf,
  billingDateOf,
  ceilHour,
  cycleRange,
  floorHour,
  nextCycleStart,
  HOUR_MS,
} from '../../src/billing/calendar.ts';
import { PriceList } from '../../src/billing/prices.ts';
import { formatCny } from '../../src/billing/money.ts';
import { parseCny } from '../../src/config.ts';
import type { MachineType } from '../../src/eas/catalog.ts';

const H = HOUR_MS;
const T0 = Date.UTC(2026, 0, 10, 8); // an hour boundary
const type = (over: Partial<MachineType>): MachineType => ({
  type: 'ecs.g6.large',
  family: 'g6',
  vcpu: 2,
  memoryGiB: 8,
  gpu: 0,
  gpuModel: null,
  gpuMemoryGiB: 0,
  arch: 'amd64',
  hourlyPriceCNY: null,
  ...over,
});

describe('metering: per-hour rounded charges', () => {
  const cases: { name: string; pieces: [number, number][]; rate: number; amount: number }[] = [
    { name: 'one whole hour costs the hourly price', pieces: [[T0, T0 + H]], rate: 48, amount: 48 },
    { name: '3.5 hours from an hour boundary', pieces: [[T0, T0 + 3.5 * H]], rate: 48, amount: 168 },
    { name: '3.5 hours starting 10 minutes into an hour', pieces: [[T0 + H / 6, T0 + H / 6 + 3.5 * H]], rate: 48, amount: 168 },
    { name: 'a piece inside one hour', pieces: [[T0 + H / 4, T0 + H / 2]], rate: 48, amount: 12 },
    {
      name: 'two pieces of one hour are rounded together',
      pieces: [
        [T0, T0 + H / 3],
        [T0 + H / 2, T0 + H / 2 + H / 3],
      ],
      rate: 10,
      amount: 7,
    },
    { name: 'a fractional rate (disk) is rounded per hour', pieces: [[T0, T0 + 2 * H]], rate: 68.49, amount: 136 },
    { name: 'nothing runs, nothing is charged', pieces: [], rate: 48, amount: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(
        chargeOf(
          c.pieces.map(([start, end]) => ({ start, end })),
          c.rate,
        ).amount,
        c.amount,
      );
    });
  }

  test('settling hour by hour or all at once gives the same fen', () => {
    const intervals = [
      { start_at: T0 + 1234567, end_at: T0 + 7 * H + 98765 },
      { start_at: T0 + 9 * H + 5, end_at: null },
    ];
    const end = T0 + 30 * H;
    const once = chargeOf(clip(intervals, T0, end), 1163).amount;
    let hourly = 0;
    for (let h = T0; h < end; h += H) hourly += chargeOf(clip(intervals, h, h + H), 1163).amount;
    assert.equal(hourly, once);
  });

  test('clip keeps only the window and treats an open interval as running to its end', () => {
    assert.deepEqual(clip([{ start_at: T0 - H, end_at: null }], T0, T0 + H), [{ start: T0, end: T0 + H }]);
    assert.deepEqual(clip([{ start_at: T0 - H, end_at: T0 }], T0, T0 + H), []);
  });
});

describe('prices', () => {
  const prices = new PriceList();
  test('types without a known price are priced per vCPU and GiB', () => {
    assert.equal(prices.hourly(type({})), 48);
    assert.equal(prices.monthly(type({})), 24528);
  });
  test('known prices win; a catalog monthly price wins over the factor', () => {
    assert.equal(prices.hourly(type({ hourlyPriceCNY: 11.63 })), 1163);
    assert.equal(prices.monthly(type({ hourlyPriceCNY: 11.63, monthlyPriceCNY: 5000 })), 500000);
  });
  test('GPUs are priced by model', () => {
    assert.equal(prices.hourly(type({ vcpu: 4, memoryGiB: 15, gpu: 1, gpuModel: 'NVIDIA T4' })), 4 * 12 + 15 * 3 + 900);
  });
  test('only disk above the free 200 GiB costs', () => {
    assert.equal(prices.diskMonthly(200), 0);
    assert.equal(prices.diskMonthly(300), 5000);
    assert.ok(Math.abs(prices.diskHourly(300) - 5000 / 730) < 1e-9);
  });
});

describe('calendar', () => {
  test('a term is one calendar month, clamped to the month end', () => {
    assert.equal(addMonths(Date.parse('2020-07-05T22:51:32Z'), 1), Date.parse('2020-08-05T22:51:32Z'));
    assert.equal(addMonths(Date.parse('2021-01-31T10:00:00Z'), 1), Date.parse('2021-02-28T10:00:00Z'));
    assert.equal(addMonths(Date.parse('2020-12-15T00:00:00Z'), 2), Date.parse('2021-02-15T00:00:00Z'));
  });
  test('billing cycles and dates are in UTC+8', () => {
    assert.equal(billingCycleOf(Date.parse('2026-01-31T16:00:00Z'), 480), '2026-02');
    assert.equal(billingCycleOf(Date.parse('2026-01-31T15:59:59Z'), 480), '2026-01');
    assert.equal(billingDateOf(Date.parse('2026-03-01T17:00:00Z'), 480), '2026-03-02');
    assert.deepEqual(cycleRange('2026-02', 480), [Date.parse('2026-01-31T16:00:00Z'), Date.parse('2026-02-28T16:00:00Z')]);
    assert.equal(cycleRange('2026-13', 480), undefined);
    assert.equal(nextCycleStart(Date.parse('2026-02-10T00:00:00Z'), 480), Date.parse('2026-02-28T16:00:00Z'));
  });
  test('hour boundaries', () => {
    assert.equal(floorHour(T0 + 1), T0);
    assert.equal(ceilHour(T0 + 1), T0 + H);
    assert.equal(ceilHour(T0), T0);
  });
});

describe('money texts', () => {
  for (const [text, fen] of [
    ['100', 10000],
    ['99.5', 9950],
    ['0.05', 5],
    ['-150.00', -15000],
    ['1,000.00', 100000],
  ] as const) {
    test(`"${text}" is ${fen} fen`, () => assert.equal(parseCny(text), fen));
  }
  test('refuses more than two decimals and non-numbers', () => {
    assert.throws(() => parseCny('1.234'));
    assert.throws(() => parseCny('abc'));
  });
  test('formats fen as CNY with two decimals', () => {
    assert.equal(formatCny(123456), '1234.56');
    assert.equal(formatCny(-5), '-0.05');
    assert.equal(formatCny(0), '0.00');
  });
});
