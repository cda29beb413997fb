// Request validation derived from an OperationSpec (the API metadata, see eas/operation-spec.ts):
// path and query strings are coerced to their declared types, JSON bodies are type-checked
// strictly, and the result is one flat input object for the handler.
//
// Each operation is compiled once into a tree of small checkers (cached per spec object); a
// request only runs them. Failures are catalog errors: MissingParameter for an absent required
// value, InvalidParameter (with a one-sentence reason) for everything else, InvalidBody.NotObject
// for a body that is not a JSON object. Nested names are dotted, array positions 1-based as in
// Alibaba's repeat-list convention: `SelfManagedResourceOptions.NodeTolerations.1.effect`.
//
// Choices the metadata leaves open:
// - Query and path strings: an empty string is an absent value; a required one is then missing.
// - JSON null in a body is an absent value (a required field that is null is missing), except as
//   a map value, where it is kept (ListResourceInstances' Label filter gives it a meaning).
// - A required body string that is empty is missing, as the handlers' `requireStr` treats it.
// - Unknown body fields are accepted and dropped; unknown query parameters are ignored.
// - Objects in the query are JSON text (style json, or none) unless the style is `flat`
//   (Name.key=value); arrays follow their style, and without one the SDK's repeat list (Name.1=…).
import type { OperationSpec, ParamSpec } from '../eas/operation-spec.ts';
import type { Input, RawInput } from './operation.ts';
import { apiError } from './errors.ts';
import { checkJson } from './input-hygiene.ts';

export type Validator = (raw: RawInput) => Input;

/** Checks a JSON value that is present (neither undefined nor null) and returns it, typed. */
type JsonCheck = (value: unknown, name: string) => unknown;
/** Reads one path or query parameter from the raw request; undefined when absent. */
type RawRead = (raw: RawInput) => unknown;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const INTEGER_TEXT = /^[+-]?\d+$/;
// Linear: after the integer part only a `.` can start the fraction, so a long run of digits is
// never re-split between two \d quantifiers (the old `\d+\.?\d*` was quadratic).
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function invalid(name: string, reason: string): never {
  throw apiError('InvalidParameter', { name, reason });
}

function missing(name: string): never {
  throw apiError('MissingParameter', { name });
}

