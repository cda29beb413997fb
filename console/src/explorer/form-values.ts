// The Explorer form's values and what they become: the Params of a call (named as the SDK's
// request model names them). Text fields hold what was typed; numbers, booleans and JSON fields are
// checked as the user types, so Send and "SDK code" only ever see well-typed values.
import type { CatalogOperation, CatalogParam } from './catalog-types.ts';

/** What a field holds: typed text (string, JSON), a number, a boolean choice ('' = not set). */
export type FieldValue = string | number;
export type FormValues = Record<string, FieldValue>;

export function isJsonField(p: CatalogParam): boolean {
  return p.type === 'object' || p.type === 'array';
}

/** The form's starting values: the region for ClusterId, everything else empty. */
export function initialValues(op: CatalogOperation, region: string): FormValues {
  const values: FormValues = {};
  for (const p of op.params) values[p.name] = p.name === 'ClusterId' && p.location === 'path' ? region : '';
  return values;
}

/** Why a field's value cannot be sent as its type, or undefined when it can (or is empty). */
export function fieldError(p: CatalogParam, value: FieldValue | undefined): string | undefined {
  if (value === undefined || value === '') return p.required ? 'Required' : undefined;
  if (p.type === 'integer' || p.type === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) return 'Not a number';
    if (p.type === 'integer' && !Number.isInteger(n)) return 'Must be a whole number';
    if (p.minimum !== undefined && n < p.minimum) return `At least ${p.minimum}`;
    if (p.maximum !== undefined && n > p.maximum) return `At most ${p.maximum}`;
    return undefined;
  }
  if (isJsonField(p)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(value));
    } catch (e) {
      return `Not JSON: ${(e as Error).message}`;
    }
    if (p.type === 'array' && !Array.isArray(parsed)) return 'Must be a JSON array, e.g. ["a", "b"]';
    if (p.type === 'object' && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
      return 'Must be a JSON object, e.g. {"key": "value"}';
    }
    return undefined;
  }
  if (p.maxLength !== undefined && String(value).length > p.maxLength) return `At most ${p.maxLength} characters`;
  return undefined;
}

export interface FormState {
  params: Record<string, unknown>;
  errors: Record<string, string>;
}

/** The call's Params from the form: empty fields left out, every value in its type. */
export function toParams(op: CatalogOperation, values: FormValues): FormState {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const p of op.params) {
    const value = values[p.name];
    const error = fieldError(p, value);
    if (error) {
      errors[p.name] = error;
      continue;
    }
    if (value === undefined || value === '') continue;
    if (p.type === 'integer' || p.type === 'number') params[p.name] = Number(value);
    else if (p.type === 'boolean') params[p.name] = value === 'true';
    else if (isJsonField(p)) params[p.name] = JSON.parse(String(value));
    else params[p.name] = String(value);
  }
  return { params, errors };
}

/** The hint under a field: its description, then its range, length limit and example. */
export function hintOf(p: CatalogParam): string {
  const parts: string[] = [];
  if (p.description) parts.push(p.description);
  if (p.minimum !== undefined || p.maximum !== undefined) parts.push(`Range: ${p.minimum ?? '…'} to ${p.maximum ?? '…'}.`);
  if (p.maxLength !== undefined) parts.push(`At most ${p.maxLength} characters.`);
  if (isJsonField(p)) parts.push(p.type === 'array' ? 'A JSON array.' : 'A JSON object.');
  if (p.example !== undefined && p.example !== '') parts.push(`Example: ${p.example}`);
  if (p.deprecated) parts.push('Deprecated.');
  return parts.join(' ');
}
