// Connection hygiene: a connection that sends nothing is closed.
//
//   - idle: no request in flight and no bytes either way for `idleTimeoutMs` (a fresh connection
//     that never sends a request, or a keep-alive connection between requests) → closed. A request
//     in flight is never cut off here: statement timeouts and admission bound its time instead.
//   - slow: a request's headers and body must have arrived within `requestTimeoutMs` (Node's
//     headersTimeout/requestTimeout, checked every second), so a caller dripping bytes cannot hold
//     a connection either.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

const inFlight = Symbol('openeas.requestsInFlight');
type CountedSocket = Socket & { [inFlight]?: number };

/** Fastify/Node server options for these limits. */
export function connectionOptions(config: Config) {
  return {
    keepAliveTimeout: config.idleTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: Math.min(config.requestTimeoutMs, Math.max(config.idleTimeoutMs, 1000)), connectionsCheckingInterval: 1000 },
  };
}

export function closeIdleConnections(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', (req, reply, done) => {
    const socket = req.raw.socket as CountedSocket;
    socket[inFlight] = (socket[inFlight] ?? 0) + 1;
    // The response's 'close': sent, or the connection is gone (the request's fires once its body is read).
    reply.raw.once('close', () => {
      socket[inFlight] = (socket[inFlight] ?? 1) - 1;
    });
    done();
  });
  // With a listener, Node leaves the decision to us instead of destroying every timed-out socket.
  app.server.setTimeout(config.idleTimeoutMs, (socket: CountedSocket) => {
    if (!socket[inFlight]) socket.destroy();
  });
}
