// The request pipeline, in the order it runs — read this file to see what happens to a call:
//
//   0. load shedding          API calls refused while the event loop lags (503)       (admission.ts)
//   1. raw body capture       exact bytes (chunked bodies de-chunked), size-limited   (body parser)
//   1a. big bodies            a body over 16 KiB is read only once it has an admission slot (5b)
//   2. request id             upper-case UUID, on every response as x-acs-request-id  (genReqId)
//   3. routing                ROA by method + path, RPC at `/` by version + action    (routes below)
//                             a browser at `/` goes to the console (console/), or gets a page about the server (home-page.ts)
//                             bad URLs, non-HTTP bytes: the envelope as well           (framework-errors.ts)
//   4. decoding + hygiene     JSON body (ROA) / query + form (RPC); no NUL or lone     (decodeInput,
//                             surrogate in any string, JSON depth bounded               input-hygiene.ts)
//   5. authentication         signature, AccessKey, time window, nonce               (authenticate.ts)
//   5b. admission             expensive calls wait for one of a few slots, or 429     (admission.ts)
//   6. authorization          RAM: caller × action × resource × conditions            (services.authorizer)
//   7. validation             derived from the API spec (EAS) or per operation        (operation.validate)
//   8. handler                the operation's behaviour, one transaction per mutation (operation.handle)
//   9. response               200 + JSON object with RequestId; errors as the envelope (envelope.ts)
//  10. audit                  every authenticated call, answered or failed, to the audit trail (services.audit)
//
// Unknown routes answer InvalidApi.NotFound before any authentication, as Alibaba's gateway does.
// A caller that closes its connection early aborts the request's signal: queued admission gives
// up and running PostgreSQL reads are cancelled (store/cancellation.ts). Idle connections are
// closed (connections.ts).
// Decoding and hygiene run before authentication because authentication itself takes request
// strings (AccessKeyId, SignatureNonce, SecurityToken) to the database.
import { Transform } from 'node:stream';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { apiError, isApiError } from './errors.ts';
import { authenticate, settleNonce, type PendingNonce } from './authenticate.ts';
import { errorBody, isClientAbort, sendAnswer, sendJson, toApiError, troubleshootUrl } from './envelope.ts';
import { clientAddress } from './client-address.ts';
import { LOG_REDACTION } from './log-redaction.ts';
import { renderClientError, renderFrameworkError } from './framework-errors.ts';
import { checkInput } from './input-hygiene.ts';
import { isBrowserVisit, sendHomePage } from './home-page.ts';
import { rpcParams, headerValues, type WireRequest } from './signature/index.ts';
import type { CallContext, FinishedCall } from './context.ts';
import type { Operation, RawInput } from './operation.ts';
import type { OperationRegistry } from './registry.ts';
import type { Services } from '../services.ts';
import { newRequestId } from '../ids.ts';
import { admissionFor, announcesBigBody, CallerGone, CHEAP_BODY_BYTES, isExpensive, type Admission } from './admission.ts';
import { closeIdleConnections, connectionOptions } from './connections.ts';
import { StatementCancelled, type CancelSignal } from '../store/cancellation.ts';
import { accessLog, noteCaller, noteOperation } from '../observability/access-log.ts';
import { prettyStream } from '../observability/log-format.ts';
import { metricsOf } from '../observability/metrics.ts';

const REGION_FROM_HOST = /^[a-z-]+\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/;

export interface GatewayOptions {
  services: Services;
  registry: OperationRegistry;
  /** Registers extra plugins (admin plane) before the catch-all handlers. */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
  /** Where log lines go (default stdout); tests read them. */
  logStream?: DestinationStream;
  /** Where a browser at `/` is sent (the console); without it, it gets home-page.ts's page. */
  browserHome?: string;
}

// The product whose operation (or RPC version) a request reached, named in the error's Recommend.
const answeredBy = new WeakMap<FastifyRequest, string>();

