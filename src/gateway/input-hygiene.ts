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

/** An object or array still to be checked; its name is only spelled out when something is refused. */
interface Frame {
  value: object;
  depth: number;
  parent?: Frame;
  key?: string | number;
}

/** `root.a.2.b` for the value at `key` inside `frame`. */
function nameAt(root: string, frame: Frame | undefined, key: string | number | undefined): string {
  const parts: string[] = key === undefined ? [] : [String(key)];
  for (let f = frame; f?.key !== undefined; f = f.parent) parts.push(String(f.key));
  if (root) parts.push(root);
  return parts.reverse().join('.');
}

/**
 * Checks every string (keys included) of a decoded JSON value, and its depth. Iterative, so any
 * depth is safe to walk, and allocation-free for scalars: 100,000 array elements cost microseconds.
 */
export function checkJson(name: string, value: unknown): void {
  if (typeof value === 'string') {
    checkText(name, value);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const stack: Frame[] = [{ value, depth: 1 }];
  const visit = (frame: Frame, key: string | number, v: unknown) => {
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) checkText(nameAt(name, frame, key), v);
    } else if (typeof v === 'object' && v !== null) {
      if (frame.depth >= MAX_JSON_DEPTH) refuse(nameAt(name, frame, key), `It must not nest more than ${MAX_JSON_DEPTH} levels deep.`);
      stack.push({ value: v, depth: frame.depth + 1, parent: frame, key });
    }
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(frame, i + 1, v[i]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (UNSTORABLE.test(key)) checkText(nameAt(name, frame, key), key);
      visit(frame, key, (v as Record<string, unknown>)[key]);
    }
  }
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
