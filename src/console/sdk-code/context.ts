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

/**
 * Characters that are legal in a literal but invisible or misleading in an editor: C1 controls, the
 * line and paragraph separators, zero-width and bidirectional controls ("Trojan Source"), the BOM.
 */
const INVISIBLE = /[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const escapeUnit = (c: string): string => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * The JSON text of a string, as a double-quoted literal TypeScript, Python and Go all read the same
 * way (\" \\ \n \t \uXXXX), with invisible characters escaped too.
 */
export function quoted(s: string): string {
  return JSON.stringify(s).replace(INVISIBLE, escapeUnit);
}

/** The same, with every non-ASCII UTF-16 unit written \uXXXX (Java source, any file encoding). */
export function asciiQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, escapeUnit);
}
