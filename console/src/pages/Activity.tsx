// The audit trail (ActionTrail LookupEvents) with its filters: every call, the console's included.
import { useState } from 'react';
import { Badge, Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { call } from '../api.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

interface AuditEvent {
  eventId: string;
  eventName: string;
  eventTime: string;
  serviceName: string;
  sourceIpAddress: string;
  errorCode?: string;
  userIdentity?: { type?: string; userName?: string; principalId?: string; accessKeyId?: string };
  requestId?: string;
}

const ATTRIBUTES = [
  'EventName',
  'ServiceName',
  'User',
  'RoleName',
  'EventRW',
  'EventAccessKeyId',
  'SourceIpAddress',
  'ResourceName',
  'ResourceType',
  'EventId',
];

export default function ActivityPage() {
  const [key, setKey] = useState('EventName');
  const [value, setValue] = useState('');
  const [applied, setApplied] = useState({ key: '', value: '' });
  const [token, setToken] = useState<string[]>([]);
  const events = useLoad(
    () =>
      call<{ Events: AuditEvent[]; NextToken?: string }>({
        Product: 'actiontrail',
        Action: 'LookupEvents',
        Params: {
          MaxResults: 50,
          ...(applied.value ? { 'LookupAttribute.1.Key': applied.key, 'LookupAttribute.1.Value': applied.value } : {}),
          ...(token.length > 0 ? { NextToken: token[token.length - 1] } : {}),
        },
      }),
    [applied.key, applied.value, token.join()],
  );
  return (
    <Stack>
      <Title order={2}>Activity</Title>
      <Text size="sm" c="dimmed">
        The audit trail: every authenticated API call, from SDKs and from this console alike.
      </Text>
      <Group align="flex-end">
        <Select label="Filter by" data={ATTRIBUTES} value={key} onChange={(v) => setKey(v ?? 'EventName')} allowDeselect={false} />
        <TextInput label="Value" value={value} onChange={(e) => setValue(e.currentTarget.value)} />
        <Button
          onClick={() => {
            setToken([]);
            setApplied({ key, value });
          }}
        >
          Apply
        </Button>
        <Button variant="default" onClick={() => void events.reload()}>
          Refresh
        </Button>
      </Group>
      <ErrorAlert error={events.error} />
      <Table striped data-testid="events-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Service</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Source IP</Table.Th>
            <Table.Th>Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.data?.Events.map((e) => (
            <Table.Tr key={e.eventId}>
              <Table.Td>{new Date(e.eventTime).toLocaleString()}</Table.Td>
              <Table.Td>
                <Code>{e.eventName}</Code>
              </Table.Td>
              <Table.Td>{e.serviceName}</Table.Td>
              <Table.Td>{e.userIdentity?.userName ?? e.userIdentity?.principalId ?? ''}</Table.Td>
              <Table.Td>{e.sourceIpAddress}</Table.Td>
              <Table.Td>{e.errorCode ? <Badge color="red">{e.errorCode}</Badge> : <Badge color="green">OK</Badge>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={token.length === 0} onClick={() => setToken(token.slice(0, -1))}>
          Newer
        </Button>
        <Button variant="default" disabled={!events.data?.NextToken} onClick={() => setToken([...token, events.data!.NextToken!])}>
          Older
        </Button>
      </Group>
    </Stack>
  );
}
