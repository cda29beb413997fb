// /_openeas/reset and /_openeas/state: the server back to its first start without a restart, and
// its whole state as one JSON document (docs/state.md). Behind the admin guard like the rest of
// the admin plane; registered as a plugin of its own because the export's body is the document
// itself (its bytes are the state: no RequestId in it) and the import takes a larger body.
//   POST /_openeas/reset   {} (everything) or {"AccountId": "…"} (one account's data)
//   GET  /_openeas/state   → the state document
//   POST /_openeas/state   a state document → it replaces everything
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { forgetAllocatable } from '../eas/handlers/resources.ts';
import { apiError, registerErrors } from '../gateway/errors.ts';
import { ADMIN_RECOMMEND, errorBody, JSON_CONTENT_TYPE, sendJson, toApiError } from '../gateway/envelope.ts';
import { checkTextMap } from '../gateway/input-hygiene.ts';
import { assertAdmin } from './guard.ts';
import { adminBody, bodyText } from './routes.ts';
import { OFFSET_KEY } from '../engine/clock.ts';
import { InstanceViews } from '../eas/instance-views.ts';
import { ROOT_ACCOUNT_KEY } from '../ram/accounts.ts';
import { RamAuthorizer } from '../ram/authorizer.ts';
import { CANARY_KEY, opensCanary } from '../ram/secret-box.ts';
import {
  checkStateDocument,
  exportState,
  replaceState,
  resetAccount,
  resetState,
  StateDocumentError,
  type StateDocument,
} from '../store/state.ts';
import type { Services } from '../services.ts';

export const STATE_ERRORS = registerErrors({
  'InvalidState.Document': { status: 400, message: 'The state document cannot be imported: {reason}.' },
  'InvalidState.Schema': { status: 400, message: 'The state document belongs to another schema: {reason}.' },
  'InvalidState.MasterKey': {
    status: 400,
    message:
      "The state document's secrets are sealed under another master key. Start this server with the master key of the " +
      'server that exported it (OPENEAS_MASTER_KEY, its master.key file, or startOpenEas({ masterKey })).',
  },
});

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    adminState: keyof typeof STATE_ERRORS;
  }
}

/**
 * Largest state document POST /_openeas/state reads, in bytes. Parsing holds the document in
 * memory a few times over; larger states move as database files or PostgreSQL dumps instead.
 */
export const STATE_BODY_LIMIT = 64 * 1024 * 1024;

/** In-memory views of the state this process keeps, dropped when the state is replaced under them. */
async function forgetCachedState(s: Services): Promise<void> {
  s.instanceViews = new InstanceViews();
  forgetAllocatable();
  if (s.authorizer instanceof RamAuthorizer) s.authorizer = new RamAuthorizer(s);
  await s.clock.refresh();
  await s.latencyFaults.refresh();
}

async function reset(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  await s.audit.flush(); // audit events of earlier calls are written before the reset, not after it
  const accountId = bodyText(adminBody(req), 'AccountId');
  if (accountId === undefined) {
    // The database names the root account (another process may have imported another one).
    s.rootAccountId = await s.store.transaction((tx) => resetState(tx, ROOT_ACCOUNT_KEY, [OFFSET_KEY]));
  } else {
    await s.store.transaction(async (tx) => {
      if (!(await tx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) {
        throw apiError('InvalidParameter', { name: 'AccountId', reason: `No account ${accountId}.` });
      }
      await resetAccount(tx, accountId);
    });
  }
  await forgetCachedState(s);
  return accountId === undefined ? { Reset: 'All' } : { Reset: 'Account', AccountId: accountId };
}

/** The value of `column` in each row of `table`. */
function columnOf(doc: StateDocument, table: string, column: string): unknown[] {
  const t = doc.Tables[table]!;
  const i = t.Columns.indexOf(column);
  return t.Rows.map((r) => r[i]);
}

/** The document's root account, after checking that its secrets open with this server's master key. */
function checkSealedSecrets(doc: StateDocument, s: Services): string {
  const keys = columnOf(doc, 'settings', 'key');
  const values = columnOf(doc, 'settings', 'value');
  const settings = new Map(keys.map((k, i) => [k, values[i]]));
  const canary = settings.get(CANARY_KEY);
  if (typeof canary !== 'string') throw apiError('InvalidState.Document', { reason: `settings must hold ${CANARY_KEY}` });
  const opens = (sealed: unknown) => {
    try {
      s.secrets.decrypt(sealed as string);
      return true;
    } catch {
      return false;
    }
  };
  if (!opensCanary(s.secrets, canary) || !columnOf(doc, 'access_keys', 'secret_enc').every(opens)) {
    throw apiError('InvalidState.MasterKey');
  }
  const root = settings.get(ROOT_ACCOUNT_KEY);
  if (typeof root !== 'string' || !columnOf(doc, 'accounts', 'id').includes(root)) {
    throw apiError('InvalidState.Document', { reason: `settings must name the root account (${ROOT_ACCOUNT_KEY}) among the accounts` });
  }
  return root;
}

function asApiError(e: unknown): unknown {
  if (!(e instanceof StateDocumentError)) return e;
  return apiError(e.kind === 'schema' ? 'InvalidState.Schema' : 'InvalidState.Document', { reason: e.message });
}

async function importState(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const body = adminBody(req);
  await s.audit.flush(); // earlier calls' events land before the state is replaced, not in the imported one
  try {
    const doc = await checkStateDocument(s.store.db, body);
    const root = checkSealedSecrets(doc, s);
    await s.store.transaction((tx) => replaceState(tx, doc));
    s.rootAccountId = root;
    await forgetCachedState(s);
    const tables = Object.values(doc.Tables);
    return { Tables: tables.length, Rows: tables.reduce((n, t) => n + t.Rows.length, 0), RootAccountId: root };
  } catch (e) {
    throw asApiError(e);
  }
}

/** Registers the three routes; `/_openeas/*` answers the rest (admin/routes.ts). */
export function stateAdminPlugin(services: Services) {
  const errorHandler = (limit: number) => (e: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const err = toApiError(e, limit);
    if (err.status >= 500) req.log.error({ err: e }, 'admin request failed');
    if (err.status === 413) reply.header('connection', 'close'); // the rest of the body is not read
    return sendJson(reply, req.id, err.status, errorBody(err, req.id, req.headers.host ?? 'localhost', ADMIN_RECOMMEND));
  };
  const options = (limit: number) => ({
    errorHandler: errorHandler(limit),
    bodyLimit: limit,
    // The guard needs only the headers: a caller it refuses never gets to send a large body.
    onRequest: async (req: FastifyRequest) => {
      assertAdmin(req, services.config);
      checkTextMap(req.query as Record<string, unknown>);
    },
  });
  const answer =
    (handler: (req: FastifyRequest, s: Services) => Promise<Record<string, unknown>>) => async (req: FastifyRequest, reply: FastifyReply) =>
      sendJson(reply, req.id, 200, { RequestId: req.id, ...(await handler(req, services)) });
  return (app: FastifyInstance) => {
    app.post('/_openeas/reset', options(services.config.bodyLimit), answer(reset));
    app.get('/_openeas/state', options(services.config.bodyLimit), async (req, reply) => {
      await services.audit.flush(); // the audit events of every call answered so far
      const text = JSON.stringify(await exportState(services.store));
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).header('x-acs-request-id', req.id).send(text);
    });
    app.post('/_openeas/state', options(STATE_BODY_LIMIT), answer(importState));
  };
}
