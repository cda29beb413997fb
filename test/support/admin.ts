// Calls the /_openeas admin plane from loopback, as an operator would with curl.
export async function admin(baseUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}/_openeas${path}`, {
    method,
    // The admin plane takes state changes only as application/json (src/admin/guard.ts).
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`admin ${method} ${path} failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Moves the server's business clock forward and runs everything that falls due. */
export const advance = (baseUrl: string, seconds: number) => admin(baseUrl, 'POST', '/clock/advance', { seconds });