function child(prefix: string, key: string | number): string {
  return prefix ? `${prefix}.${key}` : String(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- reasons (computed once per parameter)

function rangeText(spec: ParamSpec, noun: string): string {
  const { minimum: lo, maximum: hi } = spec;
  if (lo !== undefined && hi !== undefined) return `It must be ${noun} between ${lo} and ${hi}.`;
  if (lo !== undefined) return `It must be ${noun} of at least ${lo}.`;
  if (hi !== undefined) return `It must be ${noun} of at most ${hi}.`;
  return `It must be ${noun}.`;
}

function typeReason(spec: ParamSpec): string {
  switch (spec.type) {
    case 'string':
      return 'It must be a string.';
    case 'integer':
      return rangeText(spec, 'an integer');
    case 'number':
      return rangeText(spec, 'a number');
    case 'boolean':
      return 'It must be a boolean: true or false.';
    case 'object':
      return 'It must be a JSON object.';
    case 'array':
      return 'It must be an array.';
  }
}

function enumReason(values: readonly string[]): string {
  return `It must be one of: ${values.join(', ')}.`;
}

// ---- JSON values (bodies, and query values after decoding)

function scalarCheck(spec: ParamSpec): JsonCheck {
  const reason = typeReason(spec);
  const values = spec.enum && spec.enum.length > 0 ? new Set(spec.enum) : undefined;
  const badValue = values ? enumReason(spec.enum!) : '';
  const { minimum: lo, maximum: hi } = spec;
  const int32 = spec.format === 'int32';

  let typeOk: (v: unknown) => boolean;
  switch (spec.type) {
    case 'string':
      typeOk = (v) => typeof v === 'string';
      break;
    case 'integer':
      typeOk = (v) => typeof v === 'number' && Number.isSafeInteger(v);
      break;
    case 'number':
      typeOk = (v) => typeof v === 'number' && Number.isFinite(v);
      break;
    default:
      typeOk = (v) => typeof v === 'boolean';
  }
  const numeric = spec.type === 'integer' || spec.type === 'number';

  return (value, name) => {
    if (!typeOk(value)) invalid(name, reason);
    if (numeric) {
      const n = value as number;
      if ((lo !== undefined && n < lo) || (hi !== undefined && n > hi)) invalid(name, reason);
      if (int32 && (n < INT32_MIN || n > INT32_MAX)) invalid(name, 'It must be a 32-bit integer.');
    }
    if (values && !values.has(String(value))) invalid(name, badValue);
    return value;
  };
}

function objectCheck(spec: ParamSpec): JsonCheck {
  const reason = typeReason(spec);
  const fields = (spec.properties ?? []).map((p) => ({
    key: p.name,
    required: p.required,
    string: p.type === 'string',
    check: jsonCheck(p),
  }));
  const known = new Set(fields.map((f) => f.key));
  const mapValue = spec.additionalProperties ? jsonCheck(spec.additionalProperties) : undefined;
  const free = fields.length === 0 && !mapValue;

  return (value, name) => {
    if (!isPlainObject(value)) invalid(name, reason);
    if (free) return value;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = value[f.key];
      const where = child(name, f.key);
      if (v === undefined || v === null || (f.required && f.string && v === '')) {
        if (f.required) missing(where);
        continue;
      }
      out[f.key] = f.check(v, where);
    }
    if (mapValue) {
      for (const [key, v] of Object.entries(value)) {
        if (known.has(key)) continue;
        out[key] = v === null ? null : mapValue(v, child(name, key));
      }
    }
    return out;
  };
}

function arrayCheck(spec: ParamSpec): JsonCheck {
  const reason = typeReason(spec);
  const item = spec.items ? jsonCheck(spec.items) : (v: unknown) => v;
  return (value, name) => {
    if (!Array.isArray(value)) invalid(name, reason);
    return value.map((v, i) => {
      const where = child(name, i + 1);
      // A null element has no meaning in a list of values: report it as the wrong type.
      return v === null || v === undefined ? invalid(where, spec.items ? typeReason(spec.items) : reason) : item(v, where);
    });
  };
}

function jsonCheck(spec: ParamSpec): JsonCheck {
  if (spec.type === 'object') return objectCheck(spec);
  if (spec.type === 'array') return arrayCheck(spec);
  return scalarCheck(spec);
}

// ---- strings (path and query values)

/** Turns one string into the declared type, then checks it like a JSON value. */
function stringCheck(spec: ParamSpec): JsonCheck {
  const check = jsonCheck(spec);
  const reason = typeReason(spec);
  switch (spec.type) {
    case 'string':
      return check;
    case 'integer':
      return (s, name) => check(INTEGER_TEXT.test(s as string) ? Number(s) : invalid(name, reason), name);
    case 'number':
      return (s, name) => check(NUMBER_TEXT.test(s as string) ? Number(s) : invalid(name, reason), name);
    case 'boolean':
      return (s, name) => check(s === 'true' ? true : s === 'false' ? false : invalid(name, reason), name);
    case 'object':
    case 'array':
      return (s, name) =>
        check(
          parseJson(s as string, name, spec.type === 'object' ? 'It must be a JSON-encoded object.' : 'It must be a JSON-encoded array.'),
          name,
        );
  }
}

function parseJson(text: string, name: string, reason: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(name, reason);
  }
  // JSON text in a query can spell NUL or a lone surrogate as an escape: screen what it decodes to.
  checkJson(name, value);
  return value;
}

const SEPARATORS: Partial<Record<NonNullable<ParamSpec['style']>, string>> = { simple: ',', spaceDelimited: ' ', pipeDelimited: '|' };

