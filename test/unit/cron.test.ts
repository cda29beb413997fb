// The cron scaler's expressions: the documented six-field format, errors naming the field, next
// occurrences (UTC and a time zone), the robfig rule for the two day fields, excluded days, and the
// last occurrence of a span (what a long clock advance runs), checked against walking forward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firesOnDay, lastOccurrence, nextOccurrence, parseCron } from '../../src/scheduling/cron.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { isApiError } from '../../src/gateway/errors.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const next = (expr: string, after: string, tz = 'UTC') => iso(nextOccurrence(parseCron(expr, 'Schedule'), tz, at(after)));

test('the documented examples fire when the documentation says', () => {
  assert.equal(next('0 0 0 1 * *', '2026-03-15T10:00:00Z'), '2026-04-01T00:00:00.000Z');
  assert.equal(next('0 0 12-14 * * *', '2026-03-15T12:00:00Z'), '2026-03-15T13:00:00.000Z');
  assert.equal(next('0 0 12,14 * * *', '2026-03-15T12:00:00Z'), '2026-03-15T14:00:00.000Z');
  assert.equal(next('0 */15 * * * *', '2026-03-15T10:16:00Z'), '2026-03-15T10:30:00.000Z');
  assert.equal(next('0 5-40/15 * * * *', '2026-03-15T10:21:00Z'), '2026-03-15T10:35:00.000Z');
  assert.equal(next('0 5-40/15 * * * *', '2026-03-15T10:36:00Z'), '2026-03-15T11:05:00.000Z');
  assert.equal(next('0 18 * * * *', '2026-03-15T10:18:00Z'), '2026-03-15T11:18:00.000Z', 'strictly after');
  assert.equal(next('30 0 9 * JAN-MAR mon', '2026-03-31T10:00:00Z'), '2027-01-04T09:00:30.000Z');
});

test('day-of-month and day-of-week: either when both are restricted, both otherwise', () => {
  // 2026-03-15 is a Sunday. "the 20th, or any Monday" → Monday the 16th.
  assert.equal(next('0 0 0 20 * 1', '2026-03-15T00:00:00Z'), '2026-03-16T00:00:00.000Z');
  // "* on Mondays" → Monday only.
  assert.equal(next('0 0 0 * * 1', '2026-03-16T00:00:00Z'), '2026-03-23T00:00:00.000Z');
  assert.equal(next('0 0 0 ? * SAT', '2026-03-15T00:00:00Z'), '2026-03-21T00:00:00.000Z');
});

test('time zones: wall-clock times, also across a change of daylight saving time', () => {
  assert.equal(next('0 0 18 * * *', '2026-03-15T00:00:00Z', 'Asia/Shanghai'), '2026-03-15T10:00:00.000Z');
  // New York moves to EDT (UTC-4) on 2026-03-08.
  assert.equal(next('0 0 9 * * *', '2026-03-07T15:00:00Z', 'America/New_York'), '2026-03-08T13:00:00.000Z');
  assert.equal(next('0 0 9 * * *', '2026-03-06T15:00:00Z', 'America/New_York'), '2026-03-07T14:00:00.000Z');
});

test('an expression that can never fire has no next occurrence', () => {
  assert.equal(next('0 0 0 30 2 *', '2026-01-01T00:00:00Z'), null);
});

test('excluded days: the whole calendar day of a matching date', () => {
  const weekend = parseCron('* * * * * 0,6', 'ExcludeDates.1');
  assert.equal(firesOnDay(weekend, 'UTC', at('2026-03-15T23:59:59Z')), true);
  assert.equal(firesOnDay(weekend, 'UTC', at('2026-03-16T00:00:00Z')), false);
  // Sunday 23:30 UTC is Monday in Shanghai.
  assert.equal(firesOnDay(weekend, 'Asia/Shanghai', at('2026-03-15T23:30:00Z')), false);
});

