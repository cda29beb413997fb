// Metering arithmetic (pure): pay-as-you-go machines are metered by the millisecond while running
// and settled per hour. A machine's charge for one clock hour is round(rate × used / 1 h) — a
// whole hour costs exactly the hourly price — so a charge never depends on how the hours were
// grouped into settlement runs: settling 3 hours at once or hour by hour gives the same fen.
import { floorHour, HOUR_MS } from './calendar.ts';

export interface Piece {
  start: number;
  end: number;
  /** Fen per hour of this piece, when it differs from the machine's (a system disk grown mid-way). */
  rate?: number;
}

export interface Charge {
  /** Fen. */
  amount: number;
  usageMs: number;
}

/** Clips running intervals (end null = still running) to [from, to). */
export function clip(intervals: { start_at: number; end_at: number | null; rate?: number }[], from: number, to: number): Piece[] {
  const out: Piece[] = [];
  for (const i of intervals) {
    const start = Math.max(i.start_at, from);
    const end = Math.min(i.end_at ?? to, to);
    if (end > start) out.push(i.rate === undefined ? { start, end } : { start, end, rate: i.rate });
  }
  return out;
}

/**
 * Charge of one machine's running pieces (non-overlapping) at `rate` fen per hour (may be
 * fractional, e.g. disk; a piece's own rate wins), rounded per clock hour.
 */
export function chargeOf(pieces: Piece[], machineRate: number): Charge {
  let amount = 0;
  let usageMs = 0;
  // Fen (unrounded) of each partly used clock hour; pieces at different rates may share an hour.
  const partial = new Map<number, number>();
  for (const { start: a, end: b, rate = machineRate } of pieces) {
    if (b <= a) continue;
    let fullHours = 0;
    const addPartial = (hour: number, ms: number) => partial.set(hour, (partial.get(hour) ?? 0) + (rate * Math.min(ms, HOUR_MS)) / HOUR_MS);
    usageMs += b - a;
    const h0 = floorHour(a);
    if (b <= h0 + HOUR_MS) {
      if (b - a === HOUR_MS) amount += Math.round(rate);
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
    amount += fullHours * Math.round(rate);
  }
  for (const fen of partial.values()) amount += Math.round(fen);
  return { amount, usageMs };
}
