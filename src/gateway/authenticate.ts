// Who sent this request? Verifies the signature (V3, ROA V2 or RPC), the request time, the
// AccessKey's state and the nonce, in the order Alibaba's gateway does (protocol notes §2.3):
// the nonce is consumed only by a request whose signature verified, so a forged request can
// never burn a legitimate client's nonce.
import { apiError } from './errors.ts';
import { redactValues } from './log-redaction.ts';
import { parseRequestTime, parseSignedRequest, type ParsedSignature, type WireRequest } from './signature/index.ts';
import type { Caller } from './context.ts';
import type { Services } from '../services.ts';
import type { AccessKeysTable } from '../store/schema.ts';
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

async function loadAccessKey(services: Services, id: string): Promise<AccessKeyRecord | undefined> {
  const row = await accessKeyById.first(services.store.db, { id });
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

export async function authenticate(wire: WireRequest, services: Services, log: FastifyBaseLogger): Promise<Caller> {
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

  const nonce = sig.nonce;
  const inserted = await services.store.write((db) =>
    insertNonce.affected(db, { key: key.id, nonce, expiresAt: wallNow + services.config.nonceTtlSeconds * 1000 }),
  );
  if (inserted === 0) {
    // The nonce row may be an expired one not yet swept: those no longer count.
    const existing = await services.store.db
      .selectFrom('nonces')
      .select('expires_at')
      .where('access_key_id', '=', key.id)
      .where('nonce', '=', sig.nonce)
      .executeTakeFirst();
    if (existing && existing.expires_at > wallNow) throw apiError('SignatureNonceUsed');
    const claimed = await services.store.db
      .updateTable('nonces')
      .set({ expires_at: wallNow + services.config.nonceTtlSeconds * 1000 })
      .where('access_key_id', '=', key.id)
      .where('nonce', '=', sig.nonce)
      .where('expires_at', '<=', wallNow)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw apiError('SignatureNonceUsed');
  }
  return caller;
}

/** Deletes nonces past their retention; run periodically. */
export async function sweepNonces(services: Services): Promise<number> {
  const r = await services.store.db.deleteFrom('nonces').where('expires_at', '<=', Date.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
