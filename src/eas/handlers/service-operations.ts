// The service operations beyond create/describe/list/scale/start/stop/delete (docs/services.md):
// UpdateService, UpdateServiceVersion, ListServiceVersions, RestartService, DeleteServiceInstances,
// Update/DeleteServiceLabel, UpdateServiceSafetyLock, DescribeServiceEvent, DescribeServiceEndpoints
// and the cron scaler. Each mutation is one transaction holding the service's group lock first;
// the behaviour lives in scheduling/.
import { apiError } from '../../gateway/errors.ts';
import type { EasHandler } from '../operations.ts';
import { checkLabels, MAX_LABELS } from '../labels.ts';
import { formatTime } from '../presenters.ts';
import { endpoints } from '../service-presenters.ts';
import { parseServiceSpec, LIMITS } from '../../scheduling/service-spec.ts';
import { restartInstances } from '../../scheduling/placement.ts';
import {
  deleteLabels,
  findService,
  restartService,
  setLabels,
  setSafetyLock,
  switchVersion,
  updateService,
  versionConfig,
} from '../../scheduling/services.ts';
import { parseCronScaler, scalerOf, setCronScaler } from '../../scheduling/cron-scaler.ts';
import { idList, MAX_PAGE_SIZE, mutate, paging, typedHandler } from './common.ts';
import { deployTarget, lockedService, message, owner, startDue } from './service-common.ts';
import { isPublicPool } from '../../scheduling/public-pool.ts';
import '../errors.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** UpdateType=merge: objects merge key by key, deeply; any other value (arrays too) replaces; null removes the key. */
function mergeConfig(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = mergeConfig(out[key] as Json, value);
    else out[key] = value;
  }
  return out;
}

const updateServiceHandler = typedHandler<'UpdateService'>({
  async handle(input, ctx) {
    const body = input.body;
    if (!isObject(body)) throw apiError('InvalidBody.NotObject');
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'UpdateService');
      const next = input.UpdateType === 'replace' ? { ...body } : mergeConfig(JSON.parse(s.config) as Json, body);
      // The name is the service's: a document without one (replace mode) keeps it.
      if (next.name === undefined && !(isObject(next.metadata) && next.metadata.name !== undefined)) next.name = s.name;
      const spec = parseServiceSpec(next, deployTarget(ctx));
      if (spec.name !== s.name) {
        throw apiError('InvalidParameter', {
          name: 'name',
          reason: `It must be the service's name, ${s.name}: a service cannot be renamed.`,
        });
      }
      if (spec.resourceId !== s.resource_id) {
        throw apiError('InvalidParameter', {
          name: 'metadata.resource',
          reason: isPublicPool(spec.resourceId)
            ? 'openeas does not move a service off its resource group: deploy a new service on the public resource pool.'
            : `openeas does not move a service to another resource group: deploy a new service into ${spec.resourceId}.`,
        });
      }
      await updateService(tx, s, spec, now, startDue(ctx), ctx.services.config.serviceVersionsPerService);
      return { Message: `Succeed to update service [${s.name}] in region [${s.region}]` };
    });
  },
});

const updateServiceVersionHandler = typedHandler<'UpdateServiceVersion'>({
  async handle(input, ctx) {
    const version = input.Version;
    if (!Number.isInteger(version) || version < 1)
      throw apiError('InvalidParameter', { name: 'Version', reason: 'It must be an integer greater than 0.' });
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'UpdateServiceVersion');
      if (version > s.latest_version) {
        throw apiError('InvalidParameter', { name: 'Version', reason: `Service ${s.name} has versions 1 to ${s.latest_version}.` });
      }
      if (version === s.current_version)
        throw apiError('InvalidParameter', { name: 'Version', reason: `Version ${version} is already the current version.` });
      const config = await versionConfig(tx, s, version);
      if (config === undefined) throw apiError('InvalidParameter', { name: 'Version', reason: `Version ${version} is not kept.` });
      await switchVersion(tx, s, version, parseServiceSpec(JSON.parse(config), deployTarget(ctx)), now, startDue(ctx));
      return { Message: message(s, 'updating') };
    });
  },
});

