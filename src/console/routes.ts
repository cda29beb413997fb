// The web console's HTTP surface (docs/console.md):
//   GET    /console/…               the front end (static-files.ts); client-side routes get index.html
//   GET    /console/api/session     who is signed in, the CSRF token, whether one-click root is offered
//   POST   /console/api/session     sign in: an AccessKey pair (verified by a signed GetCallerIdentity
//                                  through the gateway, like any key), or {Mode: 'LocalRoot'} on loopback
//   DELETE /console/api/session     sign out
//   POST   /console/api/call        one signed API call for the session's identity (api-call.ts)
// Every mutating request needs the session's CSRF token in x-openeas-csrf (sign-in, which has no
// session yet, needs a JSON body and no foreign Origin instead: a cross-site form cannot send one).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import type { OperationRegistry } from '../gateway/registry.ts';
import { apiError, isApiError } from '../gateway/errors.ts';
import { errorBody, sendJson, toApiError } from '../gateway/envelope.ts';
import { clientAddress } from '../gateway/client-address.ts';
import { checkInput } from '../gateway/input-hygiene.ts';
import { loopbackProblem } from '../admin/guard.ts';
import { REGIONS, zonesOf } from '../eas/regions.ts';
import { parseCallRequest, performCall, type CallResult, type Signer } from './api-call.ts';
import {
  clearCookie,
  createSession,
  csrfTokenOf,
  deleteSession,
  findSession,
  requireCsrf,
  requireSession,
  setCookie,
  type ConsoleIdentity,
  type ConsoleSession,
} from './sessions.ts';
import { ConsoleFiles } from './static-files.ts';
import { checkPolicyDocument } from '../ram/api/policies.ts';
import { registerExplorerRoutes } from './explorer/routes.ts';
import './errors.ts';

const ZONES = Object.fromEntries(REGIONS.map((r) => [r, zonesOf(r)]));

const RECOMMEND = 'https://github.com/openeas/openeas/blob/main/docs/console.md';

function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (contentType !== 'application/json') throw apiError('UnsupportedMediaType', { contentType: contentType || '(none)' });
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  let body: unknown;
  try {
    body = raw === '' ? {} : JSON.parse(raw);
  } catch (e) {
    throw apiError('InvalidBody.Malformed', { reason: (e as Error).message });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw apiError('InvalidBody.NotObject');
  checkInput({ params: {}, query: {}, body });
  return body as Record<string, unknown>;
}

/** A request sent by a page of another origin (the browser names it in Origin) is refused. */
function refuseForeignOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(String(origin)).host;
  } catch {
    host = undefined;
  }
  if (host === undefined || host !== String(req.headers.host ?? '').toLowerCase()) throw apiError('ConsoleSession.ForeignOrigin');
}

function sessionView(services: Services, req: FastifyRequest, session: ConsoleSession | undefined, csrf?: string) {
  const loopback = loopbackProblem(req, services.config) === undefined;
  return {
    SignedIn: session !== undefined,
    LocalRootAvailable: loopback,
    DefaultRegion: services.config.defaultRegion,
    Regions: REGIONS,
    Zones: ZONES,
    Version: services.version,
    // Business time (engine/clock.ts), which bills and expiries follow; the browser's clock may differ.
    BusinessTime: new Date(services.clock.now()).toISOString(),
    ...(session
      ? {
          Identity: session.identity,
          AccessKeyId: session.accessKeyId,
          LocalRoot: session.localRoot,
          // Development controls (/_openeas) are offered to the local root on loopback only.
          DevControls: session.localRoot && loopback,
          ExpiresAt: new Date(session.expiresAt).toISOString(),
          CsrfToken: csrf ?? session.csrfToken,
        }
      : {}),
  };
}

