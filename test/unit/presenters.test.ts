// Presenters spell their fields themselves (eas/presenters.ts, for speed): the time format and the
// group views must stay byte for byte what the straightforward spelling gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime, presentResource, presentResourceDetail } from '../../src/eas/presenters.ts';
import type { ResourcesTable } from '../../src/store/schema.ts';
import { seededRandom } from '../support/seeded-random.ts';

const reference = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';

test('formatTime spells every time as toISOString does, to the second', () => {
  const random = seededRandom(7);
  const samples = [
    0, -1, 1, 999, 1000, 86_399_999, 1_796_295_722_396, 253_402_300_799_999, 253_402_300_800_000, -62_135_596_800_000, -62_135_596_800_001,
  ];
  for (let i = 0; i < 20_000; i++) samples.push(Math.floor((random() * 2 - 0.5) * 4e14));
  for (const ms of samples) assert.equal(formatTime(ms), reference(ms), String(ms));
  assert.throws(() => formatTime(Number.NaN), RangeError);
});

test('a group is shown with its fields in the order and spelling of the straightforward view', () => {
  const group = {
    id: 'eas-r-abc',
    name: 'g',
    resource_type: 'Dedicated',
    region: 'cn-hangzhou',
    created_at: 1_796_295_722_396,
    updated_at: 1_796_295_800_000,
    instance_count: 3,
    prepaid_instance_count: 1,
    postpaid_instance_count: 2,
    cpu_count: 12,
    gpu_count: 0,
    memory_mb: 49_152,
    cpu_used: 2,
    gpu_used: 0,
    memory_used_mb: 1024,
    service_count: 7,
    status: 'ResourceReady',
    message: 'Resource is ready',
    usage_mode: 'Dedicated',
    account_id: '1000000000000001',
  } as unknown as ResourcesTable;
  const extra = { role_arn: 'acs:ram::1:role/AliyunServiceRoleForPaiEas', gpu_share: false };
  const shared = {
    ResourceId: 'eas-r-abc',
    ResourceName: 'g',
    ResourceType: 'Dedicated',
    ClusterId: 'cn-hangzhou',
    CreateTime: '2026-12-03T11:02:02Z',
    UpdateTime: '2026-12-03T11:03:20Z',
    InstanceCount: 3,
    PrePaidInstanceCount: 1,
    PostPaidInstanceCount: 2,
    CpuCount: 12,
    GpuCount: 0,
    Memory: 49_152,
    CpuUsed: 2,
    GpuUsed: 0,
    MemoryUsed: 1024,
    ServiceCount: 7,
    Status: 'ResourceReady',
    Message: 'Resource is ready',
    UsageMode: 'Dedicated',
    Features: [],
  };
  for (const alloc of [undefined, { cpu: 8, gpu: 1, memoryMb: 32_000 }]) {
    const max = {
      InstanceMaxAllocatableCPU: alloc?.cpu ?? 0,
      InstanceMaxAllocatableGPU: alloc?.gpu ?? 0,
      InstanceMaxAllocatableMemory: alloc?.memoryMb ?? 0,
    };
    assert.equal(
      JSON.stringify(presentResource(group, extra, alloc)),
      JSON.stringify({ ...shared, ExtraData: extra, Vendor: 'ECS', ...max }),
    );
    assert.equal(
      JSON.stringify(presentResourceDetail(group, extra, alloc)),
      JSON.stringify({ ...shared, ServiceCount: '7', OwnerUid: '1000000000000001', ExtraData: JSON.stringify(extra), ...max }),
    );
  }
});
