// Small pieces every EAS handler uses.
import { apiError } from '../../gateway/errors.ts';
import type { Input, Output } from '../../gateway/operation.ts';
import type { EasHandler } from '../operations.ts';
import type { EasInputs } from '../generated/operations.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { Tx } from '../../store/database.ts';

/** Runs a mutation as one transaction; with progression=immediate, lets due work run before answering. */
export async function mutate<T>(ctx: CallContext, fn: (tx: Tx, now: number) => Promise<T>): Promise<T> {
  const { store, clock, scheduler, config } = ctx.services;
  const out = await store.transaction((tx) => fn(tx, clock.now()));
  if (config.progression === 'immediate') await scheduler.runDue();
  return out;
}

export function str(input: Input, name: string): string | undefined {
  const v = input[name];
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

export function requireStr(input: Input, name: string): string {
  const v = str(input, name);
  if (v === undefined) throw apiError('MissingParameter', { name });
  return v;
}

export interface Page {
  pageNumber: number;
  pageSize: number;
  offset: number;
}

/** PageSize ≤ 1000 is an openeas limit (Alibaba documents only the default of 100). */
export const MAX_PAGE_SIZE = 1000;

export function paging(input: { PageNumber?: unknown; PageSize?: unknown }): Page {
  const pageNumber = (input.PageNumber as number | undefined) ?? 1;
  const pageSize = (input.PageSize as number | undefined) ?? 100;
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    throw apiError('InvalidParameter', { name: 'PageNumber', reason: 'It must be an integer of at least 1.' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw apiError('InvalidParameter', { name: 'PageSize', reason: `It must be an integer from 1 to ${MAX_PAGE_SIZE}.` });
  }
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}

/** Checks a value against a list the metadata's text gives but its schema does not enforce. */
export function oneOf<T extends string>(input: Input, name: string, allowed: readonly T[]): T | undefined {
  const v = str(input, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw apiError('InvalidParameter', { name, reason: `It must be one of: ${allowed.join(', ')}.` });
  return v as T;
}

/** Comma-separated id lists (InstanceList) or arrays (InstanceIds), de-duplicated, order kept. */
export function idList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
}

/** A handler that reads its operation's generated input type (generated/operations.ts). */
export interface TypedEasHandler<I> extends Omit<EasHandler, 'handle'> {
  handle(input: I, ctx: CallContext): Promise<Output>;
}

/** Binds a typed handler: validation built the input from the same spec its interface was generated from. */
export function typedHandler<A extends keyof EasInputs>(h: TypedEasHandler<EasInputs[A]>): EasHandler {
  return { ...h, handle: (input, ctx) => h.handle(input as unknown as EasInputs[A], ctx) };
}