const listServiceVersionsHandler = typedHandler<'ListServiceVersions'>({
  async handle(input, ctx) {
    const page = paging(input);
    const db = ctx.services.store.db;
    const s = await findService(db, owner(ctx), input.ServiceName);
    const versions = db.selectFrom('service_versions').where('service_id', '=', s.id);
    const [rows, kept] = await Promise.all([
      versions.select(['version', 'config', 'created_at']).orderBy('version', 'desc').limit(page.pageSize).offset(page.offset).execute(),
      // The latest OPENEAS_SERVICE_VERSIONS_PER_SERVICE are kept (at most a few hundred rows of the key).
      versions.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      TotalCount: Number(kept.n),
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      Versions: rows.map((r) => ({
        BuildTime: formatTime(r.created_at),
        ImageAvailable: 'true',
        ImageId: r.version,
        Message: r.version === s.current_version ? `Version ${r.version}, current: service is ${s.status}` : `Version ${r.version}`,
        ServiceRunnable: 'true',
        ServiceConfig: r.config,
      })),
    };
  },
});

const restartServiceHandler = typedHandler<'RestartService'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'RestartService');
      if (s.status === 'Stopped') throw apiError('OperationDenied.ServiceStatus', { serviceName: s.name, status: s.status });
      await restartService(tx, s, now, startDue(ctx));
      return { Message: 'Service is restarting' };
    });
  },
});

const deleteServiceInstancesHandler = typedHandler<'DeleteServiceInstances'>({
  async handle(input, ctx) {
    const names = idList(input.InstanceList);
    if (names.length === 0) throw apiError('MissingParameter', { name: 'InstanceList' });
    if (names.length > LIMITS.instances)
      throw apiError('InvalidParameter', { name: 'InstanceList', reason: `It names at most ${LIMITS.instances} instances.` });
    const soft = input.SoftRestart === true;
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'DeleteServiceInstances');
      if (soft && input.Container !== undefined && input.Container !== '') {
        const doc = JSON.parse(s.config) as { containers?: unknown[] };
        const count = Array.isArray(doc.containers) ? doc.containers.length : 1;
        const known = Array.from({ length: count }, (_, i) => `worker${i}`);
        if (!known.includes(input.Container)) {
          throw apiError('InvalidParameter', {
            name: 'Container',
            reason: `The instances of ${s.name} have containers ${known.join(', ')}.`,
          });
        }
      }
      // openeas services have no replicas: with IsReplica=true no name can match.
      const rows =
        input.IsReplica === true
          ? []
          : await tx.selectFrom('service_instances').selectAll().where('service_id', '=', s.id).where('id', 'in', names).execute();
      const unknown = names.find((n) => !rows.some((r) => r.id === n));
      if (unknown !== undefined) {
        throw apiError('InvalidParameter', {
          name: 'InstanceList',
          reason: `Instance ${unknown} is not ${input.IsReplica === true ? 'a replica' : 'an instance'} of service ${s.name}.`,
        });
      }
      await restartInstances(tx, s, rows, soft, now, startDue(ctx));
      const list = names.join(',');
      return {
        Message: soft
          ? `Instance(s) [${list}] for service [${s.name}] in region [${s.region}] was restarted successfully`
          : `Instance(s) [${list}] for service [${s.name}] in region [${s.region}] was deleted successfully`,
      };
    });
  },
});

const updateServiceLabelHandler = typedHandler<'UpdateServiceLabel'>({
  async handle(input, ctx) {
    const labels = checkLabels(input.Labels, 'Labels');
    if (Object.keys(labels).length === 0) throw apiError('MissingParameter', { name: 'Labels' });
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'UpdateServiceLabel');
      await setLabels(tx, s, labels, MAX_LABELS, now);
      return { Message: `Succeed to update service [${s.name}] labels.` };
    });
  },
});

