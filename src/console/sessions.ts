// Console sign-ins. The browser holds a random token in an HttpOnly, SameSite=Strict cookie; the
// database holds only its SHA-256 (a leaked table signs nobody in), the identity, and the AccessKey
// secret sealed by the secret box like access_keys.secret_enc. Rows live in the database, so every
// server process on it knows every sign-in. Expiry is on wall time (OPENEAS_CONSOLE_SESSION_MINUTES):
// advancing the business clock a month must not sign the browser out.
// The CSRF token is derived from the session token (HMAC), so it needs no column and changes with it.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { apiError } from '../gateway/errors.ts';
import './errors.ts';

export const COOKIE_NAME = 'openeas_console';
export const CSRF_HEADER = 'x-openeas-csrf';

/** Who a session acts as, as STS GetCallerIdentity answered at sign-in. */
export interface ConsoleIdentity {
  AccountId: string;
  Arn: string;
  IdentityType: string;
  UserId?: string;
  PrincipalId?: string;
}

export interface ConsoleSession {
  tokenHash: string;
  accountId: string;
  accessKeyId: string;
  secret: string;
  identity: ConsoleIdentity;
  localRoot: boolean;
  expiresAt: number;
  csrfToken: string;
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

function csrfOf(token: string): string {
  return crypto.createHmac('sha256', token).update('openeas-console-csrf').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export interface NewSession {
  accountId: string;
  accessKeyId: string;
  /** The plain secret (sealed before it is stored) … */
  secret?: string;
  /** … or an already sealed one (the root key's own access_keys.secret_enc). */
  secretSealed?: string;
  identity: ConsoleIdentity;
  localRoot: boolean;
}

/** Stores a new sign-in and returns the token for the cookie. */
export async function createSession(services: Services, s: NewSession): Promise<{ token: string; expiresAt: number }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + services.config.consoleSessionMinutes * 60_000;
  const sealed = s.secretSealed ?? services.secrets.encrypt(s.secret ?? '');
  await services.store.write((db) =>
    db
      .insertInto('console_sessions')
      .values({
        id: hashToken(token),
        account_id: s.accountId,
        access_key_id: s.accessKeyId,
        secret_enc: sealed,
        identity: JSON.stringify(s.identity),
        local_root: s.localRoot ? 1 : 0,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute(),
  );
  // Expired rows of anyone are dropped on the way (sign-ins are rare; no timer needed).
  await services.store.write((db) => db.deleteFrom('console_sessions').where('expires_at', '<=', now).execute());
  return { token, expiresAt };
}

export function cookieToken(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE_NAME) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The request's session, or undefined (no cookie, unknown, expired). */
export async function findSession(services: Services, req: FastifyRequest): Promise<ConsoleSession | undefined> {
  const token = cookieToken(req);
  if (!token || token.length > 100) return undefined;
  const row = await services.store.db.selectFrom('console_sessions').selectAll().where('id', '=', hashToken(token)).executeTakeFirst();
  if (!row || Number(row.expires_at) <= Date.now()) return undefined;
  return {
    tokenHash: row.id,
    accountId: row.account_id,
    accessKeyId: row.access_key_id,
    secret: services.secrets.decrypt(row.secret_enc),
    identity: JSON.parse(row.identity) as ConsoleIdentity,
    localRoot: row.local_root === 1,
    expiresAt: Number(row.expires_at),
    csrfToken: csrfOf(token),
  };
}

/** The session, or ConsoleSession.Required (401); an expired cookie is cleared on the way. */
export async function requireSession(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession> {
  const session = await findSession(services, req);
  if (!session) {
    if (cookieToken(req)) clearCookie(reply, req);
    throw apiError('ConsoleSession.Required');
  }
  return session;
}

/** Every mutating console request carries the session's CSRF token in x-openeas-csrf. */
export function requireCsrf(req: FastifyRequest, session: ConsoleSession): void {
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) throw apiError('ConsoleSession.CsrfMismatch');
}

export async function deleteSession(services: Services, tokenHash: string): Promise<void> {
  await services.store.write((db) => db.deleteFrom('console_sessions').where('id', '=', tokenHash).execute());
}

function cookieAttributes(req: FastifyRequest): string {
  return `Path=/console; HttpOnly; SameSite=Strict${req.protocol === 'https' ? '; Secure' : ''}`;
}

export function setCookie(reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: number): void {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  reply.header('set-cookie', `${COOKIE_NAME}=${token}; Max-Age=${maxAge}; ${cookieAttributes(req)}`);
}

export function clearCookie(reply: FastifyReply, req: FastifyRequest): void {
  reply.header('set-cookie', `${COOKIE_NAME}=; Max-Age=0; ${cookieAttributes(req)}`);
}

/** The CSRF token of a fresh token (sign-in answers it with the cookie). */
export function csrfTokenOf(token: string): string {
  return csrfOf(token);
}
