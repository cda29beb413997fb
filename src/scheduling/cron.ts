// Cron expressions of the cron scaler (CreateServiceCronScaler's `Schedule` and `ExcludeDates`), in
// the documented format: six fields, `second minute hour day-of-month month day-of-week`, each `*`,
// a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`, or a comma list of these; months 1-12 or
// JAN-DEC, weekdays 0-6 or SUN-SAT (case-insensitive); `?` stands for `*` in the two day fields.
// The day fields combine as in robfig/cron (which Kubernetes' cron HPA controller uses): when both
// are restricted a day matches either; otherwise both must match. Times are wall-clock times in an
// IANA time zone (UTC by default).
//
// Every failure is InvalidParameter naming the parameter and the field: "ScaleJobs.1.Schedule: the
// minute field: 61 is outside 0-59."
import { apiError } from '../gateway/errors.ts';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Longest expression accepted (an openeas bound). */
export const MAX_CRON_LENGTH = 256;

/** How far ahead the next occurrence is looked for; an expression with none in this window never fires. */
const HORIZON_YEARS = 5;

export interface CronExpression {
  text: string;
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  /** The day-of-month or day-of-week field is `*` or `?` (robfig's star bit). */
  dayStar: boolean;
}

class CronError extends Error {}

function value(text: string, f: Field): number {
  const upper = text.toUpperCase();
  const named = f.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + f.min;
  if (!/^\d{1,2}$/.test(text))
    throw new CronError(`the ${f.name} field: ${JSON.stringify(text)} is not a number${f.names ? ' or name' : ''}`);
  const n = Number(text);
  if (n < f.min || n > f.max) throw new CronError(`the ${f.name} field: ${n} is outside ${f.min}-${f.max}`);
  return n;
}

