// Renders every response: success bodies and the Alibaba error envelope
// {RequestId, HostId, Code, Message, Recommend[, AccessDeniedDetail]} (protocol notes §5.3).
import crypto from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { apiError, isApiError, type ApiError } from './errors.ts';
import { CallerGone } from './admission.ts';
import { StatementCancelled } from '../store/cancellation.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export function sendJson(reply: FastifyReply, requestId: string, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).header('content-type', JSON_CONTENT_TYPE).header('x-acs-request-id', requestId).send(renderJson(body));
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
  const outer = splicing;
  splicing = [];
  try {
    const text = JSON.stringify(body);
    const raws = splicing;
    return raws.length === 0 ? text : text.replace(RAW_MARKER_JSON, (_m, i: string) => raws[Number(i)]!);
  } finally {
    splicing = outer;
  }
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
