// The audit trail's writer. Every authenticated API call becomes an event (event.ts) the moment it
// ends; events wait in memory for at most FLUSH_MS and are then written together, two multi-row
// inserts in one transaction (on SQLite a member of the next group commit). A transaction per call
// would cost a commit per call; this costs one per batch. The price, documented in
// docs/audit-trail.md: a crash loses the events of the last 10 ms (SQLite) or 50 ms (PostgreSQL).
// Closing the server writes what is pending, and LookupEvents writes it before it reads, so a
// caller always finds its own earlier calls.
//
// Retention: with each write, at most once per second of business time (so at once after the clock
// is advanced), events older than the retention are deleted in a bounded batch; event ids are
// time-ordered, so the oldest are one index range (and their resource rows one range per account
// and resource name).
import type { FastifyBaseLogger } from 'fastify';
import type { CallObserver, FinishedCall } from '../gateway/context.ts';
import type { Config } from '../config.ts';
import type { Store, Tx } from '../store/database.ts';
import type { Clock } from '../engine/clock.ts';
import type { AuditEventResourcesTable, AuditEventsTable } from '../store/schema.ts';
import { insertRows } from '../store/prepared.ts';
import { buildEvent, eventIdFloor, storedResourceNames } from './event.ts';

/**
 * Longest an event waits in memory before it is written, ms. On SQLite a batch rides the next group
 * commit, and 10 ms measured cheaper per create than 50 (docs/audit-trail.md; likely because fewer
 * events live long enough to be promoted out of V8's young generation). On PostgreSQL a batch is a
 * transaction of its own, with its own commit and round trips, so batches stay larger.
 */
const FLUSH_MS = { sqlite: 10, postgres: 50 } as const;
/** A batch this big is written at once. */
const FLUSH_EVENTS = 500;
/**
 * Most events held in memory while writes are failing or slower than calls arrive; beyond it new
 * events are dropped and counted in the log (memory must stay bounded whatever the database does).
 */
const MAX_PENDING = 50_000;
/** Old events deleted per sweep, and how often a sweep runs (business time, ms). */
const SWEEP_BATCH = 1000;
const SWEEP_EVERY_MS = 1000;
/** Resource names per DELETE of a sweep (bound parameters stay far below SQLite's limit). */
const NAMES_PER_DELETE = 500;
const DAY_MS = 86_400_000;

export interface AuditTrailDeps {
  store: Store;
  clock: Clock;
  config: Config;
}

export class AuditTrail implements CallObserver {
  #events: AuditEventsTable[] = [];
  #resources: AuditEventResourcesTable[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #lastSweep = 0;
  #dropped = 0;
  #log: FastifyBaseLogger | undefined;

  constructor(private readonly deps: AuditTrailDeps) {}

  /** Where write failures are reported (the server's logger, once it exists). */
  logTo(log: FastifyBaseLogger): void {
    this.#log = log;
  }

  callFinished(call: FinishedCall): void {
    if (!this.deps.config.auditTrail) return;
    let built: ReturnType<typeof buildEvent>;
    try {
      built = buildEvent(call, this.deps.config, this.deps.clock.now());
    } catch (e) {
      call.request.log.error({ err: e }, 'audit event could not be built');
      return;
    }
    if (!built) return;
    if (this.#events.length >= MAX_PENDING) {
      this.#dropped++;
      return;
    }
    this.#events.push(built.row);
    for (const r of built.resources) this.#resources.push(r);
    if (this.#events.length >= FLUSH_EVENTS) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS[this.deps.store.dialect]);
  }

  /** Writes every event recorded so far; resolves once they (and earlier batches) are stored. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#events.length > 0) {
      const events = this.#events;
      const resources = this.#resources;
      this.#events = [];
      this.#resources = [];
      // Batches are written one after the other, in order; a flush waits for those before it.
      this.#writing = this.#writing.then(() => this.#write(events, resources));
    }
    return this.#writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  async #write(events: AuditEventsTable[], resources: AuditEventResourcesTable[]): Promise<void> {
    const now = this.deps.clock.now();
    const sweep = now - this.#lastSweep >= SWEEP_EVERY_MS;
    if (sweep) this.#lastSweep = now;
    try {
      await this.deps.store.transaction(
        async (tx) => {
          await insertRows(tx, 'audit_events', events);
          if (resources.length > 0) await insertRows(tx, 'audit_event_resources', resources);
          if (sweep && (await this.#sweep(tx)) === SWEEP_BATCH) this.#lastSweep = 0; // more to delete: again next time
        },
        { rerunnable: true },
      );
    } catch (e) {
      this.#log?.error({ err: e, events: events.length }, 'audit events could not be written');
    }
    if (this.#dropped > 0) {
      this.#log?.error({ dropped: this.#dropped }, 'audit events dropped: more were waiting to be written than the trail holds');
      this.#dropped = 0;
    }
  }

  /**
   * Deletes up to SWEEP_BATCH events older than the retention, oldest first, and their resource
   * rows: those have no key on the event id (migration 0017), so they go by their key's prefix,
   * (account, resource name), up to the last deleted event, for the names the deleted events name.
   */
  async #sweep(tx: Tx): Promise<number> {
    const before = eventIdFloor(this.deps.clock.now() - this.deps.config.auditRetentionDays * DAY_MS);
    const old = await tx
      .selectFrom('audit_events')
      .select(['event_id', 'account_id', 'event'])
      .where('event_id', '<', before)
      .orderBy('event_id')
      .limit(SWEEP_BATCH)
      .execute();
    if (old.length === 0) return 0;
    // Every event up to the last of these is among them: ids are unique and these are the oldest.
    const last = old[old.length - 1]!.event_id;
    const names = new Map<string, Set<string>>();
    for (const e of old) {
      for (const name of storedResourceNames(e.event)) {
        let ofAccount = names.get(e.account_id);
        if (!ofAccount) names.set(e.account_id, (ofAccount = new Set()));
        ofAccount.add(name);
      }
    }
    for (const [account, ofAccount] of names) {
      const all = [...ofAccount];
      for (let i = 0; i < all.length; i += NAMES_PER_DELETE) {
        await tx
          .deleteFrom('audit_event_resources')
          .where('account_id', '=', account)
          .where('resource_name', 'in', all.slice(i, i + NAMES_PER_DELETE))
          .where('event_id', '<=', last)
          .execute();
      }
    }
    await tx.deleteFrom('audit_events').where('event_id', '<=', last).execute();
    return old.length;
  }
}