export async function buildGateway({ services, registry, plugins = [], logStream, browserHome }: GatewayOptions): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Never log credentials: signatures, tokens and admin secrets stay out of every log line.
      ...LOG_REDACTION,
      ...(config.logFormat === 'pretty'
        ? { stream: prettyStream(logStream, !logStream && process.stdout.isTTY) }
        : logStream
          ? { stream: logStream }
          : {}),
    },
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    // Fastify's own "incoming request"/"request completed" lines are off: the access log writes one line per call.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    // While shutting down, new requests get the ServiceUnavailable envelope (hook below), not Fastify's own body.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ...connectionOptions(config),
    // 3. Refusals before routing (bad URLs, bytes that are not HTTP) answer in the envelope too.
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: renderClientError,
  });
  closeIdleConnections(app, config);
  // The access log and the call metrics (observability/).
  const metrics = metricsOf(services);
  accessLog(app, (call) => metrics.record(call));
  app.addHook('onClose', async () => metrics.close());
  const { admission, eventLoop } = admissionFor(app, config.admission, config.maxEventLoopDelayMs);

  // 1. Every body is kept as the exact bytes received: signatures cover them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // 1a. A big body waits for its admission slot before it is read (5b for everything else): until
  // then its bytes stay in the socket, so a flood of big bodies is not read, hashed and parsed all
  // at once. A body that announces its length is admitted before its first byte is read; a chunked
  // one (the official SDKs send chunked bodies) when its bytes pass the threshold. Admitted, the
  // body must arrive within BODY_READ_MS, or the connection is closed: a slot is never held by a
  // sender that trickles.
  const admitBody = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let release: () => void;
    try {
      release = await admission.enter(new CallerGoneSignal(reply));
    } catch (e) {
      reply.header('connection', 'close'); // the body was not read to its end
      throw e;
    }
    reply.raw.once('close', release);
    const deadline = setTimeout(() => req.raw.destroy(), BODY_READ_MS);
    reply.raw.once('close', () => clearTimeout(deadline));
    admittedEarly.set(req, deadline);
  };
  // Hooks take Fastify's callback form: an async hook costs every request a promise and the
  // microtask turns to settle it, and these run for every request.
  app.addHook('onRequest', (req, reply, done) => {
    if (closing) return done(apiError('ServiceUnavailable'));
    const admin = req.url.startsWith('/_openeas');
    // 0. Health and admin stay answerable; API calls wait for the loop to catch up.
    if (eventLoop.underPressure && !admin) return done(apiError('ServiceUnavailable'));
    if (!admin && announcesBigBody(req.headers)) return void admitBody(req, reply).then(() => done(), done);
    done();
  });
  app.addHook('preParsing', (req, reply, payload, done) => {
    if (req.url.startsWith('/_openeas') || req.headers['transfer-encoding'] === undefined || admittedEarly.has(req))
      return done(null, payload);
    let seen = 0;
    let asked = false;
    const gate = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        seen += chunk.length;
        (gate as Transform & { receivedEncodedLength: number }).receivedEncodedLength = seen;
        if (asked || seen <= CHEAP_BODY_BYTES) return next(null, chunk);
        asked = true;
        admitBody(req, reply).then(() => next(null, chunk), next);
      },
    });
    payload.on('error', (e) => gate.destroy(e));
    done(null, payload.pipe(gate));
  });

  for (const plugin of plugins) await plugin(app);

  // 3. Routing.
  for (const route of registry.roaRoutes) {
    app.route({
      method: route.method,
      url: route.routePath,
      handler: (req, reply) => serve(req, reply, route.operation, services, admission),
    });
  }
  const rpcHandler = (req: FastifyRequest, reply: FastifyReply) => {
    const wire = wireOf(req);
    const params = new Map(rpcParams(wire));
    if (isBrowserVisit(req.method, req.headers, params)) {
      if (browserHome) return reply.code(302).header('location', browserHome).header('x-acs-request-id', req.id).send();
      return sendHomePage(reply, { version: services.version, protocol: req.protocol, host: hostOf(req) }, req.id);
    }
    // V3-signed RPC calls name the API in headers; RPC-signed ones in parameters.
    const version = headerValues(wire.rawHeaders, 'x-acs-version')[0] ?? params.get('Version');
    const action = headerValues(wire.rawHeaders, 'x-acs-action')[0] ?? params.get('Action');
    const product = registry.productOf(version);
    if (product) answeredBy.set(req, product);
    const op = registry.findRpc(version, action);
    return serve(req, reply, op, services, admission);
  };
  app.route({ method: ['GET', 'POST'], url: '/', handler: rpcHandler });

  app.setNotFoundHandler((req, reply) => {
    const err = apiError('InvalidApi.NotFound');
    sendJson(reply, req.id, err.status, errorBody(err, req.id, hostOf(req), troubleshootUrl(err.code, req.id)));
  });

  // 9. Errors: one renderer for everything thrown anywhere in the pipeline.
  app.setErrorHandler((e, req, reply) => {
    const err = toApiError(e, config.bodyLimit);
    if (isClientAbort(e, req.raw)) req.log.info('client aborted the request');
    else if (e instanceof CallerGone || (e instanceof StatementCancelled && e.reason === 'caller-gone')) req.log.debug('caller went away');
    else if (e instanceof StatementCancelled)
      req.log.warn({ statementTimeoutMs: config.pgStatementTimeoutMs }, 'statement stopped by the statement timeout');
    else if (err.status >= 500 && !isApiError(e)) req.log.error({ err: e }, 'request failed');
    else if (err.status >= 500)
      req.log.warn({ code: err.code }, 'request refused'); // shed, shutting down
    else req.log.debug({ code: err.code }, 'request rejected');
    // Throttled or shed: tell clients when to come back (openapi-core reads x-acs-retry-after, ms).
    if (err.status === 429 || err.status === 503) reply.header('retry-after', '1').header('x-acs-retry-after', '1000');
    // An oversized body is not read to its end: the connection closes after the answer.
    if (err.status === 413) reply.header('connection', 'close');
    sendJson(reply, req.id, err.status, errorBody(err, req.id, hostOf(req), troubleshootUrl(err.code, req.id, answeredBy.get(req))));
  });

  return app;
}

