// The one catalog of every error a client can see: code, HTTP status, message template.
// Handlers throw `apiError(code, params)`; the gateway renders the envelope (see envelope.ts).
// Codes and statuses follow ../docs/errors.md, which cites where each one comes from.

export interface ErrorSpec {
  status: number;
  /** Message template; `{name}` placeholders are filled from the params object. */
  message: string;
}

export const ERROR_CATALOG = {
  // Gateway: routing and request shape
  'InvalidApi.NotFound': { status: 404, message: 'Specified api is not found,please check your url and method.' },
  'InvalidProduct.NotFound': { status: 404, message: 'Cannot find product according to your specified domain.' },
  'InvalidBody.Malformed': { status: 400, message: 'The request body is not valid JSON: {reason}' },
  'InvalidBody.NotObject': { status: 400, message: 'The request body must be a JSON object.' },
  'InvalidBody.Incomplete': { status: 400, message: 'The request body was not received whole.' },
  InvalidUrl: { status: 400, message: 'The request URL is not valid: {reason}.' },
  InvalidHttpRequest: { status: 400, message: 'The request is not valid HTTP/1.1.' },
  RequestHeaderTooLarge: { status: 431, message: "The request line and headers exceed the server's limit." },
  RequestBodyTooLarge: { status: 413, message: 'The request body exceeds the limit of {limit} bytes.' },
  UnsupportedMediaType: { status: 415, message: 'Content type {contentType} is not supported for this action.' },

  // Authentication (signatures, keys, time, nonce, STS tokens)
  MissingAuthorization: {
    status: 400,
    message: 'The request is not signed: the Authorization header (or Signature parameter) is missing.',
  },
  IncompleteSignature: {
    status: 400,
    message: 'The request signature does not conform to Aliyun standards: {reason} server string to sign is:{stringToSign}',
  },
  SignatureDoesNotMatch: {
    status: 400,
    message: 'Specified signature is not matched with our calculation. server string to sign is:{stringToSign}',
  },
  ContentSha256NotMatched: { status: 400, message: 'The x-acs-content-sha256 header does not match the hash of the request body.' },
  InvalidSignatureMethod: { status: 400, message: 'Specified signature method is not valid.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidAccessKeyId.Inactive': { status: 400, message: 'Specified access key is disabled.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  MissingSignatureNonce: { status: 400, message: 'SignatureNonce is mandatory for this action.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  MissingSecurityToken: { status: 400, message: 'SecurityToken is mandatory for this action.' },
  'InvalidSecurityToken.Expired': { status: 400, message: 'Specified SecurityToken is expired.' },
  'InvalidSecurityToken.Malformed': { status: 400, message: 'Specified SecurityToken is malformed.' },
  'InvalidSecurityToken.MismatchWithAccessKey': { status: 400, message: 'Specified SecurityToken mismatch with the AccessKey.' },

  // Authorization
  'Forbidden.RAM': { status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  NoPermission: { status: 403, message: 'You are not authorized to do this action. You should be authorized by RAM.' },
  'Forbidden.Admin': { status: 403, message: 'The admin API refused this request: {reason}' },

  // Parameters (derived validation and handlers)
  MissingParameter: { status: 400, message: 'The input parameter "{name}" that is mandatory for processing this request is not supplied.' },
  InvalidParameter: { status: 400, message: 'The specified value of parameter "{name}" is not valid. {reason}' },
  NotImplemented: { status: 501, message: 'openeas does not implement {action} yet.' },

  // Flow control (docs/decisions.md: 429; old POP traces show 400, the official clients go by Code).
  // `Throttling`: the server's own capacity; `Throttling.User`: a per-caller limit.
  Throttling: { status: 429, message: 'Request was denied due to request throttling.' },
  'Throttling.User': { status: 429, message: 'Request was denied due to user flow control.' },

  // Server state
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
} satisfies Record<string, ErrorSpec>;

/**
 * The codes apiError accepts, by catalog: the gateway's here; each domain's errors.ts adds its own
 * by declaration merging (`declare module '…/gateway/errors.ts' { interface ErrorCodes { … } }`), so a
 * code that no catalog defines fails to compile.
 */
export interface ErrorCodes {
  gateway: keyof typeof ERROR_CATALOG;
}

/** A code some catalog defines. */
export type ErrorCode = ErrorCodes[keyof ErrorCodes];

/** Extra catalogs registered by domain modules (EAS, RAM, STS, BSS) at import time. */
const registered = new Map<string, ErrorSpec>(Object.entries(ERROR_CATALOG));

/** Domain modules add their codes here so that the catalog stays the only source of truth. */
export function registerErrors<T extends Record<string, ErrorSpec>>(entries: T): T {
  for (const [code, spec] of Object.entries(entries)) {
    if (registered.has(code) && registered.get(code) !== spec) {
      throw new Error(`error code ${code} registered twice`);
    }
    registered.set(code, spec);
  }
  return entries;
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return registered.get(code);
}

export type ErrorParams = Record<string, string | number>;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra top-level fields of the envelope, e.g. AccessDeniedDetail. */
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

function fill(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole)).replace(/ +$/, '');
}

/** Builds the catalog error for `code`. Unknown codes are a programming error. */
export function apiError(code: ErrorCode, params: ErrorParams = {}, extra: Record<string, unknown> = {}): ApiError {
  const spec = registered.get(code);
  if (!spec) throw new Error(`unknown error code ${code}`);
  return new ApiError(code, spec.status, fill(spec.message, params), extra);
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
