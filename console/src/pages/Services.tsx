// Services of the picked region: list, create from the service JSON (checked as you type against the
// rules of docs/services.md; the API has the last word), scale, stop/start, delete, events.
import { useMemo, useState } from 'react';
import { Button, Group, JsonInput, List, Modal, NumberInput, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { call } from '../api.ts';
import { useConsole } from '../context.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { serviceProblems } from './service-document.ts';

interface Service {
  ServiceName: string;
  Status: string;
  Reason: string;
  Message: string;
  Resource: string;
  ResourceAlias: string;
  TotalInstance: number;
  RunningInstance: number;
  Cpu: number;
  Memory: number;
  Gpu: number;
  CreateTime: string;
}

function template(resource: string): string {
  return JSON.stringify(
    {
      name: 'my_service',
      metadata: { instance: 1, cpu: 1, memory: 1024, resource },
      containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:latest', port: 8000 }],
    },
    null,
    2,
  );
}

export default function ServicesPage() {
  const { region } = useConsole();
  const services = useLoad(
    () =>
      call<{ Services: Service[] }>({ Product: 'eas', Action: 'ListServices', Params: { PageNumber: 1, PageSize: 100 }, Region: region }),
    [region],
    2000,
  );
  const [creating, setCreating] = useState(false);
  const [scaling, setScaling] = useState<Service>();
  const [deleting, setDeleting] = useState<Service>();
  const [events, setEvents] = useState<Service>();
  const [error, setError] = useState<unknown>();
  const act = async (action: string, s: Service) => {
    setError(undefined);
    try {
      await call({ Product: 'eas', Action: action, Params: { ClusterId: region, ServiceName: s.ServiceName } });
    } catch (e) {
      setError(e);
    }
    void services.reload();
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Services in {region}</Title>
        <Button onClick={() => setCreating(true)}>Create service</Button>
      </Group>
      <ErrorAlert error={services.error ?? error} />
      <Table striped data-testid="services-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Group</Table.Th>
            <Table.Th>Instances running</Table.Th>
            <Table.Th>Per instance</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {services.data?.Services.map((s) => (
            <Table.Tr key={s.ServiceName} data-service={s.ServiceName}>
              <Table.Td>{s.ServiceName}</Table.Td>
              <Table.Td>
                <StatusBadge status={s.Status} />
                {s.Message && (
                  <Text size="xs" c="dimmed">
                    {s.Reason}: {s.Message}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{s.ResourceAlias || s.Resource}</Table.Td>
              <Table.Td>
                <Text size="sm">
                  {s.RunningInstance} / {s.TotalInstance}
                </Text>
                {s.TotalInstance > 0 && (
                  <Progress
                    value={(s.RunningInstance / s.TotalInstance) * 100}
                    color={s.RunningInstance === s.TotalInstance ? 'green' : 'blue'}
                    striped={s.RunningInstance < s.TotalInstance}
                    animated={s.RunningInstance < s.TotalInstance}
                    aria-label={`${s.RunningInstance} of ${s.TotalInstance} instances running`}
                    w={120}
                  />
                )}
              </Table.Td>
              <Table.Td>
                {s.Cpu} CPU · {s.Memory} MB{s.Gpu ? ` · ${s.Gpu} GPU` : ''}
              </Table.Td>
              <Table.Td>{new Date(s.CreateTime).toLocaleString()}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Button size="compact-xs" variant="default" onClick={() => setScaling(s)} aria-label={`Scale ${s.ServiceName}`}>
                    Scale
                  </Button>
                  {s.Status === 'Stopped' ? (
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => act('StartService', s)}
                      aria-label={`Start ${s.ServiceName}`}
                    >
                      Start
                    </Button>
                  ) : (
                    <Button size="compact-xs" variant="default" onClick={() => act('StopService', s)} aria-label={`Stop ${s.ServiceName}`}>
                      Stop
                    </Button>
                  )}
                  <Button size="compact-xs" variant="default" onClick={() => setEvents(s)} aria-label={`Events of ${s.ServiceName}`}>
                    Events
                  </Button>
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="light"
                    onClick={() => setDeleting(s)}
                    aria-label={`Delete ${s.ServiceName}`}
                  >
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {services.data?.Services.length === 0 && <Text>No services in {region} yet.</Text>}
      {creating && <CreateService onClose={() => setCreating(false)} onDone={services.reload} />}
      {scaling && <ScaleService service={scaling} onClose={() => setScaling(undefined)} onDone={services.reload} />}
      {events && <ServiceEvents service={events} onClose={() => setEvents(undefined)} />}
      {deleting && (
        <Modal opened onClose={() => setDeleting(undefined)} title={`Delete ${deleting.ServiceName}?`}>
          <Stack>
            <Text size="sm">Its instances stop and free their machines.</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeleting(undefined)} data-autofocus>
                Cancel
              </Button>
              <Button
                color="red"
                onClick={async () => {
                  await act('DeleteService', deleting);
                  setDeleting(undefined);
                }}
              >
                Delete service
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}

function CreateService({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { region } = useConsole();
  const groups = useLoad(
    () =>
      call<{ Resources: Array<{ ResourceId: string }> }>({
        Product: 'eas',
        Action: 'ListResources',
        Params: { PageSize: 1 },
        Region: region,
      }),
    [region],
  );
  const first = groups.data?.Resources[0]?.ResourceId ?? 'eas-r-…';
  const [text, setText] = useState<string>();
  const value = text ?? template(first);
  const problems = useMemo(() => serviceProblems(value), [value]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened onClose={onClose} title="Create a service" size="xl">
      <Stack>
        <JsonInput
          label="Service JSON"
          description="Checked as you type; CreateService validates it again."
          value={value}
          onChange={setText}
          autosize
          minRows={10}
          formatOnBlur
          data-testid="service-json"
          error={problems.length > 0 ? problems[0] : undefined}
        />
        {problems.length > 1 && (
          <List size="sm" c="red.9" aria-live="polite">
            {problems.slice(1).map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        )}
        <ErrorAlert error={error} title="CreateService refused" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={problems.length > 0}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                await call({ Product: 'eas', Action: 'CreateService', Params: { body: JSON.parse(value) }, Region: region });
                onClose();
                onDone();
              } catch (e) {
                setError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            Deploy
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ScaleService({ service, onClose, onDone }: { service: Service; onClose: () => void; onDone: () => void }) {
  const { region } = useConsole();
  const [count, setCount] = useState(service.TotalInstance || 1);
  const [error, setError] = useState<unknown>();
  return (
    <Modal opened onClose={onClose} title={`Scale ${service.ServiceName}`}>
      <Stack>
        <NumberInput label="Instances" min={0} max={1000} value={count} onChange={(v) => setCount(Number(v) || 0)} data-autofocus />
        <ErrorAlert error={error} />
        <Button
          onClick={async () => {
            try {
              await call({
                Product: 'eas',
                Action: 'ScaleService',
                Params: { ClusterId: region, ServiceName: service.ServiceName, Instance: count },
              });
              onClose();
              onDone();
            } catch (e) {
              setError(e);
            }
          }}
        >
          Scale
        </Button>
      </Stack>
    </Modal>
  );
}

interface ServiceEvent {
  Time: string;
  Type: string;
  Reason: string;
  Message: string;
}

/** An event's Message is a JSON document (version, instance, text), as Alibaba's events carry; the text is shown. */
function eventMessage(message: string): string {
  try {
    const doc = JSON.parse(message) as { message?: unknown; instance?: unknown };
    if (typeof doc.message === 'string') return typeof doc.instance === 'string' ? `${doc.instance}: ${doc.message}` : doc.message;
  } catch {
    // plain text
  }
  return message;
}

function ServiceEvents({ service, onClose }: { service: Service; onClose: () => void }) {
  const { region } = useConsole();
  const events = useLoad(
    () =>
      call<{ Events: ServiceEvent[] }>({
        Product: 'eas',
        Action: 'DescribeServiceEvent',
        Params: { ClusterId: region, ServiceName: service.ServiceName, PageSize: 100 },
      }),
    [region, service.ServiceName],
    3000,
  );
  return (
    <Modal opened onClose={onClose} title={`Events of ${service.ServiceName}`} size="xl">
      <ErrorAlert error={events.error} />
      <Table>
        <Table.Tbody>
          {events.data?.Events.map((e) => (
            <Table.Tr key={`${e.Time}-${e.Reason}-${e.Message}`}>
              <Table.Td>{e.Time} UTC</Table.Td>
              <Table.Td>{e.Type}</Table.Td>
              <Table.Td>{e.Reason}</Table.Td>
              <Table.Td>{eventMessage(e.Message)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
