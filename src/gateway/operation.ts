// The shape every API operation has, whatever its product or style. The gateway runs them as:
// authenticate → authorize(raw) → validate(raw) → handle(input); see pipeline.ts.
import type { CallContext } from './context.ts';

/** What RAM is asked for one call. */
export interface AuthorizationRequest {
  /** e.g. `eas:CreateResourceInstances`. */
  action: string;
  /** e.g. `acs:eas:cn-hangzhou:1234567890123456:resource/eas-r-…`. */
  resource: string;
  /**
   * Further resources the call touches (MigrateResourceInstance's destination group, a RAM
   * rename's new name …): each must be allowed the same action too.
   */
  additionalResources?: readonly string[];
  /** Service-specific condition values (acs:ResourceTag/…, acs:RequestTag/…). */
  conditionValues?: Record<string, string | string[] | undefined>;
}

/** The request as received, decoded but not yet validated. */
export interface RawInput {
  /** Path parameters (ROA). */
  params: Record<string, string>;
  /** Query parameters; for RPC calls also the form body. */
  query: Record<string, string>;
  /** Parsed JSON body (ROA), or undefined. */
  body: unknown;
}

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;

export interface Operation {
  /** The product's code at api.aliyun.com (`eas`, `Ram`, `Sts`, `BssOpenApi`): errors' Recommend names it. */
  product: string;
  version: string;
  action: string;
  /** What to authorize. Runs before validation, so it must cope with raw, unchecked input. */
  authorize(raw: RawInput, ctx: CallContext): AuthorizationRequest | Promise<AuthorizationRequest>;
  /** Checks and types the input; throws catalog errors (MissingParameter, InvalidParameter…). */
  validate(raw: RawInput): Input;
  /** Returns the response body without RequestId (the gateway adds it). */
  handle(input: Input, ctx: CallContext): Promise<Output>;
}
