// Who sent this request? Verifies the signature (V3, ROA V2 or RPC), the request time, the
// AccessKey's state and the nonce, in the order Alibaba's gateway does (protocol notes §2.3):
// the nonce is consumed only by a request whose signature verified, so a forged request can
// never burn a legitimate client's nonce. A mutation's nonce is used up in the mutation's own
// transaction (PendingNonce): one commit for both instead of two.
import { apiError } from './errors.ts';
import { redactValues } from './log-redaction.ts';
import { parseRequestTime, parseSignedRequest, type ParsedSignature, type WireRequest } from './signature/index.ts';
import type { Caller } from './context.ts';
import type { Services } from '../services.ts';
import type { AccessKeysTable } from '../store/schema.ts';
import type { Db, Store, Tx } from '../store/database.ts';
import { NonceBatch, type NonceToUse } from './nonce-batch.ts';
import { accessKeyCacheOf } from './access-key-cache.ts';
import type { FastifyBaseLogger } from 'fastify';
import { prepare } from '../store/prepared.ts';

export interface AccessKeyRecord {
  id: string;
  accountId: string;
  ownerType: string;
  ownerId: string | null;
  secret: string;
  status: string;
  expiresAt: number | null;
}

/** Resolves the identity (user, role session) behind a non-root key; supplied by the RAM layer. */
export type IdentityResolver = (key: AccessKeyRecord, sig: ParsedSignature) => Promise<Caller>;

// Every signed request runs these: prepared once, not rebuilt per call.
const accessKeyById = prepare<{ id: string }, AccessKeyRow>((db, p) =>
  db
    .selectFrom('access_keys')
    .select(['id', 'account_id', 'owner_type', 'owner_id', 'secret_enc', 'status', 'expires_at'])
    .where('id', '=', p.id),
);
const insertNonce = prepare<{ key: string; nonce: string; expiresAt: number }, never>((db, p) =>
  db
    .insertInto('nonces')
    .values({ access_key_id: p.key, nonce: p.nonce, expires_at: p.expiresAt })
    .onConflict((oc) => oc.columns(['access_key_id', 'nonce']).doNothing()),
);
type AccessKeyRow = Pick<AccessKeysTable, 'id' | 'account_id' | 'owner_type' | 'owner_id' | 'secret_enc' | 'status' | 'expires_at'>;

const readAccessKey = (services: Services) => (id: string) => accessKeyById.first(services.store.db, { id });

async function loadAccessKey(services: Services, id: string): Promise<AccessKeyRecord | undefined> {
  const cache = accessKeyCacheOf<AccessKeyRow>(services.store);
  const row = cache ? await cache.get(id, readAccessKey(services)) : await accessKeyById.first(services.store.db, { id });
  if (!row) return undefined;
  return {
    id: row.id,
    accountId: row.account_id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    secret: services.secrets.decrypt(row.secret_enc),
    status: row.status,
    expiresAt: row.expires_at,
  };
}

function rootCaller(key: AccessKeyRecord): Caller {
  return {
    accountId: key.accountId,
    accessKeyId: key.id,
    principalType: 'root',
    principalId: key.accountId,
    displayName: key.accountId,
    arn: `acs:ram::${key.accountId}:root`,
  };
}

/**
 * A verified request's nonce, not yet used up. A mutation consumes it inside its own transaction
 * (eas/handlers/common.ts mutate), so the nonce and the change commit together, without a write
 * of their own; whatever else happens to the call, settleNonce uses it up before the answer.
 */
export interface PendingNonce {
  readonly keyId: string;
  readonly nonce: string;
  /** Wall time of the check, ms: an older row of this nonce past its retention no longer counts. */
  readonly wallNow: number;
  readonly expiresAt: number;
  /** Used up by a committed transaction, or by settleNonce (which then answered). */
  settled: boolean;
}

/**
 * Uses up the nonce on `db` (a transaction's, or the store's), or throws SignatureNonceUsed. A row
 * of the nonce past its retention, not yet swept, is claimed again rather than refused.
 */
