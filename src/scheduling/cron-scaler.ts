// The cron scaler of a service (Create/Describe/Update/DeleteServiceCronScaler): scale jobs
// `{Name, Schedule, TargetSize, TimeZone}` that set the service's instance count at the times their
// cron expression names (scheduling/cron.ts), except on days an ExcludeDates expression matches.
//
// Each scale job is one row of the durable jobs table (engine/jobs.ts) with the key
// `service.cron:<service id>/<job name>` and the service as subject, due at its next occurrence on
// the business clock; when it runs it scales the service (services.scaleService, holding the
// group's lock: the scheduler locks the groups its batch touches first, engine/group-locks.ts),
// records the outcome on the scale job (State, Message, LastProbeTime) and schedules the next
// occurrence under the same key. Replacing or deleting the scaler cancels its keys; deleting the
// service cancels every job whose subject it is.
import { apiError } from '../gateway/errors.ts';
import type { Tx } from '../store/database.ts';
import { cancelJobs, enqueueJobs, type JobRow, type NewJob } from '../engine/jobs.ts';
import { type CronExpression, dayStartOf, firesOnDay, isTimeZone, lastOccurrence, nextOccurrence, parseCron } from './cron.ts';
import { formatTime } from '../eas/presenters.ts';
import type { ServiceRow, StartDue } from './placement.ts';
import { recordEvent } from './service-events.ts';
import { LIMITS } from './service-spec.ts';
import { scaleService } from './services.ts';
import { groupsOfSubjects } from '../engine/group-locks.ts';

export const CRON_JOB = 'service.cron';

/** openeas bounds: scale jobs and excluded-date expressions per scaler. */
export const CRON_LIMITS = { jobs: 20, excludeDates: 20, name: 63 } as const;

export interface ScaleJob {
  Name: string;
  Schedule: string;
  TargetSize: number;
  TimeZone: string;
  CreateTime: number;
  /** The last run: Succeed or Failed, its message and time; absent before the first run. */
  State?: string;
  Message?: string;
  LastProbeTime?: number;
}

export interface CronScaler {
  ScaleJobs: ScaleJob[];
  ExcludeDates: string[];
}

interface ScalerInput {
  ScaleJobs?: Array<{ TargetSize?: unknown; Schedule?: unknown; Name?: unknown; TimeZone?: unknown }>;
  ExcludeDates?: unknown[];
}

const invalid = (name: string, reason: string) => apiError('InvalidParameter', { name, reason });

/** Checks a scaler body; names default to `scale-job-<n>`; the default time zone is UTC. */
export function parseCronScaler(input: ScalerInput, now: number): CronScaler {
  const jobs = input.ScaleJobs;
  if (!Array.isArray(jobs) || jobs.length === 0) throw apiError('MissingParameter', { name: 'ScaleJobs' });
  if (jobs.length > CRON_LIMITS.jobs) throw invalid('ScaleJobs', `A cron scaler has at most ${CRON_LIMITS.jobs} scale jobs.`);
  const excludes = input.ExcludeDates ?? [];
  if (!Array.isArray(excludes) || excludes.length > CRON_LIMITS.excludeDates)
    throw invalid('ExcludeDates', `It must be a list of at most ${CRON_LIMITS.excludeDates} cron expressions.`);
  for (const [i, e] of excludes.entries()) parseCron(e, `ExcludeDates.${i + 1}`);
  const names = new Set<string>();
  const parsed = jobs.map((j, i): ScaleJob => {
    const at = `ScaleJobs.${i + 1}`;
    const name = j.Name === undefined || j.Name === '' ? `scale-job-${i}` : j.Name;
    if (typeof name !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.length > CRON_LIMITS.name)
      throw invalid(
        `${at}.Name`,
        `A scale job name is 1 to ${CRON_LIMITS.name} lowercase letters, digits or hyphens, not starting or ending with one.`,
      );
    if (names.has(name)) throw invalid(`${at}.Name`, `Another scale job is already named ${name}.`);
    names.add(name);
    const size = j.TargetSize;
    if (size === undefined || size === null) throw apiError('MissingParameter', { name: `${at}.TargetSize` });
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > LIMITS.instances)
      throw invalid(`${at}.TargetSize`, `It must be an integer from 0 to ${LIMITS.instances}.`);
    if (j.Schedule === undefined || j.Schedule === null) throw apiError('MissingParameter', { name: `${at}.Schedule` });
    const tz = j.TimeZone === undefined || j.TimeZone === '' ? 'UTC' : j.TimeZone;
    if (typeof tz !== 'string' || !isTimeZone(tz)) throw invalid(`${at}.TimeZone`, 'It must be an IANA time zone such as Asia/Shanghai.');
    const expr = parseCron(j.Schedule, `${at}.Schedule`);
    // An openeas bound: a clock advance runs every occurrence it passes, one transaction each.
    if (expr.seconds.size !== 1)
      throw invalid(`${at}.Schedule`, 'openeas runs a scale job at most once a minute: the second field must be a single value, e.g. 0.');
    if (nextOccurrence(expr, tz, now) === null) throw invalid(`${at}.Schedule`, 'The expression never fires.');
    return { Name: name, Schedule: expr.text, TargetSize: size, TimeZone: tz, CreateTime: now };
  });
  return { ScaleJobs: parsed, ExcludeDates: excludes as string[] };
}

export function scalerOf(s: ServiceRow): CronScaler | undefined {
  return s.cron_scaler === null ? undefined : (JSON.parse(s.cron_scaler) as CronScaler);
}

const keyOf = (s: Pick<ServiceRow, 'id'>, job: Pick<ScaleJob, 'Name'>) => `${CRON_JOB}:${s.id}/${job.Name}`;

