// Renders every response: success bodies and the Alibaba error envelope
// {RequestId, HostId, Code, Message, Recommend[, AccessDeniedDetail]} (protocol notes §5.3).
import crypto from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { apiError, isApiError, type ApiError } from './errors.ts';
import { CallerGone } from './admission.ts';
import { StatementCancelled } from '../store/cancellation.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export function sendJson(reply: FastifyReply, requestId: string, status: number, body: Record<string, unknown>): FastifyReply {
  return reply
    .code(status)
    .header('content-type', JSON_CONTENT_TYPE)
    .header('x-acs-request-id', requestId)
    .send(renderJson(body));
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

/** The error envelope; `recommend` is left out where Alibaba's troubleshooter knows nothing (the admin plane). */
export function errorBody(err: ApiError, requestId: string, hostId: string, recommend?: string): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: err.code,
    Message: err.message,
    ...(recommend === undefined ? {} : { Recommend: recommend }),
    ...err.extra,
  };
}

/** Maps anything thrown to a catalog error; unknown failures become InternalError (details only in the log). */
export function toApiError(e: unknown, bodyLimit: number): ApiError {
  if (isApiError(e)) return e;
  const fastifyCode = (e as { code?: string } | null)?.code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiError('RequestBodyTooLarge', { limit: bodyLimit });
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiError('UnsupportedMediaType', { contentType: 'given' });
  // A statement stopped by statement_timeout, or a call whose caller left: temporary, retry later.
  if (e instanceof StatementCancelled || e instanceof CallerGone) return apiError('ServiceUnavailable');
  return apiError('InternalError');
}
