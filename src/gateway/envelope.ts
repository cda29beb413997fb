// Renders every response: success bodies and the Alibaba error envelope
// {RequestId, HostId, Code, Message, Recommend[, AccessDeniedDetail]} (protocol notes §5.3).
import crypto from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { apiError, isApiError, type ApiError } from './errors.ts';
import { CallerGone } from './admission.ts';
import { StatementCancelled } from '../store/cancellation.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

function sendRendered(reply: FastifyReply, requestId: string, status: number, text: string | Buffer): FastifyReply {
  return reply.code(status).header('content-type', JSON_CONTENT_TYPE).header('x-acs-request-id', requestId).send(text);
}

export function sendJson(reply: FastifyReply, requestId: string, status: number, body: Record<string, unknown>): FastifyReply {
  return sendRendered(reply, requestId, status, renderBody(body));
}

/**
 * A call's answer: `{"RequestId": …}` followed by the output's fields, the text of
 * `{ RequestId, ...output }` without copying the output into a new object (spreading an answer of
 * 40 fields cost about 0.6 µs a call). An output with a RequestId of its own is left to the spread,
 * whose value it is.
 */
export function sendAnswer(reply: FastifyReply, requestId: string, output: Record<string, unknown>): FastifyReply {
  if (Object.hasOwn(output, 'RequestId')) return sendJson(reply, requestId, 200, { RequestId: requestId, ...output });
  return sendRendered(reply, requestId, 200, renderAnswer(requestId, output));
}

/** The body sendAnswer sends, for an output without a RequestId of its own. */
export function renderAnswer(requestId: string, output: Record<string, unknown>): string | Buffer {
  return renderBody(output, `{"RequestId":${JSON.stringify(requestId)}`);
}

/**
 * JSON text rendered earlier (cached machine views), placed into a response as it is instead of
 * being parsed and serialised again. JSON.stringify calls toJSON, which leaves a marker string
 * (with a per-process random part, so no user value can pose as one) that renderJson swaps out.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): string {
    if (!splicing) throw new Error('RawJson outside renderJson');
    return `${RAW_MARKER}${splicing.push(this.text) - 1}`;
  }
}

const RAW_MARKER = `\u0000raw:${crypto.randomBytes(6).toString('hex')}:`;
const RAW_MARKER_JSON = new RegExp(`"${JSON.stringify(RAW_MARKER).slice(1, -1).replace(/\\/g, '\\\\')}(\\d+)"`, 'g');
let splicing: string[] | undefined;

export function renderJson(body: unknown): string {
  return stringify(body) ?? 'null';
}

/** JSON.stringify with RawJson spliced in: undefined for what JSON leaves out (undefined, functions). */
function stringify(value: unknown): string | undefined {
  const outer = splicing;
  splicing = [];
  try {
    const text = JSON.stringify(value) as string | undefined;
    const raws = splicing;
    return raws.length === 0 || text === undefined ? text : text.replace(RAW_MARKER_JSON, (_m, i: string) => raws[Number(i)]!);
  } finally {
    splicing = outer;
  }
}

/*
 * A long page (300 bill lines: about 300 KB) must not become one string. V8 builds JSON.stringify's
 * result as a chain of pieces and joins them the first time the text is read (to count its bytes,
 * to write it to the socket); a string over 128 KiB is joined in V8's large-object space, in fresh
 * memory whose every page faults in. On the development VM that cost about 1 ms for 300 KB (74 page
 * faults at ~12 µs), three times the stringify itself, and a QueryInstanceBill page paid it twice
 * (Buffer.byteLength, then writev). So a body whose lists of objects would make it that long is
 * rendered element by element (each text small, in the young generation) straight into one Buffer:
 * the same bytes.
 */
const LONG_LIST = 32;
/** How deep under the body a long list is looked for (BSS pages hold theirs at Data.Items.Item). */
const LIST_DEPTH = 3;
/**
 * Characters (estimated) from which a body is rendered in parts: V8's limit is 128 KiB of one-byte
 * text (64 Ki characters of two-byte text, which API answers seldom are). Measured around it: 105 KB
 * of JSON took 310 µs as one string and 490 in parts, 140 KB 1,050 µs and 460. A little under the
 * limit, as an estimate short of the real length costs more than one beyond it.
 */
const LARGE_BODY = 110_000;

/**
 * Characters of parts joined into one string before it is written into the body's Buffer: each
 * Buffer write is a call into C++, and 600 of them (a page of 300 bill lines) cost more than
 * stringifying the lines. Well under V8's large-object size, so each joined text is young.
 */
const WRITE_CHUNK = 32_768;

/**
 * The response body: a string, or a Buffer of the same UTF-8 text when it is large. With `head`
 * (an object's opening, `{"RequestId":"…"`), the body's fields follow it in the same text.
 */
