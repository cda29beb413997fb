// The condition values of one request, as the compiled conditions read them. Keys are compared
// case-insensitively (acs:SourceIp = acs:sourceip). `undefined` and `[]` both mean "absent".
// Parsed forms (numbers, instants, addresses) are computed at most once per key per request, so
// fifty policies testing acs:SourceIp parse the address once.

import { parseIpAddress, type IpAddress } from '../../ip.ts';
import { parseIsoInstant } from './iso-date.ts';

export type ConditionValueMap = Record<string, string | readonly string[] | undefined>;

/** Decimal numbers as the Numeric* operators accept them, in policies and in requests. */
export const NUMBER_TEXT = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class RequestValues {
  private byKey: Map<string, readonly string[]> | undefined;
  private numberCache: Map<string, readonly number[]> | undefined;
  private instantCache: Map<string, readonly number[]> | undefined;
  private ipCache: Map<string, readonly (IpAddress | undefined)[]> | undefined;

  constructor(private readonly raw: ConditionValueMap) {}

  /** The values of a key (lower-case), or undefined when the request does not carry it. */
  strings(keyLower: string): readonly string[] | undefined {
    if (this.byKey === undefined) this.byKey = index(this.raw);
    return this.byKey.get(keyLower);
  }

  /** Values as numbers; NaN where a value is not a decimal number. */
  numbers(keyLower: string): readonly number[] | undefined {
    return this.cached((this.numberCache ??= new Map()), keyLower, (s) => (NUMBER_TEXT.test(s) ? Number(s) : NaN));
  }

  /** Values as epoch milliseconds; NaN where a value is not an ISO 8601 instant. */
  instants(keyLower: string): readonly number[] | undefined {
    return this.cached((this.instantCache ??= new Map()), keyLower, (s) => parseIsoInstant(s) ?? NaN);
  }

  /** Values as addresses; undefined where a value is not an IP address. */
  ips(keyLower: string): readonly (IpAddress | undefined)[] | undefined {
    return this.cached((this.ipCache ??= new Map()), keyLower, parseIpAddress);
  }

  private cached<T>(cache: Map<string, readonly T[]>, keyLower: string, parse: (s: string) => T): readonly T[] | undefined {
    const hit = cache.get(keyLower);
    if (hit !== undefined) return hit;
    const values = this.strings(keyLower);
    if (values === undefined) return undefined;
    const parsed = values.map(parse);
    cache.set(keyLower, parsed);
    return parsed;
  }
}

function index(raw: ConditionValueMap): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (v === undefined) continue;
    const values = typeof v === 'string' ? [v] : v;
    if (values.length === 0) continue;
    const lower = key.toLowerCase();
    const earlier = out.get(lower);
    // Two spellings of one key (acs:SourceIp and acs:sourceip) are merged, not one dropped.
    out.set(lower, earlier === undefined ? values : [...earlier, ...values]);
  }
  return out;
}
