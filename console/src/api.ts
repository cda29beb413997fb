// The console's one way to talk to its server. Every action is `callApi`: the server signs an ordinary
// API call for the signed-in identity and answers with what the gateway said (src/console/api-call.ts).
// The session cookie is HttpOnly; the CSRF token the server hands out goes with every mutating request.

export type Product = 'eas' | 'ram' | 'sts' | 'bss' | 'actiontrail';

export interface CallRequest {
  Product: Product;
  Action: string;
  Params: Record<string, unknown>;
  /** The region for EAS calls without ClusterId (ListResources, ListServices…). */
  Region?: string;
}

export interface CallResult {
  Status: number;
  RequestId: string;
  LatencyMs: number;
  Request: { Method: string; Url: string; Headers: Record<string, string> };
  Body: unknown;
}

export interface SessionInfo {
  SignedIn: boolean;
  LocalRootAvailable: boolean;
  DefaultRegion: string;
  Regions: string[];
  Zones?: Record<string, string[]>;
  Version: string;
  BusinessTime: string;
  Identity?: { AccountId: string; Arn: string; IdentityType: string; UserId?: string };
  AccessKeyId?: string;
  LocalRoot?: boolean;
  DevControls?: boolean;
  ExpiresAt?: string;
  CsrfToken?: string;
}

/** Alibaba's error envelope. */
export interface ApiErrorBody {
  RequestId?: string;
  Code?: string;
  Message?: string;
  Recommend?: string;
  AccessDeniedDetail?: Record<string, unknown>;
}

let csrfToken = '';
/** Called when the server says the session is gone (expired, signed out elsewhere). */
let onSignedOut: () => void = () => {};

export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

function remember(session: SessionInfo): SessionInfo {
  csrfToken = session.CsrfToken ?? '';
  return session;
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return { Code: 'InvalidResponse', Message: `HTTP ${res.status}` };
  }
}

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.Message ?? `HTTP ${status}`);
  }
}

export async function getSession(): Promise<SessionInfo> {
  const res = await fetch('/console/api/session', { headers: { accept: 'application/json' } });
  const body = await readJson(res);
  if (!res.ok) throw new ConsoleError(res.status, body);
  return remember(body as unknown as SessionInfo);
}

export async function signIn(request: { Mode: 'LocalRoot' } | { AccessKeyId: string; AccessKeySecret: string }): Promise<SessionInfo> {
  const res = await fetch('/console/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await readJson(res);
  if (!res.ok) throw new ConsoleError(res.status, body);
  return remember(body as unknown as SessionInfo);
}

export async function signOut(): Promise<void> {
  await fetch('/console/api/session', { method: 'DELETE', headers: { 'x-openeas-csrf': csrfToken } });
  csrfToken = '';
}

/** One signed API call as the signed-in identity. A console-level refusal (no session…) comes back as a CallResult too. */
export async function callApi(req: CallRequest): Promise<CallResult> {
  const started = performance.now();
  const res = await fetch('/console/api/call', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-openeas-csrf': csrfToken },
    body: JSON.stringify(req),
  });
  const body = await readJson(res);
  if (res.ok) return body as unknown as CallResult;
  if (res.status === 401) onSignedOut();
  return {
    Status: res.status,
    RequestId: String(body.RequestId ?? ''),
    LatencyMs: Math.round(performance.now() - started),
    Request: { Method: 'POST', Url: '/console/api/call', Headers: {} },
    Body: body,
  };
}

/** The call's body when it succeeded; otherwise throws a ConsoleError carrying Alibaba's envelope. */
export async function call<T = Record<string, unknown>>(req: CallRequest): Promise<T> {
  const result = await callApi(req);
  if (result.Status !== 200) throw new ConsoleError(result.Status, result.Body as ApiErrorBody);
  return result.Body as T;
}

/** The admin plane (/_openeas), for the development controls: same origin, JSON, loopback only. */
export async function admin<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`/_openeas${path}`, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await readJson(res);
  if (!res.ok) throw new ConsoleError(res.status, answer);
  return answer as T;
}

/** Why a group's CreateFailed machines failed (the API has no field for it; the console server reads it). */
export async function machineFailures(region: string, resourceId: string): Promise<Record<string, string>> {
  const res = await fetch(
    `/console/api/machine-failures?Region=${encodeURIComponent(region)}&ResourceId=${encodeURIComponent(resourceId)}`,
  );
  if (!res.ok) return {};
  return ((await res.json()) as { Failures: Record<string, string> }).Failures;
}

/** Checks a policy document with the server's own validator (the one CreatePolicy runs). */
export async function validatePolicy(document: string): Promise<{ Valid: boolean; Code?: string; Message?: string }> {
  const res = await fetch('/console/api/validate-policy', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-openeas-csrf': csrfToken },
    body: JSON.stringify({ PolicyDocument: document }),
  });
  const body = await readJson(res);
  if (!res.ok) throw new ConsoleError(res.status, body);
  return body as { Valid: boolean; Code?: string; Message?: string };
}
