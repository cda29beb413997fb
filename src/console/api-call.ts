// `POST /console/api/call`: the console's one way to act. {Product, Action, Params} becomes the
// request an official SDK would send — method, path, query and body laid out by the operation's spec
// (EAS: the generated operations; RAM, STS, BSS, ActionTrail: RPC at `/` named by x-acs-action and
// x-acs-version from their registrations), signed with ACS3-HMAC-SHA256 by the same code the server
// verifies with (gateway/signature/v3.ts, as the Node SDK signs) for the session's AccessKey — and
// goes through the whole gateway with Fastify's inject, from the browser's own address. So RAM,
// the audit trail, admission and error codes apply exactly as for SDK calls; the answer is shown as
// it came, with the request (its credentials redacted).
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { apiError } from '../gateway/errors.ts';
import { signV3 } from '../gateway/signature/v3.ts';
import type { OperationRegistry } from '../gateway/registry.ts';
import type { OperationSpec, ParamSpec } from '../eas/operation-spec.ts';
import { EAS_OPERATIONS, EAS_PRODUCT, EAS_SERVICE_OPERATIONS } from '../eas/generated/operations.ts';
import { EXTRA_OPERATIONS } from '../eas/handlers/index.ts';
import './errors.ts';

export const CONSOLE_PRODUCTS = ['eas', 'ram', 'sts', 'bss', 'actiontrail'] as const;
export type ConsoleProduct = (typeof CONSOLE_PRODUCTS)[number];

/** The product codes the registry knows the RPC products by. */
const RPC_PRODUCT: Record<Exclude<ConsoleProduct, 'eas'>, string> = {
  ram: 'Ram',
  sts: 'Sts',
  bss: 'BssOpenApi',
  actiontrail: 'Actiontrail',
};

export interface CallRequest {
  Product: ConsoleProduct;
  Action: string;
  Params: Record<string, unknown>;
  /** The region an EAS call without ClusterId addresses (ListResources, ListServices…). */
  Region?: string;
}

export interface CallResult {
  Status: number;
  RequestId: string;
  LatencyMs: number;
  Request: { Method: string; Url: string; Headers: Record<string, string> };
  Body: unknown;
}

interface PlannedRequest {
  method: string;
  /** Path and query, encoded as sent. */
  rawUrl: string;
  host: string;
  action: string;
  version: string;
  body?: Buffer;
  contentType?: string;
}

const EAS_SPECS = new Map<string, OperationSpec>(
  [...EAS_OPERATIONS, ...EAS_SERVICE_OPERATIONS, ...EXTRA_OPERATIONS.map((e) => e.spec)].map((spec) => [spec.action, spec]),
);

/** RFC 3986 percent-encoding, as the SDKs encode query values and path segments. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A query parameter as the SDK serialises it by its style (OpenApiUtil's array/object styles). */
function queryPairs(spec: ParamSpec | undefined, name: string, value: unknown): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    switch (spec?.style) {
      case 'simple':
        return [[name, value.map(scalar).join(',')]];
      case 'spaceDelimited':
        return [[name, value.map(scalar).join(' ')]];
      case 'pipeDelimited':
        return [[name, value.map(scalar).join('|')]];
      case 'repeatList':
        return value.map((v, i) => [`${name}.${i + 1}`, scalar(v)]);
      default:
        return [[name, JSON.stringify(value)]];
    }
  }
  if (typeof value === 'object' && spec?.style === 'flat') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [`${name}.${k}`, scalar(v)]);
  }
  return [[name, scalar(value)]];
}

