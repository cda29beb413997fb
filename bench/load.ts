// The load generator: keeps `concurrency` requests in flight for `seconds`, signing every request
// with V3 and a fresh nonce exactly as the official client does (the bare Fastify baseline gets
// the same signing work, so ratios compare servers, not generators). `runClientLoad` drives the
// official client instead.
import http from 'node:http';
import crypto from 'node:crypto';
import { hashPayload, signV3 } from '../src/gateway/signature/index.ts';
import { callEas, easClient, type RoaCall } from '../test/support/client.ts';

export interface Target {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  action: string;
  /** A fresh body per request (or none). */
  body?: () => string;
  accessKeyId: string;
  accessKeySecret: string;
  /** API version header; the EAS ROA one unless told (BSS RPC calls send 2017-12-14). */
  version?: string;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses by HTTP status. */
  statuses: Record<number, number>;
  firstError?: string;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function request(agent: http.Agent, t: Target): Promise<Outcome> {
  const u = new URL(t.url);
  const body = Buffer.from(t.body ? t.body() : '', 'utf8');
  const headers: Record<string, string> = {
    host: u.host,
    'x-acs-version': t.version ?? '2021-07-01',
    'x-acs-action': t.action,
    'x-acs-date': timestamp(),
    'x-acs-signature-nonce': crypto.randomBytes(16).toString('hex'),
    'x-acs-content-sha256': hashPayload('ACS3-HMAC-SHA256', body),
    accept: 'application/json',
  };
  if (body.length > 0) headers['content-type'] = 'application/json; charset=utf-8';
  headers.authorization = signV3({
    method: t.method,
    rawUrl: t.path,
    headers,
    body,
    accessKeyId: t.accessKeyId,
    secret: t.accessKeySecret,
  });
  if (body.length > 0) headers['content-length'] = String(body.length);
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request({ agent, host: u.hostname, port: u.port, method: t.method, path: t.path, headers }, (res) => {
      // Like wrk, a successful body is read and dropped; only a failure's body is kept, for the report.
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      if (status === 200) res.resume();
      else res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status, ms: Number(process.hrtime.bigint() - start) / 1e6, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    // A connection the server closed (e.g. after refusing an oversized body) counts as status 0.
    req.on('error', (e) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - start) / 1e6, body: e.message }));
    req.end(body);
  });
}

/** One finished request as the driver sees it: a status (0 when the connection failed) and, on failure, why. */
export interface Outcome {
  status: number;
  ms: number;
  body: string;
}

export interface LoadOptions {
  seconds: number;
  concurrency: number;
  maxRequests?: number;
}

/** Keeps `concurrency` calls of `once` in flight for `seconds` (or until `maxRequests` were issued). */
export async function drive(once: () => Promise<Outcome>, opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = Date.now();
  const deadline = started + opts.seconds * 1000;
  const max = opts.maxRequests ?? Number.MAX_SAFE_INTEGER;
  let issued = 0;
  const statuses: Record<number, number> = {};
  const worker = async () => {
    while (Date.now() < deadline && issued < max) {
      issued++;
      const r = await once();
      latencies.push(r.ms);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status !== 200) {
        errors++;
        firstError ??= `${r.status} ${r.body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: pct(50), p99: pct(99), statuses, firstError };
}

export async function runLoad(t: Target, opts: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  try {
    return await drive(() => request(agent, t), opts);
  } finally {
    agent.destroy();
  }
}

/**
 * The official client as the load generator: `callApi` of @alicloud/openapi-client with V3 signing,
 * as test/support/client.ts calls it (one client for all calls, on its keep-alive agent).
 */
export async function runClientLoad(
  url: string,
  credentials: { accessKeyId: string; accessKeySecret: string },
  call: RoaCall,
  opts: LoadOptions,
): Promise<LoadResult> {
  const client = easClient({ url, ...credentials });
  return drive(async () => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const r = await callEas(client, call);
      return { status: r.statusCode, ms: ms(), body: '' };
    } catch (e) {
      const err = e as { statusCode?: number; message?: string };
      return { status: err.statusCode ?? 0, ms: ms(), body: String(err.message) };
    }
  }, opts);
}
