// The shape of one API operation as derived from Alibaba's API metadata: route and parameters.
// `generated/operations.ts` (written by scripts/generate-operations.ts) is a list of these;
// operations outside the metadata file (handlers/machine-spec.ts) are written by hand in the same
// shape. The gateway validates every request against them (gateway/validation.ts).

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where a parameter travels. Nested properties, items and map values inherit their parent's. */
export type ParamLocation = 'path' | 'query' | 'body';

export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

/**
 * How a structured value is serialised, as Alibaba's SDKs do it (OpenApiUtil):
 * `simple` a,b,c · `spaceDelimited` a b c · `pipeDelimited` a|b|c · `json` JSON text ·
 * `repeatList` Name.1=a&Name.2=b · `flat` Name.key=value.
 */
export type ParamStyle = 'simple' | 'spaceDelimited' | 'pipeDelimited' | 'json' | 'repeatList' | 'flat';

export const PARAM_TYPES: readonly ParamType[] = ['string', 'integer', 'number', 'boolean', 'object', 'array'];
export const PARAM_STYLES: readonly ParamStyle[] = ['simple', 'spaceDelimited', 'pipeDelimited', 'json', 'repeatList', 'flat'];

export interface ParamSpec {
  /** The parameter's name; for `items` and `additionalProperties`, the name of the owning parameter. */
  readonly name: string;
  readonly location: ParamLocation;
  readonly type: ParamType;
  readonly required: boolean;
  /** Present (true) only when the metadata marks the parameter deprecated; it is still accepted. */
  readonly deprecated?: boolean;
  /** e.g. `int32`, `int64`. */
  readonly format?: string;
  readonly style?: ParamStyle;
  /** Allowed values (as strings), from `enum` or else from the keys of `enumValueTitles`. */
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** Element of an array. */
  readonly items?: ParamSpec;
  /** Known fields of an object, in metadata order. */
  readonly properties?: readonly ParamSpec[];
  /** Value of every entry of a map (an object whose keys are free), e.g. Labels: string → string. */
  readonly additionalProperties?: ParamSpec;
}

export interface OperationSpec {
  /** API name, e.g. `CreateResourceInstances`; also the RAM action `eas:<action>`. */
  readonly action: string;
  readonly method: HttpMethod;
  /** Path template as in the metadata, e.g. `/api/v2/resources/{ClusterId}/{ResourceId}`. */
  readonly path: string;
  /** The same path in Fastify's form, e.g. `/api/v2/resources/:ClusterId/:ResourceId`. */
  readonly routePath: string;
  readonly deprecated: boolean;
  /** Path and query parameters, then the body (named `body`), in metadata order. */
  readonly params: readonly ParamSpec[];
}

/** `/a/{X}/b` → `/a/:X/b`. */
export function toRoutePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
