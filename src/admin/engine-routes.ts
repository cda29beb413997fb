// Admin endpoints that steer time and the machine engine: the clock, manual progression, due
// jobs (list, retry failed ones), stock, faults and quotas. All behind the admin guard (loopback or admin token).
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { adminBody, bodyNumber as num, bodyText as text, type AdminRoute } from './routes.ts';
import { addFault, FAULT_KINDS, faultOf, listFaults, type Fault, type FaultKind, type FaultSpec } from '../engine/faults.ts';
import { transitionInstances } from '../engine/instance-lifecycle.ts';
import { JOB_STATES, listJobs, stateOf, type JobRow, type JobState } from '../engine/jobs.ts';
import { formatTime } from '../eas/presenters.ts';
import { pageAnswer, pageOf, queryOf, queryText } from './paging.ts';
import { publicStockChanged } from '../scheduling/public-pool.ts';
import type { AccountQuotasTable, StockTable } from '../store/schema.ts';
import { isRegion, zonesOf } from '../eas/regions.ts';
import type { Services } from '../services.ts';

const STOCK_STATUSES = ['WithStock', 'ClosedWithStock', 'NoStock'] as const;

function clockView(s: Services): Record<string, unknown> {
  return { Now: formatTime(s.clock.now()), NowMs: s.clock.now(), OffsetMs: s.clock.offsetMs };
}

/** One advance covers at most 10 years: every due job in between runs inside the request. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

/** How far to move: {"seconds": n} or {"to": "<ISO time>"}. */
function advanceBy(body: Record<string, unknown>, s: Services): number {
  const to = text(body, 'to') ?? text(body, 'To');
  if (to !== undefined) {
    const t = Date.parse(to);
    if (Number.isNaN(t)) throw apiError('InvalidParameter', { name: 'to', reason: 'It must be an ISO 8601 time.' });
    if (t < s.clock.now()) throw apiError('InvalidParameter', { name: 'to', reason: 'The clock only moves forward.' });
    if (t - s.clock.now() > MAX_ADVANCE_SECONDS * 1000)
      throw apiError('InvalidParameter', { name: 'to', reason: 'The clock moves at most 10 years at a time.' });
    return t - s.clock.now();
  }
  const seconds = num(body, 'seconds', { min: 0, max: MAX_ADVANCE_SECONDS }) ?? num(body, 'Seconds', { min: 0, max: MAX_ADVANCE_SECONDS });
  if (seconds === undefined) throw apiError('MissingParameter', { name: 'seconds' });
  return seconds * 1000;
}

function faultSpec(body: Record<string, unknown>): { kind: FaultKind; spec: FaultSpec } {
  const kind = text(body, 'Kind', true) as FaultKind;
  if (!FAULT_KINDS.includes(kind))
    throw apiError('InvalidParameter', { name: 'Kind', reason: `It must be one of: ${FAULT_KINDS.join(', ')}.` });
  const spec: FaultSpec = {
    Region: text(body, 'Region'),
    Zone: text(body, 'Zone'),
    InstanceType: text(body, 'InstanceType'),
    InstanceId: text(body, 'InstanceId'),
    ServiceName: text(body, 'ServiceName'),
    Action: text(body, 'Action'),
    Count: num(body, 'Count', { min: 1, integer: true }),
    Fraction: num(body, 'Fraction', { min: 0, max: 1 }),
    LatencyMs: num(body, 'LatencyMs', { min: 0, max: 60_000 }),
    InDatabase: body.InDatabase === undefined ? undefined : body.InDatabase === true,
    Reason: text(body, 'Reason'),
  };
  if (kind === 'CreateFailure' && spec.Count === undefined) throw apiError('MissingParameter', { name: 'Count' });
  if (kind === 'FailureRate' && spec.Fraction === undefined) throw apiError('MissingParameter', { name: 'Fraction' });
  if (kind === 'NotReady' && spec.InstanceId === undefined) throw apiError('MissingParameter', { name: 'InstanceId' });
  if (kind === 'Latency' && spec.LatencyMs === undefined) throw apiError('MissingParameter', { name: 'LatencyMs' });
  if (kind === 'ServiceStartFailure' && spec.ServiceName === undefined) throw apiError('MissingParameter', { name: 'ServiceName' });
  return { kind, spec: Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as FaultSpec };
}

/** NotReady faults act on the machine at once; clearing them brings it back. */
async function setNotReady(s: Services, instanceId: string, notReady: boolean): Promise<void> {
  await s.store.transaction(async (tx) => {
    const row = await tx.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirst();
    if (!row) {
      if (notReady) throw apiError('InvalidParameter', { name: 'InstanceId', reason: `No machine ${instanceId} exists.` });
      return;
    }
    const from = notReady ? 'Ready' : 'NotReady';
    if (row.health === from) await transitionInstances(tx, [row], notReady ? 'NotReady' : 'Ready', s.clock.now());
    else if (notReady)
      throw apiError('InvalidParameter', { name: 'InstanceId', reason: `Machine ${instanceId} is ${row.status}, not Ready.` });
  });
}

