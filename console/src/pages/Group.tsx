// One resource group: its machines with ListResourceInstances' filters, sort and paging, refreshed
// every two seconds (status badges change without reloading; a progress bar follows machines from
// Attaching to Ready), the machine actions, and the group's services with where their instances run.
import { useEffect, useState } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  Pagination,
  Progress,
  Select,
  Stack,
  Table,
  Tabs,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { call, machineFailures, type ConsoleError } from '../api.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { EMPTY_ORDER, MachineOrderFields, orderBody, type MachineOrder } from '../components/MachineOrder.tsx';
import { linkProps } from '../router.ts';
import { allMachines, usedOf, type Machine, type ResourceGroup } from './Groups.tsx';
import { MachineInstanceView } from './MachineInstances.tsx';

const STATUSES = [
  'Ready',
  'Ready-SchedulingDisabled',
  'NotReady',
  'NotReady-SchedulingDisabled',
  'Attaching',
  'Stopped',
  'Deleting',
  'CreateFailed',
];
const SORTS = ['CreateTime', 'ExpireTime', 'CpuUsed', 'GpuUsed', 'MemoryUsed'];

interface Filters {
  ChargeType: string;
  InstanceStatus: string;
  InstanceName: string;
  InstanceIP: string;
  Zone: string;
  Label: string;
  Sort: string;
  Order: string;
  PageNumber: number;
  PageSize: number;
}

const NO_FILTERS: Filters = {
  ChargeType: '',
  InstanceStatus: '',
  InstanceName: '',
  InstanceIP: '',
  Zone: '',
  Label: '',
  Sort: 'CreateTime',
  Order: 'desc',
  PageNumber: 1,
  PageSize: 20,
};

function listParams(region: string, resourceId: string, f: Filters): Record<string, unknown> {
  const params: Record<string, unknown> = { ClusterId: region, ResourceId: resourceId, PageNumber: f.PageNumber, PageSize: f.PageSize };
  for (const name of ['ChargeType', 'InstanceStatus', 'InstanceName', 'InstanceIP', 'Zone', 'Sort', 'Order'] as const) {
    if (f[name]) params[name] = f[name];
  }
  const eq = f.Label.indexOf('=');
  if (f.Label.trim()) params.Label = eq < 0 ? { [f.Label.trim()]: '' } : { [f.Label.slice(0, eq).trim()]: f.Label.slice(eq + 1).trim() };
  return params;
}