function parseField(text: string, f: Field, dayField: boolean): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    if (part === '') throw new CronError(`the ${f.name} field has an empty list item`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronError(`the ${f.name} field: ${JSON.stringify(part)} has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > f.max - f.min + 1)
        throw new CronError(`the ${f.name} field: step ${JSON.stringify(stepText)} must be a number from 1 to ${f.max - f.min + 1}`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || (dayField && range === '?')) {
      if (part === range) star = true;
      lo = f.min;
      hi = f.max;
    } else if (range!.includes('-')) {
      const [a, b, more] = range!.split('-');
      if (more !== undefined || a === '' || b === '')
        throw new CronError(`the ${f.name} field: ${JSON.stringify(range)} is not a range a-b`);
      lo = value(a!, f);
      hi = value(b!, f);
      if (lo > hi) throw new CronError(`the ${f.name} field: the range ${range} runs backwards`);
    } else {
      lo = value(range!, f);
      hi = stepText === undefined ? lo : f.max; // `a/n`: from a to the end, every n
    }
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star };
}

/** Parses an expression; `param` names it in the error (e.g. `ScaleJobs.1.Schedule`). */
export function parseCron(text: unknown, param: string): CronExpression {
  const fail = (reason: string): never => {
    throw apiError('InvalidParameter', { name: param, reason });
  };
  if (typeof text !== 'string' || text.trim() === '') return fail('It must be a cron expression of 6 fields.');
  if (text.length > MAX_CRON_LENGTH) return fail(`It must be at most ${MAX_CRON_LENGTH} characters.`);
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6)
    return fail(`A cron expression has 6 fields (second minute hour day-of-month month day-of-week); this one has ${parts.length}.`);
  try {
    const [s, mi, h, dom, mo, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!, i === 3 || i === 5));
    return {
      text,
      seconds: s!.set,
      minutes: mi!.set,
      hours: h!.set,
      days: dom!.set,
      months: mo!.set,
      weekdays: dow!.set,
      dayStar: dom!.star || dow!.star,
    };
  } catch (e) {
    if (e instanceof CronError) return fail(`${e.message[0]!.toUpperCase()}${e.message.slice(1)}.`);
    throw e;
  }
}

// ---- time zones: wall-clock fields of an instant, and back

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatterOf(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock time of `ms` in `tz`, as epoch ms of the same fields read in UTC. */
export function toWall(ms: number, tz: string): number {
  if (tz === 'UTC') return ms;
  const p: Record<string, number> = {};
  for (const part of formatterOf(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (ms % 1000);
}

/** The instant whose wall-clock time in `tz` is `wall` (in a DST gap: the instant just after it). */
function fromWall(wall: number, tz: string): number {
  if (tz === 'UTC') return wall;
  let guess = wall - (toWall(wall, tz) - wall);
  guess = wall - (toWall(guess, tz) - guess);
  return guess;
}

function dayMatches(e: CronExpression, d: Date): boolean {
  const dom = e.days.has(d.getUTCDate());
  const dow = e.weekdays.has(d.getUTCDay());
  return e.dayStar ? dom && dow : dom || dow;
}

/** The wall-clock time of `t` in `tz` as a Date read in UTC, and its year, month (0-11), day, hour, minute, second. */
function wallFields(t: number, tz: string): [Date, number, number, number, number, number, number] {
  const d = new Date(toWall(t, tz));
  return [d, d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

/** The smallest value of `set` from `v` to `max`, or undefined. */
function upFrom(set: ReadonlySet<number>, v: number, max: number): number | undefined {
  for (let x = v; x <= max; x++) if (set.has(x)) return x;
  return undefined;
}

/** The largest value of `set` from `v` down to `min`, or undefined. */
function downFrom(set: ReadonlySet<number>, v: number, min: number): number | undefined {
  for (let x = v; x >= min; x--) if (set.has(x)) return x;
  return undefined;
}

/**
 * The first occurrence strictly after `afterMs` (whole seconds), or null when none falls in the
 * next years. Each step jumps to the next allowed value of the first field that does not match
 * (a month, a day, then the hour, minute or second within them), so an hourly expression costs a
 * few steps, not one per minute.
 */
export function nextOccurrence(e: CronExpression, tz: string, afterMs: number): number | null {
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const limit = afterMs + HORIZON_YEARS * 366 * 86_400_000;
  while (t <= limit) {
    const [d, y, mo, day, h, mi, s] = wallFields(t, tz);
    let wall: number | undefined;
    if (!e.months.has(mo + 1)) wall = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(e, d)) wall = Date.UTC(y, mo, day + 1);
    else if (!e.hours.has(h)) {
      const hh = upFrom(e.hours, h + 1, 23);
      wall = hh === undefined ? Date.UTC(y, mo, day + 1) : Date.UTC(y, mo, day, hh);
    } else if (!e.minutes.has(mi)) {
      const mm = upFrom(e.minutes, mi + 1, 59);
      wall = mm === undefined ? Date.UTC(y, mo, day, h + 1) : Date.UTC(y, mo, day, h, mm);
    } else if (!e.seconds.has(s)) {
      const ss = upFrom(e.seconds, s + 1, 59);
      wall = ss === undefined ? Date.UTC(y, mo, day, h, mi + 1) : Date.UTC(y, mo, day, h, mi, ss);
    }
    if (wall === undefined) return t;
    const next = fromWall(wall, tz);
    t = next > t ? next : t + 1000; // always forward, also across a DST fold
  }
  return null;
}

/**
 * The last occurrence at or before `atMs` and not before `notBeforeMs` (whole seconds), or null:
 * nextOccurrence run backwards, each step jumping to the previous allowed value of the first
 * field that does not match. A clock advance of a month over an hourly job costs a few steps.
 */
export function lastOccurrence(e: CronExpression, tz: string, atMs: number, notBeforeMs: number): number | null {
  let t = Math.floor(atMs / 1000) * 1000;
  while (t >= notBeforeMs) {
    const [d, y, mo, day, h, mi, s] = wallFields(t, tz);
    let wall: number | undefined;
    if (!e.months.has(mo + 1)) wall = Date.UTC(y, mo, 1) - 1000;
    else if (!dayMatches(e, d)) wall = Date.UTC(y, mo, day) - 1000;
    else if (!e.hours.has(h)) {
      const hh = downFrom(e.hours, h - 1, 0);
      wall = hh === undefined ? Date.UTC(y, mo, day) - 1000 : Date.UTC(y, mo, day, hh, 59, 59);
    } else if (!e.minutes.has(mi)) {
      const mm = downFrom(e.minutes, mi - 1, 0);
      wall = mm === undefined ? Date.UTC(y, mo, day, h) - 1000 : Date.UTC(y, mo, day, h, mm, 59);
    } else if (!e.seconds.has(s)) {
      const ss = downFrom(e.seconds, s - 1, 0);
      wall = ss === undefined ? Date.UTC(y, mo, day, h, mi) - 1000 : Date.UTC(y, mo, day, h, mi, ss);
    }
    if (wall === undefined) return t;
    const previous = fromWall(wall, tz);
    t = previous < t ? previous : t - 1000; // always backward, also across a DST change
  }
  return null;
}

/** The first instant of the calendar day of `ms` in `tz`. */
export function dayStartOf(ms: number, tz: string): number {
  const d = new Date(toWall(ms, tz));
  return fromWall(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()), tz);
}

/** Whether the calendar day of `ms` in `tz` is one `e` fires on (ExcludeDates: the whole day is excluded). */
export function firesOnDay(e: CronExpression, tz: string, ms: number): boolean {
  const d = new Date(toWall(ms, tz));
  return e.months.has(d.getUTCMonth() + 1) && dayMatches(e, d);
}
