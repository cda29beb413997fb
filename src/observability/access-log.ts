// The access log: one line per API call (EAS, RAM, STS, BSS) at info, written when the answer has
// left — time, RequestId, who (account and principal), what (product and action), the HTTP status,
// the error code of a failure and the latency. Admin-plane calls (/_openeas) log the same line at
// debug, and so do the web console's own requests (its pages, /console/api; the API calls it makes
// for a session are API calls with lines of their own). The pipeline tells this module what it learnt on the way (noteOperation, noteCaller); the
// error code is read from the envelope itself, so every path that answers with one is covered.
// No credential is on the line: ids and names, and at debug the URL as log-redaction.ts scrubs it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../gateway/context.ts';
import type { Operation } from '../gateway/operation.ts';
import { redactUrl } from '../gateway/log-redaction.ts';

export interface CallRecord {
  product?: string;
  action?: string;
  caller?: Caller;
  code?: string;
}

const records = new WeakMap<FastifyRequest, CallRecord>();

function recordOf(req: FastifyRequest): CallRecord {
  let r = records.get(req);
  if (!r) records.set(req, (r = {}));
  return r;
}

/** The operation a call reached (routing found it). */
export function noteOperation(req: FastifyRequest, op: Pick<Operation, 'product' | 'action'>): void {
  const r = recordOf(req);
  r.product = op.product;
  r.action = op.action;
}

/** Who made the call (authentication succeeded). */
export function noteCaller(req: FastifyRequest, caller: Caller): void {
  recordOf(req).caller = caller;
}

/** What the log line and the metrics know of a finished call. */
export interface FinishedCall {
  requestId: string;
  admin: boolean;
  /** A request of the web console's own (its pages and /console/api): the API calls it makes are lines of their own. */
  console?: boolean;
  product: string;
  action: string;
  status: number;
  code?: string;
  latencyMs: number;
  accountId?: string;
  principalType?: string;
  principal?: string;
}

/** A principal as an operator names it: root, the RAM user's name, `Role:Session` of an assumed role. */
function principalName(c: Caller): string {
  return c.principalType === 'root' ? 'root' : c.displayName;
}

/** Whether the request's logger writes lines of `level` (pino loggers answer isLevelEnabled). */
function writes(req: FastifyRequest, level: 'debug' | 'info'): boolean {
  return (req.log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled(level);
}

const CODE_IN_ENVELOPE = /"Code":"([^"\\]{1,200})"/;

/**
 * Registers the hooks that write the line and hand each finished call to `onCall` (metrics).
 * Fastify's own per-request lines are off (pipeline.ts): this is the one line per call.
 */
export function accessLog(app: FastifyInstance, onCall: (call: FinishedCall) => void): void {
  // The envelope's Code, from the body being sent (errors are small; successes are not parsed).
  // Callback hooks, not async ones: they run for every request, and an async hook costs a promise.
  app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    if (reply.statusCode >= 400 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const m = CODE_IN_ENVELOPE.exec(typeof payload === 'string' ? payload.slice(0, 4096) : payload.subarray(0, 4096).toString('utf8'));
      if (m) recordOf(req).code = m[1];
    }
    done(null, payload);
  });
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const r = records.get(req) ?? {};
    const admin = req.url.startsWith('/_openeas');
    const consoleRequest = !admin && (req.url === '/console' || req.url.startsWith('/console/'));
    const call: FinishedCall = {
      requestId: req.id,
      admin,
      ...(consoleRequest ? { console: true } : {}),
      product: admin ? 'openeas' : consoleRequest ? 'console' : (r.product ?? '-'),
      action: r.action ?? (admin || consoleRequest ? `${req.method} ${req.routeOptions.url ?? '-'}` : '-'),
      status: reply.statusCode,
      code: r.code,
      latencyMs: Math.round(reply.elapsedTime * 10) / 10,
      accountId: r.caller?.accountId,
      principalType: r.caller?.principalType,
      principal: r.caller ? principalName(r.caller) : undefined,
    };
    onCall(call);
    // The line is built only for a logger that writes it (benches and quiet servers run at warn).
    const level = admin || consoleRequest ? 'debug' : 'info';
    if (!writes(req, level)) return done();
    const line = {
      access: true,
      product: call.product,
      action: call.action,
      status: call.status,
      ...(call.code ? { code: call.code } : {}),
      latencyMs: call.latencyMs,
      ...(r.caller ? { accountId: call.accountId, principalType: call.principalType, principal: call.principal } : {}),
      // At debug the request itself, credentials removed (an RPC URL carries Signature and SecurityToken).
      ...(writes(req, 'debug') ? { method: req.method, url: redactUrl(req.url) } : {}),
    };
    if (admin) req.log.debug(line, 'admin call');
    else if (consoleRequest) req.log.debug(line, 'console request');
    else req.log.info(line, 'API call');
    done();
  });
}
