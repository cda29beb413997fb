// Renders every response: success bodies and the Alibaba error envelope
// {RequestId, HostId, Code, Message, Recommend[, AccessDeniedDetail]} (protocol notes §5.3).
import type { FastifyReply } from 'fastify';
import { apiError, isApiError, type ApiError } from './errors.ts';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export function sendJson(reply: FastifyReply, requestId: string, status: number, body: Record<string, unknown>): FastifyReply {
  return reply
    .code(status)
    .header('content-type', JSON_CONTENT_TYPE)
    .header('x-acs-request-id', requestId)
    .send(JSON.stringify(body));
}

export function errorBody(err: ApiError, requestId: string, hostId: string, product = 'eas'): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: err.code,
    Message: err.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${product}&requestId=${requestId}`,
    ...err.extra,
  };
}

/** Maps anything thrown to a catalog error; unknown failures become InternalError (details only in the log). */
export function toApiError(e: unknown, bodyLimit: number): ApiError {
  if (isApiError(e)) return e;
  const fastifyCode = (e as { code?: string } | null)?.code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return apiError('RequestBodyTooLarge', { limit: bodyLimit });
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return apiError('UnsupportedMediaType', { contentType: 'given' });
  return apiError('InternalError');
}