export function renderBody(body: unknown, head?: string): string | Buffer {
  const lists = longListsIn(body, LIST_DEPTH);
  // Estimated from each list's first element: lists of one kind of object are alike.
  let estimate = 0;
  for (const list of lists) estimate += list.length * (stringify(list[0])?.length ?? 4);
  if (estimate < LARGE_BODY) {
    const text = renderJson(body);
    if (head === undefined) return text;
    return text.length === 2 ? `${head}}` : `${head},${text.slice(1)}`; // '{}': no field JSON shows
  }
  const parts: string[] = [];
  renderParts(body, LIST_DEPTH, parts);
  // A large body is an object holding a long list: its first part is its '{', and a field follows.
  if (head !== undefined) parts[0] = `${head},`;
  const chunks: string[] = [];
  const ascii: boolean[] = [];
  let size = 0;
  for (let from = 0; from < parts.length; ) {
    let to = from;
    let length = 0;
    while (to < parts.length && (to === from || length + parts[to]!.length <= WRITE_CHUNK)) length += parts[to++]!.length;
    const chunk = to === from + 1 ? parts[from]! : parts.slice(from, to).join('');
    const bytes = Buffer.byteLength(chunk);
    chunks.push(chunk);
    // As many bytes as characters: all ASCII, whose Latin-1 bytes are its UTF-8 bytes, and V8
    // writes Latin-1 without encoding (a fifth of the time for a page of bill lines).
    ascii.push(bytes === chunk.length);
    size += bytes;
    from = to;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) at += out.write(chunks[i]!, at, ascii[i] ? 'latin1' : 'utf8');
  return out;
}

function isLongList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length >= LONG_LIST && typeof value[0] === 'object' && value[0] !== null;
}

/** An object JSON.stringify walks key by key (no toJSON of its own). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** The long lists in `value`, looked for through plain objects down to `depth`. */
function longListsIn(value: unknown, depth: number, found: unknown[][] = []): unknown[][] {
  if (typeof value !== 'object' || value === null) return found; // most values: every answer is walked
  if (isLongList(value)) found.push(value);
  else if (depth > 0 && isPlainObject(value)) for (const key in value) longListsIn(value[key], depth - 1, found);
  return found;
}

/** Appends the JSON text of `value` as parts; false (nothing appended) where JSON leaves it out. */
function renderParts(value: unknown, depth: number, parts: string[]): boolean {
  if (isLongList(value)) {
    parts.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) parts.push(',');
      parts.push(stringify(value[i]) ?? 'null');
    }
    parts.push(']');
    return true;
  }
  if (depth > 0 && isPlainObject(value) && longListsIn(value, depth).length > 0) {
    parts.push('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const mark = parts.length;
      parts.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      if (renderParts(value[key], depth - 1, parts)) first = false;
      else parts.length = mark;
    }
    parts.push('}');
    return true;
  }
  const text = stringify(value);
  if (text === undefined) return false;
  parts.push(text);
  return true;
}

/**
 * Alibaba's troubleshooter for an API error, naming the product that answered (its api.aliyun.com
 * code, `Operation.product`) when one did; unknown routes and versions name none.
 */
export function troubleshootUrl(code: string, requestId: string, product?: string): string {
  const named = product ? `&product=${encodeURIComponent(product)}` : '';
  return `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}${named}&requestId=${requestId}`;
}

/** Where admin-plane errors send the reader: Alibaba's troubleshooter knows nothing of /_openeas. */
export const ADMIN_RECOMMEND = 'openeas admin plane (/_openeas): see the README, section "Admin plane"';

/**
 * The error envelope. Every error carries all five fields; `recommend` defaults to Alibaba's
 * troubleshooter without a product (unknown routes, refusals before routing).
 */
export function errorBody(err: ApiError, requestId: string, hostId: string, recommend?: string): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: err.code,
    Message: err.message,
    Recommend: recommend ?? troubleshootUrl(err.code, requestId),
    ...err.extra,
  };
}

/** A whole HTTP/1.1 error response as text, for a socket that never became a request (the HTTP parser refused it). */
export function bareResponse(err: ApiError, requestId: string): string {
  const body = renderJson(errorBody(err, requestId, 'unknown'));
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\n` +
    `x-acs-request-id: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** Maps anything thrown to a catalog error; unknown failures become InternalError (details only in the log). */
export function toApiError(e: unknown, bodyLimit: number): ApiError {
  if (isApiError(e)) return e;
  const fastifyCode = (e as { code?: string } | null)?.code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiError('RequestBodyTooLarge', { limit: bodyLimit });
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiError('UnsupportedMediaType', { contentType: 'given' });
  // A statement stopped by statement_timeout, or a call whose caller left: temporary, retry later.
  if (e instanceof StatementCancelled || e instanceof CallerGone) return apiError('ServiceUnavailable');
  // Other refusals of the framework (a body shorter than its Content-Length, an aborted upload) are the client's.
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return apiError('InvalidBody.Incomplete');
  return apiError('InternalError');
}

/** True when the error is the client hanging up before its request was read whole. */
export function isClientAbort(e: unknown, raw: IncomingMessage): boolean {
  return raw.aborted || (e as { code?: string } | null)?.code === 'ECONNRESET';
}
