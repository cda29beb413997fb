// Writes src/eas/generated/operations.ts from Alibaba's API metadata for PAI-EAS 2021-07-01
// (spec/eas-2021-07-01-resource-api.json, every operation; spec/eas-2021-07-01-service-api.json,
// the service operations openeas implements, SERVICE_ACTIONS): one OperationSpec per API with its
// route and every parameter's type, required flag, enum, range, format and style, and a typed
// input interface per operation (`<Action>Input`, the shape validation produces) so handlers
// read their input without casts.
//
//   npm run generate
//
// `renderOperations` is pure, so test/unit/generated-operations.test.ts regenerates the file in
// memory and fails when the committed copy is stale. The script refuses metadata it does not
// understand (unknown types or styles, several methods, path parameters that do not match the
// template, two operations on one route) rather than generating something half right.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  PARAM_STYLES,
  PARAM_TYPES,
  toRoutePath,
  type HttpMethod,
  type OperationSpec,
  type ParamLocation,
  type ParamSpec,
  type ParamStyle,
  type ParamType,
} from '../src/eas/operation-spec.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_FILE = path.join(ROOT, 'spec/eas-2021-07-01-resource-api.json');
export const SERVICE_SPEC_FILE = path.join(ROOT, 'spec/eas-2021-07-01-service-api.json');
export const OUTPUT_FILE = path.join(ROOT, 'src/eas/generated/operations.ts');

/** The service operations taken from the service metadata (the rest of that file is not implemented yet). */
export const SERVICE_ACTIONS: readonly string[] = [
  'CreateService',
  'CreateServiceCronScaler',
  'DeleteService',
  'DeleteServiceCronScaler',
  'DeleteServiceInstances',
  'DeleteServiceLabel',
  'DescribeService',
  'DescribeServiceCronScaler',
  'DescribeServiceEndpoints',
  'DescribeServiceEvent',
  'ListServiceInstances',
  'ListServiceVersions',
  'ListServices',
  'RestartService',
  'ScaleService',
  'StartService',
  'StopService',
  'UpdateService',
  'UpdateServiceCronScaler',
  'UpdateServiceLabel',
  'UpdateServiceSafetyLock',
  'UpdateServiceVersion',
];

/**
 * Bodies the metadata types as `string` that are really a JSON document: CreateService's body is
 * "the raw service JSON" (SDKs and Terraform send an object). They become free JSON objects.
 */
const RAW_JSON_BODIES: readonly string[] = ['CreateService', 'UpdateService'];

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];
const LOCATIONS: readonly ParamLocation[] = ['path', 'query', 'body'];

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

function obj(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object');
  return value as Json;
}

function bound(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) fail(where, `bound ${JSON.stringify(value)} is not a number`);
  return n;
}

/** One schema node → ParamSpec; keys in a fixed order so the output is stable. */
function paramOf(name: string, location: ParamLocation, schemaValue: unknown, style: unknown, where: string): ParamSpec {
  const schema = obj(schemaValue, where);
  const type = schema.type as ParamType;
  if (!PARAM_TYPES.includes(type)) fail(where, `unknown type ${JSON.stringify(schema.type)}`);
  if (style !== undefined && !PARAM_STYLES.includes(style as ParamStyle)) fail(where, `unknown style ${JSON.stringify(style)}`);

  let values: string[] | undefined;
  if (Array.isArray(schema.enum)) values = schema.enum.map(String);
  else if (schema.enumValueTitles !== undefined) values = Object.keys(obj(schema.enumValueTitles, `${where}.enumValueTitles`));

  const spec: { -readonly [K in keyof ParamSpec]: ParamSpec[K] } = {
    name,
    location,
    type,
    // A path segment cannot be absent: path parameters are required whatever the metadata says
    // (DescribeServiceEndpoints' ClusterId, rebuilt from the TypeScript SDK, lacks the flag).
    required: schema.required === true || location === 'path',
  };
  if (schema.deprecated === true) spec.deprecated = true;
  if (typeof schema.format === 'string') spec.format = schema.format;
  if (style !== undefined) spec.style = style as ParamStyle;
  if (values && values.length > 0) spec.enum = values;
  const minimum = bound(schema.minimum, `${where}.minimum`);
  const maximum = bound(schema.maximum, `${where}.maximum`);
  if (minimum !== undefined) spec.minimum = minimum;
  if (maximum !== undefined) spec.maximum = maximum;
  if (type === 'array') {
    if (schema.items === undefined) fail(where, 'array without items');
    spec.items = paramOf(name, location, schema.items, undefined, `${where}.items`);
  }
  if (type === 'object') {
    if (schema.properties !== undefined) {
      spec.properties = Object.entries(obj(schema.properties, `${where}.properties`)).map(([key, sub]) =>
        paramOf(key, location, sub, undefined, `${where}.${key}`),
      );
    }
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      spec.additionalProperties = paramOf(name, location, schema.additionalProperties, undefined, `${where}.additionalProperties`);
    }
  }
  return spec;
}