test('the last occurrence of a span: at or before its end, not before its start', () => {
  const last = (expr: string, at: string, from: string, tz = 'UTC') =>
    iso(lastOccurrence(parseCron(expr, 'Schedule'), tz, Date.parse(at), Date.parse(from)));
  assert.equal(last('0 0 * * * *', '2026-04-14T10:37:25Z', '2026-03-15T10:00:00Z'), '2026-04-14T10:00:00.000Z');
  assert.equal(last('0 0 * * * *', '2026-04-14T10:00:00Z', '2026-03-15T10:00:00Z'), '2026-04-14T10:00:00.000Z', 'the end is in');
  assert.equal(last('0 30 8 * * MON', '2026-03-15T10:00:00Z', '2026-01-01T00:00:00Z'), '2026-03-09T08:30:00.000Z');
  assert.equal(last('0 0 0 29 2 *', '2029-01-01T00:00:00Z', '2020-01-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  assert.equal(last('0 0 9 * * *', '2026-03-15T08:59:59Z', '2026-03-15T00:00:00Z'), null, 'none in the span');
  assert.equal(last('0 0 18 * * *', '2026-03-15T09:00:00Z', '2026-03-01T00:00:00Z', 'Asia/Shanghai'), '2026-03-14T10:00:00.000Z');
  assert.equal(last('0 0 0 30 2 *', '2026-03-15T09:00:00Z', '2020-01-01T00:00:00Z'), null);
});

test('next and last occurrences agree with a walk over every occurrence (random expressions and zones)', () => {
  const random = seededRandom(12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const field = (lo: number, hi: number) =>
    pick([
      '*',
      String(lo + Math.floor(random() * (hi - lo + 1))),
      `${lo + Math.floor(random() * (hi - lo + 1))}-${hi}`,
      `*/${1 + Math.floor(random() * Math.min(12, hi - lo + 1))}`,
      `${lo},${hi}`,
    ]);
  const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'];
  for (let i = 0; i < 300; i++) {
    const expr = `${Math.floor(random() * 60)} ${field(0, 59)} ${field(0, 23)} ${field(1, 31)} ${field(1, 12)} ${field(0, 6)}`;
    const e = parseCron(expr, 'Schedule');
    const tz = pick(zones);
    const from = Date.UTC(2026, Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24));
    const to = from + Math.floor(random() * 3 * 86_400_000);
    // Every occurrence in [from, to] by stepping forward; the last one is what lastOccurrence finds.
    let walked: number | null = null;
    for (let t = nextOccurrence(e, tz, from - 1000); t !== null && t <= to; t = nextOccurrence(e, tz, t)) walked = t;
    assert.equal(
      lastOccurrence(e, tz, to, from),
      walked,
      `${expr} in ${tz}, ${new Date(from).toISOString()} … ${new Date(to).toISOString()}`,
    );
  }
});

test('malformed expressions are InvalidParameter naming the parameter and the field', () => {
  const reason = (expr: unknown) => {
    try {
      parseCron(expr, 'ScaleJobs.1.Schedule');
    } catch (e) {
      assert.ok(isApiError(e));
      assert.equal(e.code, 'InvalidParameter');
      return e.message;
    }
    assert.fail(`${String(expr)} was accepted`);
  };
  assert.match(reason('0 61 * * * *'), /ScaleJobs\.1\.Schedule.*minute field: 61 is outside 0-59/);
  assert.match(reason('0 0 24 * * *'), /hour field: 24 is outside 0-23/);
  assert.match(reason('0 0 0 0 * *'), /day-of-month field: 0 is outside 1-31/);
  assert.match(reason('0 0 0 * FOO *'), /month field: "FOO" is not a number or name/);
  assert.match(reason('0 0 0 * * 7'), /day-of-week field: 7 is outside 0-6/);
  assert.match(reason('0 0 5-1 * * *'), /hour field: the range 5-1 runs backwards/);
  assert.match(reason('0 */0 * * * *'), /minute field: step "0"/);
  assert.match(reason('0 1,,2 * * * *'), /minute field has an empty list item/);
  assert.match(reason('0 0 * * *'), /6 fields.*this one has 5/);
  assert.match(reason(''), /6 fields/);
  assert.match(reason(42), /6 fields/);
  assert.match(reason(`0 ${'1,'.repeat(200)}1 * * * *`), /at most 256 characters/);
  assert.match(reason('? 0 0 * * *'), /second field: "\?" is not a number/);
});
