// The jobs table, and the only code that reads or writes it (a unit test enforces this). Other
// modules schedule work, replace or cancel it by job key, and ask what is pending, through the
// functions below; engine/scheduler.ts claims and runs it. Rows are graphile-worker's jobs: a
// kind, a subject, a due time on the business clock, a JSON payload, the failed attempts so far
// with the last error, and an optional key naming the one pending job of a purpose.
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../store/database.ts';
import { isPostgres } from '../store/database.ts';
import type { JobsTable } from '../store/schema.ts';
import { insertRows } from '../store/prepared.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import { newSortableId } from '../ids.ts';

export type JobRow = JobsTable;

export interface NewJob {
  kind: string;
  accountId: string;
  subjectId: string;
  /** Business-clock epoch ms; null waits for a manual nudge. */
  dueAt: number | null;
  payload?: unknown;
  /**
   * Names the one pending job of a purpose (see jobKey): scheduling a job with a key replaces the
   * pending job that has it (also a parked one), and cancelJobs removes it.
   */
  key?: string;
}

/** The conventional key of "the pending job of this kind for this subject". */
export function jobKey(kind: string, subjectId: string): string {
  return `${kind}:${subjectId}`;
}

/** Per running batch: the earliest due time of any job enqueued while it runs (engine/scheduler.ts). */
const enqueuedDuring = new WeakMap<Tx, { earliest: number }>();

/** Starts recording the earliest due time enqueued through `tx` (until unwatchEnqueues). */
export function watchEnqueues(tx: Tx): { earliest: number } {
  const mark = { earliest: Number.POSITIVE_INFINITY };
  enqueuedDuring.set(tx, mark);
  return mark;
}

export function unwatchEnqueues(tx: Tx): void {
  enqueuedDuring.delete(tx);
}

export async function enqueueJobs(tx: Tx, jobs: NewJob[], now: number): Promise<void> {
  if (jobs.length === 0) return;
  noteEnqueued(tx, jobs);
  const keyed = new Map<string, NewJob>();
  const plain: JobRow[] = [];
  for (const j of jobs) {
    if (j.key === undefined) plain.push(jobRow(j, now));
    else keyed.set(j.key, j); // the last of one key wins, as if scheduled one after the other
  }
  if (plain.length > 0) await insertRows(tx, 'jobs', plain);
  // The replacement gets a new id: the scheduler deletes the jobs it ran by id, so a job that
  // re-schedules its own key (a renewal's next term) keeps the new schedule.
  if (keyed.size > 0)
    await insertRows(
      tx,
      'jobs',
      [...keyed.values()].map((j) => jobRow(j, now)),
      { replaceOn: 'job_key' },
    );
}

/**
 * PostgreSQL: enqueueJobs for jobs without a key, as a statement to embed in a larger one (a
 * data-modifying CTE) that inserts them only where `condition` holds. eas/machines.ts puts a
 * create's provisioning jobs into the statement that takes its shared rows: one round trip fewer.
 */
export function enqueueStatement(tx: Tx, jobs: NewJob[], now: number, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  if (jobs.some((j) => j.key !== undefined)) throw new Error('enqueueStatement takes jobs without a key');
  noteEnqueued(tx, jobs);
  const rows = JSON.stringify(jobs.map((j) => jobRow(j, now)));
  return sql`insert into jobs select r.* from jsonb_populate_recordset(null::jobs, ${rows}::jsonb) as r where ${condition} returning 1`;
}

function noteEnqueued(tx: Tx, jobs: NewJob[]): void {
  const mark = enqueuedDuring.get(tx);
  if (mark) for (const j of jobs) if (j.dueAt !== null && j.dueAt < mark.earliest) mark.earliest = j.dueAt;
}

function jobRow(j: NewJob, now: number): JobRow {
  return {
    id: newSortableId(),
    kind: j.kind,
    account_id: j.accountId,
    subject_id: j.subjectId,
    due_at: j.dueAt,
    payload: JSON.stringify(j.payload ?? {}),
    created_at: now,
    attempts: 0,
    last_error: null,
    failed_at: null,
    job_key: j.key ?? null,
  };
}

/** Removes the pending jobs with these keys (parked ones too). */
export async function cancelJobs(tx: Tx, keys: string[]): Promise<void> {
  await forIdChunks(tx, keys, (c) =>
    tx
      .deleteFrom('jobs')
      .where(inIds(tx, 'job_key', c))
      .execute(),
  );
}

/** Removes every pending job of these subjects (a machine or group that is gone). */
export async function cancelJobsOf(tx: Tx, subjectIds: string[]): Promise<void> {
  await forIdChunks(tx, subjectIds, (c) =>
    tx
      .deleteFrom('jobs')
      .where(inIds(tx, 'subject_id', c))
      .execute(),
  );
}

