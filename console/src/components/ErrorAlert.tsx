// An API refusal as Alibaba sent it (Code, Message, RequestId), and for a RAM denial the explanation
// from AccessDeniedDetail: which action, on behalf of whom, and why (implicit or explicit deny).
import { Alert, Code, List, Text } from '@mantine/core';
import { ConsoleError, type ApiErrorBody } from '../api.ts';

export function errorBodyOf(e: unknown): ApiErrorBody {
  if (e instanceof ConsoleError) return e.body;
  return { Code: 'ConsoleError', Message: e instanceof Error ? e.message : String(e) };
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const body = errorBodyOf(error);
  const detail = body.AccessDeniedDetail as Record<string, string> | undefined;
  return (
    <Alert color="red" title={title ?? body.Code ?? 'Error'} role="alert" data-testid="error-alert">
      <Text size="sm">{body.Message}</Text>
      {detail && (
        <List size="sm" mt="xs" data-testid="access-denied-detail">
          <List.Item>
            Denied action: <Code>{detail.AuthAction}</Code>
          </List.Item>
          <List.Item>
            Principal: {detail.AuthPrincipalDisplayName} ({detail.AuthPrincipalType})
          </List.Item>
          <List.Item>
            Why:{' '}
            {detail.NoPermissionType === 'ExplicitDeny'
              ? 'a policy explicitly denies it'
              : 'no policy attached to this identity allows it (implicit deny)'}{' '}
            <Code>{detail.NoPermissionType}</Code>
          </List.Item>
          {detail.AuthResource && (
            <List.Item>
              Resource: <Code>{detail.AuthResource}</Code>
            </List.Item>
          )}
          <List.Item>Ask the account owner to attach a policy allowing this action (RAM → Policies).</List.Item>
        </List>
      )}
      {body.Code && body.RequestId && (
        <Text size="xs" mt="xs" c="dimmed">
          Code {body.Code} · RequestId {body.RequestId}
        </Text>
      )}
    </Alert>
  );
}
