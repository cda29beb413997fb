// The Explorer's own server routes (/console/api/explorer): the operation catalog and SDK code.
// Sending a call goes through the console's callApi (../api.ts).
import { ConsoleError, getSession, type ApiErrorBody, type Product } from '../api.ts';
import type { CatalogOperation, CatalogSummary, Language } from './catalog-types.ts';

const BASE = '/console/api/explorer';

async function answer<T>(res: Response): Promise<T> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = { Code: 'InvalidResponse', Message: `HTTP ${res.status}` };
  }
  if (!res.ok) throw new ConsoleError(res.status, body as ApiErrorBody);
  return body as T;
}

/** POSTs carry the session's CSRF token, like every other console request that is not a GET. */
async function post(path: string, body: unknown): Promise<Response> {
  const session = await getSession();
  return fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-openeas-csrf': session.CsrfToken ?? '' },
    body: JSON.stringify(body),
  });
}

export async function listOperations(): Promise<CatalogSummary[]> {
  return (await answer<{ Operations: CatalogSummary[] }>(await fetch(`${BASE}/operations`))).Operations;
}

export async function getOperation(product: Product, action: string): Promise<CatalogOperation> {
  const res = await fetch(`${BASE}/operations/${encodeURIComponent(product)}/${encodeURIComponent(action)}`);
  return (await answer<{ Operation: CatalogOperation }>(res)).Operation;
}

export interface CodeRequest {
  Product: Product;
  Action: string;
  Params: Record<string, unknown>;
  Language: Language;
}

export async function generateCode(req: CodeRequest): Promise<string> {
  return (await answer<{ Code: string }>(await post('/code', req))).Code;
}

/** Fetches the project zip and hands it to the browser as a download. */
export async function downloadProject(req: CodeRequest): Promise<void> {
  const res = await post('/download', req);
  if (!res.ok) await answer(res);
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'sample.zip';
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
