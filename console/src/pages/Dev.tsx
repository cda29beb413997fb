// Development controls (the admin plane, /_openeas): business time, injected faults, stock. Offered
// only to the local root on loopback; the admin guard checks that again on every call.
import { useState } from 'react';
import { Alert, Button, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { admin } from '../api.ts';
import { useConsole } from '../context.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

interface ClockView {
  Now: string;
  OffsetSeconds?: number;
}

export default function DevPage() {
  const { session, region } = useConsole();
  const clock = useLoad(() => admin<ClockView>('GET', '/clock'), [], 5000);
  const faults = useLoad(() => admin<{ Faults: Array<Record<string, unknown>> }>('GET', '/faults'), []);
  const stock = useLoad(() => admin<{ Stock: Array<Record<string, unknown>> }>('GET', `/stock?Region=${region}`), [region]);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState('');
  const [faultCount, setFaultCount] = useState(1);
  const [stockType, setStockType] = useState('');
  const [stockStatus, setStockStatus] = useState('NoStock');
  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(undefined);
    try {
      const answer = (await what()) as Record<string, unknown>;
      setResult(`${done}${answer.JobsRun !== undefined ? ` (${answer.JobsRun} jobs ran)` : ''}`);
    } catch (e) {
      setError(e);
    }
    void clock.reload();
    void faults.reload();
    void stock.reload();
  };
  if (!session.DevControls) return <Alert color="orange">Development controls are offered to the local root on this machine only.</Alert>;
  return (
    <Stack>
      <Title order={2}>Development controls</Title>
      <Alert color="orange" title="Local development only">
        These act on the whole server through its admin plane (/_openeas), not through the cloud API.
      </Alert>
      <ErrorAlert error={error} />
      {result && (
        <Text size="sm" role="status">
          {result}
        </Text>
      )}
      <Title order={3}>Clock</Title>
      <Text data-testid="business-time">Business time: {clock.data?.Now ?? '…'}</Text>
      <Group>
        <Button onClick={() => run(() => admin('POST', '/clock/advance', { Seconds: 3600 }), 'Advanced one hour')}>Advance 1 hour</Button>
        <Button onClick={() => run(() => admin('POST', '/clock/advance', { Seconds: 86400 }), 'Advanced one day')}>Advance 1 day</Button>
        <Button onClick={() => run(() => admin('POST', '/clock/advance', { Seconds: 30 * 86400 }), 'Advanced 30 days')}>
          Advance a month
        </Button>
        <Button variant="default" onClick={() => run(() => admin('POST', '/engine/progress', {}), 'Waiting work made due')}>
          Run waiting work now
        </Button>
      </Group>
      <Title order={3}>Faults</Title>
      <Group align="flex-end">
        <NumberInput
          label="Next machines to fail"
          min={1}
          max={100}
          value={faultCount}
          onChange={(v) => setFaultCount(Number(v) || 1)}
          w={200}
        />
        <Button
          onClick={() =>
            run(() => admin('POST', '/faults', { Kind: 'CreateFailure', Count: faultCount, Region: region }), 'Fault injected')
          }
        >
          Inject creation failures in {region}
        </Button>
        <Button variant="default" onClick={() => run(() => admin('DELETE', '/faults'), 'Faults cleared')}>
          Clear all faults
        </Button>
      </Group>
      <Table>
        <Table.Tbody>
          {faults.data?.Faults.map((f) => (
            <Table.Tr key={String(f.FaultId)}>
              <Table.Td>{String(f.Kind)}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {JSON.stringify(f)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3}>Stock in {region}</Title>
      <Group align="flex-end">
        <TextInput
          label="Machine type"
          value={stockType}
          onChange={(e) => setStockType(e.currentTarget.value)}
          placeholder="ecs.gn6i-c4g1.xlarge"
        />
        <Select
          label="Status"
          data={['WithStock', 'ClosedWithStock', 'NoStock']}
          value={stockStatus}
          onChange={(v) => setStockStatus(v ?? 'NoStock')}
          allowDeselect={false}
        />
        <Button
          onClick={() => run(() => admin('PUT', '/stock', { Region: region, InstanceType: stockType, Status: stockStatus }), 'Stock set')}
          disabled={!stockType}
        >
          Set stock
        </Button>
        <Button variant="default" onClick={() => run(() => admin('DELETE', '/stock'), 'Stock reset')}>
          Everything in stock again
        </Button>
      </Group>
      <Table>
        <Table.Tbody>
          {stock.data?.Stock.map((s) => (
            <Table.Tr key={`${s.Zone}-${s.InstanceType}`}>
              <Table.Td>{String(s.InstanceType)}</Table.Td>
              <Table.Td>{String(s.Zone)}</Table.Td>
              <Table.Td>{String(s.Status)}</Table.Td>
              <Table.Td>{s.Available === null ? 'unlimited' : String(s.Available)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
