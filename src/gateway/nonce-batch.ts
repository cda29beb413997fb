// Nonces used up outside a mutation (every read's, and a write's that made no change), written
// together on SQLite: the calls of one turn of the event loop share one group-commit member and
// one multi-row INSERT, instead of a member each (a savepoint, its release, a statement and a
// promise chain per call). Each call is still answered only after the COMMIT that stored its
// nonce, and a nonce the database already holds (a replay) is refused exactly as one at a time.
import type { Store, Tx, Db } from '../store/database.ts';
import { insertRows } from '../store/prepared.ts';
import { apiError } from './errors.ts';

/** What the batch needs of a nonce (authenticate.ts PendingNonce). */
export interface NonceToUse {
  readonly keyId: string;
  readonly nonce: string;
  readonly wallNow: number;
  readonly expiresAt: number;
}

/** Claims a row of the nonce that is past its retention; false when the nonce is in use. */
export type ClaimExpired = (db: Db | Tx, n: NonceToUse) => Promise<boolean>;

interface Waiting {
  nonce: NonceToUse;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const keyOf = (keyId: string, nonce: string) => `${keyId}\u0000${nonce}`;

export class NonceBatch {
  #waiting: Waiting[] = [];
  /** A member is queued for the group commit and has not yet taken the waiting nonces. */
  #memberQueued = false;

  constructor(
    private readonly store: Store,
    private readonly claimExpired: ClaimExpired,
  ) {}

  /** Resolves once the nonce is stored (committed); rejects with SignatureNonceUsed for a replay. */
  spend(nonce: NonceToUse): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ nonce, resolve, reject });
      if (!this.#memberQueued) this.#queueMember();
    });
  }

  #queueMember(): void {
    this.#memberQueued = true;
    // The member takes every nonce waiting when it runs, not when it is queued: calls that reach
    // this point before the group commit starts ride along.
    // Once: the member may run again (GroupCommit reruns a group whose later member failed after
    // writing), and then it stores the same nonces, not those that arrived since.
    let batch: Waiting[] | undefined;
    const take = (): Waiting[] => {
      if (batch) return batch;
      this.#memberQueued = false;
      batch = this.#waiting;
      this.#waiting = [];
      return batch;
    };
    this.store
      .write((db) => refusedOf(db, take(), this.claimExpired), { rerunnable: true })
      .then(
        (refused) => {
          for (const [i, w] of batch!.entries()) {
            if (refused.has(i)) w.reject(apiError('SignatureNonceUsed'));
            else w.resolve();
          }
        },
        (e: unknown) => {
          // Failed before it ran (the group's BEGIN), or with its group: every nonce it holds fails.
          for (const w of batch ?? take()) w.reject(e);
        },
      );
  }
}

/**
 * Stores the batch's nonces; returns the positions of those already in use. A nonce sent twice in
 * one batch is used by its first call.
 */
async function refusedOf(db: Db | Tx, batch: Waiting[], claimExpired: ClaimExpired): Promise<Set<number>> {
  const refused = new Set<number>();
  const first = new Map<string, number>();
  const rows: Array<{ access_key_id: string; nonce: string; expires_at: number }> = [];
  for (const [i, { nonce: n }] of batch.entries()) {
    const key = keyOf(n.keyId, n.nonce);
    if (first.has(key)) {
      refused.add(i);
      continue;
    }
    first.set(key, i);
    rows.push({ access_key_id: n.keyId, nonce: n.nonce, expires_at: n.expiresAt });
  }
  const stored = await insertRows(db, 'nonces', rows, { ignoreConflicts: true, returning: ['access_key_id', 'nonce'] });
  const fresh = new Set(stored.map((r) => keyOf(r.access_key_id, r.nonce)));
  for (const [key, i] of first) {
    if (!fresh.has(key) && !(await claimExpired(db, batch[i]!.nonce))) refused.add(i);
  }
  return refused;
}