/** Requests that took their admission slot before their body was read (1a), with the body's deadline. */
const admittedEarly = new WeakMap<FastifyRequest, NodeJS.Timeout>();
/** How long an admitted big body may take to arrive. */
const BODY_READ_MS = 10_000;

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

/**
 * Fires when the caller closes the connection before its answer was sent. A plain object rather
 * than an AbortController, which costs 2.5–4 µs a call to make; listeners are added only while a
 * request waits (admission, a PostgreSQL connection or read), and run once.
 */
class CallerGoneSignal implements CancelSignal {
  aborted = false;
  #listeners: Array<() => void> | undefined;

  constructor(reply: FastifyReply) {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) this.#abort();
    });
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.#listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.#listeners!.splice(i, 1);
  }

  #abort(): void {
    this.aborted = true;
    const listeners = this.#listeners ?? [];
    this.#listeners = undefined;
    for (const listener of listeners) listener();
  }
}

function serve(req: FastifyRequest, reply: FastifyReply, op: Operation, services: Services, admission: Admission): Promise<FastifyReply> {
  const signal = new CallerGoneSignal(reply);
  // Every call that reached an operation ends here, answered or failed: the audit trail records it.
  // Every field it will get is named now: an object that gains fields one by one changes shape
  // (hidden class) at each, which V8 pays for on every call.
  const call: FinishedCall = {
    request: req,
    operation: op,
    raw: undefined,
    caller: undefined,
    ctx: undefined,
    authorization: undefined,
    output: undefined,
    error: undefined,
  };
  // On PostgreSQL the call's reads go through a store of its own, cancelled when its caller leaves.
  const store = services.store.forCall(signal);
  const callServices = store === services.store ? services : { ...services, store };
  return serveCall(req, reply, op, callServices, admission, signal, call).then(
    (sent) => {
      services.audit.callFinished(call);
      return sent;
    },
    (e: unknown) => {
      services.audit.callFinished({ ...call, error: toApiError(e, services.config.bodyLimit) });
      throw e;
    },
  );
}

