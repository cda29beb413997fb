// Who is behind a non-root AccessKey (gateway/authenticate.ts calls this after the signature
// verified): a RAM user (owner_type 'user'), or an AssumeRole session (owner_type 'sts', whose
// request must carry the session's SecurityToken). Token expiry is judged on the business clock
// (services.clock), so tests can expire credentials by advancing it; signature freshness stays
// on wall time (authenticate.ts).
import crypto from 'node:crypto';
import { apiError } from '../gateway/errors.ts';
import type { AccessKeyRecord, IdentityResolver } from '../gateway/authenticate.ts';
import type { Caller } from '../gateway/context.ts';
import type { ParsedSignature } from '../gateway/signature/index.ts';
import type { Services } from '../services.ts';
import { assumedRoleArn, userArn } from './arn.ts';
import { RamAuthorizer } from './authorizer.ts';

/** SecurityTokens look like Alibaba's (`CAIS…`): the session id and a random part, base64url. */
const TOKEN_PREFIX = 'CAIS';

export function newSecurityToken(sessionId: string): string {
  return TOKEN_PREFIX + Buffer.from(`${sessionId}.${crypto.randomBytes(32).toString('base64url')}`, 'utf8').toString('base64url');
}

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The session id a token names, or undefined when it is not one of ours. */
function sessionIdOf(token: string): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const body = token.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const text = Buffer.from(body, 'base64url').toString('utf8');
  const dot = text.indexOf('.');
  return dot > 0 ? text.slice(0, dot) : undefined;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function identityResolver(services: Services): IdentityResolver {
  return async (key: AccessKeyRecord, sig: ParsedSignature): Promise<Caller> => {
    const db = services.store.db;
    if (key.ownerType === 'user') {
      const cache = services.authorizer instanceof RamAuthorizer ? services.authorizer.cache : undefined;
      const known = cache?.cachedUser(key.accountId, key.ownerId ?? '');
      const user =
        known !== undefined
          ? known
          : cache
            ? await cache.user(db, key.accountId, key.ownerId ?? '')
            : await db
                .selectFrom('ram_users')
                .select(['id', 'name'])
                .where('id', '=', key.ownerId ?? '')
                .where('account_id', '=', key.accountId)
                .executeTakeFirst();
      if (!user) throw apiError('InvalidAccessKeyId.NotFound');
      return {
        accountId: key.accountId,
        accessKeyId: key.id,
        principalType: 'user',
        principalId: user.id,
        displayName: user.name,
        arn: userArn(key.accountId, user.name),
      };
    }
    if (key.ownerType === 'sts') {
      const token = sig.securityToken;
      if (!token) throw apiError('MissingSecurityToken');
      const sessionId = sessionIdOf(token);
      if (!sessionId) throw apiError('InvalidSecurityToken.Malformed');
      const session = await db.selectFrom('sts_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
      if (!session || !sameHash(session.token_hash, tokenHash(token))) throw apiError('InvalidSecurityToken.Malformed');
      if (session.access_key_id !== key.id) throw apiError('InvalidSecurityToken.MismatchWithAccessKey');
      if (session.expires_at <= services.clock.now()) throw apiError('InvalidSecurityToken.Expired');
      const caller: Caller = {
        accountId: session.account_id,
        accessKeyId: key.id,
        principalType: 'assumed-role',
        principalId: `${session.role_id}:${session.session_name}`,
        displayName: `${session.role_name}:${session.session_name}`,
        arn: assumedRoleArn(session.account_id, session.role_name, session.session_name),
      };
      if (session.session_policy !== null) caller.sessionPolicy = session.session_policy;
      return caller;
    }
    throw apiError('InvalidAccessKeyId.NotFound');
  };
}