export function GroupPage({ region, resourceId }: { region: string; resourceId: string }) {
  const group = useLoad(
    () => call<ResourceGroup>({ Product: 'eas', Action: 'DescribeResource', Params: { ClusterId: region, ResourceId: resourceId } }),
    [region, resourceId],
    2000,
  );
  // Every machine (for the progress bar and the failed count), and the filtered page.
  const everything = useLoad(() => allMachines(region, resourceId), [region, resourceId], 2000);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const page = useLoad(
    () =>
      call<{ Instances: Machine[]; TotalCount: number }>({
        Product: 'eas',
        Action: 'ListResourceInstances',
        Params: listParams(region, resourceId, filters),
      }),
    [region, resourceId, JSON.stringify(filters)],
    2000,
  );
  const [failures, setFailures] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState(false);
  const [labelling, setLabelling] = useState<Machine>();
  const [deleting, setDeleting] = useState<Machine>();
  const [actionError, setActionError] = useState<unknown>();
  const [selected, setSelected] = useState<string[]>([]);
  const reload = () => {
    void page.reload();
    void everything.reload();
    void group.reload();
  };
  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
    } catch (e) {
      setActionError(e);
    }
    reload();
  };
  const setFilter = (patch: Partial<Filters>) => setFilters({ ...filters, PageNumber: 1, ...patch });
  const all = everything.data ?? [];
  const failed = all.filter((m) => m.InstanceStatus === 'CreateFailed');
  const live = all.filter((m) => m.InstanceStatus !== 'CreateFailed');
  const ready = live.filter((m) => m.InstanceStatus.startsWith('Ready')).length;
  const attaching = live.filter((m) => m.InstanceStatus === 'Attaching').length;
  const pages = Math.max(1, Math.ceil((page.data?.TotalCount ?? 0) / filters.PageSize));
  const g = group.data;
  const cordon = (m: Machine, action: 'Cordon' | 'Uncordon' | 'Drain') =>
    act(() =>
      call({
        Product: 'eas',
        Action: 'UpdateResourceInstance',
        Params: { ClusterId: region, ResourceId: resourceId, InstanceId: m.InstanceId, Action: action },
      }),
    );
  // Why machines failed: not in the API's answer, the console server reads it (GET /console/api/machine-failures).
  const failedIds = failed.map((m) => m.InstanceId).join(',');
  useEffect(() => {
    if (!failedIds) return;
    void machineFailures(region, resourceId).then(setFailures);
  }, [failedIds, region, resourceId]);

  return (
    <Stack>
      <Text size="sm">
        <Anchor {...linkProps('/console/')}>Resource groups</Anchor> / {resourceId}
      </Text>
      <ErrorAlert error={group.error} />
      {g && (
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2}>{g.ResourceName}</Title>
            <Text size="sm" c="dimmed">
              {g.ResourceId} · {g.ResourceType} · {region} · {g.Status}
            </Text>
          </div>
          <Group>
            <Badge variant="light">CPU {usedOf(g.CpuUsed, g.CpuCount)}</Badge>
            <Badge variant="light">GPU {usedOf(g.GpuUsed, g.GpuCount)}</Badge>
            <Badge variant="light">Memory {usedOf(g.MemoryUsed, g.Memory, ' MB')}</Badge>
            <Badge variant="light">{g.ServiceCount} services</Badge>
          </Group>
        </Group>
      )}
      {live.length > 0 && (
        <div data-testid="provision-progress">
          <Text size="sm">
            {ready} of {live.length} machines Ready{attaching > 0 ? `, ${attaching} Attaching` : ''}
            {failed.length > 0 ? `, ${failed.length} CreateFailed` : ''}
          </Text>
          <Progress.Root size="lg" aria-label={`${ready} of ${live.length} machines ready`}>
            <Progress.Section value={(ready / live.length) * 100} color="green" />
            <Progress.Section value={(attaching / live.length) * 100} color="blue" animated striped />
          </Progress.Root>
        </div>
      )}
      <Tabs defaultValue="machines" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="machines">Machines</Tabs.Tab>
          <Tabs.Tab value="placement">Services and placement</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="machines" pt="sm">
          <Stack>
            <Group>
              <Button onClick={() => setAdding(true)}>Add machines</Button>
              <Button
                variant="default"
                disabled={failed.length === 0}
                onClick={() =>
                  act(() =>
                    call({
                      Product: 'eas',
                      Action: 'DeleteResourceInstances',
                      Params: { ClusterId: region, ResourceId: resourceId, AllFailed: true },
                    }),
                  )
                }
              >
                Delete all failed ({failed.length})
              </Button>
              <Button
                variant="default"
                disabled={selected.length === 0}
                onClick={() => setLabelling({ InstanceId: selected.join(',') } as Machine)}
              >
                Edit labels of {selected.length} selected
              </Button>
            </Group>
            <ErrorAlert error={actionError} title="The action was refused" />
            <Group align="flex-end" gap="xs">
              <Select
                label="Status"
                data={[{ value: '', label: 'Any' }, ...STATUSES.map((s) => ({ value: s, label: s }))]}
                value={filters.InstanceStatus}
                onChange={(v) => setFilter({ InstanceStatus: v ?? '' })}
                w={210}
                allowDeselect={false}
              />
              <Select
                label="Charge type"
                data={[
                  { value: '', label: 'Any' },
                  { value: 'PrePaid', label: 'PrePaid' },
                  { value: 'PostPaid', label: 'PostPaid' },
                ]}
                value={filters.ChargeType}
                onChange={(v) => setFilter({ ChargeType: v ?? '' })}
                w={120}
                allowDeselect={false}
              />
              <TextInput
                label="Name"
                value={filters.InstanceName}
                onChange={(e) => setFilter({ InstanceName: e.currentTarget.value })}
                w={150}
              />
              <TextInput label="IP" value={filters.InstanceIP} onChange={(e) => setFilter({ InstanceIP: e.currentTarget.value })} w={130} />
              <TextInput label="Zone" value={filters.Zone} onChange={(e) => setFilter({ Zone: e.currentTarget.value })} w={130} />
              <TextInput
                label="Label"
                placeholder="key=value"
                value={filters.Label}
                onChange={(e) => setFilter({ Label: e.currentTarget.value })}
                w={140}
              />
              <Select
                label="Sort by"
                data={SORTS}
                value={filters.Sort}
                onChange={(v) => setFilter({ Sort: v ?? 'CreateTime' })}
                w={130}
                allowDeselect={false}
              />
              <Select
                label="Order"
                data={[
                  { value: 'desc', label: 'Descending' },
                  { value: 'asc', label: 'Ascending' },
                ]}
                value={filters.Order}
                onChange={(v) => setFilter({ Order: v ?? 'desc' })}
                w={130}
                allowDeselect={false}
              />
            </Group>
            <ErrorAlert error={page.error} />
            <Table.ScrollContainer minWidth={1200}>
              <Table striped data-testid="machines-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>
                      <Checkbox
                        aria-label="Select all machines on this page"
                        checked={!!page.data && page.data.Instances.length > 0 && selected.length === page.data.Instances.length}
                        onChange={(e) => setSelected(e.currentTarget.checked ? (page.data?.Instances.map((m) => m.InstanceId) ?? []) : [])}
                      />
                    </Table.Th>
                    <Table.Th>Machine</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Zone</Table.Th>
                    <Table.Th>Charge type</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>IP</Table.Th>
                    <Table.Th>Used CPU / GPU / memory</Table.Th>
                    <Table.Th>Labels</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data?.Instances.map((m) => (
                    <Table.Tr key={m.InstanceId} data-instance-id={m.InstanceId} data-charge-type={m.ChargeType}>
                      <Table.Td>
                        <Checkbox
                          aria-label={`Select ${m.InstanceId}`}
                          checked={selected.includes(m.InstanceId)}
                          onChange={(e) =>
                            setSelected(
                              e.currentTarget.checked ? [...selected, m.InstanceId] : selected.filter((id) => id !== m.InstanceId),
                            )
                          }
                        />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {m.InstanceId}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {m.InstanceName}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={m.InstanceStatus} />
                        {m.InstanceStatus === 'CreateFailed' && (
                          <Text size="xs" c="red.9" data-testid="failure-reason">
                            {failures[m.InstanceId] ?? ''}
                          </Text>
                        )}
                        {m.LastCordonReason && (
                          <Text size="xs" c="dimmed">
                            {m.LastCordonReason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{m.InstanceType}</Table.Td>
                      <Table.Td>{m.Zone}</Table.Td>
                      <Table.Td>
                        {m.ChargeType}
                        {m.ChargeType === 'PrePaid' && m.AutoRenewal ? ' · auto-renew' : ''}
                      </Table.Td>
                      <Table.Td>{m.ExpiredTime ? new Date(m.ExpiredTime).toLocaleDateString() : '—'}</Table.Td>
                      <Table.Td>{m.InstanceIp}</Table.Td>
                      <Table.Td>
                        {m.InstanceUsedCpu}/{m.InstanceCpuCount} · {m.InstanceUsedGpu}/{m.InstanceGpuCount} · {m.InstanceUsedMemory}/
                        {m.InstanceMemory}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={2}>
                          {m.Labels.map((l) => (
                            <Badge key={l.LabelKey} variant="outline" size="sm" tt="none">
                              {l.LabelKey}={l.LabelValue}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Menu>
                          <Menu.Target>
                            <Button size="compact-xs" variant="default" aria-label={`Actions for ${m.InstanceId}`}>
                              Actions
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            {m.InstanceStatus.endsWith('SchedulingDisabled') ? (
                              <Menu.Item onClick={() => cordon(m, 'Uncordon')}>Uncordon</Menu.Item>
                            ) : (
                              <Menu.Item onClick={() => cordon(m, 'Cordon')}>Cordon</Menu.Item>
                            )}
                            <Menu.Item onClick={() => cordon(m, 'Drain')}>Drain</Menu.Item>
                            <Menu.Item onClick={() => setLabelling(m)}>Edit labels</Menu.Item>
                            <Menu.Divider />
                            <Menu.Item color="red" onClick={() => setDeleting(m)}>
                              Delete machine
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="sm">{page.data?.TotalCount ?? 0} machines match</Text>
              <Group>
                <Select
                  aria-label="Machines per page"
                  data={['10', '20', '50', '100']}
                  value={String(filters.PageSize)}
                  onChange={(v) => setFilter({ PageSize: Number(v ?? 20) })}
                  w={90}
                  allowDeselect={false}
                />
                <Pagination
                  total={pages}
                  value={filters.PageNumber}
                  onChange={(p) => setFilters({ ...filters, PageNumber: p })}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
              </Group>
            </Group>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="placement" pt="sm">
          <MachineInstanceView region={region} resourceId={resourceId} machines={live} />
        </Tabs.Panel>
      </Tabs>
      {adding && <AddMachines region={region} resourceId={resourceId} onClose={() => setAdding(false)} onDone={reload} />}
      {labelling && (
        <EditLabels region={region} resourceId={resourceId} machine={labelling} onClose={() => setLabelling(undefined)} onDone={reload} />
      )}
      {deleting && (
        <DeleteMachine region={region} resourceId={resourceId} machine={deleting} onClose={() => setDeleting(undefined)} onDone={reload} />
      )}
    </Stack>
  );
}

function AddMachines(props: { region: string; resourceId: string; onClose: () => void; onDone: () => void }) {
  const [order, setOrder] = useState<MachineOrder>(EMPTY_ORDER);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened onClose={props.onClose} title="Add machines" size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await call({
              Product: 'eas',
              Action: 'CreateResourceInstances',
              Params: { ClusterId: props.region, ResourceId: props.resourceId, ...orderBody(order) },
            });
            props.onClose();
            props.onDone();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <MachineOrderFields order={order} onChange={setOrder} />
          <ErrorAlert error={error} title="The order was refused" />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} data-testid="order-submit">
              Order machines
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditLabels(props: { region: string; resourceId: string; machine: Machine; onClose: () => void; onDone: () => void }) {
  const current = (props.machine.Labels ?? []).map((l) => `${l.LabelKey}=${l.LabelValue}`);
  const [labels, setLabels] = useState<string[]>(current);
  const [error, setError] = useState<unknown>();
  const ids = props.machine.InstanceId.split(',');
  return (
    <Modal opened onClose={props.onClose} title={ids.length > 1 ? `Labels of ${ids.length} machines` : `Labels of ${ids[0]}`}>
      <Stack>
        <TagsInput label="Labels" description="key=value, Enter after each" value={labels} onChange={setLabels} data-autofocus />
        <ErrorAlert error={error} />
        <Button
          onClick={async () => {
            setError(undefined);
            const wanted = Object.fromEntries(
              labels.map((l) => {
                const eq = l.indexOf('=');
                return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
              }),
            );
            const removed = current.map((l) => l.split('=')[0]!).filter((k) => !(k in wanted));
            const where = { ClusterId: props.region, ResourceId: props.resourceId, InstanceIds: ids };
            try {
              if (Object.keys(wanted).length > 0) {
                await call({ Product: 'eas', Action: 'UpdateResourceInstanceLabel', Params: { ...where, Labels: wanted } });
              }
              if (removed.length > 0)
                await call({ Product: 'eas', Action: 'DeleteResourceInstanceLabel', Params: { ...where, LabelKeys: removed } });
              props.onClose();
              props.onDone();
            } catch (e) {
              setError(e as ConsoleError);
            }
          }}
        >
          Save labels
        </Button>
      </Stack>
    </Modal>
  );
}

function DeleteMachine(props: { region: string; resourceId: string; machine: Machine; onClose: () => void; onDone: () => void }) {
  const [error, setError] = useState<unknown>();
  const m = props.machine;
  return (
    <Modal opened onClose={props.onClose} title={`Delete ${m.InstanceId}?`}>
      <Stack>
        <Text size="sm">
          {m.ChargeType === 'PrePaid'
            ? 'This is a subscription (PrePaid) machine: Alibaba releases those only at the end of their term, so the API is expected to refuse.'
            : 'The pay-as-you-go machine is released; its services move to other machines when there is room.'}
        </Text>
        <ErrorAlert error={error} title="Deletion refused" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            data-testid="confirm-delete-machine"
            onClick={async () => {
              try {
                await call({
                  Product: 'eas',
                  Action: 'DeleteResourceInstances',
                  Params: { ClusterId: props.region, ResourceId: props.resourceId, InstanceList: m.InstanceId },
                });
                props.onClose();
                props.onDone();
              } catch (e) {
                setError(e);
              }
            }}
          >
            Delete machine
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