async function clearFaults(s: Services, ids?: string[]): Promise<number> {
  const faults = (await listFaults(s.store.db)).filter((f) => !ids || ids.includes(f.id));
  for (const f of faults) {
    if (f.kind === 'NotReady' && f.spec.InstanceId) await setNotReady(s, f.spec.InstanceId, false);
  }
  if (faults.length > 0)
    await s.store.db
      .deleteFrom('faults')
      .where(
        'id',
        'in',
        faults.map((f) => f.id),
      )
      .execute();
  await s.latencyFaults.refresh();
  return faults.length;
}

function jobView(j: JobRow, now: number): Record<string, unknown> {
  return {
    Id: j.id,
    Kind: j.kind,
    State: stateOf(j, now),
    AccountId: j.account_id,
    SubjectId: j.subject_id,
    JobKey: j.job_key,
    DueTime: j.due_at === null ? null : formatTime(j.due_at),
    Attempts: j.attempts,
    LastError: j.last_error,
    FailedTime: j.failed_at === null ? null : formatTime(j.failed_at),
    CreateTime: formatTime(j.created_at),
    Payload: JSON.parse(j.payload) as unknown,
  };
}

/** Ids one retry may name (each is looked up). */
const JOBS_MAX_RETRY_IDS = 1000;

/** GET /jobs?State=Due|Waiting|Failed&Kind=…&AccountId=…&PageNumber=…&PageSize=… */
async function jobsPage(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const q = queryOf(req);
  const state = queryText(q, 'State', JOB_STATES) as JobState | undefined;
  const page = pageOf(q);
  const now = s.clock.now();
  const filter = { state, kind: queryText(q, 'Kind'), accountId: queryText(q, 'AccountId') };
  const { jobs, total } = await listJobs(s.store.db, now, filter, { offset: page.offset, limit: page.pageSize });
  return pageAnswer(
    'Jobs',
    jobs.map((j) => jobView(j, now)),
    total,
    page,
  );
}

/** POST /jobs/retry {"JobIds": […]} or {"All": true}: parked jobs run again, with fresh attempts. */
async function retryJobs(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const body = adminBody(req);
  const ids = body.JobIds;
  if (
    ids !== undefined &&
    (!Array.isArray(ids) || ids.length === 0 || ids.length > JOBS_MAX_RETRY_IDS || ids.some((i) => typeof i !== 'string'))
  ) {
    throw apiError('InvalidParameter', { name: 'JobIds', reason: `It must be an array of 1 to ${JOBS_MAX_RETRY_IDS} job ids.` });
  }
  if (ids === undefined && body.All !== true) throw apiError('MissingParameter', { name: 'JobIds' });
  if (ids !== undefined) {
    // Name every id that is not a parked job; one cancelled meanwhile just leaves less to retry.
    const found = await listJobs(s.store.db, s.clock.now(), { state: 'Failed', ids: ids as string[] }, { offset: 0, limit: ids.length });
    const failed = new Set(found.jobs.map((j) => j.id));
    const others = (ids as string[]).filter((id) => !failed.has(id));
    if (others.length > 0) throw apiError('InvalidParameter', { name: 'JobIds', reason: `No failed job has the id ${others.join(', ')}.` });
  }
  const { retried, ran } = await s.scheduler.retry(ids as string[] | undefined);
  return { Retried: retried, JobsRun: ran };
}

/** A fault as its request body named it, with its id, uses left and creation time. */
function faultView(f: Fault): Record<string, unknown> {
  return { FaultId: f.id, Kind: f.kind, ...f.spec, Remaining: f.remaining, CreateTime: formatTime(f.createdAt) };
}

function stockView(r: StockTable): Record<string, unknown> {
  return { Region: r.region, Zone: r.zone, InstanceType: r.instance_type, Status: r.status, Available: r.available };
}

function quotaView(r: AccountQuotasTable): Record<string, unknown> {
  return { AccountId: r.account_id, Region: r.region, Instances: r.max_instances, Vcpus: r.max_vcpus, Gpus: r.max_gpus };
}

