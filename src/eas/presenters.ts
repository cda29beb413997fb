// Rows → the exact response shapes of the EAS metadata (field names, units, time format).
import type { InstancesTable, ResourcesTable } from '../store/schema.ts';
import type { GroupDlink, GroupLog } from './groups.ts';

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `YYYY-MM-DDTHH:mm:ssZ`, the time format of every EAS response. Spelled from the UTC fields:
 * `toISOString` formats through a slower general path (about 400 ns against 120 here), and every
 * group, service and machine shown has two or three times. Years outside 0–9999 (and invalid
 * times, which throw) are left to `toISOString`, whose spelling of them is the reference.
 */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return d.toISOString().slice(0, 19) + 'Z';
  return (
    `${year}-${twoDigits(d.getUTCMonth() + 1)}-${twoDigits(d.getUTCDate())}` +
    `T${twoDigits(d.getUTCHours())}:${twoDigits(d.getUTCMinutes())}:${twoDigits(d.getUTCSeconds())}Z`
  );
}

export function megabytes(mb: number): string {
  return `${mb}M`;
}

export function gigabytes(gb: number): string {
  return `${gb}G`;
}

/** The columns a machine's API view needs (lists read only these). */
export const INSTANCE_VIEW_COLUMNS = [
  'id',
  'name',
  'ip',
  'status',
  'cpu',
  'gpu',
  'memory_mb',
  'system_disk_gb',
  'gpu_memory_gb',
  'instance_type',
  'created_at',
  'charge_type',
  'expired_at',
  'auto_renewal',
  'arch',
  'region',
  'zone',
  'resource_id',
  'labels',
  'health',
  'last_cordon_reason',
  'last_cordon_operator',
  'cpu_used',
  'gpu_used',
  'memory_used_mb',
] as const;

export type InstanceView = Pick<InstancesTable, (typeof INSTANCE_VIEW_COLUMNS)[number]>;

/** InstancePhase by lifecycle state (the model's example is `succeeded`; mapping in docs/sdk-models.md). */
const INSTANCE_PHASE: Record<string, string> = {
  Attaching: 'pending',
  Ready: 'succeeded',
  NotReady: 'succeeded',
  Stopped: 'stopped',
  CreateFailed: 'failed',
  Deleting: 'deleting',
};

export function presentInstance(r: InstanceView): Record<string, unknown> {
  const labels = JSON.parse(r.labels) as Record<string, string>;
  return {
    InstanceId: r.id,
    InstanceName: r.name,
    InstanceIp: r.ip,
    InstanceTenantIp: '',
    InstanceStatus: r.status,
    InstancePhase: INSTANCE_PHASE[r.health] ?? 'pending',
    InstanceCpuCount: r.cpu,
    InstanceGpuCount: r.gpu,
    InstanceMemory: megabytes(r.memory_mb),
    InstanceSystemDiskSize: r.system_disk_gb,
    InstanceGpuMemory: gigabytes(r.gpu_memory_gb * r.gpu),
    InstanceUsedCpu: r.cpu_used,
    InstanceUsedGpu: r.gpu_used,
    InstanceUsedMemory: megabytes(r.memory_used_mb),
    // Whole GPUs only (no GPU sharing yet): a used GPU's memory is all of it.
    InstanceUsedGpuMemory: megabytes(r.gpu_used * r.gpu_memory_gb * 1024),
    InstanceType: r.instance_type,
    CreateTime: formatTime(r.created_at),
    ChargeType: r.charge_type,
    ExpiredTime: r.expired_at === null ? '' : formatTime(r.expired_at),
    AutoRenewal: r.auto_renewal === 1,
    Arch: r.arch,
    Region: r.region,
    Zone: r.zone,
    ResourceId: r.resource_id,
    Labels: Object.entries(labels).map(([LabelKey, LabelValue]) => ({ LabelKey, LabelValue })),
    LastCordonReason: r.last_cordon_reason,
    LastCordonOperator: r.last_cordon_operator,
  };
}

