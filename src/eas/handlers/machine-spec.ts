// DescribeMachineSpec (GET /api/v2/public/instance_types): the machine catalog with specs, stock
// and prices. It is not in the resource-group metadata file; its request (InstanceTypes, a
// deprecated "simple"-style list; ChargeType; ResourceType) and response (InstanceMetas, Types) follow
// the generated SDK models of aliyun/alibabacloud-typescript-sdk (eas-20210701).
import type { OperationSpec } from '../operation-spec.ts';
import type { MachineType } from '../catalog.ts';
import { bindHandler, idList, type TypedEasHandler } from './common.ts';
import { pushTo } from '../../collections.ts';

export const MACHINE_SPEC_SPEC: OperationSpec = {
  action: 'DescribeMachineSpec',
  method: 'GET',
  path: '/api/v2/public/instance_types',
  routePath: '/api/v2/public/instance_types',
  deprecated: false,
  params: [
    {
      name: 'InstanceTypes',
      location: 'query',
      type: 'array',
      required: false,
      style: 'simple',
      items: { name: 'InstanceTypes', location: 'query', type: 'string', required: false },
    },
    { name: 'ChargeType', location: 'query', type: 'string', required: false, enum: ['PrePaid', 'PostPaid'] },
    { name: 'ResourceType', location: 'query', type: 'string', required: false },
  ],
};

/**
 * What validation builds from MACHINE_SPEC_SPEC, written as scripts/generate-operations.ts would
 * generate it (this operation is not in the metadata it reads); test/unit/generated-operations.test.ts
 * fails when the two differ.
 */
export interface DescribeMachineSpecInput {
  InstanceTypes?: Array<string>;
  ChargeType?: 'PrePaid' | 'PostPaid';
  ResourceType?: string;
}

/** The catalog's stock for a type in a region: the best of its zones (rows in the stock table override). */
function stockStatus(statuses: string[]): string {
  if (statuses.length === 0 || statuses.includes('WithStock')) return 'WithStock';
  if (statuses.includes('ClosedWithStock')) return 'ClosedWithStock';
  return 'NoStock';
}

function cpuMemoryTypes(types: MachineType[]): Array<{ CPU: number; Memory: number[] }> {
  const byCpu = new Map<number, Set<number>>();
  for (const t of types) {
    if (t.gpu > 0) continue;
    const set = byCpu.get(t.vcpu) ?? new Set<number>();
    set.add(t.memoryGiB);
    byCpu.set(t.vcpu, set);
  }
  return [...byCpu.entries()].sort(([a], [b]) => a - b).map(([CPU, mem]) => ({ CPU, Memory: [...mem].sort((a, b) => a - b) }));
}

export const describeMachineSpec: TypedEasHandler<DescribeMachineSpecInput> = {
  async handle(input, ctx) {
    const { catalog, store } = ctx.services;
    const wanted = new Set(idList(input.InstanceTypes));
    const types = catalog
      .all()
      .filter((t) => catalog.sells(t, ctx.region))
      .filter((t) => wanted.size === 0 || wanted.has(t.type))
      .sort((a, b) => a.type.localeCompare(b.type));
    const stock = await store.db
      .selectFrom('stock')
      .select(['instance_type', 'zone', 'status', 'available'])
      .where('region', '=', ctx.region)
      .execute();
    const zonesOf = new Map<string, string[]>();
    for (const s of stock) {
      const status = s.available === 0 ? 'NoStock' : s.status;
      pushTo(zonesOf, s.instance_type, status);
    }
    return {
      InstanceMetas: types.map((t) => {
        const overrides = zonesOf.get(t.type) ?? [];
        const status = overrides.length === 0 ? 'WithStock' : stockStatus(overrides);
        return {
          InstanceType: t.type,
          CPU: t.vcpu,
          Memory: t.memoryGiB,
          ...(t.gpu > 0 ? { GPU: t.gpuModel ?? 'GPU', GPUAmount: t.gpu, GPUMemory: t.gpuMemoryGiB } : { GPUAmount: 0 }),
          IsAvailable: status !== 'NoStock',
          StockStatus: status,
          Vendor: t.vendor ?? 'ECS',
          Arch: t.arch,
          ...ctx.services.prices.forType(t, ctx.region),
        };
      }),
      Types: cpuMemoryTypes(types),
    };
  },
};

/** Public catalog: no group is involved, so RAM sees the action on every resource. */
export const MACHINE_SPEC_OPERATION = { spec: MACHINE_SPEC_SPEC, handler: bindHandler(describeMachineSpec), resource: '*' };
