// The shape shared by every RAM and STS operation: RPC parameters checked from a small table,
// the RAM action and resource to authorize, a handler. Mutations run in one transaction and
// bump the account's policy epoch when they can change an authorization decision.
import { apiError } from '../../gateway/errors.ts';
import type { NamedParameter } from '../errors.ts';
import { validateRpcParams, type RpcParamSpec } from '../../gateway/rpc-params.ts';
import type { AuthorizationRequest, Input, Operation, Output, RawInput } from '../../gateway/operation.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { Tx } from '../../store/database.ts';
import { bumpEpoch, canonicalName } from '../directory.ts';
import { RamAuthorizer } from '../authorizer.ts';
import { ramResourceArn, type RamResourceKind } from '../arn.ts';

export const RAM_VERSION = '2015-05-01';
export const STS_VERSION = '2015-04-01';

export type ParamSpec = RpcParamSpec;

/** A RAM entity a call names: its kind and the parameter that spells it (none: `*`). */
export interface NamedEntity {
  kind: RamResourceKind;
  param?: string;
}

export interface RpcSpec {
  action: string;
  params: Record<string, ParamSpec>;
  /** The RAM resource: the entity named by a parameter (list calls: none → `*`), or a function. */
  resource?: NamedEntity | ((raw: RawInput, ctx: CallContext) => string | Promise<string>);
  /**
   * Further entities the call touches, authorized for the same action when the request names them:
   * a rename's new name, the user joining a group, the policy being attached (docs/ram.md).
   */
  alsoTouches?: NamedEntity[];
  handle(input: Input, ctx: CallContext): Promise<Output>;
}

/**
 * The ARN of the entity a parameter names, by its canonical name (directory.canonicalName): the
 * stored entity's, whatever the request's case or surrounding spaces. Missing parameter → `*`.
 */
export async function entityArn(raw: RawInput, ctx: CallContext, entity: NamedEntity): Promise<string> {
  const account = ctx.caller.accountId;
  const spelled = entity.param === undefined ? undefined : raw.query[entity.param];
  const name = spelled === undefined ? undefined : await canonicalName(ctx.services.store.db, account, entity.kind, spelled);
  return ramResourceArn(account, entity.kind, name);
}

export function rpcOperation(product: 'ram' | 'sts', spec: RpcSpec): Operation {
  return {
    product: product === 'ram' ? 'Ram' : 'Sts',
    version: product === 'ram' ? RAM_VERSION : STS_VERSION,
    action: spec.action,
    async authorize(raw, ctx): Promise<AuthorizationRequest> {
      const r = spec.resource;
      const resource = r === undefined ? '*' : typeof r === 'function' ? await r(raw, ctx) : await entityArn(raw, ctx, r);
      const also: string[] = [];
      for (const entity of spec.alsoTouches ?? []) {
        if (entity.param !== undefined && raw.query[entity.param] !== undefined) also.push(await entityArn(raw, ctx, entity));
      }
      return { action: `${product}:${spec.action}`, resource, ...(also.length > 0 ? { additionalResources: also } : {}) };
    },
    validate: (raw) => validateRpcParams(spec.params, raw),
    handle: (input, ctx) => spec.handle(input, ctx),
  };
}

/** One transaction; bumps the policy epoch when `affectsDecisions`. */
export async function mutate<T>(ctx: CallContext, affectsDecisions: boolean, fn: (tx: Tx, now: number) => Promise<T>): Promise<T> {
  const now = ctx.services.clock.now();
  const out = await ctx.services.store.transaction(async (tx) => {
    const result = await fn(tx, now);
    if (affectsDecisions) await bumpEpoch(tx, ctx.caller.accountId);
    return result;
  });
  // This process sees its own change at once; others within the cache's epoch TTL.
  if (affectsDecisions && ctx.services.authorizer instanceof RamAuthorizer) ctx.services.authorizer.cache.invalidate(ctx.caller.accountId);
  return out;
}

/** RAM's date format: 2015-01-23T12:33:18Z. */
export function ramDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** Marker paging (ListUsers, ListPolicies …): the marker is the offset of the next page. */
export function page<T>(items: T[], input: Input): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = (input.MaxItems as number | undefined) ?? 100;
  const marker = input.Marker as string | undefined;
  let offset = 0;
  if (marker !== undefined) {
    const n = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0)
      throw apiError('InvalidParameter', { name: 'Marker', reason: 'It is not a marker this API returned.' });
    offset = n;
  }
  const slice = items.slice(offset, offset + max);
  const truncated = offset + max < items.length;
  return truncated
    ? { items: slice, IsTruncated: true, Marker: Buffer.from(String(offset + max), 'utf8').toString('base64url') }
    : { items: slice, IsTruncated: false };
}

export const PAGING: Record<string, ParamSpec> = { Marker: { type: 'string' }, MaxItems: { type: 'int', min: 1, max: 1000 } };

/** Names of users, groups, roles and policies (RAM error list: InvalidChars / Length). */
export function checkName(param: NamedParameter, value: unknown, opts: { max: number; pattern: RegExp }): string {
  const v = String(value ?? '');
  if (v.length < 1 || v.length > opts.max) throw apiError(`InvalidParameter.${param}.Length`);
  if (!opts.pattern.test(v)) throw apiError(`InvalidParameter.${param}.InvalidChars`);
  return v;
}

export const USER_NAME = { max: 64, pattern: /^[A-Za-z0-9._@-]+$/ };
export const GROUP_NAME = { max: 64, pattern: /^[A-Za-z0-9-]+$/ };
export const ROLE_NAME = { max: 64, pattern: /^[A-Za-z0-9.-]+$/ };
export const POLICY_NAME = { max: 128, pattern: /^[A-Za-z0-9-]+$/ };
export const DISPLAY_NAME = { max: 128, pattern: /^[^\u0000-\u001f]+$/ };