function queryValue(raw: RawInput, key: string): string | undefined {
  const v: unknown = raw.query[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/** `Name.<suffix>` query keys, suffix → value, without empty values. */
function prefixed(raw: RawInput, name: string): Array<[string, string]> {
  const prefix = `${name}.`;
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(raw.query)) {
    if (!key.startsWith(prefix)) continue;
    const v = queryValue(raw, key);
    if (v !== undefined) out.push([key.slice(prefix.length), v]);
  }
  return out;
}

function queryRead(spec: ParamSpec): RawRead {
  const { name } = spec;
  if (spec.type === 'array') {
    const items = spec.items ?? { ...spec, type: 'string' as const };
    const item = stringCheck(items);
    const separator = spec.style ? SEPARATORS[spec.style] : undefined;
    if (separator !== undefined) {
      return (raw) => {
        const s = queryValue(raw, name);
        return s === undefined ? undefined : s.split(separator).map((part, i) => item(part, child(name, i + 1)));
      };
    }
    if (spec.style === 'json') {
      const check = stringCheck(spec);
      return (raw) => {
        const s = queryValue(raw, name);
        return s === undefined ? undefined : check(s, name);
      };
    }
    // repeatList (and no style, which the SDK sends as a repeat list): Name.1=a&Name.2=b.
    return (raw) => {
      const entries = prefixed(raw, name);
      if (entries.length === 0) return undefined;
      const indexed = entries.map(([suffix, v]) => {
        if (!/^[1-9]\d*$/.test(suffix)) invalid(`${name}.${suffix}`, 'A list element must be numbered from 1.');
        return [Number(suffix), v] as const;
      });
      return indexed.sort((a, b) => a[0] - b[0]).map(([i, v]) => item(v, child(name, i)));
    };
  }
  if (spec.type === 'object' && spec.style === 'flat') {
    const check = jsonCheck(spec);
    const value = spec.additionalProperties ? stringCheck(spec.additionalProperties) : (s: unknown) => s;
    const fields = new Map((spec.properties ?? []).map((p) => [p.name, stringCheck(p)]));
    return (raw) => {
      const entries = prefixed(raw, name);
      if (entries.length === 0) return undefined;
      const obj = Object.fromEntries(entries.map(([k, v]) => [k, (fields.get(k) ?? value)(v, child(name, k))]));
      return check(obj, name);
    };
  }
  const check = stringCheck(spec);
  return (raw) => {
    const s = queryValue(raw, name);
    return s === undefined ? undefined : check(s, name);
  };
}

function pathRead(spec: ParamSpec): RawRead {
  const check = stringCheck(spec);
  return (raw) => {
    const s = raw.params[spec.name];
    return typeof s === 'string' && s !== '' ? check(s, spec.name) : undefined;
  };
}

// ---- operations

/** Builds the validator of one operation; throws if its parameters cannot share one flat input. */
export function compileValidator(op: OperationSpec): Validator {
  const names = new Set<string>();
  const claim = (name: string) => {
    if (names.has(name)) throw new Error(`${op.action}: parameter ${name} appears twice in the flat input`);
    names.add(name);
  };

  const reads: Array<{ name: string; required: boolean; read: RawRead }> = [];
  let body: { name: string; required: boolean; object: boolean; fields: string[]; check: JsonCheck } | undefined;
  for (const p of op.params) {
    if (p.location === 'body') {
      claim(p.name);
      const fields = p.type === 'object' ? (p.properties ?? []).map((f) => f.name) : [];
      body = { name: p.name, required: p.required, object: p.type === 'object', fields, check: jsonCheck(p) };
      fields.forEach(claim);
      continue;
    }
    claim(p.name);
    reads.push({ name: p.name, required: p.required, read: p.location === 'path' ? pathRead(p) : queryRead(p) });
  }

  return (raw) => {
    const input: Input = {};
    for (const r of reads) {
      const v = r.read(raw);
      if (v === undefined) {
        if (r.required) missing(r.name);
        continue;
      }
      input[r.name] = v;
    }
    if (body) {
      let value = raw.body;
      if (value === undefined || value === null) {
        if (body.required) missing(body.name);
        if (!body.object) return input;
        value = {};
      }
      if (body.object && !isPlainObject(value)) throw apiError('InvalidBody.NotObject');
      // The body's own fields carry no `body.` prefix in error names.
      const checked = body.check(value, body.object ? '' : body.name);
      input[body.name] = checked;
      for (const f of body.fields) {
        const v = (checked as Record<string, unknown>)[f];
        if (v !== undefined) input[f] = v;
      }
    }
    return input;
  };
}

const compiled = new WeakMap<OperationSpec, Validator>();

/** The operation's validator, compiled on first use and kept. */
export function validatorFor(op: OperationSpec): Validator {
  let v = compiled.get(op);
  if (!v) compiled.set(op, (v = compileValidator(op)));
  return v;
}

/**
 * Validates a request against its operation: path params, query params and body fields by name in
 * one object (plus the whole checked body as `body` when the operation has an object body).
 */
export function validateInput(op: OperationSpec, raw: RawInput): Input {
  return validatorFor(op)(raw);
}
