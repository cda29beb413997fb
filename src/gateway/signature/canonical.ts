// Encoding rules shared by the V3 canonical request and the RPC string to sign.

/** RFC 3986 as the clients apply it: encodeURIComponent plus ! ' ( ) * escaped. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sorted by key in UTF-16 code-unit order (JS sort, as the clients do); stable for equal keys. */
export function sortPairs(pairs: Array<[string, string]>): Array<[string, string]> {
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Sorted 'key=value' pairs, both RFC 3986-encoded, joined with '&' ('key=' for an empty value). */
export function canonicalQuery(pairs: Array<[string, string]>): string {
  return sortPairs(pairs)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}

/**
 * V3 canonical URI from the raw path. Every runtime signs the path it sent (already encoded), some
 * after these three fixes (the newer ones globally); applying them globally agrees with all of them.
 */
export function canonicalUri(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}
