// Metering arithmetic (pure): pay-as-you-go machines are metered by the millisecond while running
// and settled per hour. A machine's charge for one clock hour is round(rate × used / 1 h) — a
// whole hour costs exactly the hourly price — so a charge never depends on how the hours were
// grouped into settlement runs: settling 3 hours at once or hour by hour gives the same fen.
import { floorHour, HOUR_MS } from './calendar.ts';

export interface Piece {
  start: number;
  end: number;
}

export interface Charge {
  /** Fen. */
  amount: number;
  usageMs: number;
}

/** Clips running intervals (end null = still running) to [from, to). */
export function clip(intervals: { start_at: number; end_at: number | null }[], from: number, to: number): Piece[] {
  const out: Piece[] = [];
  for (const i of intervals) {
    const start = Math.max(i.start_at, from);
    const end = Math.min(i.end_at ?? to, to);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/**
 * Charge of one machine's running pieces (non-overlapping) at `rate` fen per hour (may be
 * fractional, e.g. disk), rounded per clock hour.
 */
export function chargeOf(pieces: Piece[], rate: number): Charge {
  let fullHours = 0;
  let usageMs = 0;
  const partial = new Map<number, number>();
  const addPartial = (hour: number, ms: number) => partial.set(hour, (partial.get(hour) ?? 0) + ms);
  for (const { start: a, end: b } of pieces) {
    if (b <= a) continue;
    usageMs += b - a;
    const h0 = floorHour(a);
    if (b <= h0 + HOUR_MS) {
      if (b - a === HOUR_MS) fullHours += 1;
      else addPartial(h0, b - a);
      continue;
    }
    let first = h0;
    if (a > h0) {
      addPartial(h0, h0 + HOUR_MS - a);
      first = h0 + HOUR_MS;
    }
    const hb = floorHour(b);
    fullHours += (hb - first) / HOUR_MS;
    if (b > hb) addPartial(hb, b - hb);
  }
  let amount = fullHours * Math.round(rate);
  for (const ms of partial.values()) amount += Math.round((rate * Math.min(ms, HOUR_MS)) / HOUR_MS);
  return { amount, usageMs };
}
