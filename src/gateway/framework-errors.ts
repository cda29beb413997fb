// What Fastify and Node refuse before a route runs, rendered as Alibaba's envelope with a request
// id like every other answer (protocol notes §5.3) instead of the frameworks' own bodies.
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from './errors.ts';
import { bareResponse, errorBody, sendJson } from './envelope.ts';
import { newRequestId } from '../ids.ts';

/** Fastify's `frameworkErrors`: a path that does not decode (%ZZ), or a segment over the router's 100 characters. */
export function renderFrameworkError(e: { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const err = apiError('InvalidUrl', {
    reason: e.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is longer than 100 characters' : 'its path does not decode',
  });
  req.log.debug({ code: err.code }, 'request rejected');
  sendJson(reply, req.id, err.status, errorBody(err, req.id, req.headers.host ?? 'localhost'));
}

/** Fastify's `clientErrorHandler`: Node's HTTP parser refused the bytes (not HTTP, headers over 16 KiB). */
export function renderClientError(e: Error & { code?: string }, socket: Socket): void {
  if (e.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const err = apiError(e.code === 'HPE_HEADER_OVERFLOW' ? 'RequestHeaderTooLarge' : 'InvalidHttpRequest');
  socket.end(bareResponse(err, newRequestId()));
}