async function serveCall(
  req: FastifyRequest,
  reply: FastifyReply,
  op: Operation,
  services: Services,
  admission: Admission,
  signal: CancelSignal,
  call: FinishedCall,
): Promise<FastifyReply> {
  // Calls whose requests were read in one turn of the event loop start together in the next: each
  // stage's code then runs for all of them in a row, still warm in the CPU's caches. A test build
  // that skipped the nonce's group commit (the one await that batched describes) made a describe
  // 25 % dearer; this yield cut server CPU per describe 5-8 % and per create 2-5 % in both orders
  // (bench/cpu-ab.ts in turns, main thread; docs/ARCHITECTURE.md).
  await new Promise<void>((resolve) => setImmediate(resolve));
  answeredBy.set(req, op.product);
  noteOperation(req, op);
  const early = admittedEarly.get(req);
  clearTimeout(early); // the body has arrived
  const wire = wireOf(req);
  const raw = decodeInput(req, wire); // 4
  call.raw = raw;
  const { caller, nonce } = await authenticate(wire, services, req.log, leavesNonceToMutation(op, wire)); // 5
  noteCaller(req, caller);
  call.caller = caller;
  try {
    if (early === undefined && isExpensive(raw, wire.body.length)) {
      const release = await admission.enter(signal); // 5b
      // The slot is held until the answer has left (or the connection is gone): a big page costs as
      // much to write as to build, and releasing it at send() would let answers pile up unbounded.
      reply.raw.once('close', release);
    }
    return await handleCall(req, reply, op, services, caller, raw, call, nonce);
  } catch (e) {
    // A pending nonce is used up before any answer: a replay answers SignatureNonceUsed whatever
    // else went wrong, and (wherever it was refused: here, in a mutation's transaction, in RAM's
    // soft mode) is not an audited call, like a replay refused in authenticate. A nonce that
    // cannot be stored fails the call, as it does in authenticate.
    const error = nonce
      ? await settleNonce(services, nonce).then(
          () => e,
          (settling: unknown) => settling,
        )
      : e;
    if (isApiError(error) && error.code === 'SignatureNonceUsed') call.caller = undefined;
    throw error;
  }
}

/**
 * EAS writes leave their nonce to their mutation's transaction (PendingNonce): every EAS handler
 * writes through `mutate` and nothing else, so nothing of a replay is written before its nonce is
 * refused. Reads, and the other products' calls, use it up in authenticate as before.
 */
function leavesNonceToMutation(op: Operation, wire: WireRequest): boolean {
  return op.product === 'eas' && wire.method !== 'GET';
}

async function handleCall(
  req: FastifyRequest,
  reply: FastifyReply,
  op: Operation,
  services: Services,
  caller: CallContext['caller'],
  raw: RawInput,
  call: FinishedCall,
  nonce: PendingNonce | undefined,
): Promise<FastifyReply> {
  const host = hostOf(req);
  const ctx: CallContext = {
    requestId: req.id,
    caller,
    region: raw.params.ClusterId ?? REGION_FROM_HOST.exec(host)?.[1] ?? services.config.defaultRegion,
    sourceIp: clientAddress(req, services.config.trustedProxies),
    secureTransport: req.protocol === 'https',
    host,
    log: req.log,
    services,
    headers: req.headers,
    rawQuery: raw.query,
    nonce,
  };
  call.ctx = ctx;
  call.authorization = await op.authorize(raw, ctx);
  await services.authorizer.authorize(caller, call.authorization, ctx); // 6
  const input = op.validate(raw); // 7
  await services.latencyFaults.delay(op.action, services.store.db); // injected latency (admin faults)
  const output = await op.handle(input, ctx); // 8
  if (nonce) await settleNonce(services, nonce); // used up by the mutation unless it made none
  call.output = output;
  return sendAnswer(reply, req.id, output); // 9
}
