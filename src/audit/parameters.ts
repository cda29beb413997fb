// requestParameters and responseElements of an audit event: what the caller sent (path, query or
// form, JSON body) and, for writes, what it got, with credentials removed and the size bounded.
// Credentials are the names log-redaction.ts keeps out of logs (Signature, SecurityToken,
// BearerToken, AccessKeySecret, *Password*, *Secret*), at any depth, in requests and responses
// (CreateAccessKey and AssumeRole answer with secrets); and a service's invocation token (the
// service JSON's `token`, DescribeService's `AccessToken`), which lets anyone call the service.
// UserData is a boot script, often holding credentials of its own: only its length is kept.
import { isCredentialParam } from '../gateway/log-redaction.ts';
import type { Output, RawInput } from '../gateway/operation.ts';

/** Signing and protocol parameters of RPC calls: they say how the call was made, not what it asked. */
const PROTOCOL_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
]);

/** Longest string kept whole, characters. */
const MAX_STRING = 1024;
/** Most entries of one array or object. */
const MAX_ENTRIES = 100;
const MAX_DEPTH = 8;
/** Characters of keys and strings one parameter set may keep; what is over it is cut. */
const BUDGET = 8192;

const OMITTED_KEYS = new Set(['userdata']);
/** Service invocation tokens, by lower-cased key: left out like the credentials above. */
const TOKEN_KEYS = new Set(['token', 'accesstoken']);

const isSecretKey = (key: string) => isCredentialParam(key) || TOKEN_KEYS.has(key.toLowerCase());

class Bounded {
  #left = BUDGET;

  value(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.#string(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH || this.#left <= 0) return '[omitted: too large]';
    if (Array.isArray(v)) {
      const items = v.slice(0, MAX_ENTRIES).map((item) => this.value(item, depth + 1));
      if (v.length > MAX_ENTRIES) items.push(`[${v.length - MAX_ENTRIES} more items omitted]`);
      return items;
    }
    // Values rendered elsewhere (RawJson machine views) are not plain data: lists, never written here.
    if (Object.getPrototypeOf(v) !== Object.prototype) return '[omitted]';
    return this.object(v as Record<string, unknown>, depth);
  }

  object(o: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [key, v] of Object.entries(o)) {
      if (isSecretKey(key) || key === '__proto__') continue;
      if (n++ >= MAX_ENTRIES || this.#left <= 0) {
        out['[omitted]'] = 'more parameters than an audit event keeps';
        break;
      }
      this.#left -= key.length;
      out[key] = OMITTED_KEYS.has(key.toLowerCase()) ? `[omitted: ${String(v).length} characters]` : this.value(v, depth + 1);
    }
    return out;
  }

  #string(s: string): string {
    const keep = Math.max(0, Math.min(s.length, MAX_STRING, this.#left));
    this.#left -= keep;
    return keep === s.length ? s : `${s.slice(0, keep)}…[truncated: ${s.length} characters]`;
  }
}

/** The call's parameters as one object: path parameters, query (or form) without protocol fields, then the JSON body's fields. */
export function boundedParameters(raw: RawInput | undefined): Record<string, unknown> {
  if (!raw) return {};
  const all: Record<string, unknown> = { ...raw.params };
  for (const [k, v] of Object.entries(raw.query)) if (!PROTOCOL_PARAMS.has(k)) all[k] = v;
  if (raw.body !== undefined) {
    if (raw.body && typeof raw.body === 'object' && !Array.isArray(raw.body)) {
      for (const [k, v] of Object.entries(raw.body)) if (k !== '__proto__') all[k] = v;
    } else all.body = raw.body;
  }
  return new Bounded().object(all, 0);
}

export function boundedResponse(output: Output): Record<string, unknown> {
  return new Bounded().object(output, 0);
}
