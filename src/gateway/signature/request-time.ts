// The request's own time, parsed strictly per scheme, for the freshness window.
import { apiError } from '../errors.ts';
import type { SignatureScheme } from './types.ts';

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const RFC_1123 = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Builds the UTC instant, refusing fields that Date.UTC would silently roll over (Feb 30, 24:00). */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): Date | undefined {
  const date = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date : undefined;
}

function parseIso(value: string, fractionAllowed: boolean): Date | undefined {
  const m = ISO_8601.exec(value);
  if (!m || (m[7] !== undefined && !fractionAllowed)) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
  return utc(y, mo - 1, d, h, mi, s, ms);
}

function parseRfc1123(value: string): Date | undefined {
  const m = RFC_1123.exec(value);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]);
  if (month < 0) return undefined;
  return utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * V3 'YYYY-MM-DDTHH:mm:ssZ'; ROA RFC 1123 'Wed, 01 Jan 2025 00:00:00 GMT'; RPC ISO 8601 UTC with Z
 * (fractional seconds tolerated there, as older RPC SDKs in other languages send them).
 */
export function parseRequestTime(scheme: SignatureScheme, value: string | undefined): Date {
  const parsed = value === undefined ? undefined : scheme === 'ROA' ? parseRfc1123(value) : parseIso(value, scheme === 'RPC');
  if (!parsed) throw apiError('InvalidTimeStamp.Format');
  return parsed;
}
