// The request pipeline, in the order it runs — read this file to see what happens to a call:
//
//   1. raw body capture       exact bytes (chunked bodies de-chunked), size-limited   (body parser)
//   2. request id             upper-case UUID, on every response as x-acs-request-id  (genReqId)
//   3. routing                ROA by method + path, RPC at `/` by version + action    (routes below)
//                             bad URLs, non-HTTP bytes: the envelope as well           (framework-errors.ts)
//   4. decoding + hygiene     JSON body (ROA) / query + form (RPC); no NUL or lone     (decodeInput,
//                             surrogate in any string, JSON depth bounded               input-hygiene.ts)
//   5. authentication         signature, AccessKey, time window, nonce               (authenticate.ts)
//   6. authorization          RAM: caller × action × resource × conditions            (services.authorizer)
//   7. validation             derived from the API spec (EAS) or per operation        (operation.validate)
//   8. handler                the operation's behaviour, one transaction per mutation (operation.handle)
//   9. response               200 + JSON object with RequestId; errors as the envelope (envelope.ts)
//
// Unknown routes answer InvalidApi.NotFound before any authentication, as Alibaba's gateway does.
// Decoding and hygiene run before authentication because authentication itself takes request
// strings (AccessKeyId, SignatureNonce, SecurityToken) to the database.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiError } from './errors.ts';
import { authenticate } from './authenticate.ts';
import { errorBody, isClientAbort, sendJson, toApiError } from './envelope.ts';
import { renderClientError, renderFrameworkError } from './framework-errors.ts';
import { checkInput } from './input-hygiene.ts';
import { rpcParams, headerValues, type WireRequest } from './signature/index.ts';
import type { CallContext } from './context.ts';
import type { Operation, RawInput } from './operation.ts';
import type { OperationRegistry } from './registry.ts';
import type { Services } from '../services.ts';
import { newRequestId } from '../ids.ts';

const REGION_FROM_HOST = /^[a-z-]+\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/;

export interface GatewayOptions {
  services: Services;
  registry: OperationRegistry;
  /** Registers extra plugins (admin plane) before the catch-all handlers. */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

export async function buildGateway({ services, registry, plugins = [] }: GatewayOptions): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Never log credentials: signatures, tokens and admin secrets stay out of every log line.
      redact: ['req.headers.authorization', 'req.headers["x-acs-security-token"]', 'req.headers["x-acs-bearer-token"]', 'req.headers["x-openeas-admin-token"]'],
    },
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    // Per-request "incoming/completed" lines only at debug: at info they would dominate the log.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    bodyLimit: config.bodyLimit,
    // While shutting down, new requests get the ServiceUnavailable envelope (hook below), not Fastify's own body.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // 3. Refusals before routing (bad URLs, bytes that are not HTTP) answer in the envelope too.
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: renderClientError,
  });

  // 1. Every body is kept as the exact bytes received: signatures cover them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw apiError('ServiceUnavailable');
  });

  for (const plugin of plugins) await plugin(app);

  // 3. Routing.
  for (const route of registry.roaRoutes) {
    app.route({
      method: route.method,
      url: route.routePath,
      handler: (req, reply) => serve(req, reply, route.operation, services),
    });
  }
  const rpcHandler = (req: FastifyRequest, reply: FastifyReply) => {
    const wire = wireOf(req);
    const params = new Map(rpcParams(wire));
    // V3-signed RPC calls name the API in headers; RPC-signed ones in parameters.
    const version = headerValues(wire.rawHeaders, 'x-acs-version')[0] ?? params.get('Version');
    const action = headerValues(wire.rawHeaders, 'x-acs-action')[0] ?? params.get('Action');
    const op = registry.findRpc(version, action);
    return serve(req, reply, op, services);
  };
  app.route({ method: ['GET', 'POST'], url: '/', handler: rpcHandler });

  app.setNotFoundHandler((req, reply) => {
    const err = apiError('InvalidApi.NotFound');
    sendJson(reply, req.id, err.status, errorBody(err, req.id, hostOf(req)));
  });

  // 9. Errors: one renderer for everything thrown anywhere in the pipeline.
  app.setErrorHandler((e, req, reply) => {
    const err = toApiError(e, config.bodyLimit);
    // A client that hung up mid-upload is the client's business: no error line, nobody reads the answer.
    if (isClientAbort(e, req.raw)) req.log.info('client aborted the request');
    else if (err.status >= 500) req.log.error({ err: e }, 'request failed');
    else req.log.debug({ code: err.code }, 'request rejected');
    sendJson(reply, req.id, err.status, errorBody(err, req.id, hostOf(req)));
  });

  return app;
}

function wireOf(req: FastifyRequest): WireRequest {
  return {
    method: req.method,
    rawUrl: req.raw.url ?? req.url,
    rawHeaders: req.raw.rawHeaders,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}

function hostOf(req: FastifyRequest): string {
  return req.headers.host ?? 'localhost';
}

function sourceIpOf(req: FastifyRequest, trustedProxies: string[]): string {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  if (forwarded && trustedProxies.includes(peer)) {
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return peer;
}

/** 4. The request's parameters: path params, decoded query (and form), parsed JSON body; every string checked. */
function decodeInput(req: FastifyRequest, wire: WireRequest): RawInput {
  const query = Object.fromEntries(rpcParams(wire));
  let body: unknown;
  if (wire.body.length > 0 && !isForm(req)) {
    try {
      body = JSON.parse(wire.body.toString('utf8'));
    } catch (e) {
      throw apiError('InvalidBody.Malformed', { reason: (e as Error).message });
    }
  }
  const raw = { params: (req.params ?? {}) as Record<string, string>, query, body };
  checkInput(raw);
  return raw;
}

function isForm(req: FastifyRequest): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

async function serve(req: FastifyRequest, reply: FastifyReply, op: Operation, services: Services): Promise<FastifyReply> {
  const wire = wireOf(req);
  const raw = decodeInput(req, wire); // 4
  const caller = await authenticate(wire, services, req.log); // 5
  const host = hostOf(req);
  const ctx: CallContext = {
    requestId: req.id,
    caller,
    region: raw.params.ClusterId ?? REGION_FROM_HOST.exec(host)?.[1] ?? services.config.defaultRegion,
    sourceIp: sourceIpOf(req, services.config.trustedProxies),
    secureTransport: req.protocol === 'https',
    host,
    log: req.log,
    services,
    headers: req.headers,
    rawQuery: raw.query,
  };
  await services.authorizer.authorize(caller, await op.authorize(raw, ctx), ctx); // 6
  const input = op.validate(raw); // 7
  const delay = services.latencyFaults.delayFor(op.action); // injected latency (admin faults)
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const output = await op.handle(input, ctx); // 8
  return sendJson(reply, req.id, 200, { RequestId: req.id, ...output }); // 9
}
