// Resource groups of the picked region: name, id, type, machines by status, CPU/GPU/memory used of
// total, services, a monthly cost estimate (catalog prices × machines); create, rename, delete.
import { useState } from 'react';
import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { call } from '../api.ts';
import { useConsole } from '../context.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { EMPTY_ORDER, MachineOrderFields, orderBody, type MachineOrder } from '../components/MachineOrder.tsx';
import { cny, machineTypes, monthlyCost } from '../catalog.ts';
import { linkProps, navigate } from '../router.ts';

export interface ResourceGroup {
  ResourceId: string;
  ResourceName: string;
  ResourceType: string;
  ClusterId: string;
  Status: string;
  InstanceCount: number;
  CpuCount: number;
  GpuCount: number;
  Memory: number;
  CpuUsed: number;
  GpuUsed: number;
  MemoryUsed: number;
  ServiceCount: number | string;
}

export interface Machine {
  InstanceId: string;
  InstanceName: string;
  InstanceIp: string;
  InstanceStatus: string;
  InstanceType: string;
  ChargeType: string;
  ExpiredTime: string;
  AutoRenewal: boolean;
  Zone: string;
  CreateTime: string;
  InstanceCpuCount: number;
  InstanceGpuCount: number;
  InstanceMemory: string;
  InstanceUsedCpu: number;
  InstanceUsedGpu: number;
  InstanceUsedMemory: string;
  Labels: Array<{ LabelKey: string; LabelValue: string }>;
  LastCordonReason?: string;
  FailureReason?: string;
}

interface GroupRow extends ResourceGroup {
  byStatus: Record<string, number>;
  monthly: number;
}

/** Every machine of a group (pages of 100), for counts and the cost estimate. */
export async function allMachines(region: string, resourceId: string): Promise<Machine[]> {
  const machines: Machine[] = [];
  for (let page = 1; page <= 50; page++) {
    const body = await call<{ Instances: Machine[]; TotalCount: number }>({
      Product: 'eas',
      Action: 'ListResourceInstances',
      Params: { ClusterId: region, ResourceId: resourceId, PageNumber: page, PageSize: 100 },
    });
    machines.push(...body.Instances);
    if (machines.length >= body.TotalCount || body.Instances.length === 0) break;
  }
  return machines;
}

async function loadGroups(region: string): Promise<GroupRow[]> {
  const body = await call<{ Resources: ResourceGroup[] }>({
    Product: 'eas',
    Action: 'ListResources',
    Params: { PageNumber: 1, PageSize: 100 },
    Region: region,
  });
  const types = await machineTypes(region).catch(() => []);
  return Promise.all(
    body.Resources.map(async (g) => {
      const machines = g.InstanceCount > 0 || g.ResourceType === 'Dedicated' ? await allMachines(region, g.ResourceId).catch(() => []) : [];
      const byStatus: Record<string, number> = {};
      let monthly = 0;
      for (const m of machines) {
        byStatus[m.InstanceStatus] = (byStatus[m.InstanceStatus] ?? 0) + 1;
        if (m.InstanceStatus !== 'CreateFailed') {
          monthly += monthlyCost(
            types.find((t) => t.InstanceType === m.InstanceType),
            m.ChargeType,
          );
        }
      }
      return { ...g, byStatus, monthly };
    }),
  );
}

export function usedOf(used: number, total: number, unit = ''): string {
  return `${used}${unit} / ${total}${unit}`;
}

