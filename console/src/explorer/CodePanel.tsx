// "SDK code": the call with exactly the form's parameters, in four languages, to copy or to
// download as a small runnable project. The code never holds a secret: it reads
// ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET when it runs.
import { Alert, Button, Code, CopyButton, Group, Loader, Stack, Tabs, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Product } from '../api.ts';
import { type Language, LANGUAGES } from './catalog-types.ts';
import { downloadProject, generateCode } from './explorer-api.ts';

export function CodePanel(props: { product: Product; action: string; params: Record<string, unknown>; blocked?: string }) {
  const [language, setLanguage] = useState<Language>('typescript');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const key = JSON.stringify([props.product, props.action, props.params, language]);

  // `key` stands for every input of the request (params is a new object on every render).
  // biome-ignore lint/correctness/useExhaustiveDependencies: key covers product, action, params and language
  useEffect(() => {
    if (props.blocked) return;
    let current = true;
    setLoading(true);
    // A short pause so typing does not send a request per key.
    const timer = setTimeout(() => {
      generateCode({ Product: props.product, Action: props.action, Params: props.params, Language: language })
        .then((text) => {
          if (!current) return;
          setCode(text);
          setError(undefined);
        })
        .catch((e: Error) => current && setError(e.message))
        .finally(() => current && setLoading(false));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, props.blocked]);

  const download = async () => {
    setDownloading(true);
    try {
      await downloadProject({ Product: props.product, Action: props.action, Params: props.params, Language: language });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack gap="sm">
      <Tabs value={language} onChange={(v) => v && setLanguage(v as Language)} keepMounted={false}>
        <Tabs.List aria-label="SDK language">
          {LANGUAGES.map((l) => (
            <Tabs.Tab key={l.value} value={l.value}>
              {l.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group gap="xs">
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal.9' : 'blue'}
              onClick={copy}
              disabled={!code || Boolean(props.blocked)}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button size="xs" variant="light" onClick={download} loading={downloading} disabled={Boolean(props.blocked)}>
          Download project
        </Button>
        {loading ? <Loader size="xs" aria-label="Generating code" /> : null}
      </Group>
      {props.blocked ? (
        <Text size="sm" c="dimmed">
          {props.blocked}
        </Text>
      ) : null}
      {error ? (
        <Alert color="red" title="Code generation failed">
          {error}
        </Alert>
      ) : null}
      <Code block data-testid="explorer-code" style={{ maxHeight: '60vh', overflow: 'auto' }}>
        {code}
      </Code>
    </Stack>
  );
}
