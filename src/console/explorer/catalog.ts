// The API Explorer's operation catalog: every operation the server implements, described for a
// form and for code generation. Nothing here is written twice: EAS operations come from the
// generated table (generated/operations.ts, the metadata's types, enums and ranges) joined with the
// metadata files for descriptions and response schemas; ActionTrail's LookupEvents from its
// metadata file; RAM, STS and BSS from the parameter tables their handlers validate with, with the
// words and response schemas of Alibaba's SDK models (generated/rpc-docs.ts).
import fs from 'node:fs';
import { EAS_OPERATIONS, EAS_PRODUCT, EAS_SERVICE_OPERATIONS } from '../../eas/generated/operations.ts';
import { EXTRA_OPERATIONS } from '../../eas/handlers/index.ts';
import { implementedEasActions } from '../../eas/operations.ts';
import type { OperationSpec, ParamSpec, ParamStyle } from '../../eas/operation-spec.ts';
import { USER_OPERATIONS } from '../../ram/api/users.ts';
import { GROUP_OPERATIONS } from '../../ram/api/groups.ts';
import { ROLE_OPERATIONS } from '../../ram/api/roles.ts';
import { POLICY_OPERATIONS } from '../../ram/api/policies.ts';
import { STS_OPERATIONS } from '../../ram/api/sts.ts';
import { RAM_VERSION, STS_VERSION } from '../../ram/api/rpc.ts';
import { BSS_OPERATIONS, BSS_VERSION } from '../../billing/bss.ts';
import { ACTIONTRAIL_VERSION } from '../../audit/lookup-events.ts';
import type { RpcParamSpec } from '../../gateway/rpc-params.ts';
import { RPC_DOCS } from './generated/rpc-docs.ts';

/** The products of the Explorer, by the name the console's call route takes. */
export type ExplorerProduct = 'eas' | 'ram' | 'sts' | 'bss' | 'actiontrail';
export const EXPLORER_PRODUCTS: readonly ExplorerProduct[] = ['eas', 'ram', 'sts', 'bss', 'actiontrail'];

export type CatalogType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface CatalogParam {
  name: string;
  location: 'path' | 'query' | 'body';
  type: CatalogType;
  required: boolean;
  format?: string;
  /** How a structured query value is serialised (ParamStyle); ROA body fields are JSON. */
  style?: ParamStyle;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  deprecated?: boolean;
  /** English where the metadata has it, else the metadata's Chinese; absent when there is none. */
  description?: string;
  example?: string;
  items?: CatalogParam;
  properties?: CatalogParam[];
  additionalProperties?: CatalogParam;
}

export interface CatalogOperation {
  product: ExplorerProduct;
  /** The product code at api.aliyun.com (`eas`, `Ram`, `Sts`, `BssOpenApi`, `Actiontrail`). */
  productCode: string;
  version: string;
  action: string;
  style: 'ROA' | 'RPC';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** ROA path template (`/api/v2/resources/{ClusterId}`); `/` for RPC. */
  path: string;
  title?: string;
  summary?: string;
  /**
   * The request's parameters as the SDK's request model names them: path, query, then the body's
   * fields (location `body`). When the body is one whole document (CreateService's JSON) it is one
   * parameter named `body`; `wholeBody` says so.
   */
  params: CatalogParam[];
  wholeBody: boolean;
  /** The 200 answer's JSON schema from the metadata ($refs resolved); absent when the metadata has none. */
  response?: unknown;
}

export interface CatalogSummary {
  product: ExplorerProduct;
  version: string;
  action: string;
  style: 'ROA' | 'RPC';
  method: string;
  path: string;
  title?: string;
}

interface MetaSchema {
  type?: string;
  format?: string;
  description?: string;
  description_en?: string;
  title?: string;
  example?: unknown;
  enum?: unknown[];
  maxLength?: number | string;
  minimum?: number | string;
  maximum?: number | string;
  required?: boolean;
  deprecated?: boolean;
  items?: MetaSchema;
  properties?: Record<string, MetaSchema>;
  additionalProperties?: MetaSchema;
  $ref?: string;
  enumValueTitles?: Record<string, string>;
}

interface MetaApi {
  path?: string;
  title?: string;
  summary?: string;
  summary_en?: string;
  parameters: Array<{ name: string; in: string; style?: string; schema: MetaSchema }>;
  responses?: Record<string, { schema?: MetaSchema }>;
}

interface MetaFile {
  apis: Record<string, MetaApi>;
  schemas?: Record<string, MetaSchema>;
}

function readMeta(file: string): MetaFile {
  return JSON.parse(fs.readFileSync(new URL(`../../../spec/${file}`, import.meta.url), 'utf8')) as MetaFile;
}

