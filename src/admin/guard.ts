// The admin plane moves time, injects faults, hands out money and new root AccessKeys. Who may use it:
//   - whoever presents OPENEAS_ADMIN_TOKEN (compared in constant time; a wrong token is refused,
//     even from loopback: presenting one means asking to be judged by it);
//   - without a token, only a loopback client: the client address of gateway/client-address.ts
//     (behind a trusted proxy the forwarded client, not the proxy), not relayed by a proxy openeas
//     was not told to trust, and addressed by a loopback Host name, so that a page whose DNS name
//     was re-pointed at 127.0.0.1 (DNS rebinding) cannot reach it.
// Whoever calls, a request a web page could forge is refused: one with another site's Origin, and a
// state change that is not application/json (without a CORS preflight, which openeas never grants,
// a page can send only text/plain, form and multipart bodies to another origin).
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { clientAddress, relayedByUnknownProxy } from '../gateway/client-address.ts';
import { parseIpAddress, parseIpRange, ipInRange } from '../ip.ts';
import type { Config } from '../config.ts';

const LOOPBACK = [parseIpRange('127.0.0.0/8')!, parseIpRange('::1/128')!];
const READ_ONLY_METHODS = new Set(['GET', 'HEAD']);

type AdminRequest = Pick<FastifyRequest, 'method' | 'headers'> & { socket: { remoteAddress?: string } };

function presentedToken(req: AdminRequest): string | undefined {
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

function isLoopback(address: string): boolean {
  const ip = parseIpAddress(address.replace(/^\[(.*)\]$/, '$1'));
  return ip !== undefined && LOOPBACK.some((range) => ipInRange(ip, range));
}

/** `host[:port]` as a URL reads it (lower case, IPv6 in brackets), or undefined when it is no host. */
function hostOf(authority: string): { host: string; hostname: string } | undefined {
  try {
    const url = new URL(`http://${authority}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return { host: url.host, hostname: url.hostname };
  } catch {
    return undefined;
  }
}

/** localhost, a loopback address, or the name the server was told to listen on. */
function isLoopbackHostName(hostname: string, config: Config): boolean {
  if (hostname === 'localhost' || isLoopback(hostname)) return true;
  const configured = hostOf(config.host.includes(':') ? `[${config.host}]` : config.host);
  return configured !== undefined && configured.hostname === hostname;
}

function refuse(reason: string): never {
  throw apiError('Forbidden.Admin', { reason });
}

/** How a caller gets in: the message names the setting and the header. */
function tokenHint(config: Config): string {
  return config.adminToken
    ? 'Send the token set by OPENEAS_ADMIN_TOKEN as "Authorization: Bearer <token>".'
    : 'To let other callers in, start the server with OPENEAS_ADMIN_TOKEN set and send that token as "Authorization: Bearer <token>".';
}

/**
 * Why the request is not from a browser or program on this machine, or undefined when it is: a
 * loopback client (gateway/client-address.ts), not relayed by an unknown proxy, that names a loopback
 * Host (no DNS rebinding). The admin guard's rule without a token, and the console's one-click root.
 */
export function loopbackProblem(req: AdminRequest, config: Config): string | undefined {
  const client = clientAddress(req, config.trustedProxies);
  if (!isLoopback(client)) return `the client ${client} is not on loopback and presents no admin token.`;
  if (relayedByUnknownProxy(req, config.trustedProxies)) return 'it was relayed by a proxy that is not in OPENEAS_TRUSTED_PROXIES.';
  const host = hostOf(String(req.headers.host ?? ''));
  if (!host || !isLoopbackHostName(host.hostname, config)) {
    return 'without the admin token, the Host header must be localhost, a loopback address or the configured host.';
  }
  return undefined;
}

export function assertAdmin(req: AdminRequest, config: Config): void {
  const host = hostOf(String(req.headers.host ?? ''));
  const token = presentedToken(req);
  if (config.adminToken && token !== undefined) {
    if (!sameSecret(token, config.adminToken)) refuse(`the admin token does not match. ${tokenHint(config)}`);
  } else {
    const problem = loopbackProblem(req, config);
    if (problem) refuse(`${problem} ${tokenHint(config)}`);
  }

  const origin = req.headers.origin;
  if (origin !== undefined && (!host || hostOfOrigin(String(origin)) !== host.host)) {
    refuse(
      'it was sent by a web page of another origin, which is refused even with the OPENEAS_ADMIN_TOKEN token ' +
        'as "Authorization: Bearer <token>".',
    );
  }
  if (!READ_ONLY_METHODS.has(req.method)) {
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (contentType !== 'application/json') throw apiError('UnsupportedMediaType', { contentType: contentType || '(none)' });
  }
}

function hostOfOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // "null" (sandboxed pages, file://) is nobody's origin
  }
}