function easRequest(req: CallRequest, defaultRegion: string): PlannedRequest {
  const spec = EAS_SPECS.get(req.Action);
  if (!spec) throw apiError('ConsoleCall.UnknownAction', { product: req.Product, action: req.Action });
  const params = { ...req.Params };
  const region = typeof params.ClusterId === 'string' && params.ClusterId !== '' ? params.ClusterId : (req.Region ?? defaultRegion);
  const byName = new Map(spec.params.map((p) => [p.name, p]));
  let path = spec.path;
  for (const p of spec.params) {
    if (p.location !== 'path') continue;
    const value = p.name === 'ClusterId' ? region : params[p.name];
    if (value === undefined || value === null || value === '') throw apiError('MissingParameter', { name: p.name });
    path = path.replace(`{${p.name}}`, encode(scalar(value)));
    delete params[p.name];
  }
  const bodySpec = spec.params.find((p) => p.location === 'body');
  let body: unknown;
  if (bodySpec) {
    if (params.body !== undefined) body = params.body;
    else if (bodySpec.properties) {
      // Body fields may also be given at the top level, as the SDK's request models name them.
      const fields = Object.fromEntries(
        bodySpec.properties.filter((p) => params[p.name] !== undefined).map((p) => [p.name, params[p.name]] as const),
      );
      for (const name of Object.keys(fields)) delete params[name];
      if (Object.keys(fields).length > 0) body = fields;
    }
    delete params.body;
  }
  const query = Object.entries(params).flatMap(([name, value]) => queryPairs(byName.get(name), name, value));
  const encoded = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  return {
    method: spec.method,
    rawUrl: query.length > 0 ? `${path}?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : path,
    host: `eas.${region}.aliyuncs.com`,
    action: spec.action,
    version: EAS_PRODUCT.version,
    ...(encoded ? { body: encoded, contentType: 'application/json; charset=utf-8' } : {}),
  };
}

function rpcRequest(req: CallRequest, registry: OperationRegistry, host: string): PlannedRequest {
  const product = RPC_PRODUCT[req.Product as Exclude<ConsoleProduct, 'eas'>];
  const op = registry.rpcOperation(product, req.Action);
  if (!op) throw apiError('ConsoleCall.UnknownAction', { product: req.Product, action: req.Action });
  const query = Object.entries(req.Params).flatMap(([name, value]) => queryPairs(undefined, name, value));
  return {
    method: 'POST',
    rawUrl: query.length > 0 ? `/?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : '/',
    host,
    action: op.action,
    version: op.version,
  };
}

/** Checks the shape of a call request (the console's own input). */
export function parseCallRequest(body: unknown): CallRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const product = String(b.Product ?? '');
  if (!(CONSOLE_PRODUCTS as readonly string[]).includes(product)) throw apiError('ConsoleCall.UnknownProduct', { product });
  if (typeof b.Action !== 'string' || b.Action === '') throw apiError('MissingParameter', { name: 'Action' });
  const params = b.Params ?? {};
  if (typeof params !== 'object' || Array.isArray(params))
    throw apiError('InvalidParameter', { name: 'Params', reason: 'It must be an object.' });
  if (b.Region !== undefined && (typeof b.Region !== 'string' || !/^[a-z0-9-]{1,40}$/.test(b.Region))) {
    throw apiError('InvalidParameter', { name: 'Region', reason: 'It must be a region id such as cn-hangzhou.' });
  }
  return { Product: product as ConsoleProduct, Action: b.Action, Params: params as Record<string, unknown>, Region: b.Region as string };
}

export interface Signer {
  accessKeyId: string;
  secret: string;
  securityToken?: string;
}

const REDACTED = '<redacted>';

/** Signs and sends one call through the gateway (in process), from the given client address. */
export async function performCall(
  app: FastifyInstance,
  registry: OperationRegistry,
  req: CallRequest,
  signer: Signer,
  options: { clientAddress: string; host: string; defaultRegion: string },
): Promise<CallResult> {
  const plan = req.Product === 'eas' ? easRequest(req, options.defaultRegion) : rpcRequest(req, registry, options.host);
  const body = plan.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = {
    host: plan.host,
    'x-acs-action': plan.action,
    'x-acs-version': plan.version,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': crypto.randomUUID(),
    'x-acs-content-sha256': crypto.createHash('sha256').update(body).digest('hex'),
    accept: 'application/json',
  };
  if (signer.securityToken) headers['x-acs-security-token'] = signer.securityToken;
  if (plan.contentType) headers['content-type'] = plan.contentType;
  const authorization = signV3({
    method: plan.method,
    rawUrl: plan.rawUrl,
    headers,
    body,
    accessKeyId: signer.accessKeyId,
    secret: signer.secret,
  });
  const started = performance.now();
  const res = await app.inject({
    method: plan.method as 'GET',
    url: plan.rawUrl,
    headers: { ...headers, authorization },
    ...(plan.body ? { payload: plan.body } : {}),
    remoteAddress: options.clientAddress,
  });
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    parsed = res.body;
  }
  const shown: Record<string, string> = { ...headers, authorization: REDACTED };
  if (shown['x-acs-security-token']) shown['x-acs-security-token'] = REDACTED;
  return {
    Status: res.statusCode,
    RequestId: String(res.headers['x-acs-request-id'] ?? ''),
    LatencyMs: latencyMs,
    Request: { Method: plan.method, Url: `http://${plan.host}${plan.rawUrl}`, Headers: shown },
    Body: parsed,
  };
}
