// The events of services (DescribeServiceEvent), and their retention. Every event is written by
// writeEvents, in the caller's transaction: the rows, and each service's event_count in one
// set-based statement. When a service's count passes a multiple of TRIM_STEP, a trim job (one
// pending per service, engine/jobs.ts) is scheduled; it deletes the service's oldest events beyond
// OPENEAS_SERVICE_EVENTS_PER_SERVICE, at most TRIM_BATCH a run. So writing costs one statement
// more whatever the bound, and a service keeps at most the bound plus the events written since its
// last trim (fewer than TRIM_STEP, unless one call writes more). DeleteService removes them all.
import { sql, type ExpressionBuilder } from 'kysely';
import type { Tx } from '../store/database.ts';
import type { Schema, ServiceEventsTable, ServicesTable } from '../store/schema.ts';
import { forRowChunks, valuesOf } from '../store/id-lists.ts';
import { insertRows, prepare } from '../store/prepared.ts';
import { enqueueJobs, type JobRow, type NewJob } from '../engine/jobs.ts';
import type { Scheduler } from '../engine/scheduler.ts';
import { randomString } from '../ids.ts';

export const TRIM_EVENTS_JOB = 'service.events.trim';

/** A trim is scheduled each time a service's event count passes a multiple of this. */
export const TRIM_STEP = 100;

/** Events one trim run deletes at most per service (the rest in the next run, scheduled at once). */
export const TRIM_BATCH = 5000;

type EventService = Pick<ServicesTable, 'id' | 'account_id'> & { current_version?: number };

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The instance it is about; '' for an event about the service. */
  instance: string;
}

/**
 * Event ids sort in the order events were recorded: business time, then a per-process sequence
 * (seeded from the wall clock in µs, so it also grows across restarts). DescribeServiceEvent reads
 * `order by time, id`: the events of one transaction come back as they happened, not shuffled.
 */
let eventSequence = Date.now() * 1000;
function eventId(now: number): string {
  eventSequence += 1;
  return `${String(now).padStart(15, '0')}-${String(eventSequence).padStart(17, '0')}-${randomString(4)}`;
}

/** A service_events row, written later (placement writes all of a call's events in one statement). */
export type EventRow = ServiceEventsTable;

export function eventRows(s: EventService, events: PodEvent[], now: number): ServiceEventsTable[] {
  return events.map((e) => ({
    id: eventId(now),
    service_id: s.id,
    account_id: s.account_id,
    type: e.type,
    reason: e.reason,
    message: e.message,
    time: now,
    resource: e.instance === '' ? 'Service' : 'Pod',
    instance_name: e.instance,
    version: s.current_version ?? 1,
  }));
}

/**
 * Writes events (of any services), counts them per service and schedules the trims that fall due.
 * `inserted`: a service whose row this transaction inserted already carrying its events' count
 * (a CreateService's, placement.ts NewService): its count is not added again.
 */
export async function writeEvents(tx: Tx, rows: ServiceEventsTable[], now: number, inserted?: Counted): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(tx, 'service_events', rows);
  const added = new Map<string, number>();
  for (const r of rows) if (r.service_id !== inserted?.id) added.set(r.service_id, (added.get(r.service_id) ?? 0) + 1);
  const trims: NewJob[] = [];
  if (inserted && inserted.event_count >= TRIM_STEP) trims.push(trimJob(inserted, now));
  const noteTrims = (counted: Counted[]) => {
    for (const r of counted) {
      const count = Number(r.event_count);
      if (Math.floor((count - added.get(r.id)!) / TRIM_STEP) < Math.floor(count / TRIM_STEP)) trims.push(trimJob(r, now));
    }
  };
  if (added.size === 1) {
    // One service (a create, most calls): a prepared statement, not a values list compiled anew.
    const [[id, n]] = [...added] as [[string, number]];
    noteTrims(await countOneServiceEvents.rows(tx, { id, n }));
  } else if (added.size > 1) {
    await forRowChunks(tx, [...added], async (chunk) => {
      const counted = await sql<Counted>`
        with d(id, n) as materialized (${valuesOf(tx, ['text', 'integer'], chunk)})
        update services set event_count = event_count + d.n from d where services.id = d.id
        returning services.id, services.account_id, services.event_count`.execute(tx);
      noteTrims(counted.rows);
    });
  }
  await enqueueJobs(tx, trims, now);
}