export function GroupsPage() {
  const { region } = useConsole();
  const groups = useLoad(() => loadGroups(region), [region], 5000);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<GroupRow>();
  const [deleting, setDeleting] = useState<GroupRow>();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Resource groups in {region}</Title>
        <Button onClick={() => setCreating(true)}>Create resource group</Button>
      </Group>
      <ErrorAlert error={groups.error} />
      <Table striped highlightOnHover data-testid="groups-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>ID</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Machines by status</Table.Th>
            <Table.Th>CPU used</Table.Th>
            <Table.Th>GPU used</Table.Th>
            <Table.Th>Memory used (MB)</Table.Th>
            <Table.Th>Services</Table.Th>
            <Table.Th>Monthly cost (est.)</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {groups.data?.map((g) => (
            <Table.Tr key={g.ResourceId} data-resource-id={g.ResourceId}>
              <Table.Td>
                <Anchor {...linkProps(`/console/groups/${region}/${g.ResourceId}`)}>{g.ResourceName}</Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {g.ResourceId}
                </Text>
              </Table.Td>
              <Table.Td>{g.ResourceType}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {Object.entries(g.byStatus).map(([status, n]) => (
                    <Badge
                      key={status}
                      variant="light"
                      color={status.startsWith('Ready') ? 'green' : status === 'CreateFailed' ? 'red' : 'blue'}
                    >
                      {n} {status}
                    </Badge>
                  ))}
                  {Object.keys(g.byStatus).length === 0 && <Text size="sm">none</Text>}
                </Group>
              </Table.Td>
              <Table.Td>{usedOf(g.CpuUsed, g.CpuCount)}</Table.Td>
              <Table.Td>{usedOf(g.GpuUsed, g.GpuCount)}</Table.Td>
              <Table.Td>{usedOf(g.MemoryUsed, g.Memory)}</Table.Td>
              <Table.Td>{g.ServiceCount}</Table.Td>
              <Table.Td>{cny(g.monthly)}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Button size="compact-xs" variant="default" onClick={() => setRenaming(g)} aria-label={`Rename ${g.ResourceName}`}>
                    Rename
                  </Button>
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="light"
                    onClick={() => setDeleting(g)}
                    aria-label={`Delete ${g.ResourceName}`}
                  >
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {groups.data?.length === 0 && <Text>No resource groups in {region} yet.</Text>}
      <CreateGroup opened={creating} onClose={() => setCreating(false)} onCreated={(id) => navigate(`/console/groups/${region}/${id}`)} />
      {renaming && <RenameGroup group={renaming} onClose={() => setRenaming(undefined)} onDone={groups.reload} />}
      {deleting && <DeleteGroup group={deleting} onClose={() => setDeleting(undefined)} onDone={groups.reload} />}
    </Stack>
  );
}

function CreateGroup({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { region } = useConsole();
  const [name, setName] = useState('');
  const [order, setOrder] = useState<MachineOrder>(EMPTY_ORDER);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = await call<{ ResourceId: string }>({
        Product: 'eas',
        Action: 'CreateResource',
        Params: { ResourceName: name, ResourceType: 'Dedicated', ...orderBody(order) },
        Region: region,
      });
      onClose();
      onCreated(body.ResourceId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Create a dedicated resource group" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="group-name" />
          <Text size="sm" c="dimmed">
            A dedicated group starts with the machines ordered here (region {region}).
          </Text>
          <MachineOrderFields order={order} onChange={setOrder} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RenameGroup({ group, onClose, onDone }: { group: GroupRow; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(group.ResourceName);
  const [error, setError] = useState<unknown>();
  return (
    <Modal opened onClose={onClose} title={`Rename ${group.ResourceName}`}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await call({
              Product: 'eas',
              Action: 'UpdateResource',
              Params: { ClusterId: group.ClusterId, ResourceId: group.ResourceId, ResourceName: name },
            });
            onClose();
            onDone();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <Stack>
          <TextInput label="New name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <ErrorAlert error={error} />
          <Button type="submit">Rename</Button>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteGroup({ group, onClose, onDone }: { group: GroupRow; onClose: () => void; onDone: () => void }) {
  const [error, setError] = useState<unknown>();
  return (
    <Modal opened onClose={onClose} title={`Delete ${group.ResourceName}?`}>
      <Stack>
        <Text size="sm">
          The group {group.ResourceId} is deleted with its pay-as-you-go machines. Alibaba refuses while it still has subscription machines
          or services.
        </Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={async () => {
              try {
                await call({
                  Product: 'eas',
                  Action: 'DeleteResource',
                  Params: { ClusterId: group.ClusterId, ResourceId: group.ResourceId },
                });
                onClose();
                onDone();
              } catch (e) {
                setError(e);
              }
            }}
          >
            Delete group
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
