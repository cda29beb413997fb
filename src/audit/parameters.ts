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

/** What becomes of a key's value: kept (bounded), left out (credentials), or replaced by its length. */
const KEPT = 0;
const SECRET = 1;
const OMITTED = 2;
type KeyKind = typeof KEPT | typeof SECRET | typeof OMITTED;

/**
 * Each key's kind, by key: keys repeat from call to call, and every key of every call is asked.
 * Bounded in entries (cleared when full) and in key length: keys are the callers' to choose, and
 * long ones are worked out each time rather than kept.
 */
const kindByKey = new Map<string, KeyKind>();
const CACHED_KEY_LENGTH = 64;

function kindOf(key: string): KeyKind {
  let kind = kindByKey.get(key);
  if (kind === undefined) {
    const lower = key.toLowerCase();
    kind = isCredentialParam(key) || TOKEN_KEYS.has(lower) || key === '__proto__' ? SECRET : OMITTED_KEYS.has(lower) ? OMITTED : KEPT;
    if (key.length <= CACHED_KEY_LENGTH) {
      if (kindByKey.size >= 4096) kindByKey.clear();
      kindByKey.set(key, kind);
    }
  }
  return kind;
}

/**
 * Writes a bounded copy of a value straight to JSON text, in one pass, without copying it first
 * (every API call writes its parameters, and a write its answer, so this runs for every call).
 */
class BoundedJson {
  #left = BUDGET;

  /** The JSON text of `v`, or undefined where JSON.stringify leaves a value out (undefined, functions). */
  value(v: unknown, depth: number): string | undefined {
    if (typeof v === 'string') return JSON.stringify(this.#string(v));
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (depth >= MAX_DEPTH || this.#left <= 0) return '"[omitted: too large]"';
    if (Array.isArray(v)) {
      const n = Math.min(v.length, MAX_ENTRIES);
      let out = '[';
      for (let i = 0; i < n; i++) out += (i > 0 ? ',' : '') + ((i in v ? this.value(v[i], depth + 1) : undefined) ?? 'null');
      if (v.length > MAX_ENTRIES) out += (n > 0 ? ',' : '') + JSON.stringify(`[${v.length - MAX_ENTRIES} more items omitted]`);
      return out + ']';
    }
    // Values rendered elsewhere (RawJson machine views) are not plain data: lists, never written here.
    if (Object.getPrototypeOf(v) !== Object.prototype) return '"[omitted]"';
    return this.object(v as Record<string, unknown>, undefined, undefined, depth);
  }

  /**
   * One object's JSON text from the keys of up to three objects, in order, which share no key (the
   * caller checks); `skip` names keys of the second left out. Credentials are left out, values
   * bounded, and past the entry or character budget one "[omitted]" entry ends the object.
   */
  object(a: object, b: object | undefined, skip: ReadonlySet<string> | undefined, depth: number, c?: object): string {
    let out = '{';
    let n = 0;
    for (const o of [a, b, c]) {
      if (o === undefined) continue;
      for (const key in o) {
        if (!Object.hasOwn(o, key) || (o === b && skip?.has(key))) continue;
        const kind = kindOf(key);
        if (kind === SECRET) continue;
        if (n++ >= MAX_ENTRIES || this.#left <= 0)
          return `${out}${out.length > 1 ? ',' : ''}"[omitted]":"more parameters than an audit event keeps"}`;
        this.#left -= key.length;
        const v = (o as Record<string, unknown>)[key];
        const json = kind === OMITTED ? JSON.stringify(`[omitted: ${String(v).length} characters]`) : this.value(v, depth + 1);
        if (json === undefined) continue;
        out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + json;
      }
    }
    return out + '}';
  }

  #string(s: string): string {
    const keep = Math.max(0, Math.min(s.length, MAX_STRING, this.#left));
    this.#left -= keep;
    return keep === s.length ? s : `${s.slice(0, keep)}…[truncated: ${s.length} characters]`;
  }
}

/** A key an object would order before the others (an array index), or one that may be: it starts with a digit. */
const mayBeIndexKey = (key: string) => key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39;

/**
 * Whether the parameters can be written source after source: no key in two of them (a later
 * source's value would win, at the earlier one's place), and no key an object would move to the
 * front (array indices). Otherwise they are merged into one object first, which costs more.
 */
function disjoint(params: object, query: Record<string, unknown>, body: object): boolean {
  for (const k in params) if (Object.hasOwn(params, k) && mayBeIndexKey(k)) return false;
  for (const k in query) {
    if (!Object.hasOwn(query, k) || PROTOCOL_PARAMS.has(k)) continue;
    if (mayBeIndexKey(k) || Object.hasOwn(params, k)) return false;
  }
  for (const k in body) {
    if (!Object.hasOwn(body, k)) continue;
    if (mayBeIndexKey(k) || Object.hasOwn(params, k) || (Object.hasOwn(query, k) && !PROTOCOL_PARAMS.has(k))) return false;
  }
  return true;
}

/**
 * The call's parameters as the JSON text of one object: path parameters, query (or form) without
 * protocol fields, then the JSON body's fields (a later one wins where names repeat).
 */
export function requestParametersJson(raw: RawInput | undefined): string {
  if (!raw) return '{}';
  const { params, query, body } = raw;
  const bodyObject = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
  if ((body === undefined || bodyObject) && disjoint(params, query, bodyObject ?? {})) {
    return new BoundedJson().object(params, query, PROTOCOL_PARAMS, 0, bodyObject);
  }
  const all: Record<string, unknown> = { ...params };
  for (const k in query) if (Object.hasOwn(query, k) && !PROTOCOL_PARAMS.has(k)) all[k] = query[k];
  if (bodyObject) {
    for (const k in bodyObject) if (Object.hasOwn(bodyObject, k) && k !== '__proto__') all[k] = (bodyObject as Record<string, unknown>)[k];
  } else if (body !== undefined) all.body = body;
  return new BoundedJson().object(all, undefined, undefined, 0);
}

/** A write's answer as JSON text, bounded like the parameters. */
export function responseElementsJson(output: Output): string {
  return new BoundedJson().object(output, undefined, undefined, 0);
}
