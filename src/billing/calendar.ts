// Calendar arithmetic for subscription terms: a PrePaid machine created 2020-07-05T22:51:32Z
// expires 2020-08-05T22:51:32Z (the metadata's ResourceInstance example): same day and time of
// the next month. A day that the target month lacks (31 Jan + 1 month) clamps to its last day.
export function addMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const day = d.getUTCDate();
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime();
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The hour boundary at or before `ms` (UTC hours; every billing offset is whole hours). */
export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The hour boundary at or after `ms`. */
export function ceilHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** `YYYY-MM` of the billing cycle containing `ms`, in the billing time zone (UTC + offsetMinutes). */
export function billingCycleOf(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 7);
}

/** `YYYY-MM-DD` of the bill date containing `ms`, in the billing time zone. */
export function billingDateOf(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** [start, end) of a billing cycle `YYYY-MM` in epoch ms; undefined when the text is not a cycle. */
export function cycleRange(cycle: string, offsetMinutes: number): [number, number] | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(cycle);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const shift = offsetMinutes * 60_000;
  return [Date.UTC(y, mo, 1) - shift, Date.UTC(y, mo + 1, 1) - shift];
}

/** The first instant of the billing cycle after the one containing `ms`. */
export function nextCycleStart(ms: number, offsetMinutes: number): number {
  return cycleRange(billingCycleOf(ms, offsetMinutes), offsetMinutes)![1];
}