/**
 * Keys of DeleteServiceLabel: LabelKeys (a JSON list) and the deprecated Keys (comma-separated,
 * style simple) — which Terraform's provider sends as a JSON list (`["a","b"]`), so validation's
 * comma split is undone and the list read as JSON.
 */
function labelKeys(input: { Keys?: string[]; LabelKeys?: string[] }): string[] {
  const keys = [...(input.LabelKeys ?? [])];
  const simple = (input.Keys ?? []).join(',');
  let parsed: unknown;
  if (simple.trimStart().startsWith('[')) {
    try {
      parsed = JSON.parse(simple);
    } catch {
      parsed = undefined; // not JSON: keys that start with [
    }
  }
  keys.push(...(Array.isArray(parsed) ? parsed.map(String) : (input.Keys ?? [])));
  return [...new Set(keys.filter((k) => k !== ''))];
}

const deleteServiceLabelHandler = typedHandler<'DeleteServiceLabel'>({
  async handle(input, ctx) {
    const keys = labelKeys(input);
    if (keys.length === 0) throw apiError('MissingParameter', { name: 'LabelKeys' });
    if (keys.length > MAX_LABELS) throw apiError('InvalidParameter', { name: 'LabelKeys', reason: `It names at most ${MAX_LABELS} keys.` });
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'DeleteServiceLabel');
      await deleteLabels(tx, s, keys, now);
      return { Message: `Succeed to delete service [${s.name}] labels.` };
    });
  },
});

const updateServiceSafetyLockHandler = typedHandler<'UpdateServiceSafetyLock'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'UpdateServiceSafetyLock');
      await setSafetyLock(tx, s, input.Lock, now);
      return { Message: `service safety lock updated to ${input.Lock}` };
    });
  },
});

/** DescribeServiceEvent's times: `2006-01-02 15:04:05`, UTC. */
function eventTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19).replace('T', ' ') !== value) {
    throw apiError('InvalidParameter', { name, reason: 'It must be a UTC time written 2006-01-02 15:04:05.' });
  }
  return ms;
}

function positive(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw apiError('InvalidParameter', { name, reason: `It must be an integer from 1 to ${max}.` });
  return n;
}

const WEEK_MS = 7 * 86_400_000;

const describeServiceEventHandler = typedHandler<'DescribeServiceEvent'>({
  async handle(input, ctx) {
    const pageNum = positive(input.PageNum, 'PageNum', 1, 1_000_000);
    const pageSize = positive(input.PageSize, 'PageSize', 100, MAX_PAGE_SIZE);
    const now = ctx.services.clock.now();
    const end = eventTime(input.EndTime, 'EndTime') ?? now;
    const start = eventTime(input.StartTime, 'StartTime') ?? end - WEEK_MS;
    if (start > end) throw apiError('InvalidParameter', { name: 'StartTime', reason: 'It must not be after EndTime.' });
    const db = ctx.services.store.db;
    const s = await findService(db, owner(ctx), input.ServiceName);
    let q = db.selectFrom('service_events').where('service_id', '=', s.id).where('time', '>=', start).where('time', '<=', end);
    if (input.EventType) q = q.where('type', '=', input.EventType);
    if (input.InstanceName) q = q.where('instance_name', '=', input.InstanceName);
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .selectAll()
      .orderBy('time')
      .orderBy('id')
      .limit(pageSize)
      .offset((pageNum - 1) * pageSize)
      .execute();
    return {
      Events: rows.map((e) => ({
        Type: e.type,
        Reason: e.reason,
        // A JSON document, as Alibaba's events carry: the version, the instance (for Pod events) and the text.
        Message: JSON.stringify({
          versionId: e.version,
          ...(e.instance_name === '' ? {} : { instance: e.instance_name }),
          message: e.message,
        }),
        Time: new Date(e.time).toISOString().slice(0, 19).replace('T', ' '),
        Resource: e.resource,
      })),
      TotalCount: total,
      TotalPageNum: Math.ceil(total / pageSize),
      PageNum: pageNum,
    };
  },
});

