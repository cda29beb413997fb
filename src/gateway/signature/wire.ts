// Reading a WireRequest: headers from the raw list, query and form pairs decoded once.

import type { WireRequest } from './types.ts';

const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * Each header's values by lower-case name, in wire order: built once per header list. A signed
 * request's headers are looked up a dozen times or more (every signed name, the nonce, the date,
 * the token, the action), and lowering every name on every lookup was the costliest JavaScript of
 * a describe (perf: 2 % of its CPU).
 */
const indexes = new WeakMap<readonly string[], Map<string, string[]>>();

function indexOf(rawHeaders: readonly string[]): Map<string, string[]> {
  let index = indexes.get(rawHeaders);
  if (index) return index;
  index = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const values = index.get(name);
    if (values) values.push(rawHeaders[i + 1]!);
    else index.set(name, [rawHeaders[i + 1]!]);
  }
  indexes.set(rawHeaders, index);
  return index;
}

/** All values of a header (case-insensitive) from rawHeaders, in wire order. */
export function headerValues(rawHeaders: readonly string[], name: string): readonly string[] {
  return indexOf(rawHeaders).get(name.toLowerCase()) ?? NO_VALUES;
}

/**
 * One header's canonical value: each occurrence trimmed, sorted, joined with ','. This is how the
 * clients sign repeated headers (Node's own join would be ', '), and reading every header this way
 * means the value the server acts on is the value the signature covered.
 */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const values = headerValues(rawHeaders, name);
  if (values.length === 0) return undefined;
  if (values.length === 1) return values[0]!.trim();
  return values
    .map((v) => v.trim())
    .sort()
    .join(',');
}

/** Splits a request-target into its raw path and raw query (without '?'). */
export function splitTarget(rawUrl: string): { path: string; query: string } {
  const at = rawUrl.indexOf('?');
  return at < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, at), query: rawUrl.slice(at + 1) };
}

/**
 * Decodes one query or form component once. '+' is a space: the Python and Java runtimes encode
 * spaces that way on the wire (urlencode / URLEncoder) while signing them as '%20', and no official
 * client sends a literal '+' (all of them escape it as %2B). Malformed escapes are kept as sent.
 */
export function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** 'a=1&b=&c' -> [['a','1'],['b',''],['c','']], decoded, order kept, empty segments skipped. */
export function decodePairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    pairs.push(eq < 0 ? [decodeComponent(segment), ''] : [decodeComponent(segment.slice(0, eq)), decodeComponent(segment.slice(eq + 1))]);
  }
  return pairs;
}

export function queryPairs(rawUrl: string): Array<[string, string]> {
  return decodePairs(splitTarget(rawUrl).query);
}

function isForm(wire: WireRequest): boolean {
  const type = headerValues(wire.rawHeaders, 'content-type')[0] ?? '';
  return type.trim().toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** RPC-style parameters: decoded query pairs plus, for form bodies, decoded form pairs (order kept). */
export function rpcParams(wire: WireRequest): Array<[string, string]> {
  const params = queryPairs(wire.rawUrl);
  if (wire.body.length > 0 && isForm(wire)) params.push(...decodePairs(wire.body.toString('utf8')));
  return params;
}
