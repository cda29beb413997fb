// Small pieces every EAS handler uses.
import { apiError } from '../../gateway/errors.ts';
import type { Input } from '../../gateway/operation.ts';
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

export function paging(input: Input): Page {
  const pageNumber = (input.PageNumber as number | undefined) ?? 1;
  const pageSize = (input.PageSize as number | undefined) ?? 100;
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw apiError('InvalidParameter', { name: 'PageNumber', reason: 'It must be an integer of at least 1.' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw apiError('InvalidParameter', { name: 'PageSize', reason: `It must be an integer from 1 to ${MAX_PAGE_SIZE}.` });
  }
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}

/** Checks a value against a list the metadata's text gives but its schema does not enforce. */
export function oneOf<T extends string>(input: Input, name: string, allowed: readonly T[]): T | undefined {
  const v = str(input, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw apiError('InvalidParameter', { name, reason: `It must be one of: ${allowed.join(', ')}.` });
  return v as T;
}

/** Comma-separated id lists (InstanceList) or arrays (InstanceIds), de-duplicated, order kept. */
export function idList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
}
