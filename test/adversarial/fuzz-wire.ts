// The fuzzer's wire: V3-signed requests built byte by byte (so hostile values reach validation and
// handlers, not just the signature check), raw unsigned requests over a socket (for malformed
// paths), and the checks every answer must pass.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { signV3 } from '../../src/gateway/signature/v3.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  ms: number;
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/**
 * Percent-encodes every code point as UTF-8, and a lone surrogate as the three bytes it would take
 * (WTF-8, e.g. %ED%A0%80): encodeURIComponent refuses those, a hostile client need not.
 */
export function rawEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/^[A-Za-z0-9\-_.~]$/.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function encodePairs(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${rawEncode(k)}=${rawEncode(v)}`).join('&');
}

export interface SignedRequest {
  method: string;
  /** Already encoded path. */
  path: string;
  query?: Array<[string, string]>;
  /** RPC products name the API in x-acs-action / x-acs-version, as V3-signing clients do. */
  action: string;
  version: string;
  body?: Buffer;
  contentType?: string;
}

function send(url: URL, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A connection per request: a refused request may close its connection, and must not take the next one with it.
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends one request signed with ACS3-HMAC-SHA256 exactly as the official Node client signs. */
export function sendSigned(base: URL, creds: Credentials, r: SignedRequest): Promise<Answer> {
  const body = r.body ?? Buffer.alloc(0);
  const query = r.query && r.query.length > 0 ? `?${encodePairs(r.query)}` : '';
  const rawUrl = `${r.path}${query}`;
  const headers: Record<string, string> = {
    host: base.host,
    'x-acs-action': r.action,
    'x-acs-version': r.version,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': crypto.randomUUID(),
    'x-acs-content-sha256': crypto.createHash('sha256').update(body).digest('hex'),
  };
  if (r.contentType) headers['content-type'] = r.contentType;
  const authorization = signV3({ method: r.method, rawUrl, headers, body, accessKeyId: creds.accessKeyId, secret: creds.accessKeySecret });
  return send(base, r.method, rawUrl, { ...headers, authorization, 'content-length': String(body.length) }, r.body);
}

/** Sends bytes as they are over a fresh socket (for request lines Node's client would refuse to write). */
export function sendRaw(base: URL, requestText: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Written, not ended: the server closes the connection (Connection: close), and a half-closed socket
    // would read as a client that went away.
    const socket = net.connect(Number(base.port), base.hostname, () => socket.write(requestText));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const whole = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = whole.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => {
          const i = l.indexOf(':');
          return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
        }),
      );
      let text = rest.join('\r\n\r\n');
      if (headers['transfer-encoding'] === 'chunked') text = dechunk(text);
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, text, ms: performance.now() - started });
    });
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const i = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, i), 16);
    if (!size) return out;
    out += rest.slice(i + 2, i + 2 + size);
    rest = rest.slice(i + 4 + size);
  }
}

const ENVELOPE_FIELDS = ['RequestId', 'HostId', 'Code', 'Message', 'Recommend'] as const;

/** What is wrong with an answer, if anything: a 5xx, or an error that is not Alibaba's envelope. */
export function problemsOf(a: Answer): string[] {
  const problems: string[] = [];
  if (a.status >= 500) problems.push(`status ${a.status}`);
  const requestId = a.headers['x-acs-request-id'];
  if (!requestId) problems.push('no x-acs-request-id header');
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(a.text) as Record<string, unknown>;
  } catch {
    problems.push(`body is not JSON: ${a.text.slice(0, 80)}`);
  }
  if (body && a.status >= 400) {
    for (const f of ENVELOPE_FIELDS) if (typeof body[f] !== 'string') problems.push(`envelope lacks ${f}`);
    if (requestId && body.RequestId !== requestId) problems.push('RequestId differs from x-acs-request-id');
  }
  return problems;
}

/** The catalog code of an error answer, for reports. */
export function codeOf(a: Answer): string | undefined {
  try {
    const code = (JSON.parse(a.text) as { Code?: unknown }).Code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
