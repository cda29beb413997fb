// Where a group's services run: machines as rows, the group's services as columns, each cell the
// service instances on that machine with their status (Pending → Running shows as it happens).
import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { call } from '../api.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import type { Machine } from './Groups.tsx';

interface ServiceSummary {
  ServiceName: string;
  Status: string;
  TotalInstance: number;
  RunningInstance: number;
}

interface ServiceInstance {
  InstanceName: string;
  Status: string;
  HostIP: string;
}

async function loadPlacement(region: string, resourceId: string) {
  const { Services } = await call<{ Services: ServiceSummary[] }>({
    Product: 'eas',
    Action: 'ListResourceServices',
    Params: { ClusterId: region, ResourceId: resourceId, PageNumber: 1, PageSize: 100 },
  });
  const instances = await Promise.all(
    Services.map((s) =>
      call<{ Instances: ServiceInstance[] }>({
        Product: 'eas',
        Action: 'ListServiceInstances',
        Params: { ClusterId: region, ServiceName: s.ServiceName, PageNumber: 1, PageSize: 100 },
      }).then(
        (b) => b.Instances,
        () => [] as ServiceInstance[],
      ),
    ),
  );
  return { services: Services, instances };
}

export function MachineInstanceView({ region, resourceId, machines }: { region: string; resourceId: string; machines: Machine[] }) {
  const placement = useLoad(() => loadPlacement(region, resourceId), [region, resourceId], 2000);
  const services = placement.data?.services ?? [];
  return (
    <Stack>
      <ErrorAlert error={placement.error} />
      <Group>
        {services.map((s) => (
          <Badge key={s.ServiceName} variant="light" tt="none">
            {s.ServiceName}: {s.RunningInstance}/{s.TotalInstance} running · {s.Status}
          </Badge>
        ))}
        {services.length === 0 && <Text size="sm">No services run on this group.</Text>}
      </Group>
      {services.length > 0 && (
        <Table data-testid="placement-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Machine</Table.Th>
              {services.map((s) => (
                <Table.Th key={s.ServiceName}>{s.ServiceName}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {machines.map((m) => (
              <Table.Tr key={m.InstanceId}>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {m.InstanceId}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {m.InstanceIp} · {m.InstanceStatus}
                  </Text>
                </Table.Td>
                {services.map((s, i) => (
                  <Table.Td key={s.ServiceName}>
                    <Group gap={2}>
                      {(placement.data?.instances[i] ?? [])
                        .filter((inst) => inst.HostIP === m.InstanceIp)
                        .map((inst) => (
                          <span key={inst.InstanceName} title={inst.InstanceName}>
                            <StatusBadge status={inst.Status} />
                          </span>
                        ))}
                    </Group>
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