/** The ExtraData keys the DescribeResource example shows, from the DLink and SLS-log sub-features. */
export function extraData(accountId: string, log: GroupLog | undefined, dlink: GroupDlink | undefined): Record<string, unknown> {
  const extra: Record<string, unknown> = {
    role_arn: `acs:ram::${accountId}:role/AliyunServiceRoleForPaiEas`,
    gpu_share: false,
  };
  if (dlink) {
    Object.assign(extra, {
      vpc_id: dlink.vpc_id,
      vswitch_id: dlink.vswitch_id,
      aux_vswitch_id_list: JSON.parse(dlink.aux_vswitch_list) as string[],
      security_group_id: dlink.security_group_id,
      destination_cidr: dlink.destination_cidrs,
    });
  }
  if (log) {
    Object.assign(extra, {
      sls_project: log.project_name,
      sls_logstore: log.log_store,
      sls_status: log.status,
      sls_message: log.message,
    });
  }
  const updated = Math.max(log?.updated_at ?? 0, dlink?.updated_at ?? 0);
  if (updated > 0) extra.update_time = formatTime(updated);
  return extra;
}

export interface Allocatable {
  cpu: number;
  gpu: number;
  memoryMb: number;
}

/**
 * Fields shared by the ListResources `Resource` struct and DescribeResource, in their order; the
 * callers add theirs by assignment. Spreading this object into a new literal with more fields
 * (`{ ...fields, ExtraData }`) cost 6–7 µs a group in V8, against under 1 µs.
 */
function resourceFields(r: ResourcesTable, serviceCount: number | string): Record<string, unknown> {
  return {
    ResourceId: r.id,
    ResourceName: r.name,
    ResourceType: r.resource_type,
    ClusterId: r.region,
    CreateTime: formatTime(r.created_at),
    UpdateTime: formatTime(r.updated_at),
    InstanceCount: r.instance_count,
    PrePaidInstanceCount: r.prepaid_instance_count,
    PostPaidInstanceCount: r.postpaid_instance_count,
    CpuCount: r.cpu_count,
    GpuCount: r.gpu_count,
    Memory: r.memory_mb,
    CpuUsed: r.cpu_used,
    GpuUsed: r.gpu_used,
    MemoryUsed: r.memory_used_mb,
    ServiceCount: serviceCount,
    Status: r.status,
    Message: r.message,
    UsageMode: r.usage_mode,
    // openeas offers none of the optional features the real service lists here.
    Features: [],
  };
}

/** The largest running machine's capacity (0 for a group without one), added to `fields`. */
function addAllocatable(fields: Record<string, unknown>, alloc: Allocatable | undefined): Record<string, unknown> {
  fields.InstanceMaxAllocatableCPU = alloc?.cpu ?? 0;
  fields.InstanceMaxAllocatableGPU = alloc?.gpu ?? 0;
  fields.InstanceMaxAllocatableMemory = alloc?.memoryMb ?? 0;
  return fields;
}

/** ListResources item: ExtraData is an object here; the `Resource` model has no OwnerUid. */
export function presentResource(
  r: ResourcesTable,
  extra: Record<string, unknown>,
  alloc: Allocatable | undefined,
): Record<string, unknown> {
  const fields = resourceFields(r, r.service_count);
  fields.ExtraData = extra;
  fields.Vendor = 'ECS';
  return addAllocatable(fields, alloc);
}

/** DescribeResource: ExtraData is a JSON string here (domain notes §1.4) and ServiceCount a string (the SDK 7.9 model). */
export function presentResourceDetail(
  r: ResourcesTable,
  extra: Record<string, unknown>,
  alloc: Allocatable | undefined,
): Record<string, unknown> {
  const fields = resourceFields(r, String(r.service_count));
  fields.OwnerUid = r.account_id;
  fields.ExtraData = JSON.stringify(extra);
  return addAllocatable(fields, alloc);
}