export function consolePlugin(services: Services, registry: OperationRegistry) {
  const files = ConsoleFiles.load();
  const errorHandler = (e: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const err = toApiError(e, services.config.bodyLimit);
    if (err.status >= 500) req.log.error({ err: e }, 'console request failed');
    reply.header('cache-control', 'no-store');
    return sendJson(reply, req.id, err.status, errorBody(err, req.id, req.headers.host ?? 'localhost', RECOMMEND));
  };
  const answer = (req: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>) =>
    sendJson(reply.header('cache-control', 'no-store'), req.id, 200, { RequestId: req.id, ...body });

  /** The call as the session's identity, from the browser's address. */
  const call = (app: FastifyInstance, req: FastifyRequest, signer: Signer, body: unknown): Promise<CallResult> =>
    performCall(app, registry, parseCallRequest(body), signer, {
      clientAddress: clientAddress(req, services.config.trustedProxies),
      host: String(req.headers.host ?? 'localhost'),
      defaultRegion: services.config.defaultRegion,
    });

  /** The session of a request that may act; a local-root session acts only from loopback. */
  const actingSession = async (req: FastifyRequest, reply: FastifyReply, mutating: boolean): Promise<ConsoleSession> => {
    const session = await requireSession(services, req, reply);
    if (mutating) requireCsrf(req, session);
    if (session.localRoot) {
      const problem = loopbackProblem(req, services.config);
      if (problem) throw apiError('ConsoleSession.NotLoopback', { reason: problem });
    }
    return session;
  };

  return (app: FastifyInstance) => {
    // The API Explorer (explorer/): its catalog reads need a session, its code and download posts the CSRF token too.
    registerExplorerRoutes(app, services, async (req, reply) => {
      await actingSession(req, reply, req.method !== 'GET');
    });

    app.route({
      method: 'GET',
      url: '/console/api/session',
      errorHandler,
      handler: async (req, reply) => answer(req, reply, sessionView(services, req, await findSession(services, req))),
    });

    app.route({
      method: 'POST',
      url: '/console/api/session',
      errorHandler,
      handler: async (req, reply) => {
        refuseForeignOrigin(req);
        const body = jsonBody(req);
        let signer: Signer & { sealed?: string };
        let localRoot = false;
        if (body.Mode === 'LocalRoot') {
          const problem = loopbackProblem(req, services.config);
          if (problem) throw apiError('ConsoleSession.NotLoopback', { reason: problem });
          const key = await services.store.db
            .selectFrom('access_keys')
            .select(['id', 'secret_enc'])
            .where('account_id', '=', services.rootAccountId)
            .where('owner_type', '=', 'root')
            .where('status', '=', 'Active')
            .orderBy('created_at')
            .executeTakeFirst();
          if (!key) throw apiError('ConsoleSession.NoRootKey');
          signer = { accessKeyId: key.id, secret: services.secrets.decrypt(key.secret_enc), sealed: key.secret_enc };
          localRoot = true;
        } else {
          if (typeof body.AccessKeyId !== 'string' || body.AccessKeyId === '') throw apiError('MissingParameter', { name: 'AccessKeyId' });
          if (typeof body.AccessKeySecret !== 'string' || body.AccessKeySecret === '') {
            throw apiError('MissingParameter', { name: 'AccessKeySecret' });
          }
          signer = { accessKeyId: body.AccessKeyId, secret: body.AccessKeySecret };
        }
        // The key is judged as any key is: a signed call through the gateway (signature, status, owner).
        const who = await call(app, req, signer, { Product: 'sts', Action: 'GetCallerIdentity', Params: {} });
        if (who.Status !== 200) {
          const failed = who.Body as Record<string, unknown>;
          reply.header('cache-control', 'no-store');
          return sendJson(reply, req.id, who.Status, { ...failed, RequestId: req.id });
        }
        const identity = who.Body as ConsoleIdentity & { RequestId?: string };
        if (identity.IdentityType === 'AssumedRoleUser')
          throw apiError('InvalidParameter', { name: 'AccessKeyId', reason: 'Sign in with a root or RAM user AccessKey.' });
        const { token, expiresAt } = await createSession(services, {
          accountId: identity.AccountId,
          accessKeyId: signer.accessKeyId,
          ...(signer.sealed ? { secretSealed: signer.sealed } : { secret: signer.secret }),
          identity: { AccountId: identity.AccountId, Arn: identity.Arn, IdentityType: identity.IdentityType, UserId: identity.UserId },
          localRoot,
        });
        // Signing in again replaces the browser's earlier sign-in rather than leaving it valid.
        const previous = await findSession(services, req);
        if (previous) await deleteSession(services, previous.tokenHash);
        setCookie(reply, req, token, expiresAt);
        const session = justCreated(token, identity, signer, localRoot, expiresAt);
        return answer(req, reply, sessionView(services, req, session, csrfTokenOf(token)));
      },
    });

    app.route({
      method: 'DELETE',
      url: '/console/api/session',
      errorHandler,
      handler: async (req, reply) => {
        const session = await requireSession(services, req, reply);
        requireCsrf(req, session);
        await deleteSession(services, session.tokenHash);
        clearCookie(reply, req);
        return answer(req, reply, { SignedIn: false });
      },
    });

    app.route({
      method: 'POST',
      url: '/console/api/call',
      errorHandler,
      handler: async (req, reply) => {
        refuseForeignOrigin(req);
        const session = await actingSession(req, reply, true);
        const body = jsonBody(req);
        const result = await call(app, req, { accessKeyId: session.accessKeyId, secret: session.secret }, body);
        return sendJson(reply.header('cache-control', 'no-store'), req.id, 200, { ...result });
      },
    });

    // Why a group's machines ended CreateFailed: the API has no field for it (docs/decisions.md), so the
    // console reads it, for a caller whose DescribeResource of the group succeeds (RAM applies).
    app.route({
      method: 'GET',
      url: '/console/api/machine-failures',
      errorHandler,
      handler: async (req, reply) => {
        const session = await actingSession(req, reply, false);
        const q = req.query as Record<string, string | undefined>;
        const resourceId = q.ResourceId ?? '';
        const seen = await call(
          app,
          req,
          { accessKeyId: session.accessKeyId, secret: session.secret },
          {
            Product: 'eas',
            Action: 'DescribeResource',
            Params: { ClusterId: q.Region ?? services.config.defaultRegion, ResourceId: resourceId },
          },
        );
        if (seen.Status !== 200)
          return sendJson(reply.header('cache-control', 'no-store'), req.id, seen.Status, seen.Body as Record<string, unknown>);
        const rows = await services.store.db
          .selectFrom('instances')
          .select(['id', 'failure_reason'])
          .where('account_id', '=', session.accountId)
          .where('resource_id', '=', resourceId)
          .where('health', '=', 'CreateFailed')
          .execute();
        return answer(req, reply, { Failures: Object.fromEntries(rows.map((r) => [r.id, r.failure_reason ?? ''])) });
      },
    });

    // The policy editor checks as the user types with the server's own validator (ram/policy/), the
    // one CreatePolicy runs: the same code and message, without creating anything.
    app.route({
      method: 'POST',
      url: '/console/api/validate-policy',
      errorHandler,
      handler: async (req, reply) => {
        refuseForeignOrigin(req);
        await actingSession(req, reply, true);
        const body = jsonBody(req);
        try {
          checkPolicyDocument(body.PolicyDocument);
          return answer(req, reply, { Valid: true });
        } catch (e) {
          if (!isApiError(e)) throw e;
          return answer(req, reply, { Valid: false, Code: e.code, Message: e.message });
        }
      },
    });

    app.get('/console', (_req, reply) => reply.redirect('/console/', 302));
    app.route({
      method: ['GET', 'HEAD'],
      url: '/console/*',
      errorHandler,
      handler: async (req, reply) => {
        const rel = (req.params as { '*': string })['*'];
        if (rel.startsWith('api/')) throw apiError('InvalidApi.NotFound');
        if (!files) {
          return reply
            .code(404)
            .header('content-type', 'text/plain; charset=utf-8')
            .send('The console was not built: run `npm run build` (it builds console/ into dist/console/web).');
        }
        return files.send(req, reply, rel);
      },
    });
  };
}

/** The session just created, as the answer shows it (no second read of the row). */
function justCreated(token: string, identity: ConsoleIdentity, signer: Signer, localRoot: boolean, expiresAt: number): ConsoleSession {
  return {
    tokenHash: '',
    accountId: identity.AccountId,
    accessKeyId: signer.accessKeyId,
    secret: '',
    identity: { AccountId: identity.AccountId, Arn: identity.Arn, IdentityType: identity.IdentityType, UserId: identity.UserId },
    localRoot,
    expiresAt,
    csrfToken: csrfTokenOf(token),
  };
}
