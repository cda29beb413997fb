// Ordering machines (CreateResource's and CreateResourceInstances' machine part): type from the
// region's catalog with its stock, count, PrePaid/PostPaid, auto-renewal, zone, labels, and the live
// price from the catalog. The API validates on submit; its refusal is shown as it came.
import { useEffect, useState } from 'react';
import { Group, NumberInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { cny, machineTypes, monthlyCost, type MachineType } from '../catalog.ts';
import { useConsole } from '../context.ts';

export interface MachineOrder {
  EcsInstanceType: string;
  EcsInstanceCount: number;
  ChargeType: 'PrePaid' | 'PostPaid';
  AutoRenewal: boolean;
  Zone: string;
  Labels: string[];
}

export const EMPTY_ORDER: MachineOrder = {
  EcsInstanceType: '',
  EcsInstanceCount: 1,
  ChargeType: 'PostPaid',
  AutoRenewal: false,
  Zone: '',
  Labels: [],
};

/** The order as the API's body fields. */
export function orderBody(order: MachineOrder): Record<string, unknown> {
  const labels = Object.fromEntries(
    order.Labels.map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
    }),
  );
  return {
    EcsInstanceType: order.EcsInstanceType,
    EcsInstanceCount: order.EcsInstanceCount,
    ChargeType: order.ChargeType,
    ...(order.ChargeType === 'PrePaid' ? { AutoRenewal: order.AutoRenewal } : {}),
    ...(order.Zone ? { Zone: order.Zone } : {}),
    ...(order.Labels.length > 0 ? { Labels: labels } : {}),
  };
}

export function MachineOrderFields({ order, onChange }: { order: MachineOrder; onChange: (o: MachineOrder) => void }) {
  const { region, session } = useConsole();
  const [types, setTypes] = useState<MachineType[]>([]);
  useEffect(() => {
    machineTypes(region).then(setTypes, () => setTypes([]));
  }, [region]);
  const type = types.find((t) => t.InstanceType === order.EcsInstanceType);
  const perMonth = monthlyCost(type, order.ChargeType) * (order.EcsInstanceCount || 0);
  const set = (patch: Partial<MachineOrder>) => onChange({ ...order, ...patch });
  const zones = session.Zones?.[region] ?? [];
  return (
    <Stack gap="sm">
      <Select
        label="Machine type"
        required
        searchable
        data={types.map((t) => ({
          value: t.InstanceType,
          label: `${t.InstanceType} · ${t.CPU} vCPU · ${t.Memory} GiB${t.GPUAmount ? ` · ${t.GPUAmount}× ${t.GPU}` : ''}${t.IsAvailable ? '' : ' · no stock'}`,
        }))}
        value={order.EcsInstanceType || null}
        onChange={(v) => set({ EcsInstanceType: v ?? '' })}
        data-testid="machine-type"
      />
      <Group grow>
        <NumberInput
          label="Count"
          required
          min={1}
          max={100}
          value={order.EcsInstanceCount}
          onChange={(v) => set({ EcsInstanceCount: Number(v) || 0 })}
          error={order.EcsInstanceCount < 1 || order.EcsInstanceCount > 100 ? 'From 1 to 100 machines per order' : undefined}
        />
        <Select
          label="Zone"
          data={[{ value: '', label: 'Any zone' }, ...zones.map((z) => ({ value: z, label: z }))]}
          value={order.Zone}
          onChange={(v) => set({ Zone: v ?? '' })}
          allowDeselect={false}
        />
      </Group>
      <div>
        <Text size="sm" fw={500} id="charge-type-label">
          Billing method
        </Text>
        <SegmentedControl
          aria-labelledby="charge-type-label"
          data={[
            { value: 'PostPaid', label: 'Pay-as-you-go (PostPaid)' },
            { value: 'PrePaid', label: 'Subscription (PrePaid)' },
          ]}
          value={order.ChargeType}
          onChange={(v) => set({ ChargeType: v as MachineOrder['ChargeType'] })}
          data-testid="charge-type"
        />
      </div>
      {order.ChargeType === 'PrePaid' && (
        <Switch
          label="Renew automatically at expiry"
          checked={order.AutoRenewal}
          onChange={(e) => set({ AutoRenewal: e.currentTarget.checked })}
        />
      )}
      <TagsInput
        label="Labels"
        description="key=value, Enter after each"
        value={order.Labels}
        onChange={(labels) => set({ Labels: labels })}
      />
      <Text size="sm" data-testid="order-price" aria-live="polite">
        {type
          ? order.ChargeType === 'PrePaid'
            ? `Price: ${cny(perMonth)} per month, paid now for the term (${cny(Number(type.MonthlyPrice))} per machine)`
            : `Price: ${cny(Number(type.HourlyPrice) * (order.EcsInstanceCount || 0))} per hour, about ${cny(perMonth)} per month`
          : 'Pick a machine type to see its price.'}
      </Text>
    </Stack>
  );
}