/** When the pending jobs of one kind for these subjects will have run (e.g. why a group is not empty yet). */
export interface JobsOutlook {
  count: number;
  /** The latest due time of those with one. */
  lastDue: number | null;
  /** Waiting for a manual nudge (progression=manual). */
  manual: number;
  /** Parked after failing: they wait for an operator. */
  failed: number;
}

export async function jobsOutlook(tx: Tx, kind: string, subjectIds: string[]): Promise<JobsOutlook> {
  const outlook: JobsOutlook = { count: 0, lastDue: null, manual: 0, failed: 0 };
  await forIdChunks(tx, subjectIds, async (c) => {
    const rows = await tx
      .selectFrom('jobs')
      .select(['due_at', 'failed_at'])
      .where('kind', '=', kind)
      .where(inIds(tx, 'subject_id', c))
      .execute();
    for (const r of rows) {
      outlook.count += 1;
      if (r.failed_at !== null) outlook.failed += 1;
      else if (r.due_at === null) outlook.manual += 1;
      else outlook.lastDue = Math.max(outlook.lastDue ?? 0, Number(r.due_at));
    }
  });
  return outlook;
}

/** The pending jobs with these keys. */
export async function jobsByKey(tx: Tx, keys: string[]): Promise<JobRow[]> {
  const out: JobRow[] = [];
  await forIdChunks(tx, keys, async (c) =>
    out.push(
      ...(await tx
        .selectFrom('jobs')
        .selectAll()
        .where(inIds(tx, 'job_key', c))
        .execute()),
    ),
  );
  return out;
}

/**
 * An account's runnable jobs of one kind due before `before` (parked ones will not run), as a
 * read-only subquery a caller may join with its own tables (`selectFrom(pendingJobs(…).as('p'))`):
 * one statement instead of a list of ids sent back (settlement asks this for thousands of machines).
 */
export function pendingJobs(db: Db | Tx, accountId: string, kind: string, before: number) {
  return db
    .selectFrom('jobs')
    .select(['subject_id', 'payload', 'due_at'])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('due_at', '<', before)
    .where('failed_at', 'is', null);
}

/** When the account's next runnable job is due, among kinds other than `except` (undefined: none). */
export async function nextDueOf(tx: Tx, accountId: string, except: string[]): Promise<number | undefined> {
  const next = await tx
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('account_id', '=', accountId)
    .where('kind', 'not in', except)
    .where('due_at', 'is not', null)
    .where('failed_at', 'is', null)
    .executeTakeFirst();
  return next?.due === null || next?.due === undefined ? undefined : Number(next.due);
}

// --- The scheduler's side --------------------------------------------------------------------

/** Runnable jobs of `kinds` due by `now`, oldest due first (the order work runs in). */
function dueJobs(db: Db | Tx, kinds: string[], now: number, limit: number) {
  return db
    .selectFrom('jobs')
    .where('failed_at', 'is', null)
    .where('due_at', '<=', now)
    .where('kind', 'in', kinds)
    .orderBy('due_at')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit);
}

/**
 * Locks up to `limit` runnable jobs of `kinds` due by `now`, oldest due first. Only kinds this
 * server can run: during a rolling upgrade a newer server's jobs wait for a server that knows them.
 */
export function claimDueJobs(tx: Tx, kinds: string[], now: number, limit: number): Promise<JobRow[]> {
  return dueJobs(tx, kinds, now, limit)
    .selectAll()
    .$if(isPostgres(tx), (qb) => qb.forUpdate().skipLocked())
    .execute();
}

/**
 * PostgreSQL: whether any job of `kinds` is due by `now` once the jobs other servers have claimed
 * are done. claimDueJobs skips those (SKIP LOCKED); this read locks without skipping, so it waits
 * for their holders to commit (a finished job is then gone) and returns as soon as it finds one
 * due job nobody holds, or none.
 */
export async function dueJobsLeft(db: Db, kinds: string[], now: number): Promise<boolean> {
  const rows = await dueJobs(db, kinds, now, 1).select('id').forUpdate().execute();
  return rows.length > 0;
}

/** Jobs that ran to completion are done. */
export async function finishJobs(tx: Tx, ids: string[]): Promise<void> {
  await forIdChunks(tx, ids, (c) =>
    tx
      .deleteFrom('jobs')
      .where(inIds(tx, 'id', c))
      .execute(),
  );
}

