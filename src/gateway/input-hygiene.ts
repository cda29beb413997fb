// Input hygiene: the one check every string a client sends passes before anything reads it
// (authentication, RAM conditions, validation, handlers, the store), for every API and the admin
// plane alike, so that both engines see only text they can store.
//
// - U+0000 (NUL) and lone UTF-16 surrogates are refused with InvalidParameter naming the
//   parameter: PostgreSQL cannot store either in a text column (it answered 500), SQLite stores
//   them, so without this check the two engines would disagree. Both can arrive in a decoded query
//   (%00, %ED%A0%80 is not decoded to one, but a JSON `\ud800` escape is) and in JSON bodies.
// - Other control characters (TAB, LF, U+0001…U+001F, U+007F) pass: both engines store them, and
//   policy documents and descriptions legitimately carry newlines and tabs. Parameters with a
//   narrower alphabet (RAM names, display names) keep their own patterns.
// - JSON values nest at most MAX_JSON_DEPTH levels: deeper values would make the recursive code
//   that later walks or serialises them (JSON.stringify) run out of stack.
// Object keys are checked like values: label keys and map keys are stored too.
import { apiError } from './errors.ts';
import type { RawInput } from './operation.ts';

export const MAX_JSON_DEPTH = 32;

// In a `u` regex a well-formed surrogate pair is one code point, so \p{Cs} matches only lone ones.
const UNSTORABLE = /[\u0000\p{Cs}]/u;
const UNSTORABLE_ALL = /[\u0000\p{Cs}]/gu;

/** The error names the parameter; a name that is itself unstorable is shown with `?` in its place. */
function refuse(name: string, reason: string): never {
  throw apiError('InvalidParameter', { name: name.replace(UNSTORABLE_ALL, '?') || 'body', reason });
}

/** Refuses a string a database cannot store. */
export function checkText(name: string, value: string): void {
  if (UNSTORABLE.test(value)) refuse(name, 'It must not contain NUL characters or unpaired UTF-16 surrogates.');
}

/** Checks every string (keys included) of a decoded JSON value, and its depth; iterative, so any depth is safe to walk. */
export function checkJson(name: string, value: unknown): void {
  const stack: Array<{ name: string; value: unknown; depth: number }> = [{ name, value, depth: 1 }];
  while (stack.length > 0) {
    const { name: where, value: v, depth } = stack.pop()!;
    if (typeof v === 'string') {
      checkText(where, v);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) refuse(where, `It must not nest more than ${MAX_JSON_DEPTH} levels deep.`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ name: join(where, i + 1), value: v[i], depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      checkText(join(where, key), key);
      stack.push({ name: join(where, key), value: item, depth: depth + 1 });
    }
  }
}

function join(prefix: string, key: string | number): string {
  return prefix ? `${prefix}.${key}` : String(key);
}

/** Checks a flat map of string parameters (path or query); names and values alike. */
export function checkTextMap(values: Record<string, unknown> | undefined): void {
  if (!values) return;
  for (const [key, v] of Object.entries(values)) {
    checkText(key, key);
    if (typeof v === 'string') checkText(key, v);
    else if (Array.isArray(v)) for (const item of v) if (typeof item === 'string') checkText(key, item);
  }
}

/** The whole decoded request: path parameters, query (and form) parameters, the JSON body's values at any depth. */
export function checkInput(raw: RawInput): void {
  checkTextMap(raw.params);
  checkTextMap(raw.query);
  if (raw.body !== undefined) checkJson('', raw.body);
}
