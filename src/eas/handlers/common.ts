// Small pieces every EAS handler uses.
import { apiError } from '../../gateway/errors.ts';
import type { Output, RawInput } from '../../gateway/operation.ts';
import type { EasHandler } from '../operations.ts';
import type { EasInputs } from '../generated/operations.ts';
import type { CallContext } from '../../gateway/context.ts';
import type { Tx } from '../../store/database.ts';
import { consumeNonce } from '../../gateway/authenticate.ts';

/**
 * Runs a mutation as one transaction; with progression=immediate, lets due work run before answering.
 * The request's nonce, when the pipeline left it pending, is used up in the same transaction: a
 * replay's changes are never committed, and the nonce and the changes commit together. `fn` may run
 * again (TransactionOptions.rerunnable): it must keep its effects in the database.
 */
export async function mutate<T>(ctx: CallContext, fn: (tx: Tx, now: number) => Promise<T>): Promise<T> {
  const { store, clock, scheduler, config } = ctx.services;
  const nonce = ctx.nonce?.settled === false ? ctx.nonce : undefined;
  // PostgreSQL: the nonce first, so that a replay is refused before its writes take row locks.
  // SQLite (one writer, nothing to wait for): last, so that a refusal the handler finds before
  // writing leaves its group-commit member without changes, which then needs no undoing (GroupCommit).
  const nonceFirst = store.dialect === 'postgres';
  const out = await store.transaction(
    async (tx) => {
      if (nonce && nonceFirst) await consumeNonce(tx, nonce);
      const result = await fn(tx, clock.now());
      if (nonce && !nonceFirst) await consumeNonce(tx, nonce);
      return result;
    },
    { rerunnable: true },
  );
  if (nonce) nonce.settled = true;
  // The mutation is committed: a failure to run (or wait for) the work it made due must not turn
  // its answer into an error that invites a retry.
  if (config.progression === 'immediate') {
    await scheduler.runDue().catch((e: unknown) => ctx.log.warn({ err: e }, 'due work after a mutation did not finish'));
  }
  return out;
}

/** A text value, or undefined when it is absent or empty (a body string may be ''; query ones never are). */
export function text(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** A text value that must be given: absent or empty is MissingParameter. */
export function requireText(value: string | undefined, name: string): string {
  const v = text(value);
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

export function paging(input: { PageNumber?: number; PageSize?: number }): Page {
  const pageNumber = input.PageNumber ?? 1;
  const pageSize = input.PageSize ?? 100;
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    throw apiError('InvalidParameter', { name: 'PageNumber', reason: 'It must be an integer of at least 1.' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw apiError('InvalidParameter', { name: 'PageSize', reason: `It must be an integer from 1 to ${MAX_PAGE_SIZE}.` });
  }
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}

/** Checks a value against a list the metadata's text gives but its schema does not enforce. */
export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  const v = text(value);
  if (v === undefined) return undefined;
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw apiError('InvalidParameter', { name, reason: `It must be one of: ${allowed.join(', ')}.` });
  return found;
}

/** Comma-separated id lists (InstanceList) or arrays (InstanceIds), de-duplicated, order kept. */
export function idList(value: string | readonly string[] | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
}

/** The body of the raw (not yet validated) request, for RAM conditions, which run before validation. */
export function rawBodyField(raw: RawInput, name: string): unknown {
  const body = raw.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return Object.hasOwn(body, name) ? Reflect.get(body, name) : undefined;
}

/**
 * A handler that reads its operation's generated input type (generated/operations.ts). `handle` is a
 * property, not a method, so that its parameter is checked strictly (contravariantly) on assignment.
 */
export interface TypedEasHandler<I> extends Omit<EasHandler, 'handle'> {
  handle: (input: I, ctx: CallContext) => Promise<Output>;
}

/** The handler of operation A: it takes A's generated input interface. */
export type HandlerOf<A extends keyof EasInputs> = TypedEasHandler<EasInputs[A]>;

/**
 * Handlers by action, each typed by its own key: `CreateResource` must take CreateResourceInput.
 * A key that is not a generated operation is an excess property, so a map declared with
 * `satisfies EasHandlers` fails to compile for an operation without a typed input.
 */
export type EasHandlers = { readonly [A in keyof EasInputs]?: HandlerOf<A> };

/**
 * Binds a typed handler to the gateway's untyped Operation. The one cast of the handlers: validation
 * (gateway/validation.ts) built the input from the same OperationSpec the handler's input interface
 * was generated from, so the record it returns has that interface's shape.
 */
export function bindHandler(h: TypedEasHandler<never>): EasHandler {
  return h as unknown as EasHandler;
}

/** bindHandler for a generated operation named by its action. */
export function typedHandler<A extends keyof EasInputs>(h: HandlerOf<A>): EasHandler {
  return bindHandler(h);
}

/** Binds every handler of a typed map, by its action (see bindHandler). */
export function bindHandlers(handlers: EasHandlers): Record<string, EasHandler> {
  const out: Record<string, EasHandler> = {};
  for (const [action, h] of Object.entries(handlers)) if (h) out[action] = bindHandler(h);
  return out;
}