/** Records a failed run: due again at `retryAt`, or parked (failed_at) when that is null. */
export async function recordFailure(tx: Tx, job: JobRow, error: string, retryAt: number | null, now: number): Promise<void> {
  await tx
    .updateTable('jobs')
    .set(
      retryAt === null
        ? { attempts: job.attempts + 1, last_error: error, failed_at: now }
        : { attempts: job.attempts + 1, last_error: error, due_at: retryAt },
    )
    .where('id', '=', job.id)
    .execute();
}

/** Manual progression: jobs waiting for a nudge (optionally of some subjects/kinds) become due now. */
export async function makeWaitingDue(db: Db, now: number, filter: { subjectIds?: string[]; kinds?: string[] }): Promise<void> {
  let q = db.updateTable('jobs').set({ due_at: now }).where('due_at', 'is', null);
  if (filter.subjectIds?.length) q = q.where('subject_id', 'in', filter.subjectIds);
  if (filter.kinds?.length) q = q.where('kind', 'in', filter.kinds);
  await q.execute();
}

/** Parked jobs (all, or those of `ids`) are runnable again, due now, with a fresh count of attempts. */
export async function retryFailedJobs(db: Db, now: number, ids?: string[]): Promise<number> {
  let q = db.updateTable('jobs').set({ failed_at: null, attempts: 0, due_at: now }).where('failed_at', 'is not', null);
  if (ids) q = q.where('id', 'in', ids.length > 0 ? ids : ['']);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

// --- The operator's view (GET /_openeas/jobs) ------------------------------------------------

export const JOB_STATES = ['Due', 'Waiting', 'Failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Due: runnable now (only a server that knows the kind runs it); Waiting: due later or on a nudge; Failed: parked. */
export function stateOf(job: Pick<JobRow, 'failed_at' | 'due_at'>, now: number): JobState {
  if (job.failed_at !== null) return 'Failed';
  return job.due_at !== null && job.due_at <= now ? 'Due' : 'Waiting';
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  accountId?: string;
  ids?: string[];
}

/** One page of jobs, soonest due first (those waiting for a nudge last), and how many match. */
export async function listJobs(
  db: Db,
  now: number,
  filter: JobFilter,
  page: { offset: number; limit: number },
): Promise<{ jobs: JobRow[]; total: number }> {
  const base = db
    .selectFrom('jobs')
    .$if(filter.state === 'Failed', (qb) => qb.where('failed_at', 'is not', null))
    .$if(filter.state === 'Due', (qb) => qb.where('failed_at', 'is', null).where('due_at', '<=', now))
    .$if(filter.state === 'Waiting', (qb) =>
      qb.where('failed_at', 'is', null).where((eb) => eb.or([eb('due_at', 'is', null), eb('due_at', '>', now)])),
    )
    .$if(filter.kind !== undefined, (qb) => qb.where('kind', '=', filter.kind!))
    .$if(filter.accountId !== undefined, (qb) => qb.where('account_id', '=', filter.accountId!))
    .$if(filter.ids !== undefined, (qb) => qb.where('id', 'in', filter.ids!.length > 0 ? filter.ids! : ['']));
  const [jobs, count] = await Promise.all([
    base
      .selectAll()
      .orderBy((eb) => eb.case().when('due_at', 'is', null).then(1).else(0).end())
      .orderBy('due_at')
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { jobs, total: Number(count.n) };
}

// --- Metrics (GET /_openeas/metrics) ---------------------------------------------------------

export interface JobCounts {
  /** Runnable now. */
  due: number;
  /** Runnable since before `overdueBefore`: the scheduler is behind, or no server knows the kind. */
  overdue: number;
  /** Due later or waiting for a nudge. */
  waiting: number;
  /** Parked after too many attempts. */
  failed: number;
  /** Due time of the oldest runnable job due by now (undefined: none). */
  oldestDueAt?: number;
}

/** Every count in one pass over the table (one statement, however many jobs). */
export async function countJobs(db: Db, now: number, overdueBefore: number): Promise<JobCounts> {
  const row = await db
    .selectFrom('jobs')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number | null>`sum(case when failed_at is not null then 1 else 0 end)`.as('failed'),
      sql<number | null>`sum(case when failed_at is null and due_at <= ${now} then 1 else 0 end)`.as('due'),
      sql<number | null>`sum(case when failed_at is null and due_at <= ${overdueBefore} then 1 else 0 end)`.as('overdue'),
      sql<number | null>`min(case when failed_at is null and due_at <= ${now} then due_at end)`.as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const failed = Number(row.failed ?? 0);
  const due = Number(row.due ?? 0);
  return {
    due,
    overdue: Number(row.overdue ?? 0),
    waiting: total - failed - due,
    failed,
    oldestDueAt: row.oldest === null ? undefined : Number(row.oldest),
  };
}