/** GET /faults, oldest first, paged. */
async function faultsPage(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const page = pageOf(queryOf(req));
  const [rows, total] = await Promise.all([
    s.store.db.selectFrom('faults').selectAll().orderBy('created_at').orderBy('id').offset(page.offset).limit(page.pageSize).execute(),
    s.store.db
      .selectFrom('faults')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return pageAnswer(
    'Faults',
    rows.map((r) => faultView(faultOf(r))),
    Number(total.n),
    page,
  );
}

/** GET /stock?Region=…, paged. */
async function stockPage(req: FastifyRequest, s: Services): Promise<Record<string, unknown>> {
  const q = queryOf(req);
  const page = pageOf(q);
  const region = queryText(q, 'Region');
  const base = s.store.db.selectFrom('stock').$if(region !== undefined, (qb) => qb.where('region', '=', region!));
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('region').orderBy('zone').orderBy('instance_type').offset(page.offset).limit(page.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return pageAnswer('Stock', rows.map(stockView), Number(total.n), page);
}

function param(req: FastifyRequest, name: string): string {
  return (req.params as Record<string, string>)[name]!;
}

export const engineAdminRoutes: AdminRoute[] = [
  { method: 'GET', path: '/clock', handler: async (_req, s) => clockView(s) },
  {
    method: 'POST',
    path: '/clock/advance',
    handler: async (req, s) => {
      const ran = await s.scheduler.advance(advanceBy(adminBody(req), s));
      return { ...clockView(s), JobsRun: ran };
    },
  },
  {
    method: 'POST',
    path: '/engine/progress',
    handler: async (req, s) => {
      const body = adminBody(req);
      const ids = body.InstanceIds;
      if (ids !== undefined && (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string'))) {
        throw apiError('InvalidParameter', { name: 'InstanceIds', reason: 'It must be an array of instance ids.' });
      }
      return { JobsRun: await s.scheduler.nudge({ subjectIds: ids as string[] | undefined }) };
    },
  },
  { method: 'GET', path: '/jobs', handler: jobsPage },
  { method: 'POST', path: '/jobs/retry', handler: retryJobs },
  { method: 'GET', path: '/stock', handler: stockPage },
  {
    method: 'PUT',
    path: '/stock',
    handler: async (req, s) => {
      const body = adminBody(req);
      const region = text(body, 'Region', true)!;
      if (!isRegion(region)) throw apiError('InvalidParameter', { name: 'Region', reason: `Unknown region ${region}.` });
      const zone = text(body, 'Zone') ?? '*';
      if (zone !== '*' && !zonesOf(region).includes(zone))
        throw apiError('InvalidParameter', { name: 'Zone', reason: `Zone ${zone} is not in ${region}.` });
      const type = text(body, 'InstanceType', true)!;
      if (!s.catalog.get(type)) throw apiError('InvalidParameter', { name: 'InstanceType', reason: `Unknown instance type ${type}.` });
      const status = text(body, 'Status') ?? 'WithStock';
      if (!(STOCK_STATUSES as readonly string[]).includes(status))
        throw apiError('InvalidParameter', { name: 'Status', reason: `It must be one of: ${STOCK_STATUSES.join(', ')}.` });
      const available = num(body, 'Available', { min: 0, integer: true });
      const row = { region, zone, instance_type: type, status, available: available ?? null };
      await s.store.db
        .insertInto('stock')
        .values(row)
        .onConflict((oc) => oc.columns(['region', 'zone', 'instance_type']).doUpdateSet({ status, available: row.available }))
        .execute();
      // Public-pool instances waiting for capacity are placed by the job this enqueues.
      await s.store.transaction((tx) => publicStockChanged(tx, s.clock.now()));
      if (s.config.progression === 'immediate') await s.scheduler.runDue();
      return { Stock: stockView(row) };
    },
  },
  {
    method: 'DELETE',
    path: '/stock',
    handler: async (_req, s) => {
      const cleared = Number((await s.store.db.deleteFrom('stock').executeTakeFirst()).numDeletedRows);
      // Everything is in stock again: public-pool instances waiting for capacity are placed.
      await s.store.transaction((tx) => publicStockChanged(tx, s.clock.now()));
      if (s.config.progression === 'immediate') await s.scheduler.runDue();
      return { Cleared: cleared };
    },
  },
  { method: 'GET', path: '/faults', handler: faultsPage },
  {
    method: 'POST',
    path: '/faults',
    handler: async (req, s) => {
      const { kind, spec } = faultSpec(adminBody(req));
      if (kind === 'NotReady') await setNotReady(s, spec.InstanceId!, true);
      const fault = await s.store.transaction((tx) => addFault(tx, kind, spec, s.clock.now()));
      await s.latencyFaults.refresh();
      return { Fault: faultView(fault) };
    },
  },
  { method: 'DELETE', path: '/faults', handler: async (_req, s) => ({ Cleared: await clearFaults(s) }) },
  {
    method: 'DELETE',
    path: '/faults/:id',
    handler: async (req, s) => {
      const cleared = await clearFaults(s, [param(req, 'id')]);
      if (cleared === 0) throw apiError('InvalidParameter', { name: 'id', reason: 'No such fault.' });
      return { Cleared: cleared };
    },
  },
  {
    method: 'PUT',
    path: '/accounts/:id/quota',
    handler: async (req, s) => {
      const body = adminBody(req);
      const accountId = param(req, 'id');
      const region = text(body, 'Region', true)!;
      const row = {
        account_id: accountId,
        region,
        max_instances: num(body, 'Instances', { min: 0, integer: true }) ?? null,
        max_vcpus: num(body, 'Vcpus', { min: 0, integer: true }) ?? null,
        max_gpus: num(body, 'Gpus', { min: 0, integer: true }) ?? null,
      };
      if (!(await s.store.db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) {
        throw apiError('InvalidParameter', { name: 'id', reason: `No account ${accountId}.` });
      }
      await s.store.db
        .insertInto('account_quotas')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'region'])
            .doUpdateSet({ max_instances: row.max_instances, max_vcpus: row.max_vcpus, max_gpus: row.max_gpus }),
        )
        .execute();
      return { Quota: quotaView(row) };
    },
  },
];