/** Alibaba's doc links (`[ListResources](~~412133~~)`) point into its help centre: keep the words. */
function cleanText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/\[([^\]]*)\]\(~~\d+~~\)/g, '$1').trim();
  return t === '' ? undefined : t;
}

function describe(s: MetaSchema | undefined): string | undefined {
  if (!s) return undefined;
  return cleanText(s.description_en) ?? cleanText(s.description) ?? cleanText(s.title);
}

function num(v: number | string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Resolves `#/components/schemas/X` against the file's schemas, a few levels deep (schemas may refer to each other). */
function resolve(schema: MetaSchema | undefined, meta: MetaFile, depth = 0): unknown {
  if (!schema || typeof schema !== 'object') return schema;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    const target = meta.schemas?.[name];
    return depth > 6 || !target ? { type: 'object', description: `See ${name}.` } : resolve(target, meta, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'example' || k.startsWith('x-')) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, MetaSchema>).map(([n, s]) => [n, resolve(s, meta, depth + 1)]),
      );
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = resolve(v as MetaSchema, meta, depth + 1);
    } else out[k] = v;
  }
  return out;
}

/** A generated parameter spec (types, enums, ranges) with the metadata's words for it. */
function fromSpec(p: ParamSpec, meta: MetaSchema | undefined, name = p.name): CatalogParam {
  const out: CatalogParam = { name, location: p.location, type: p.type, required: p.required };
  if (p.format) out.format = p.format;
  if (p.style) out.style = p.style;
  if (p.enum) out.enum = [...p.enum];
  if (p.minimum !== undefined) out.minimum = p.minimum;
  if (p.maximum !== undefined) out.maximum = p.maximum;
  const maxLength = num(meta?.maxLength);
  if (maxLength !== undefined) out.maxLength = maxLength;
  if (p.deprecated) out.deprecated = true;
  const description = describe(meta);
  if (description) out.description = description;
  if (meta?.example !== undefined && typeof meta.example !== 'object') out.example = String(meta.example);
  if (p.items) out.items = fromSpec(p.items, meta?.items);
  if (p.properties) out.properties = p.properties.map((q) => fromSpec(q, meta?.properties?.[q.name]));
  if (p.additionalProperties) out.additionalProperties = fromSpec(p.additionalProperties, meta?.additionalProperties);
  return out;
}

function easOperation(spec: OperationSpec, meta: MetaFile | undefined): CatalogOperation {
  const api = meta?.apis[spec.action];
  const metaParam = (name: string) => api?.parameters.find((p) => p.name === name)?.schema;
  const params: CatalogParam[] = [];
  let wholeBody = false;
  for (const p of spec.params) {
    if (p.location === 'body' && p.properties) {
      const body = metaParam(p.name);
      for (const field of p.properties) params.push(fromSpec(field, body?.properties?.[field.name]));
    } else {
      if (p.location === 'body') wholeBody = true;
      params.push(fromSpec(p, metaParam(p.name)));
    }
  }
  const op: CatalogOperation = {
    product: 'eas',
    productCode: EAS_PRODUCT.product,
    version: EAS_PRODUCT.version,
    action: spec.action,
    style: 'ROA',
    method: spec.method,
    path: spec.path,
    params,
    wholeBody,
  };
  const title = cleanText(api?.title);
  if (title) op.title = title;
  const summary = cleanText(api?.summary_en) ?? cleanText(api?.summary);
  if (summary) op.summary = summary;
  const response = api?.responses?.['200']?.schema;
  if (response && meta) op.response = resolve(response, meta);
  return op;
}

function rpcParam(name: string, p: RpcParamSpec): CatalogParam {
  const out: CatalogParam = {
    name,
    location: 'query',
    type: p.type === 'int' ? 'integer' : p.type === 'bool' ? 'boolean' : 'string',
    required: p.required === true,
  };
  if (p.enum) out.enum = [...p.enum];
  if (p.min !== undefined) out.minimum = p.min;
  if (p.max !== undefined) out.maximum = p.max;
  return out;
}

/** RAM, STS, BSS: the handler's parameter table, with the words of Alibaba's SDK models (generated/rpc-docs.ts). */
function rpcOperation(
  product: ExplorerProduct,
  productCode: string,
  version: string,
  spec: { action: string; params: Record<string, RpcParamSpec> },
): CatalogOperation {
  const doc = RPC_DOCS[product]?.[spec.action];
  const op: CatalogOperation = {
    product,
    productCode,
    version,
    action: spec.action,
    style: 'RPC',
    method: 'POST',
    path: '/',
    params: Object.entries(spec.params).map(([name, p]) => {
      const param = rpcParam(name, p);
      const description = cleanText(doc?.params[name]);
      return description ? { ...param, description } : param;
    }),
    wholeBody: false,
  };
  const summary = cleanText(doc?.summary);
  if (summary) op.summary = summary;
  if (doc?.response) op.response = doc.response;
  return op;
}

