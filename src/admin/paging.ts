// Query parameters of the admin plane's lists: PageNumber/PageSize (at most 100 a page, like the
// API's lists), filters as plain strings. Every list answers {<Items>, TotalCount, PageNumber, PageSize}.
import type { FastifyRequest } from 'fastify';
import { apiError } from '../gateway/errors.ts';

export const ADMIN_MAX_PAGE_SIZE = 100;
/** Keeps (PageNumber - 1) × PageSize a safe integer on both engines. */
const MAX_PAGE_NUMBER = 1_000_000;

export type Query = Record<string, string | undefined>;

export function queryOf(req: FastifyRequest): Query {
  return (req.query ?? {}) as Query;
}

/** A whole number from the query string, within bounds. */
export function queryInt(q: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw apiError('InvalidParameter', { name, reason: `It must be an integer from ${min} to ${max}.` });
  }
  return n;
}

/** A filter value (empty counts as absent), bounded in length, optionally one of `allowed`. */
export function queryText(q: Query, name: string, allowed?: readonly string[]): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (v.length > 256) throw apiError('InvalidParameter', { name, reason: 'It must be at most 256 characters.' });
  if (allowed && !allowed.includes(v)) throw apiError('InvalidParameter', { name, reason: `It must be one of: ${allowed.join(', ')}.` });
  return v;
}

export interface Page {
  pageNumber: number;
  pageSize: number;
  offset: number;
}

export function pageOf(q: Query): Page {
  const pageNumber = queryInt(q, 'PageNumber', 1, 1, MAX_PAGE_NUMBER);
  const pageSize = queryInt(q, 'PageSize', ADMIN_MAX_PAGE_SIZE, 1, ADMIN_MAX_PAGE_SIZE);
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}

/** The answer of a list: its items under `name`, and where the page is. */
export function pageAnswer(name: string, items: unknown[], total: number, page: Page): Record<string, unknown> {
  return { [name]: items, TotalCount: total, PageNumber: page.pageNumber, PageSize: page.pageSize };
}
