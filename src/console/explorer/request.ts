// The Explorer's Params (one flat object, named as the SDK's request model names them) turned
// into the request an SDK's callApi sends: method, filled-in pathname, query and body. The console's
// Send and the generated code both start here, so what the code does is what Send did.
import { apiError } from '../../gateway/errors.ts';
import type { CatalogOperation, CatalogParam } from './catalog.ts';

export interface ExplorerCall {
  method: string;
  /** The path with its parameters percent-encoded as the generated SDKs do (OpenApiUtil.getEncodeParam). */
  pathname: string;
  /** Query values before OpenApiUtil.query flattens them (lists and maps stay structured). */
  query: Record<string, unknown>;
  /** The JSON body (ROA); undefined when the operation sends none. */
  body?: unknown;
}

/** encodeURIComponent, then ! ' ( ) * escaped too: @alicloud/openapi-util's getEncodeParam. */
export function encodePathParam(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string in a value is text that can be written as source code and sent (no lone surrogates). */
function checkText(name: string, value: unknown): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw apiError('InvalidParameter', { name, reason: 'It contains a lone surrogate.' });
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkText(`${name}.${i + 1}`, v);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      checkText(name, k);
      checkText(`${name}.${k}`, v);
    }
  }
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The value's shape against the parameter's type. Range, enum and required checks stay with the
 * server (a Send that breaks them gets the server's own error, as an SDK would); this only refuses
 * what could not be written as code of that type.
 */
function checkKind(p: CatalogParam, value: unknown): void {
  const kind = kindOf(value);
  const ok =
    p.type === 'integer' || p.type === 'number'
      ? kind === 'number' && Number.isFinite(value as number) && (p.type === 'number' || Number.isInteger(value))
      : p.type === 'array'
        ? kind === 'array' || kind === 'string'
        : p.type === 'object'
          ? kind === 'object' || kind === 'string'
          : kind === p.type;
  if (!ok) throw apiError('InvalidParameter', { name: p.name, reason: `It must be ${article(p.type)} ${p.type}, not ${kind}.` });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** A structured query value in its style: simple a,b · spaceDelimited a b · pipeDelimited a|b · json text. */
function styled(p: CatalogParam, value: unknown): unknown {
  if (typeof value === 'string') return value;
  switch (p.style) {
    case 'simple':
      return Array.isArray(value) ? value.map(String).join(',') : JSON.stringify(value);
    case 'spaceDelimited':
      return Array.isArray(value) ? value.map(String).join(' ') : JSON.stringify(value);
    case 'pipeDelimited':
      return Array.isArray(value) ? value.map(String).join('|') : JSON.stringify(value);
    case 'json':
      return JSON.stringify(value);
    default:
      // repeatList / flat / none: OpenApiUtil.query flattens Name.1=…, Name.key=….
      return value;
  }
}

export function buildCall(op: CatalogOperation, params: unknown): ExplorerCall {
  if (params === undefined || params === null) params = {};
  if (typeof params !== 'object' || Array.isArray(params))
    throw apiError('InvalidParameter', { name: 'Params', reason: 'It must be an object.' });
  const given = params as Record<string, unknown>;
  const byName = new Map(op.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) throw apiError('InvalidParameter', { name, reason: `${op.action} has no such parameter.` });
  }
  let pathname = op.path;
  const query: Record<string, unknown> = {};
  let body: unknown;
  for (const p of op.params) {
    const value = given[p.name];
    if (value === undefined || value === null || value === '') {
      if (p.location === 'path') throw apiError('MissingParameter', { name: p.name });
      continue;
    }
    checkKind(p, value);
    checkText(p.name, value);
    if (p.location === 'path') {
      pathname = pathname.replace(`{${p.name}}`, encodePathParam(String(value)));
    } else if (p.location === 'query') {
      query[p.name] = styled(p, value);
    } else if (op.wholeBody) {
      body = typeof value === 'string' ? parseWholeBody(p.name, value) : value;
    } else {
      body ??= {};
      (body as Record<string, unknown>)[p.name] = value;
    }
  }
  return { method: op.method, pathname, query, ...(body === undefined ? {} : { body }) };
}

/** A whole JSON document typed as text (CreateService's service JSON). */
function parseWholeBody(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw apiError('InvalidParameter', { name, reason: 'It must be a JSON document.' });
  }
}
