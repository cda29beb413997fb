// The API Explorer's routes under /console/api/explorer: the operation catalog (list and one
// operation), and SDK code for given parameters (as text, or as a runnable project .zip). They
// read no account data; the console's session check runs first (`requireSession`), so only a
// signed-in browser reaches them. Sending a call is the console's own route (/console/api/call).
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { apiError } from '../../gateway/errors.ts';
import { errorBody, sendJson, toApiError } from '../../gateway/envelope.ts';
import { checkJson } from '../../gateway/input-hygiene.ts';
import type { Services } from '../../services.ts';
import { allOperations, findOperation, summaryOf, type CatalogOperation } from './catalog.ts';
import { generateCode, parseLanguage, projectName, projectZip } from '../sdk-code/index.ts';

export const EXPLORER_RECOMMEND = 'openeas API Explorer (/console/api/explorer): see docs/explorer.md';

/** A Host header fit to be written into code as the endpoint: host or [v6], optional port. */
const ENDPOINT = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The endpoint the browser reached this server at, which is where the generated code should call. */
function endpointOf(req: FastifyRequest, services: Pick<Services, 'config'>): string {
  const host = req.headers.host;
  if (host && ENDPOINT.test(host)) return host;
  const { host: listen, port } = services.config;
  const name = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
  return `${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** The JSON object of a request body, whether the server kept it raw (a Buffer) or parsed it. */
function jsonBody(req: FastifyRequest): Record<string, unknown> {
  let parsed: unknown = req.body;
  if (Buffer.isBuffer(parsed) || typeof parsed === 'string') {
    const text = parsed.toString();
    if (text.trim() === '') throw apiError('InvalidBody.NotObject');
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw apiError('InvalidBody.Malformed', { reason: (e as Error).message });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw apiError('InvalidBody.NotObject');
  checkJson('', parsed);
  return parsed as Record<string, unknown>;
}

function operationOf(product: unknown, action: unknown): CatalogOperation {
  if (typeof product !== 'string' || product === '') throw apiError('MissingParameter', { name: 'Product' });
  if (typeof action !== 'string' || action === '') throw apiError('MissingParameter', { name: 'Action' });
  const op = findOperation(product, action);
  if (!op) throw apiError('InvalidApi.NotFound');
  return op;
}

export function registerExplorerRoutes(
  app: FastifyInstance,
  services: Pick<Services, 'config'>,
  requireSession: preHandlerAsyncHookHandler,
): void {
  const errorHandler = (e: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const err = toApiError(e, services.config.bodyLimit);
    if (err.status >= 500) req.log.error({ err: e }, 'explorer request failed');
    return sendJson(reply, req.id, err.status, errorBody(err, req.id, req.headers.host ?? 'localhost', EXPLORER_RECOMMEND));
  };
  const base = '/console/api/explorer';
  app.route({
    method: 'GET',
    url: `${base}/operations`,
    preHandler: requireSession,
    errorHandler,
    handler: async (req, reply) => sendJson(reply, req.id, 200, { RequestId: req.id, Operations: allOperations().map(summaryOf) }),
  });
  app.route({
    method: 'GET',
    url: `${base}/operations/:Product/:Action`,
    preHandler: requireSession,
    errorHandler,
    handler: async (req, reply) => {
      const { Product, Action } = req.params as { Product: string; Action: string };
      return sendJson(reply, req.id, 200, { RequestId: req.id, Operation: operationOf(Product, Action) });
    },
  });
  app.route({
    method: 'POST',
    url: `${base}/code`,
    preHandler: requireSession,
    errorHandler,
    handler: async (req, reply) => {
      const body = jsonBody(req);
      const op = operationOf(body.Product, body.Action);
      const language = parseLanguage(body.Language);
      const code = generateCode(op, body.Params, language, endpointOf(req, services));
      return sendJson(reply, req.id, 200, { RequestId: req.id, Language: language, Code: code });
    },
  });
  app.route({
    method: 'POST',
    url: `${base}/download`,
    preHandler: requireSession,
    errorHandler,
    handler: async (req, reply) => {
      const body = jsonBody(req);
      const op = operationOf(body.Product, body.Action);
      const language = parseLanguage(body.Language);
      const archive = projectZip(op, body.Params, language, endpointOf(req, services));
      return reply
        .code(200)
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${projectName(op, language)}.zip"`)
        .header('cache-control', 'no-store')
        .header('x-acs-request-id', req.id)
        .send(archive);
    },
  });
}
