// /_openeas/…: the operator's plane (health, clock, accounts…). Health is open; the rest pass the guard.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { ADMIN_RECOMMEND, errorBody, sendJson, toApiError } from '../gateway/envelope.ts';
import { checkJson, checkTextMap } from '../gateway/input-hygiene.ts';
import { assertAdmin } from './guard.ts';
import { createAccount } from '../ram/accounts.ts';
import { metricsOf } from '../observability/metrics.ts';
import { viewAdminRoutes } from './views.ts';
import type { Services } from '../services.ts';

/** An answer that is not JSON (the Prometheus text of /metrics). */
export class AdminText {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

export type AdminHandler = (req: FastifyRequest, services: Services) => Promise<Record<string, unknown> | AdminText>;

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /_openeas. */
  path: string;
  handler: AdminHandler;
  /** Health checks are open to everyone. */
  open?: boolean;
}

/** The JSON body of an admin request, as an object. */
export function adminBody(req: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw apiError('InvalidBody.Malformed', { reason: (e as Error).message });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw apiError('InvalidBody.NotObject');
  checkJson('', parsed);
  return parsed as Record<string, unknown>;
}

/**
 * An optional number field of an admin body, within bounds; each bound left out is the 32-bit
 * limit, and `integer` ones (counts kept in integer columns) must be whole.
 */
export function bodyNumber(
  body: Record<string, unknown>,
  name: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const min = opts.min ?? -2147483648;
  const max = opts.max ?? 2147483647;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (opts.integer && !Number.isInteger(v))) {
    throw apiError('InvalidParameter', { name, reason: `It must be ${opts.integer ? 'an integer' : 'a number'} from ${min} to ${max}.` });
  }
  return v;
}

/** A string field of an admin body (empty counts as absent). */
export function bodyText(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw apiError('MissingParameter', { name });
    return undefined;
  }
  if (typeof v !== 'string') throw apiError('InvalidParameter', { name, reason: 'It must be a string.' });
  return v;
}

export const coreAdminRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/health',
    open: true,
    handler: async (_req, s) => {
      await s.store.db.selectFrom('settings').select('key').limit(1).execute();
      return { Status: 'ok', Database: s.store.dialect, Version: s.version };
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, s) => {
      await s.audit.flush(); // the audit trail's pending write is not load: the gauges show the store at rest
      const metrics = metricsOf(s);
      return new AdminText(metrics.contentType, await metrics.text());
    },
  },
  {
    method: 'POST',
    path: '/accounts',
    handler: async (req, s) => {
      const body = adminBody(req);
      try {
        const created = await createAccount(
          s.store,
          s.secrets,
          {
            accountId: bodyText(body, 'AccountId'),
            accessKeyId: bodyText(body, 'AccessKeyId'),
            accessKeySecret: bodyText(body, 'AccessKeySecret'),
          },
          s.clock.now(),
        );
        return { AccountId: created.accountId, AccessKeyId: created.accessKeyId, AccessKeySecret: created.accessKeySecret };
      } catch (e) {
        throw apiError('InvalidParameter', { name: 'AccountId', reason: (e as Error).message });
      }
    },
  },
  ...viewAdminRoutes,
];

export function adminPlugin(services: Services, routes: AdminRoute[]) {
  // Recommend points at openeas's own docs: Alibaba's troubleshooter knows nothing of the admin plane.
  const errorHandler = (e: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const err = toApiError(e, services.config.bodyLimit);
    if (err.status >= 500) req.log.error({ err: e }, 'admin request failed');
    return sendJson(reply, req.id, err.status, errorBody(err, req.id, req.headers.host ?? 'localhost', ADMIN_RECOMMEND));
  };
  return (app: FastifyInstance) => {
    for (const route of routes) {
      app.route({
        method: route.method,
        url: `/_openeas${route.path}`,
        errorHandler,
        handler: async (req: FastifyRequest, reply: FastifyReply) => {
          if (!route.open) assertAdmin(req, services.config);
          // The API's input hygiene (gateway/input-hygiene.ts) for the admin plane; bodies in adminBody.
          checkTextMap(req.params as Record<string, unknown>);
          checkTextMap(req.query as Record<string, unknown>);
          const body = await route.handler(req, services);
          if (body instanceof AdminText) return reply.code(200).type(body.contentType).header('x-acs-request-id', req.id).send(body.text);
          return sendJson(reply, req.id, 200, { RequestId: req.id, ...body });
        },
      });
    }
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: '/_openeas/*',
      errorHandler,
      handler: async () => {
        throw apiError('InvalidApi.NotFound');
      },
    });
  };
}