type Counted = Pick<ServicesTable, 'id' | 'account_id' | 'event_count'>;
const countOneServiceEvents = prepare<{ id: string; n: number }, Counted>((db, p) =>
  db
    .updateTable('services')
    .set((eb) => ({ event_count: eb('event_count', '+', p.n) }))
    .where('id', '=', p.id)
    .returning(['id', 'account_id', 'event_count']),
);

function trimJob(s: Pick<ServicesTable, 'id' | 'account_id'>, now: number): NewJob {
  return { kind: TRIM_EVENTS_JOB, accountId: s.account_id, subjectId: s.id, dueAt: now, key: `${TRIM_EVENTS_JOB}:${s.id}` };
}

/** Events of a service, in one statement (an event about an instance has Resource Pod). */
export async function recordPodEvents(tx: Tx, s: EventService, events: PodEvent[], now: number): Promise<void> {
  await writeEvents(tx, eventRows(s, events, now), now);
}

export async function recordEvent(tx: Tx, s: EventService, type: 'Normal' | 'Warning', reason: string, message: string, now: number) {
  await recordPodEvents(tx, s, [{ type, reason, message, instance: '' }], now);
}

/** Events at or before `p` in the table's order (time, then id). */
const upTo = (eb: ExpressionBuilder<Schema, 'service_events'>, p: { time: number; id: string }) =>
  eb.or([eb('time', '<', p.time), eb.and([eb('time', '=', p.time), eb('id', '<=', p.id)])]);

/** Deletes the oldest events of each service beyond `keep`, TRIM_BATCH at most per service and run. */
export async function trimEvents(tx: Tx, jobs: JobRow[], keep: number, now: number): Promise<void> {
  const more: NewJob[] = [];
  for (const job of jobs) {
    const id = job.subject_id;
    // The newest event that goes: it and everything older.
    const edge = await tx
      .selectFrom('service_events')
      .select(['time', 'id'])
      .where('service_id', '=', id)
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .offset(keep)
      .executeTakeFirst();
    if (!edge) continue;
    // At most TRIM_BATCH of them a run: none after the TRIM_BATCH-th oldest.
    // Both are found, and the events deleted, along the table's key (service_id, time, id).
    const batchEnd = await tx
      .selectFrom('service_events')
      .select(['time', 'id'])
      .where('service_id', '=', id)
      .orderBy('time')
      .orderBy('id')
      .limit(1)
      .offset(TRIM_BATCH - 1)
      .executeTakeFirst();
    // Both bounds go to the database, which orders the ids (a JavaScript comparison could disagree
    // with PostgreSQL's collation).
    const deleted = Number(
      (
        await tx
          .deleteFrom('service_events')
          .where('service_id', '=', id)
          .where((eb) => upTo(eb, edge))
          .$if(batchEnd !== undefined, (q) => q.where((eb) => upTo(eb, batchEnd!)))
          .executeTakeFirst()
      ).numDeletedRows,
    );
    const left = await tx
      .updateTable('services')
      .set((eb) => ({ event_count: eb('event_count', '-', deleted) }))
      .where('id', '=', id)
      .returning(['account_id'])
      .executeTakeFirst();
    if (left && deleted === TRIM_BATCH) more.push(trimJob({ id, account_id: left.account_id }, now));
  }
  await enqueueJobs(tx, more, now);
}

export function registerEventJobs(scheduler: Scheduler, config: { serviceEventsPerService: number }): void {
  scheduler.register(TRIM_EVENTS_JOB, (tx, jobs, now) => trimEvents(tx, jobs, config.serviceEventsPerService, now));
}
