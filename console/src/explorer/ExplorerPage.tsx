// The API Explorer: every operation the server implements, a form generated from its spec, Send
// (an ordinary signed call for the signed-in identity, through the console's callApi) and the SDK
// code for exactly those parameters. Mounted by the console at /console/explorer.
import { Alert, Badge, Button, Code, Grid, Group, Loader, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { type CallResult, callApi } from '../api.ts';
import { useConsole } from '../context.ts';
import type { CatalogOperation, CatalogSummary } from './catalog-types.ts';
import { CodePanel } from './CodePanel.tsx';
import { getOperation, listOperations } from './explorer-api.ts';
import { type FieldValue, type FormValues, initialValues, toParams } from './form-values.ts';
import { OperationList } from './OperationList.tsx';
import { ParamField } from './ParamField.tsx';
import { ResultPanel } from './ResultPanel.tsx';

/** `/console/explorer/<product>/<Action>` opens that operation. */
function operationFromPath(): { product: string; action: string } | undefined {
  const m = /^\/console\/explorer\/([^/]+)\/([^/]+)/.exec(window.location.pathname);
  return m ? { product: decodeURIComponent(m[1]!), action: decodeURIComponent(m[2]!) } : undefined;
}

export default function ExplorerPage() {
  const { region } = useConsole();
  const [operations, setOperations] = useState<CatalogSummary[]>();
  const [op, setOp] = useState<CatalogOperation>();
  const [values, setValues] = useState<FormValues>({});
  /** After a Send with problems every field shows its own; before, only fields that hold something. */
  const [showAll, setShowAll] = useState(false);
  const [result, setResult] = useState<CallResult>();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const [tab, setTab] = useState<string | null>('response');

  useEffect(() => {
    listOperations()
      .then(setOperations)
      .catch((e: Error) => setError(e.message));
  }, []);

  const open = useCallback(
    async (summary: { product: string; action: string }, push = true) => {
      setError(undefined);
      try {
        const detail = await getOperation(summary.product as CatalogOperation['product'], summary.action);
        setOp(detail);
        setValues(initialValues(detail, region));
        setShowAll(false);
        setResult(undefined);
        if (push) window.history.pushState(null, '', `/console/explorer/${detail.product}/${detail.action}`);
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [region],
  );

  useEffect(() => {
    const wanted = operationFromPath();
    if (wanted) void open(wanted, false);
  }, [open]);

  const form = useMemo(() => (op ? toParams(op, values) : { params: {}, errors: {} }), [op, values]);
  const invalid = Object.keys(form.errors).length > 0;

  const setValue = (name: string, value: FieldValue) => {
    setValues((v) => ({ ...v, [name]: value }));
  };

  const send = async () => {
    if (!op) return;
    if (invalid) {
      setShowAll(true);
      return;
    }
    setSending(true);
    try {
      setResult(await callApi({ Product: op.product, Action: op.action, Params: form.params, Region: region }));
      setTab('response');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Stack gap="md">
      <Title order={2}>API Explorer</Title>
      <Text size="sm" c="dimmed">
        Every operation this server implements. Send makes an ordinary signed call as you: RAM policies, throttling and the audit trail
        apply as for SDK calls.
      </Text>
      {error ? (
        <Alert color="red" title="Something went wrong" withCloseButton onClose={() => setError(undefined)}>
          {error}
        </Alert>
      ) : null}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Paper withBorder p="sm">
            {operations ? (
              <OperationList operations={operations} selected={op} onSelect={(s) => void open(s)} />
            ) : (
              <Loader size="sm" aria-label="Loading operations" />
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="sm">
            {op ? (
              <form
                aria-label={`${op.action} parameters`}
                onSubmit={(e) => {
                  e.preventDefault();
                  void send();
                }}
              >
                <Stack gap="sm">
                  <Group gap="xs">
                    <Title order={3}>{op.action}</Title>
                    <Badge variant="outline">{op.product}</Badge>
                    <Badge variant="outline">{op.version}</Badge>
                    <Badge variant="outline">{op.style}</Badge>
                  </Group>
                  <Code>
                    {op.method} {op.path}
                  </Code>
                  {op.title || op.summary ? <Text size="sm">{[op.title, op.summary].filter(Boolean).join(' — ')}</Text> : null}
                  {op.params.length === 0 ? <Text size="sm">This operation takes no parameters.</Text> : null}
                  {op.params.map((p) => (
                    <ParamField
                      key={p.name}
                      param={p}
                      value={values[p.name] ?? ''}
                      error={showAll || (values[p.name] ?? '') !== '' ? form.errors[p.name] : undefined}
                      onChange={(v) => setValue(p.name, v)}
                    />
                  ))}
                  <Button type="submit" loading={sending}>
                    Send
                  </Button>
                </Stack>
              </form>
            ) : (
              <Text size="sm">Pick an operation on the left.</Text>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="sm">
            {op ? (
              <Tabs value={tab} onChange={setTab}>
                <Tabs.List>
                  <Tabs.Tab value="response">Response</Tabs.Tab>
                  <Tabs.Tab value="code">SDK code</Tabs.Tab>
                  <Tabs.Tab value="schema">Response schema</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="response" pt="sm">
                  {result ? <ResultPanel result={result} /> : <Text size="sm">Send the call to see the answer here.</Text>}
                </Tabs.Panel>
                <Tabs.Panel value="code" pt="sm">
                  <CodePanel
                    product={op.product}
                    action={op.action}
                    params={form.params}
                    blocked={invalid ? 'Fix the fields marked in red to get the code.' : undefined}
                  />
                </Tabs.Panel>
                <Tabs.Panel value="schema" pt="sm">
                  {op.response ? (
                    <Code block style={{ maxHeight: '60vh', overflow: 'auto' }}>
                      {JSON.stringify(op.response, null, 2)}
                    </Code>
                  ) : (
                    <Text size="sm">The metadata openeas has for this product describes no response schema.</Text>
                  )}
                </Tabs.Panel>
              </Tabs>
            ) : null}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
