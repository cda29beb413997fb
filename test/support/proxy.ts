// A loopback man-in-the-middle for tests: forwards what the official client sends to the server,
// records every request exactly as it was on the wire, and can alter one on the way (tampering).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireCapture {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface TestProxy {
  url: string;
  captured: WireCapture[];
  /** Set to alter the next requests before they are forwarded; returning null holds the request back. */
  mutate?: (req: WireCapture) => WireCapture | null;
  /** Sends a captured request again, byte for byte, to `target`. */
  replay(req: WireCapture, target?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function send(target: string, req: WireCapture): Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }> {
  const t = new URL(target);
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // Re-framed below: the body is sent whole with its length.
    if (/^(transfer-encoding|content-length|connection)$/i.test(name)) continue;
    headers.push([name, req.rawHeaders[i + 1]!]);
  }
  if (req.body.length > 0 || !/^(GET|HEAD)$/.test(req.method)) headers.push(['content-length', String(req.body.length)]);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: headers.flat() as unknown as http.OutgoingHttpHeaders },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

export async function startProxy(target: string): Promise<TestProxy> {
  const proxy: TestProxy = {
    url: '',
    captured: [],
    replay: (req, to = target) => send(to, req),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const captured: WireCapture = { method: req.method!, url: req.url!, rawHeaders: [...req.rawHeaders], body: Buffer.concat(chunks) };
      proxy.captured.push(captured);
      const wire = proxy.mutate ? proxy.mutate(captured) : captured;
      if (!wire) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Code: 'HeldByTestProxy', Message: 'not forwarded' }));
        return;
      }
      try {
        const out = await send(target, wire);
        res.writeHead(out.status, {
          'content-type': String(out.headers['content-type'] ?? 'application/json'),
          'x-acs-request-id': String(out.headers['x-acs-request-id'] ?? ''),
        });
        res.end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
      } catch (e) {
        res.writeHead(502);
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