function nextJob(s: ServiceRow, job: ScaleJob, after: number): NewJob | undefined {
  const due = nextOccurrence(parseCron(job.Schedule, 'Schedule'), job.TimeZone, after);
  if (due === null) return undefined;
  return { kind: CRON_JOB, accountId: s.account_id, subjectId: s.id, dueAt: due, payload: { name: job.Name }, key: keyOf(s, job) };
}

/** Stores the scaler (or removes it: undefined) and schedules its jobs in place of the previous ones. */
export async function setCronScaler(tx: Tx, s: ServiceRow, scaler: CronScaler | undefined, now: number): Promise<void> {
  const previous = scalerOf(s);
  if (previous)
    await cancelJobs(
      tx,
      previous.ScaleJobs.map((j) => keyOf(s, j)),
    );
  const text = scaler === undefined ? null : JSON.stringify(scaler);
  await tx.updateTable('services').set({ cron_scaler: text, updated_at: now }).where('id', '=', s.id).execute();
  s.cron_scaler = text;
  if (!scaler) {
    await recordEvent(tx, s, 'Normal', 'CRONSCALER', 'Cron scaler deleted', now);
    return;
  }
  const jobs = scaler.ScaleJobs.map((j) => nextJob(s, j, now)).filter((j): j is NewJob => j !== undefined);
  await enqueueJobs(tx, jobs, now);
  const names = scaler.ScaleJobs.map((j) => `${j.Name} (${j.Schedule} ${j.TimeZone} → ${j.TargetSize})`).join(', ');
  await recordEvent(tx, s, 'Normal', 'CRONSCALER', `Cron scaler set: ${names}`, now);
}

/** The groups of the services cron jobs scale, for the scheduler's lock order. */
export const groupsOfServiceJobs = groupsOfSubjects('services');

/**
 * The occurrence a scale job that fell due at `at` runs now (business time `now`): `at` itself,
 * or, when the clock has moved past later occurrences too (a long clock advance, a server that was
 * down), only the last of them — the last on a day no ExcludeDates expression names, as the runs
 * in between would have left the service at that one's size anyway. Kubernetes CronJobs catch up
 * the same way (the most recent missed schedule only). Bounded work: a few steps per cron field,
 * one per excluded day, however long the advance.
 */
function catchUpTo(sj: ScaleJob, excludes: readonly CronExpression[], at: number, now: number): number {
  const expr = parseCron(sj.Schedule, 'Schedule');
  const any = lastOccurrence(expr, sj.TimeZone, now, at + 1000);
  let end = any;
  while (end !== null && excludes.some((e) => firesOnDay(e, sj.TimeZone, end!))) {
    // The last occurrence before that (excluded) calendar day.
    const dayStart = dayStartOf(end, sj.TimeZone);
    end = lastOccurrence(expr, sj.TimeZone, dayStart - 1000, at + 1000);
  }
  return end ?? any ?? at;
}

/** Cron jobs that fell due: each scales its service (unless the day is excluded), then schedules its next run. */
export async function runCronJobs(tx: Tx, jobs: JobRow[], startDue: StartDue, now: number): Promise<void> {
  for (const job of jobs) {
    const s = await tx.selectFrom('services').selectAll().where('id', '=', job.subject_id).executeTakeFirst();
    const scaler = s && scalerOf(s);
    const payload = JSON.parse(job.payload) as { name?: string; missedFrom?: number };
    const sj = scaler?.ScaleJobs.find((j) => j.Name === payload.name);
    if (!s || !scaler || !sj) continue; // the scaler changed meanwhile: its replacement has its own jobs
    const at = job.due_at ?? 0;
    const excludes = scaler.ExcludeDates.map((e) => parseCron(e, 'ExcludeDates'));
    const last = catchUpTo(sj, excludes, at, now);
    if (last > at) {
      // Later occurrences have passed too: run only the last one, at its time (in due order with
      // every other job, so of several scale jobs the latest schedule decides the size).
      const late = { ...nextJob(s, sj, at)!, dueAt: last, payload: { name: sj.Name, missedFrom: payload.missedFrom ?? at } };
      await enqueueJobs(tx, [late], at);
      continue;
    }
    const excluded = scaler.ExcludeDates.find((_, i) => firesOnDay(excludes[i]!, sj.TimeZone, at));
    const current = s.instance_count;
    const missed =
      payload.missedFrom === undefined
        ? ''
        : ` The runs due from ${formatTime(payload.missedFrom)} until this one were missed (the clock moved past them) and are not run.`;
    if (excluded !== undefined) {
      sj.State = 'Succeed';
      sj.Message = `cron hpa job ${sj.Name} skipped: the day is excluded by ${JSON.stringify(excluded)}. current replicas:${current}.`;
    } else {
      sj.State = 'Succeed';
      sj.Message = `cron hpa job ${sj.Name} executed successfully. current replicas:${current}, desired replicas:${sj.TargetSize}.`;
      // Already the wanted size: nothing to scale (and no event for every run of a frequent job).
      if (current !== sj.TargetSize) await scaleService(tx, s, sj.TargetSize, [], at, startDue);
    }
    sj.Message += missed;
    if ((excluded === undefined && current !== sj.TargetSize) || missed !== '')
      await recordEvent(tx, s, 'Normal', 'CRONSCALER', sj.Message, at);
    sj.LastProbeTime = at;
    await tx
      .updateTable('services')
      .set({ cron_scaler: JSON.stringify(scaler) })
      .where('id', '=', s.id)
      .execute();
    const next = nextJob(s, sj, at);
    if (next) await enqueueJobs(tx, [next], at);
  }
}
