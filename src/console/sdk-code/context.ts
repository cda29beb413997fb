// What every language's generator needs: the operation, the request it makes (explorer/request.ts)
// and the endpoint (this server's host:port, protocol http). Nothing secret ever reaches a
// generator: credentials are read from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET when the code runs.
import type { CatalogOperation } from '../explorer/catalog.ts';
import type { ExplorerCall } from '../explorer/request.ts';

export interface CodeContext {
  op: CatalogOperation;
  call: ExplorerCall;
  /** host:port of this server, as the SDK's `endpoint`. */
  endpoint: string;
}

/** The Params object every generated sample builds (callApi's first argument), field by field. */
export function apiInfo(ctx: CodeContext): Array<[field: string, value: string, comment: string]> {
  const { op, call } = ctx;
  return [
    ['action', op.action, 'API name'],
    ['version', op.version, 'API version'],
    ['protocol', 'HTTPS', 'protocol (the client config below says http, which wins)'],
    ['method', call.method, 'HTTP method'],
    ['authType', 'AK', ''],
    ['style', op.style, 'API style'],
    ['pathname', call.pathname, op.style === 'ROA' ? `API path (${op.path})` : 'API path'],
    ['reqBodyType', op.style === 'ROA' ? 'json' : 'formData', 'request body format'],
    ['bodyType', 'json', 'response body format'],
  ];
}

/** A JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON text of a string, as a double-quoted literal most C-like languages read the same way. */
export function quoted(s: string): string {
  return JSON.stringify(s);
}

/** The same, with every non-ASCII UTF-16 unit written \uXXXX (Java source, any file encoding). */
export function asciiQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
