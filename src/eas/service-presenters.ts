// Service rows → the `Service`, `Instance` and `ResourceInstanceWorker` shapes of the EAS metadata.
import type { ServiceInstancesTable, ServicesTable } from '../store/schema.ts';
import { formatTime } from './presenters.ts';
import { PUBLIC_POOL } from '../scheduling/public-pool.ts';

/** Endpoints as Alibaba names them: `http://<account>.<region>.pai-eas.aliyuncs.com` (`.vpc.` inside the VPC). */
export function endpoints(s: Pick<ServicesTable, 'account_id' | 'region' | 'name'>): {
  InternetEndpoint: string;
  IntranetEndpoint: string;
} {
  return {
    InternetEndpoint: `http://${s.account_id}.${s.region}.pai-eas.aliyuncs.com/api/predict/${s.name}`,
    IntranetEndpoint: `http://${s.account_id}.vpc.${s.region}.pai-eas.aliyuncs.com/api/predict/${s.name}`,
  };
}

export function presentCreatedService(s: ServicesTable): Record<string, unknown> {
  return { ServiceId: s.id, ServiceName: s.name, Status: 'Creating', Region: s.region, ...endpoints(s) };
}

function imageOf(config: string): string {
  const doc = JSON.parse(config) as { containers?: Array<{ image?: unknown }> };
  const image = doc.containers?.[0]?.image;
  return typeof image === 'string' ? image : '';
}

/** The Service struct (DescribeService, ListServices, ListResourceServices). `total` is the service's instance rows. */
export function presentService(
  s: ServicesTable,
  groupName: string,
  labels: ReadonlyArray<{ key: string; value: string }> = [],
): Record<string, unknown> {
  const stopped = s.status === 'Stopped';
  const total = stopped ? 0 : s.instance_count;
  // Public pool (scheduling/public-pool.ts): no group, so no Resource.
  const pub = s.resource_id === PUBLIC_POOL;
  return {
    ServiceId: s.id,
    ServiceUid: s.id,
    ServiceName: s.name,
    Region: s.region,
    Status: s.status,
    Reason: s.reason,
    Message: s.message,
    CallerUid: s.account_id,
    ParentUid: s.account_id,
    CreateTime: formatTime(s.created_at),
    UpdateTime: formatTime(s.updated_at),
    Cpu: s.cpu,
    Memory: s.memory_mb,
    Gpu: s.gpu,
    Image: imageOf(s.config),
    TotalInstance: total,
    RunningInstance: s.running_count,
    PendingInstance: Math.max(0, total - s.running_count),
    InstanceCountInResource: { Dedicated: pub ? 0 : total, Public: pub ? total : 0, Quota: 0 },
    Resource: pub ? '' : s.resource_id,
    ResourceAlias: pub ? '' : groupName,
    ResourceBurstable: false,
    Role: 'Standard',
    Namespace: s.name,
    Labels: labels.map((l) => ({ LabelKey: l.key, LabelValue: l.value })),
    CurrentVersion: s.current_version,
    LatestVersion: s.latest_version,
    Weight: 100,
    TrafficState: 'standalone',
    SafetyLock: s.safety_lock,
    AutoscalerEnabled: false,
    CronscalerEnabled: s.cron_scaler !== null,
    ServiceConfig: s.config,
    AccessToken: s.access_token,
    // Only a service whose JSON names a group (metadata.group) belongs to one (docs/sdk-models.md).
    ...(s.service_group === '' ? {} : { ServiceGroup: s.service_group }),
    ...endpoints(s),
  };
}

/** The machine an instance is on, for its host fields. */
export interface Host {
  name: string;
  ip: string;
  zone: string;
  instance_type: string;
}

export function presentServiceInstance(
  i: ServiceInstancesTable,
  service: Pick<ServicesTable, 'name' | 'generation'>,
  host: Host | undefined,
  pool: { pub: boolean; hourlyPrice: number } = { pub: false, hourlyPrice: 0 },
): Record<string, unknown> {
  const running = i.status === 'Running';
  // A public-pool instance has no machine of the account: its type and zone are its own, its
  // address shows once it got capacity.
  const placed = i.machine_id !== null;
  return {
    InstanceName: i.id,
    Namespace: service.name,
    Status: i.status,
    Reason: i.reason,
    HostIP: host?.ip ?? '',
    HostName: host?.name ?? '',
    InnerIP: host || (pool.pub && placed) ? i.ip : '',
    InstancePort: 8080,
    RestartCount: i.restart_count,
    ReadyProcesses: running ? 1 : 0,
    TotalProcesses: 1,
    StartTime: i.started_at === null ? '' : formatTime(i.started_at),
    StartAt: i.started_at === null ? '' : formatTime(i.started_at),
    CreateTime: formatTime(i.created_at),
    LastState: [],
    Role: 'Standard',
    ResourceType: pool.pub ? 'PublicResource' : 'PrivateResource',
    InstanceType: pool.pub ? i.instance_type : (host?.instance_type ?? ''),
    Zone: pool.pub ? i.zone : (host?.zone ?? ''),
    IsSpot: false,
    // The instance-hour's price in CNY: the type's catalog price on the public pool (pay-as-you-go,
    // no discount), 0 on a dedicated group (paid through its machines). docs/services.md.
    CurrentAmount: pool.hourlyPrice,
    OriginalAmount: pool.hourlyPrice,
    Isolated: false,
    Detached: false,
    // Of the newest rollout (an older one is being replaced by a rolling update or restart).
    IsLatest: i.generation >= service.generation,
    IsReplica: false,
  };
}

/** A worker on a machine (ListResourceInstanceWorker): requests equal limits, memory in MB. */
export function presentWorker(i: ServiceInstancesTable, service: string): Record<string, unknown> {
  return {
    Name: i.id,
    ServiceName: service,
    Status: i.status,
    Ready: i.status === 'Running',
    CpuRequest: i.cpu,
    GpuRequest: i.gpu,
    MemoryRquest: i.memory_mb,
    CpuLimit: i.cpu,
    GpuLimit: i.gpu,
    MemoryLimit: i.memory_mb,
    RestartCount: i.restart_count,
    StartTime: i.started_at === null ? '' : formatTime(i.started_at),
  };
}