/** A metadata schema as a catalog parameter (ActionTrail: no generated table, the metadata is the spec). */
function fromMeta(name: string, s: MetaSchema, style?: string): CatalogParam {
  const type = (['string', 'integer', 'number', 'boolean', 'object', 'array'].includes(s.type ?? '') ? s.type : 'string') as CatalogType;
  const out: CatalogParam = { name, location: 'query', type, required: s.required === true };
  if (style) out.style = style as ParamStyle;
  if (s.enum) out.enum = s.enum.map(String);
  const min = num(s.minimum);
  const max = num(s.maximum);
  if (min !== undefined) out.minimum = min;
  if (max !== undefined) out.maximum = max;
  const maxLength = num(s.maxLength);
  if (maxLength !== undefined) out.maxLength = maxLength;
  const description = describe(s);
  if (description) out.description = description;
  if (s.example !== undefined && typeof s.example !== 'object') out.example = String(s.example);
  if (s.items) out.items = fromMeta(name, s.items);
  if (s.properties) out.properties = Object.entries(s.properties).map(([n, q]) => fromMeta(n, q));
  return out;
}

function actionTrailOperation(meta: MetaFile): CatalogOperation {
  const api = meta.apis.LookupEvents!;
  const op: CatalogOperation = {
    product: 'actiontrail',
    productCode: 'Actiontrail',
    version: ACTIONTRAIL_VERSION,
    action: 'LookupEvents',
    style: 'RPC',
    method: 'POST',
    path: '/',
    params: api.parameters.map((p) => fromMeta(p.name, p.schema, p.style)),
    wholeBody: false,
  };
  const summary = cleanText(api.summary_en) ?? cleanText(api.summary);
  if (summary) op.summary = summary;
  const response = api.responses?.['200']?.schema;
  if (response) op.response = resolve(response, meta);
  return op;
}

function build(): CatalogOperation[] {
  const implemented = new Set(implementedEasActions());
  const resourceMeta = readMeta('eas-2021-07-01-resource-api.json');
  const serviceMeta = readMeta('eas-2021-07-01-service-api.json');
  const ops: CatalogOperation[] = [];
  for (const spec of EAS_OPERATIONS) if (implemented.has(spec.action)) ops.push(easOperation(spec, resourceMeta));
  for (const spec of EAS_SERVICE_OPERATIONS) if (implemented.has(spec.action)) ops.push(easOperation(spec, serviceMeta));
  for (const extra of EXTRA_OPERATIONS) ops.push(easOperation(extra.spec, undefined));
  for (const spec of [...USER_OPERATIONS, ...GROUP_OPERATIONS, ...ROLE_OPERATIONS, ...POLICY_OPERATIONS])
    ops.push(rpcOperation('ram', 'Ram', RAM_VERSION, spec));
  for (const spec of STS_OPERATIONS) ops.push(rpcOperation('sts', 'Sts', STS_VERSION, spec));
  for (const spec of BSS_OPERATIONS) ops.push(rpcOperation('bss', 'BssOpenApi', BSS_VERSION, spec));
  ops.push(actionTrailOperation(readMeta('actiontrail-2020-07-06-lookupevents.json')));
  return ops;
}

let cached: { list: CatalogOperation[]; byKey: Map<string, CatalogOperation> } | undefined;

function catalog() {
  if (!cached) {
    const list = build();
    cached = { list, byKey: new Map(list.map((op) => [`${op.product}/${op.action.toLowerCase()}`, op])) };
  }
  return cached;
}

export function allOperations(): readonly CatalogOperation[] {
  return catalog().list;
}

/** One operation by product and action (the action's case does not matter, as at Alibaba's gateway it would). */
export function findOperation(product: string, action: string): CatalogOperation | undefined {
  return catalog().byKey.get(`${product.toLowerCase()}/${action.toLowerCase()}`);
}

export function summaryOf(op: CatalogOperation): CatalogSummary {
  const s: CatalogSummary = {
    product: op.product,
    version: op.version,
    action: op.action,
    style: op.style,
    method: op.method,
    path: op.path,
  };
  // A line for the list: the title, else the summary's first sentence.
  const line = op.title ?? op.summary?.split('\n')[0]?.replace(/^(.{0,120}?[.。])\s.*$/, '$1');
  if (line) s.title = line;
  return s;
}