/**
 * The metadata's `apis` (only `only` when given) as OperationSpecs, sorted by action; throws on
 * anything it cannot represent.
 */
export function buildOperations(specJson: unknown, only?: readonly string[]): OperationSpec[] {
  const spec = obj(specJson, 'spec');
  const apis = obj(spec.apis, 'spec.apis');
  const chosen = only ? only.map((a) => [a, apis[a] ?? fail(a, 'not in the metadata')] as const) : Object.entries(apis);
  const ops = chosen.map(([action, apiValue]): OperationSpec => {
    const api = obj(apiValue, action);
    const methods = api.methods;
    if (!Array.isArray(methods) || methods.length !== 1) fail(action, `expected exactly one method, got ${JSON.stringify(methods)}`);
    const method = String(methods[0]).toUpperCase() as HttpMethod;
    if (!METHODS.includes(method)) fail(action, `unsupported method ${method}`);
    if (typeof api.path !== 'string' || !api.path.startsWith('/')) fail(action, 'missing path');

    const rawParams = Array.isArray(api.parameters) ? api.parameters : [];
    const params = rawParams.map((p, i) => {
      const param = obj(p, `${action}.parameters[${i}]`);
      const location = param.in as ParamLocation;
      if (typeof param.name !== 'string') fail(`${action}.parameters[${i}]`, 'parameter without a name');
      if (!LOCATIONS.includes(location)) fail(`${action}.${param.name}`, `unsupported location ${JSON.stringify(param.in)}`);
      const rawJson = location === 'body' && RAW_JSON_BODIES.includes(action);
      const schema = rawJson ? { ...obj(param.schema, action), type: 'object' } : param.schema;
      return paramOf(param.name, location, schema, param.style, `${action}.${param.name}`);
    });

    const templateNames = [...api.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const pathNames = params.filter((p) => p.location === 'path').map((p) => p.name);
    if (templateNames.join() !== pathNames.join()) {
      fail(action, `path parameters [${pathNames}] do not match the template ${api.path}`);
    }
    if (params.filter((p) => p.location === 'body').length > 1) fail(action, 'more than one body parameter');

    return { action, method, path: api.path, routePath: toRoutePath(api.path), deprecated: api.deprecated === true, params };
  });

  const seen = new Map<string, string>();
  for (const op of ops) {
    const key = routeKey(op);
    const other = seen.get(key);
    if (other) fail(op.action, `route ${op.method} ${op.path} is also ${other}'s`);
    seen.set(key, op.action);
  }
  return ops.sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}

/** Method + path with parameter names erased: two routes with the same key collide in a router. */
export function routeKey(op: Pick<OperationSpec, 'method' | 'path'>): string {
  return `${op.method} ${op.path.replace(/\{\w+\}/g, '{}')}`;
}

// ---- printing: a TypeScript literal, one line when it fits in WIDTH columns, else one item a line

const WIDTH = 120;
const IDENT = /^[A-Za-z_$][\w$]*$/;

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function inline(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  const entries = Object.entries(obj(value, 'literal')).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${IDENT.test(k) ? k : quote(k)}: ${inline(v)}`).join(', ')} }`;
}

/** `lead` is what precedes the value on its line (indent + key); `trail` what follows it (a comma). */
function print(value: unknown, indent: string, lead: number, trail = 1): string {
  const flat = inline(value);
  if (lead + flat.length + trail <= WIDTH || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${print(v, inner, inner.length)},\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value as Json).filter(([, v]) => v !== undefined);
  const lines = entries.map(([k, v]) => {
    const key = `${IDENT.test(k) ? k : quote(k)}: `;
    return `${inner}${key}${print(v, inner, inner.length + key.length)},\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

// ---- typed inputs: what validation (gateway/validation.ts) produces for each operation

function tsType(p: ParamSpec, indent: string): string {
  switch (p.type) {
    case 'string': {
      if (!p.enum) return 'string';
      const union = p.enum.map(quote).join(' | ');
      return union.length <= 80 ? union : p.enum.map((v) => `\n${indent}  | ${quote(v)}`).join('');
    }
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `Array<${tsType(p.items!, indent)}>`;
    case 'object': {
      if (p.properties && p.properties.length > 0) return `{\n${fieldsOf(p.properties, `${indent}  `)}${indent}}`;
      // Map values may be null: a label filter's null value means "any value" (validation keeps it).
      if (p.additionalProperties) return `Record<string, ${tsType(p.additionalProperties, indent)} | null>`;
      return 'Record<string, unknown>';
    }
  }
}

function fieldsOf(params: readonly ParamSpec[], indent: string): string {
  return params
    .map((p) => `${indent}${IDENT.test(p.name) ? p.name : quote(p.name)}${p.required ? '' : '?'}: ${tsType(p, indent)};\n`)
    .join('');
}

/**
 * `interface <Action>Input`: path and query parameters, the body as `body`, and the body's fields
 * flattened as validation does. An object body is never absent: validation checks `{}` when none came.
 */
export function inputInterface(op: OperationSpec): string {
  const bodyOf = (p: ParamSpec): ParamSpec => (p.type === 'object' ? { ...p, required: true } : p);
  const fields = op.params.flatMap((p) => (p.location === 'body' ? [bodyOf(p), ...(p.properties ?? [])] : [p]));
  return `export interface ${op.action}Input {\n${fieldsOf(fields, '  ')}}\n`;
}

/** The generated module's full text. Pure: same metadata in, same bytes out. */
export function renderOperations(specJson: unknown, serviceSpecJson: unknown): string {
  const spec = obj(specJson, 'spec');
  const info = obj(spec.info, 'spec.info');
  if (typeof info.product !== 'string' || typeof info.version !== 'string') fail('spec.info', 'product and version are required');
  const ops = buildOperations(specJson);
  const serviceOps = buildOperations(serviceSpecJson, SERVICE_ACTIONS);
  const seen = new Map(ops.map((o) => [routeKey(o), o.action]));
  for (const o of serviceOps) {
    const other = seen.get(routeKey(o));
    if (other) fail(o.action, `route ${o.method} ${o.path} is also ${other}'s`);
  }
  const all = [...ops, ...serviceOps].sort((a, b) => (a.action < b.action ? -1 : 1));
  return [
    '// GENERATED FILE: do not edit by hand.',
    `// Source: spec/${path.basename(SPEC_FILE)} (${info.product} ${info.version}) and the service operations of`,
    `// spec/${path.basename(SERVICE_SPEC_FILE)}, by scripts/generate-operations.ts.`,
    '// Regenerate with: npm run generate',
    '// test/unit/generated-operations.test.ts fails when this file no longer matches the metadata.',
    "import type { OperationSpec } from '../operation-spec.ts';",
    '',
    `export const EAS_PRODUCT = ${inline({ product: info.product, version: info.version })} as const;`,
    '',
    '/** The resource-group operations: every API of the resource metadata. */',
    `export const EAS_OPERATIONS: readonly OperationSpec[] = ${print(ops, '', WIDTH)};`,
    '',
    '/** The service operations openeas implements, from the service metadata. */',
    `export const EAS_SERVICE_OPERATIONS: readonly OperationSpec[] = ${print(serviceOps, '', WIDTH)};`,
    '',
    '// Typed inputs, one per operation: what validation hands the handler.',
    '',
    all.map(inputInterface).join('\n'),
    "/** Every operation's input type by action. */",
    `export interface EasInputs {\n${all.map((o) => `  ${o.action}: ${o.action}Input;\n`).join('')}}`,
    '',
  ].join('\n');
}

export function readSpec(file = SPEC_FILE): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function main(): void {
  const text = renderOperations(readSpec(), readSpec(SERVICE_SPEC_FILE));
  mkdirSync(path.dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, text);
  const count = buildOperations(readSpec()).length + SERVICE_ACTIONS.length;
  console.log(`wrote ${path.relative(ROOT, OUTPUT_FILE)} (${count} operations)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
