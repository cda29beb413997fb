// Durable due-time work (graphile-worker style): jobs are rows with a due time on the business
// clock. A batch is claimed, run and deleted in ONE transaction, so a crash loses nothing and
// nothing runs twice. On PostgreSQL several server processes share the table with
// `FOR UPDATE SKIP LOCKED`; on SQLite the single writer lock (BEGIN IMMEDIATE) serialises them.
// Nothing here uses setTimeout for a business event: the poll only asks the database what is due.
import type { Store, Tx } from '../store/database.ts';
import type { JobsTable } from '../store/schema.ts';
import type { Clock } from './clock.ts';
import { insertRows } from '../store/prepared.ts';
import { newSortableId } from '../ids.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';

export type JobRow = JobsTable;

export interface NewJob {
  kind: string;
  accountId: string;
  subjectId: string;
  /** Business-clock epoch ms; null waits for a manual nudge. */
  dueAt: number | null;
  payload?: unknown;
}

/**
 * Runs a batch of due jobs of one kind inside the claiming transaction. `now` is the latest due
 * time in the batch: effects are stamped with the time they were due, not when they ran, so
 * advancing the clock by a month behaves exactly as if the month had passed.
 */
export type JobHandler = (tx: Tx, jobs: JobRow[]) => Promise<void>;

const BATCH = 2500;

/** Per running batch: the earliest due time of any job enqueued while it runs (see #runBatch). */
const enqueuedDuring = new WeakMap<Tx, { earliest: number }>();

export async function enqueueJobs(tx: Tx, jobs: NewJob[], now: number): Promise<void> {
  const mark = enqueuedDuring.get(tx);
  if (mark) for (const j of jobs) if (j.dueAt !== null && j.dueAt < mark.earliest) mark.earliest = j.dueAt;
  const rows: JobRow[] = jobs.map((j) => ({
    id: newSortableId(),
    kind: j.kind,
    account_id: j.accountId,
    subject_id: j.subjectId,
    due_at: j.dueAt,
    payload: JSON.stringify(j.payload ?? {}),
    created_at: now,
  }));
  await insertRows(tx, 'jobs', rows);
}

export class Scheduler {
  readonly #handlers = new Map<string, JobHandler>();
  #timer: NodeJS.Timeout | undefined;
  /** Serialises runs inside this process (the poll, clock advances, nudges). */
  #chain: Promise<unknown> = Promise.resolve();
  #onError: (e: unknown) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.#handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.#handlers.set(kind, handler);
  }

  /** Polls for due work every `intervalMs`, re-reading the shared clock offset first. */
  start(intervalMs: number, onError: (e: unknown) => void): void {
    this.#onError = onError;
    this.#timer = setInterval(() => {
      void this.#serial(async () => {
        await this.clock.refresh();
        await this.#runDueNow();
      }).catch(onError);
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#chain.catch(() => {});
  }

  /** Runs everything due at the current business time; returns how many jobs ran. */
  runDue(): Promise<number> {
    return this.#serial(() => this.#runDueNow());
  }

  /** Moves the business clock forward and runs, in due order, everything that falls due. */
  advance(ms: number): Promise<number> {
    return this.#serial(async () => {
      await this.clock.advance(ms);
      return this.#runDueNow();
    });
  }

  /** Manual progression: makes waiting jobs (optionally of some subjects/kinds) due now, then runs them. */
  nudge(filter: { subjectIds?: string[]; kinds?: string[] } = {}): Promise<number> {
    return this.#serial(async () => {
      const now = this.clock.now();
      let q = this.store.db.updateTable('jobs').set({ due_at: now }).where('due_at', 'is', null);
      if (filter.subjectIds?.length) q = q.where('subject_id', 'in', filter.subjectIds);
      if (filter.kinds?.length) q = q.where('kind', 'in', filter.kinds);
      await q.execute();
      return this.#runDueNow();
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  async #runDueNow(): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.#runBatch(this.clock.now());
      total += ran;
      if (ran === 0) return total;
    }
  }

  /** Claims up to BATCH due jobs (oldest due first), runs them by kind in due order, deletes them. */
  async #runBatch(now: number): Promise<number> {
    return this.store.transaction(async (tx) => {
      const jobs = await tx.selectFrom('jobs').selectAll()
        .where('due_at', '<=', now)
        .orderBy('due_at').orderBy('created_at').orderBy('id')
        .limit(BATCH)
        .$if(this.store.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
        .execute();
      if (jobs.length === 0) return 0;
      // Consecutive runs of one kind go to its handler together, keeping the overall due order.
      // If a handler enqueues work due before the next run, the batch stops there: the rest is
      // claimed again after that work, so everything still happens in due order.
      const mark = { earliest: Number.POSITIVE_INFINITY };
      enqueuedDuring.set(tx, mark);
      let start = 0;
      let done = 0;
      for (let i = 1; i <= jobs.length; i++) {
        if (i === jobs.length || jobs[i]!.kind !== jobs[start]!.kind) {
          const run = jobs.slice(start, i);
          if (mark.earliest < run[0]!.due_at!) break;
          const handler = this.#handlers.get(run[0]!.kind);
          if (handler) await handler(tx, run);
          else this.#onError(new Error(`no handler for job kind ${run[0]!.kind}; dropping ${run.length} job(s)`));
          done = i;
          start = i;
        }
      }
      enqueuedDuring.delete(tx);
      await forIdChunks(tx, jobs.slice(0, done).map((j) => j.id), (c) => tx.deleteFrom('jobs').where(inIds(tx, 'id', c)).execute());
      return done;
    });
  }
}
