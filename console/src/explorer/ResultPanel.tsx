// What a Send did: the HTTP request as signed (credentials redacted by the server), the status,
// the request id, the latency and the answer's JSON.
import { Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { CallResult } from '../api.ts';

export function ResultPanel(props: { result: CallResult }) {
  const { result } = props;
  const ok = result.Status >= 200 && result.Status < 300;
  const body = result.Body as { Code?: string; Message?: string; Recommend?: string } | undefined;
  return (
    <Stack gap="sm" aria-live="polite" data-testid="explorer-result">
      <Group gap="md">
        <Badge color={ok ? 'green' : 'red'} size="lg" data-testid="explorer-status">
          HTTP {result.Status}
        </Badge>
        <Text size="sm">
          Request id: <Code data-testid="explorer-request-id">{result.RequestId || '—'}</Code>
        </Text>
        <Text size="sm" data-testid="explorer-latency">
          {result.LatencyMs} ms
        </Text>
      </Group>
      {!ok && body?.Code ? (
        <Text size="sm" c="red.8">
          {body.Code}: {body.Message}
        </Text>
      ) : null}
      <Title order={4}>Request</Title>
      <Code block data-testid="explorer-request-line">
        {result.Request.Method} {result.Request.Url}
      </Code>
      <Table withTableBorder striped fz="xs" aria-label="Request headers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Header</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(result.Request.Headers).map(([name, value]) => (
            <Table.Tr key={name}>
              <Table.Td>{name}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={4}>Response</Title>
      <Code block data-testid="explorer-response" style={{ maxHeight: '50vh', overflow: 'auto' }}>
        {JSON.stringify(result.Body, null, 2)}
      </Code>
    </Stack>
  );
}
