// Field-for-field checks of API answers against their schemas, with no hand-written expectations:
// EAS answers against the response schemas of spec/ (the API metadata), RAM/STS/BSS answers against
// the official SDK's own `…ResponseBody` models (names() / types(), the @example of each field in
// the model source). Every field a schema names must be present with the right JSON type and format,
// or be listed in EXCEPTIONS with the reason; a field no schema names is a problem unless listed
// in EXTRAS. Tallies give the per-family figures.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Tally {
  /** Fields the schemas name (array items counted once per path). */
  fields: number;
  /** Of those, present with the right type and format. */
  ok: number;
  /** Absent or empty by a documented exception. */
  excepted: string[];
  problems: string[];
}

export const newTally = (): Tally => ({ fields: 0, ok: 0, excepted: [], problems: [] });

export interface Exception {
  /** `absent`: the field is not in the answer; `empty`: it is there as '' (or an empty list's item fields are never seen). */
  kind: 'absent' | 'empty';
  reason: string;
}

/** Keyed `<Action> <path>`, path like `.Instances[].ExpiredTime`. */
export type Exceptions = Record<string, Exception>;

// ---- formats, read off each field's documented example

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const BILL_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const MEMORY = /^\d+(\.\d+)?[KMG]i?$/;
const MONEY_TEXT = /^-?\d+\.\d{2}$/;
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

