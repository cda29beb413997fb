// The admin plane moves time, injects faults and hands out money: off loopback it requires the
// admin token (OPENEAS_ADMIN_TOKEN), compared in constant time; without a token it is loopback-only.
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import type { Config } from '../config.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function presentedToken(req: FastifyRequest): string | undefined {
  const header = req.headers['x-openeas-admin-token'];
  if (typeof header === 'string') return header;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export function assertAdmin(req: FastifyRequest, config: Config): void {
  const token = presentedToken(req);
  if (config.adminToken && token !== undefined) {
    if (sameSecret(token, config.adminToken)) return;
    throw apiError('Forbidden.Admin');
  }
  if (LOOPBACK.test(req.socket.remoteAddress ?? '')) return;
  throw apiError('Forbidden.Admin');
}