export async function consumeNonce(db: Db | Tx, n: PendingNonce): Promise<void> {
  const inserted = await insertNonce.affected(db, { key: n.keyId, nonce: n.nonce, expiresAt: n.expiresAt });
  if (inserted === 0 && !(await claimExpiredNonce(db, n))) throw apiError('SignatureNonceUsed');
}

/** Claims the nonce's row if it is past its retention (not yet swept); false when it is in use. */
async function claimExpiredNonce(db: Db | Tx, n: NonceToUse): Promise<boolean> {
  const claimed = await db
    .updateTable('nonces')
    .set({ expires_at: n.expiresAt })
    .where('access_key_id', '=', n.keyId)
    .where('nonce', '=', n.nonce)
    .where('expires_at', '<=', n.wallNow)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) !== 0;
}

/** SQLite stores' nonce batches (nonce-batch.ts); PostgreSQL writes each nonce on its own. */
const batches = new WeakMap<Store, NonceBatch>();

function batchOf(store: Store): NonceBatch {
  let batch = batches.get(store);
  if (!batch) batches.set(store, (batch = new NonceBatch(store, claimExpiredNonce)));
  return batch;
}

/**
 * Before a call with a pending nonce answers (either way): uses the nonce up unless a committed
 * transaction did. Throws SignatureNonceUsed when another request used it first — a replay,
 * whatever its own outcome would have been.
 */
export async function settleNonce(services: Services, n: PendingNonce): Promise<void> {
  if (n.settled) return;
  n.settled = true;
  const { store } = services;
  if (store.dialect === 'sqlite') await batchOf(store).spend(n);
  else await store.write((db) => consumeNonce(db, n));
}

export interface Authenticated {
  caller: Caller;
  /** Set when the nonce was left for the call's transaction (`deferNonce`). */
  nonce?: PendingNonce;
}

/**
 * Verifies the request. The nonce is used up here, or with `deferNonce` left pending for the call's
 * mutation to use up in its transaction (the pipeline settles it before answering).
 */
export async function authenticate(
  wire: WireRequest,
  services: Services,
  log: FastifyBaseLogger,
  deferNonce = false,
): Promise<Authenticated> {
  const sig = parseSignedRequest(wire);
  const key = await loadAccessKey(services, sig.accessKeyId);
  if (!key) throw apiError('InvalidAccessKeyId.NotFound');
  if (key.status !== 'Active') throw apiError('InvalidAccessKeyId.Inactive');

  // Freshness is judged against wall time: business time (the adjustable clock) may be far ahead.
  const sentAt = parseRequestTime(sig.scheme, sig.timestamp).getTime();
  const wallNow = Date.now();
  if (Math.abs(wallNow - sentAt) > services.config.clockSkewSeconds * 1000) throw apiError('InvalidTimeStamp.Expired');
  if (!sig.nonce) throw apiError('MissingSignatureNonce');

  if (!sig.verify(key.secret)) {
    // Operators help users fix their signing by comparing this with the client's string to sign;
    // the STS token (signed inside it by ROA and RPC, inside the V3 canonical request) stays out.
    const secrets = [sig.securityToken];
    log.debug(
      {
        stringToSign: redactValues(sig.stringToSign, secrets),
        canonicalRequest: sig.canonicalRequest && redactValues(sig.canonicalRequest, secrets),
      },
      'signature mismatch',
    );
    throw apiError('SignatureDoesNotMatch', { stringToSign: sig.stringToSign });
  }

  const caller = key.ownerType === 'root' ? rootCaller(key) : await services.resolveIdentity(key, sig);

  const nonce: PendingNonce = {
    keyId: key.id,
    nonce: sig.nonce,
    wallNow,
    expiresAt: wallNow + services.config.nonceTtlSeconds * 1000,
    settled: false,
  };
  if (deferNonce) return { caller, nonce };
  await settleNonce(services, nonce);
  return { caller };
}

/** Deletes nonces past their retention; run periodically. */
export async function sweepNonces(services: Services): Promise<number> {
  const r = await services.store.db.deleteFrom('nonces').where('expires_at', '<=', Date.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