interface Format {
  name: string;
  test: (v: unknown) => boolean;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The format a field's value must have, judged from its name and documented example. */
export function formatOf(field: string, example: string | undefined, jsonType: string): Format | undefined {
  if (field === 'RequestId') return { name: 'request id (upper-case UUID)', test: (v) => typeof v === 'string' && UUID.test(v) };
  if (example === undefined || jsonType !== 'string') return undefined;
  const ex = example.trim();
  if (ISO.test(ex)) return { name: 'ISO 8601 UTC time', test: (v) => typeof v === 'string' && ISO.test(v) };
  if (ISO_MS.test(ex)) return { name: 'ISO 8601 UTC time', test: (v) => typeof v === 'string' && ISO_MS.test(v) };
  if (BILL_TIME.test(ex)) return { name: 'YYYY-MM-DD HH:mm:ss', test: (v) => typeof v === 'string' && BILL_TIME.test(v) };
  if (/^eas-r-/.test(ex) && /Id$/.test(field))
    return { name: 'group id', test: (v) => typeof v === 'string' && /^eas-r-[a-z0-9]{18}$/.test(v) };
  if (/^eas-i-/.test(ex) && /Id$/.test(field))
    return { name: 'machine id', test: (v) => typeof v === 'string' && /^eas-i-[a-z0-9]{18}$/.test(v) };
  if (/^\d+[KMG]i?$/.test(ex)) return { name: 'memory size', test: (v) => typeof v === 'string' && MEMORY.test(v) };
  if (/^-?\d+\.\d{2}$/.test(ex) && /amount|price|balance|tax/i.test(field)) {
    return { name: 'money with two decimals', test: (v) => typeof v === 'string' && MONEY_TEXT.test(v) };
  }
  // JSON text only when the example is JSON itself: an escaped one (DescribeServiceEvent's Message,
  // `{\"versionId\":1,…}`) shows a text that quotes JSON, not a JSON document.
  if (/^[{[]/.test(ex) && isJson(ex)) {
    return {
      name: 'JSON text',
      test: (v) => typeof v === 'string' && isJson(v),
    };
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Node {
  /** JSON type: string, integer, number, boolean, array, object, map. */
  type: string;
  example?: string;
  /** Object: its fields. */
  fields?: Record<string, Node>;
  /** Array: its items. */
  items?: Node;
}

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
    case 'map':
      return isObject(v);
    default:
      return v !== undefined;
  }
}

/**
 * Walks `node` over every value seen at `where` (several for array items): each field counts once,
 * as ok only when every value has it, typed and formatted right.
 */
function walk(action: string, where: string, node: Node, values: unknown[], t: Tally, exceptions: Exceptions, extras: Set<string>): void {
  const fields = node.fields ?? {};
  for (const [name, sub] of Object.entries(fields)) {
    const at = `${where}.${name}`;
    const key = `${action} ${at}`;
    t.fields += 1;
    const exception = exceptions[key];
    const present = values
      .filter(isObject)
      .map((v) => v[name])
      .filter((v) => v !== undefined && v !== null);
    if (values.length === 0 || present.length < values.length) {
      if (exception) t.excepted.push(`${key}: ${exception.reason}`);
      else
        t.problems.push(
          `${key}: missing${values.length === 0 ? ' (no value was ever seen here)' : ` in ${values.length - present.length} of ${values.length}`}`,
        );
      continue;
    }
    const badType = present.find((v) => !typeOk(sub.type, v));
    if (badType !== undefined) {
      t.problems.push(`${key}: expected ${sub.type}, got ${JSON.stringify(badType)?.slice(0, 60)}`);
      continue;
    }
    const format = formatOf(name, sub.example, sub.type);
    const emptyAllowed = exception?.kind === 'empty';
    const badFormat = format && present.find((v) => !(emptyAllowed && v === '') && !format.test(v));
    if (badFormat !== undefined && format) {
      t.problems.push(`${key}: ${JSON.stringify(badFormat)} is not a ${format.name} (example ${sub.example})`);
      continue;
    }
    t.ok += 1;
    if (sub.type === 'object' && sub.fields) walk(action, at, sub, present, t, exceptions, extras);
    if (sub.type === 'array' && sub.items?.fields) walk(action, `${at}[]`, sub.items, present.flat(), t, exceptions, extras);
  }
  const undocumented = new Set(
    values
      .filter(isObject)
      .flatMap((v) => Object.keys(v))
      .filter((k) => !(k in fields)),
  );
  for (const k of undocumented) if (!extras.has(`${action} ${where}.${k}`)) t.problems.push(`${action} ${where}.${k}: not in the schema`);
}

// ---- EAS: the metadata's response schemas

type Json = Record<string, any>;

function fromSpec(schema: Json, spec: Json): Node {
  // `x-see` names the schema of an object the metadata leaves untyped (ActionTrail's event records).
  const ref = schema.$ref ?? (schema.properties ? undefined : schema['x-see']);
  const s = ref ? spec.schemas[String(ref).split('/').pop()!] : schema;
  const node: Node = { type: s.type ?? 'object', example: s.example === undefined ? undefined : String(s.example) };
  if (s.properties) node.fields = Object.fromEntries(Object.entries(s.properties as Json).map(([k, v]) => [k, fromSpec(v, spec)]));
  if (s.items) node.items = fromSpec(s.items, spec);
  return node;
}

/** The response schema of an EAS operation, or undefined when the metadata has none. */
export function easResponseSchema(spec: Json, action: string): Node | undefined {
  const schema = spec.apis?.[action]?.responses?.['200']?.schema;
  return schema ? fromSpec(schema, spec) : undefined;
}

export function checkAgainstSchema(action: string, node: Node, body: unknown, t: Tally, exceptions: Exceptions, extras: Set<string>): void {
  walk(action, '', node, [body], t, exceptions, extras);
}

// ---- RPC families: the official SDK models

interface ModelClass {
  name: string;
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

const isModelClass = (v: unknown): v is ModelClass => typeof v === 'function' && typeof (v as unknown as ModelClass).names === 'function';

/** `@example` of each property of each model class, read from the package's TypeScript sources. */
export function modelExamples(pkg: string): (cls: string, prop: string) => string | undefined {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'src', 'models');
  const cache = new Map<string, Map<string, string>>();
  const load = (file: string): Map<string, string> => {
    let map = cache.get(file);
    if (map) return map;
    map = new Map();
    const full = path.join(dir, `${file}.ts`);
    if (existsSync(full)) {
      const src = readFileSync(full, 'utf8');
      let current = '';
      for (const line of src.split('\n')) {
        const cls = /^export class (\w+)/.exec(line);
        if (cls) current = cls[1]!;
        const prop = /^\s{2}(\w+)\?:/.exec(line);
        if (prop && map.has(`${current}#pending`)) {
          map.set(`${current}.${prop[1]}`, map.get(`${current}#pending`)!);
          map.delete(`${current}#pending`);
        } else if (prop) map.delete(`${current}#pending`);
        const ex = /^\s*\*\s+(\S.*)$/.exec(line);
        if (ex && map.get(`${current}#next`) === '1') {
          map.set(`${current}#pending`, ex[1]!.trim());
          map.delete(`${current}#next`);
        }
        if (/@example/.test(line)) map.set(`${current}#next`, '1');
      }
    }
    cache.set(file, map);
    return map;
  };
  return (cls, prop) => {
    // Nested models live in their parent's file: the longest file-name prefix of the class name.
    for (let end = cls.length; end > 0; end--) {
      const map = load(cls.slice(0, end));
      if (map.size > 0) return map.get(`${cls}.${prop}`);
    }
    return undefined;
  };
}

function fromModel(cls: ModelClass, examples: (cls: string, prop: string) => string | undefined): Node {
  const names = cls.names();
  const types = cls.types();
  const fields: Record<string, Node> = {};
  for (const [prop, wire] of Object.entries(names)) {
    const type = types[prop] as any;
    const example = examples(cls.name, prop);
    if (typeof type === 'string') {
      fields[wire] = { type: type === 'map' ? 'map' : type === 'any' ? 'any' : type, example };
    } else if (isModelClass(type)) {
      fields[wire] = fromModel(type, examples);
    } else if (type?.type === 'array') {
      const item = isModelClass(type.itemType) ? fromModel(type.itemType, examples) : { type: String(type.itemType) };
      fields[wire] = { type: 'array', items: item };
    } else if (type?.type === 'map') {
      fields[wire] = { type: 'map' };
    } else {
      fields[wire] = { type: 'any' };
    }
  }
  return { type: 'object', fields };
}

export function modelSchema(cls: unknown, examples: (cls: string, prop: string) => string | undefined): Node {
  if (!isModelClass(cls)) throw new Error('not an SDK model class');
  return fromModel(cls, examples);
}

/** `fields ok / fields (n %)`, plus exceptions. */
export function figure(family: string, t: Tally): string {
  const pct = t.fields === 0 ? 100 : (100 * t.ok) / t.fields;
  return `${family}: ${t.ok}/${t.fields} fields present and typed (${pct.toFixed(1)} %), ${t.excepted.length} documented exception(s), ${t.problems.length} problem(s)`;
}
