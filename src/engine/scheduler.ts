// Durable due-time work (graphile-worker style): jobs are rows with a due time on the business
// clock (engine/jobs.ts owns the table). A batch is claimed, run and deleted in ONE transaction,
// so a crash loses nothing and nothing runs twice. On PostgreSQL several server processes share
// the table with `FOR UPDATE SKIP LOCKED`; on SQLite the single writer lock (BEGIN IMMEDIATE)
// serialises them. A server claims only the kinds it has handlers for. A job whose handler throws
// is rolled back alone (savepoints), retried later with exponential backoff, and parked as
// Failed after too many attempts, so one bad job never holds up the work due after it.
// Nothing here uses setTimeout for a business event: the poll only asks the database what is due.
import { sql } from 'kysely';
import { isPostgres, type Store, type Tx } from '../store/database.ts';
import { pushTo } from '../collections.ts';
import { lockGroups } from './group-locks.ts';
import { tidyAfterLongRun, vacuumChurnedTables } from '../store/vacuum.ts';
import { StatementCancelled } from '../store/cancellation.ts';
import type { Clock } from './clock.ts';
import {
  claimDueJobs,
  dueJobsLeft,
  finishJobs,
  makeWaitingDue,
  recordFailure,
  retryFailedJobs,
  unwatchEnqueues,
  watchEnqueues,
  type JobRow,
} from './jobs.ts';

export type { JobRow } from './jobs.ts';

/**
 * Runs a batch of due jobs of one kind inside the claiming transaction. Effects are stamped with
 * the time each job was due (`due_at`), not when it ran, so advancing the clock by a month behaves
 * exactly as if the month had passed; `now` is the business time the batch was claimed at (a
 * job that is far behind, e.g. after a long advance, may choose to catch up rather than replay).
 * A handler may be given any subset of the due jobs of its kind (a batch is cut at BATCH jobs,
 * and split to find a failing job), so it must not assume it sees all of them.
 */
export type JobHandler = (tx: Tx, jobs: JobRow[], now: number) => Promise<void>;

/**
 * The resource groups a run of this kind may lock (engine/group-locks.ts). A batch runs several
 * kinds in one transaction, so the groups of the whole batch are locked first, in id order,
 * before any handler runs: a handler that already holds a machine or a quota row then never
 * waits for a group a request holds while that request waits for it.
 */
export type GroupsTouched = (tx: Tx, jobs: JobRow[]) => Promise<string[]>;

export interface RetryPolicy {
  /**
   * PostgreSQL: jobs run, in one run of due work, between two looks for tables to vacuum
   * (store/vacuum.ts); a long catch-up otherwise leaves the tables it rewrites bloated.
   */
  vacuumCheckJobs: number;
  /** Failed runs after which a job is parked as Failed (until an operator retries it). */
  maxAttempts: number;
  /** Delay before the first retry, seconds; it doubles with every further failure, up to MAX_RETRY_DELAY_MS. */
  retrySeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, retrySeconds: 2, vacuumCheckJobs: 5000 };

/** Longest wait between two attempts of a failing job. */
const MAX_RETRY_DELAY_MS = 3_600_000;

const BATCH = 2500;

/** Rounds an explicit run waits for work other servers hold (see #runAllDue). */
const MAX_WAIT_ROUNDS = 100;
/** Statement timeouts an explicit run sits through while waiting for another server's batch. */
const MAX_WAIT_TIMEOUTS = 3;

/** What a failed run leaves behind, for the log (written after the batch commits). */
interface Failure {
  job: JobRow;
  error: unknown;
  attempt: number;
  retryAt: number | null;
}

export class Scheduler {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #groupsTouched = new Map<string, GroupsTouched>();
  #timer: NodeJS.Timeout | undefined;
  /** Serialises runs inside this process (the poll, clock advances, nudges). */
  #chain: Promise<unknown> = Promise.resolve();
  #onError: (e: unknown) => void = () => {};
  #onWarning: (e: unknown) => void = () => {};

