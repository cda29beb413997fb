// The one clock every business rule reads: real time plus an adjustable offset. The offset lives
// in the database so that every server process sharing it agrees, and survives restarts.
// Signature freshness and nonce expiry deliberately use wall time (Date.now()), not this clock:
// a test that moves business time forward must still be able to sign requests.
import type { Store } from '../store/database.ts';

/** The setting that holds the offset (a reset removes it: business time is wall time again). */
export const OFFSET_KEY = 'clock.offset_ms';

export class Clock {
  #offsetMs = 0;

  constructor(private readonly store: Store) {}

  /** Business time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Re-reads the shared offset (another process may have advanced it). */
  async refresh(): Promise<void> {
    const row = await this.store.db.selectFrom('settings').select('value').where('key', '=', OFFSET_KEY).executeTakeFirst();
    this.#offsetMs = row ? Number(row.value) : 0;
  }

  /** Moves business time forward by `ms` (never backwards: due work must not run twice). */
  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    await this.store.transaction(async (tx) => {
      const row = await tx.selectFrom('settings').select('value').where('key', '=', OFFSET_KEY).executeTakeFirst();
      const next = String((row ? Number(row.value) : 0) + Math.round(ms));
      await tx
        .insertInto('settings')
        .values({ key: OFFSET_KEY, value: next })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: next }))
        .execute();
      this.#offsetMs = Number(next);
    });
    return this.now();
  }

  /** Moves business time forward to the instant `epochMs`. */
  async advanceTo(epochMs: number): Promise<number> {
    return this.advance(Math.max(0, epochMs - this.now()));
  }
}
