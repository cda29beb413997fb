// Billing: the balance (QueryAccountBalance), the daily cost of a billing cycle by group and by charge
// type (QueryInstanceBill, Granularity DAILY, one call a day), and upcoming renewals and expiries of
// subscription machines (ListResourceInstances of the region's groups). Months follow business time.
import { useState } from 'react';
import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { call, getSession } from '../api.ts';
import { useConsole } from '../context.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { cny } from '../catalog.ts';
import { allMachines, type Machine } from './Groups.tsx';

interface BillItem {
  InstanceID: string;
  ResourceGroup: string;
  SubscriptionType: string;
  PretaxAmount: number | string;
}

function cycles(now: Date): string[] {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

async function dailyCosts(cycle: string) {
  const [year, month] = cycle.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const byGroup: Array<Record<string, number | string>> = [];
  const byCharge: Array<Record<string, number | string>> = [];
  const groups = new Set<string>();
  const perDay = await Promise.all(
    Array.from({ length: days }, (_, i) => {
      const date = `${cycle}-${String(i + 1).padStart(2, '0')}`;
      return call<{ Data: { Items: { Item: BillItem[] } } }>({
        Product: 'bss',
        Action: 'QueryInstanceBill',
        Params: { BillingCycle: cycle, Granularity: 'DAILY', BillingDate: date, PageSize: 300 },
      }).then((b) => ({ date, items: b.Data.Items.Item }));
    }),
  );
  for (const { date, items } of perDay) {
    const g: Record<string, number | string> = { day: date.slice(5) };
    const c: Record<string, number | string> = { day: date.slice(5), Subscription: 0, PayAsYouGo: 0 };
    for (const item of items) {
      const amount = Number(item.PretaxAmount) || 0;
      const group = item.ResourceGroup || 'other';
      groups.add(group);
      g[group] = Number(g[group] ?? 0) + amount;
      c[item.SubscriptionType] = Number(c[item.SubscriptionType] ?? 0) + amount;
    }
    byGroup.push(g);
    byCharge.push(c);
  }
  const total = byCharge.reduce((sum, d) => sum + Number(d.Subscription) + Number(d.PayAsYouGo), 0);
  return { byGroup, byCharge, groups: [...groups], total };
}

async function renewals(region: string): Promise<Array<Machine & { group: string }>> {
  const { Resources } = await call<{ Resources: Array<{ ResourceId: string; ResourceName: string }> }>({
    Product: 'eas',
    Action: 'ListResources',
    Params: { PageSize: 100 },
    Region: region,
  });
  const all = await Promise.all(
    Resources.map(async (g) => (await allMachines(region, g.ResourceId)).map((m) => ({ ...m, group: g.ResourceName }))),
  );
  return all
    .flat()
    .filter((m) => m.ChargeType === 'PrePaid' && m.ExpiredTime)
    .sort((a, b) => a.ExpiredTime.localeCompare(b.ExpiredTime))
    .slice(0, 50);
}

const COLORS = ['blue.7', 'teal.7', 'grape.7', 'orange.7', 'cyan.7', 'pink.7', 'lime.8', 'indigo.7'];

export default function BillingPage() {
  const { region, session } = useConsole();
  const [cycle, setCycle] = useState<string>();
  const now = useLoad(() => getSession().then((s) => new Date(s.BusinessTime)), []);
  const months = cycles(now.data ?? new Date(session.BusinessTime));
  const chosen = cycle ?? months[0]!;
  const balance = useLoad(
    () => call<{ Data: { AvailableAmount: string; Currency: string } }>({ Product: 'bss', Action: 'QueryAccountBalance', Params: {} }),
    [],
    10_000,
  );
  const costs = useLoad(() => dailyCosts(chosen), [chosen]);
  const upcoming = useLoad(() => renewals(region), [region]);
  return (
    <Stack>
      <Title order={2}>Billing</Title>
      <ErrorAlert error={balance.error ?? costs.error} />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            Balance
          </Text>
          <Text size="xl" fw={700} data-testid="balance">
            {balance.data ? `${balance.data.Data.AvailableAmount} ${balance.data.Data.Currency}` : '…'}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            Cost in {chosen}
          </Text>
          <Text size="xl" fw={700}>
            {costs.data ? cny(costs.data.total) : '…'}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Select label="Billing cycle" data={months} value={chosen} onChange={(v) => v && setCycle(v)} allowDeselect={false} />
        </Paper>
      </SimpleGrid>
      <Title order={3}>Daily cost by resource group</Title>
      {costs.data && (
        <BarChart
          h={260}
          data={costs.data.byGroup}
          dataKey="day"
          type="stacked"
          series={costs.data.groups.map((g, i) => ({ name: g, color: COLORS[i % COLORS.length]! }))}
          valueFormatter={(v) => cny(v)}
          aria-label={`Daily cost by resource group in ${chosen}`}
        />
      )}
      <Title order={3}>Daily cost by charge type</Title>
      {costs.data && (
        <BarChart
          h={220}
          data={costs.data.byCharge}
          dataKey="day"
          type="stacked"
          series={[
            { name: 'Subscription', color: 'blue.7' },
            { name: 'PayAsYouGo', color: 'teal.7' },
          ]}
          valueFormatter={(v) => cny(v)}
          withLegend
          aria-label={`Daily cost by charge type in ${chosen}`}
        />
      )}
      <Title order={3}>Upcoming renewals and expiries in {region}</Title>
      <ErrorAlert error={upcoming.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Machine</Table.Th>
            <Table.Th>Group</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>At expiry</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {upcoming.data?.map((m) => (
            <Table.Tr key={m.InstanceId}>
              <Table.Td>{new Date(m.ExpiredTime).toLocaleString()}</Table.Td>
              <Table.Td>{m.InstanceId}</Table.Td>
              <Table.Td>{m.group}</Table.Td>
              <Table.Td>{m.InstanceType}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {m.AutoRenewal ? (
                    <Badge color="green">renews automatically</Badge>
                  ) : (
                    <Badge color="orange">expires (stopped, then released)</Badge>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {upcoming.data?.length === 0 && <Text size="sm">No subscription machines in {region}.</Text>}
    </Stack>
  );
}