  readonly #policy: RetryPolicy;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    policy: Partial<RetryPolicy> = {},
  ) {
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...policy };
  }

  register(kind: string, handler: JobHandler, groupsTouched?: GroupsTouched): void {
    if (this.#handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.#handlers.set(kind, handler);
    if (groupsTouched) this.#groupsTouched.set(kind, groupsTouched);
  }

  /**
   * Polls for due work every `intervalMs`, re-reading the shared clock offset first. A job parked
   * as Failed is reported to `onError`; a failure that will be retried, to `onWarning`.
   */
  start(intervalMs: number, onError: (e: unknown) => void, onWarning: (e: unknown) => void = onError): void {
    this.#onError = onError;
    this.#onWarning = onWarning;
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

  /**
   * Runs everything due at the current business time, and waits for what other servers are running
   * of it (#runAllDue); returns how many jobs ran here.
   */
  runDue(): Promise<number> {
    return this.#serial(() => this.#runAllDue());
  }

  /**
   * Runs what is due that no other server is running, as a poll does: a starting server catching
   * up on work that fell due while it was down has no caller waiting on the rest.
   */
  catchUp(): Promise<number> {
    return this.#serial(() => this.#runDueNow());
  }

  /** Moves the business clock forward and runs, in due order, everything that falls due. */
  advance(ms: number): Promise<number> {
    return this.#serial(async () => {
      await this.clock.advance(ms);
      return this.#runAllDue();
    });
  }

  /** Manual progression: makes waiting jobs (optionally of some subjects/kinds) due now, then runs them. */
  nudge(filter: { subjectIds?: string[]; kinds?: string[] } = {}): Promise<number> {
    return this.#serial(async () => {
      await makeWaitingDue(this.store.db, this.clock.now(), filter);
      return this.#runAllDue();
    });
  }

  /** Parked (Failed) jobs — all, or those of `ids` — are due again now with fresh attempts; then runs what is due. */
  retry(ids?: string[]): Promise<{ retried: number; ran: number }> {
    return this.#serial(async () => {
      const retried = await retryFailedJobs(this.store.db, this.clock.now(), ids);
      return { retried, ran: await this.#runAllDue() };
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  /**
   * An explicit run (runDue, advance, nudge, retry) returns only when everything due has run, here
   * or on another server: its caller reads the result next. On PostgreSQL another server's poll may
   * have claimed some of the work (claimDueJobs skips it here), so this waits for that server's
   * commit and runs what is still due. Each round either waits for another server or runs work
   * here; the cap only guards against servers that keep making work due at the same instant.
   */
  async #runAllDue(): Promise<number> {
    let total = await this.#runDueNow();
    if (!isPostgres(this.store.db)) return total; // SQLite: a claim waits for the other writer's commit
    const kinds = [...this.#handlers.keys()];
    let timeouts = 0;
    for (let round = 0; round < MAX_WAIT_ROUNDS && kinds.length > 0; round++) {
      let left: boolean;
      try {
        left = await dueJobsLeft(this.store.db, kinds, this.clock.now());
      } catch (e) {
        // Another server's batch held its jobs past the statement timeout: it is still working,
        // so look again, a few times (then the caller hears of it).
        if (e instanceof StatementCancelled && e.reason === 'timeout' && ++timeouts < MAX_WAIT_TIMEOUTS) continue;
        throw e;
      }
      if (!left) break;
      total += await this.#runDueNow();
    }
    return total;
  }

  async #runDueNow(): Promise<number> {
    let total = 0;
    let sinceVacuum = 0;
    for (;;) {
      const ran = await this.#runBatch(this.clock.now());
      total += ran;
      sinceVacuum += ran;
      if (ran === 0) {
        // A long run (a clock advance's catch-up) changed tables wholesale: visibility map and
        // statistics brought up to date, once.
        if (total >= this.#policy.vacuumCheckJobs && isPostgres(this.store.db))
          await tidyAfterLongRun(this.store.db).catch((e: unknown) => this.#onWarning(e));
        return total;
      }
      if (sinceVacuum >= this.#policy.vacuumCheckJobs && isPostgres(this.store.db)) {
        sinceVacuum = 0;
        // Between batches, outside any transaction; a failed vacuum costs speed, never work.
        await vacuumChurnedTables(this.store.db).catch((e: unknown) => this.#onWarning(e));
      }
    }
  }

  /** Claims up to BATCH due jobs (oldest due first), runs them by kind in due order, deletes them. */
  async #runBatch(now: number): Promise<number> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return 0;
    const failures: Failure[] = [];
    const ran = await this.store.transaction(async (tx) => {
      const jobs = await claimDueJobs(tx, kinds, now, BATCH);
      if (jobs.length === 0) return 0;
      await this.#lockGroupsOf(tx, jobs);
      // Consecutive runs of one kind go to its handler together, keeping the overall due order.
      // If a handler enqueues work due before the next run, the batch stops there: the rest is
      // claimed again after that work, so everything still happens in due order.
      const mark = watchEnqueues(tx);
      const finished: string[] = [];
      let start = 0;
      let done = 0;
      try {
        for (let i = 1; i <= jobs.length; i++) {
          if (i === jobs.length || jobs[i]!.kind !== jobs[start]!.kind) {
            const run = jobs.slice(start, i);
            if (mark.earliest < run[0]!.due_at!) break;
            await this.#runIsolated(tx, this.#handlers.get(run[0]!.kind)!, run, now, mark, finished, failures);
            done = i;
            start = i;
          }
        }
      } finally {
        unwatchEnqueues(tx);
      }
      await finishJobs(tx, finished);
      return done;
    });
    for (const f of failures) {
      const what = f.retryAt === null ? 'parked as Failed' : `retried at ${new Date(f.retryAt).toISOString()}`;
      const report = new Error(`job ${f.job.id} (${f.job.kind}) failed, attempt ${f.attempt} of ${this.#policy.maxAttempts}; ${what}`, {
        cause: f.error,
      });
      (f.retryAt === null ? this.#onError : this.#onWarning)(report);
    }
    return ran;
  }

  async #lockGroupsOf(tx: Tx, jobs: JobRow[]): Promise<void> {
    if (!isPostgres(tx) || this.#groupsTouched.size === 0) return;
    const byKind = new Map<string, JobRow[]>();
    for (const j of jobs) if (this.#groupsTouched.has(j.kind)) pushTo(byKind, j.kind, j);
    const groups: string[] = [];
    for (const [kind, list] of byKind) groups.push(...(await this.#groupsTouched.get(kind)!(tx, list)));
    await lockGroups(tx, groups);
  }

  /**
   * Runs `run` in a savepoint. If the handler throws, the run is rolled back and halved until the
   * failing jobs stand alone; each of those records the failure and is retried later or parked.
   * A healthy batch costs one savepoint; one bad job among n costs about 2·log2(n) extra runs.
   */
  async #runIsolated(
    tx: Tx,
    handler: JobHandler,
    run: JobRow[],
    now: number,
    mark: { earliest: number },
    finished: string[],
    failures: Failure[],
  ): Promise<void> {
    const earliest = mark.earliest;
    await sql`savepoint job_run`.execute(tx);
    try {
      await handler(tx, run, now);
      await sql`release savepoint job_run`.execute(tx);
      for (const j of run) finished.push(j.id);
      return;
    } catch (error) {
      // If even this fails, the transaction itself is broken: the whole batch fails, as before.
      await sql`rollback to savepoint job_run`.execute(tx);
      await sql`release savepoint job_run`.execute(tx);
      mark.earliest = earliest; // what the run enqueued is gone
      if (run.length === 1) {
        const job = run[0]!;
        const attempt = job.attempts + 1;
        const delay = Math.min(MAX_RETRY_DELAY_MS, this.#policy.retrySeconds * 1000 * 2 ** Math.min(attempt - 1, 40));
        const retryAt = attempt >= this.#policy.maxAttempts ? null : now + delay;
        await recordFailure(tx, job, describe(error), retryAt, now);
        failures.push({ job, error, attempt, retryAt });
        return;
      }
    }
    const half = Math.ceil(run.length / 2);
    await this.#runIsolated(tx, handler, run.slice(0, half), now, mark, finished, failures);
    await this.#runIsolated(tx, handler, run.slice(half), now, mark, finished, failures);
  }
}

/** The error as stored in last_error (bounded: a job's error is for a person to read). */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