const describeServiceEndpointsHandler = typedHandler<'DescribeServiceEndpoints'>({
  async handle(input, ctx) {
    const s = await findService(ctx.services.store.db, owner(ctx), input.ServiceName);
    const e = endpoints(s);
    return {
      Endpoints: [
        {
          BackendId: 'default',
          EndpointType: 'DefaultGateway',
          PathType: 'Service',
          InternetEndpoints: [e.InternetEndpoint],
          IntranetEndpoints: [e.IntranetEndpoint],
        },
      ],
      AccessToken: s.access_token,
      Message: 'Execution succeeded.',
    };
  },
});

// ---- the cron scaler

const createServiceCronScalerHandler = typedHandler<'CreateServiceCronScaler'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'CreateServiceCronScaler');
      if (scalerOf(s)) throw apiError('InvalidCronScaler.AlreadyExists', { serviceName: s.name });
      await setCronScaler(tx, s, parseCronScaler(input, now), now);
      return { Message: `Cronscaler for service [${s.name}] created successfully` };
    });
  },
});

const updateServiceCronScalerHandler = typedHandler<'UpdateServiceCronScaler'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'UpdateServiceCronScaler');
      if (!scalerOf(s)) throw apiError('InvalidCronScaler.NotFound', { serviceName: s.name });
      await setCronScaler(tx, s, parseCronScaler(input, now), now);
      return { Message: `Cronscaler for service [${s.name}] updated successfully` };
    });
  },
});

const deleteServiceCronScalerHandler = typedHandler<'DeleteServiceCronScaler'>({
  async handle(input, ctx) {
    return mutate(ctx, async (tx, now) => {
      const s = await lockedService(tx, ctx, input.ServiceName, 'DeleteServiceCronScaler');
      if (!scalerOf(s)) throw apiError('InvalidCronScaler.NotFound', { serviceName: s.name });
      await setCronScaler(tx, s, undefined, now);
      return { Message: `Cronscaler for service [${s.name}] deleted successfully` };
    });
  },
});

const describeServiceCronScalerHandler = typedHandler<'DescribeServiceCronScaler'>({
  async handle(input, ctx) {
    const s = await findService(ctx.services.store.db, owner(ctx), input.ServiceName);
    const scaler = scalerOf(s);
    if (!scaler) throw apiError('InvalidCronScaler.NotFound', { serviceName: s.name });
    return {
      ServiceName: s.name,
      ExcludeDates: scaler.ExcludeDates,
      ScaleJobs: scaler.ScaleJobs.map((j) => ({
        Name: j.Name,
        Schedule: j.Schedule,
        TargetSize: j.TargetSize,
        CreateTime: formatTime(j.CreateTime),
        // The last run's outcome: absent until the job first ran.
        ...(j.State === undefined ? {} : { State: j.State, Message: j.Message ?? '' }),
        ...(j.LastProbeTime === undefined ? {} : { LastProbeTime: formatTime(j.LastProbeTime) }),
      })),
    };
  },
});

export const SERVICE_OPERATION_HANDLERS: Record<string, EasHandler> = {
  UpdateService: updateServiceHandler,
  UpdateServiceVersion: updateServiceVersionHandler,
  ListServiceVersions: listServiceVersionsHandler,
  RestartService: restartServiceHandler,
  DeleteServiceInstances: deleteServiceInstancesHandler,
  UpdateServiceLabel: updateServiceLabelHandler,
  DeleteServiceLabel: deleteServiceLabelHandler,
  UpdateServiceSafetyLock: updateServiceSafetyLockHandler,
  DescribeServiceEvent: describeServiceEventHandler,
  DescribeServiceEndpoints: describeServiceEndpointsHandler,
  CreateServiceCronScaler: createServiceCronScalerHandler,
  DescribeServiceCronScaler: describeServiceCronScalerHandler,
  UpdateServiceCronScaler: updateServiceCronScalerHandler,
  DeleteServiceCronScaler: deleteServiceCronScalerHandler,
};
