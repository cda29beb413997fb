// Compares spec/'s EAS metadata with the official TypeScript SDK's models, field by field, so that
// bringing spec/ up to a newer SDK is a mechanical, repeatable check (docs/sdk-models.md).
//
//   node --import tsx scripts/compare-sdk-models.ts <eas-20210701 folder> [Action,Action,...]
//
// The folder is the SDK package's root (package.json, src/client.ts, src/models/*.ts), e.g. from
// github.com/aliyun/alibabacloud-typescript-sdk. For every operation of both spec files that the SDK
// client has (or only the actions given) it compares:
// - the route (path template and method) of `<action>WithOptions` in src/client.ts;
// - each request parameter the client sends (`query["X"]`, `body["X"]`, path arguments): present in
//   the spec, in the same place, with a compatible type and the same required flag (the SDK marks
//   required parameters with "This parameter is required.");
// - the response: every property of the `…Response` model's body, and of the models it nests,
//   present with a compatible type, and its documented @example equal to the spec's (a difference
//   when the format the conformance suite reads off the example differs, else a note).
// Properties the spec has beyond the SDK (older metadata revisions) are listed as notes, not
// differences. Exit status 1 when a difference is found that KNOWN does not explain.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatOf } from '../test/e2e/conformance/check.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_FILES = ['spec/eas-2021-07-01-resource-api.json', 'spec/eas-2021-07-01-service-api.json'];

/** Differences openeas keeps on purpose, with the reason (docs/sdk-models.md). */
const KNOWN: Record<string, string> = {
  'UpdateResourceInstance request Action: required sdk=true spec=false':
    'a call that only resizes the disk (NewDiskSize) has no Action; openeas requires Action or NewDiskSize',
};

type Json = Record<string, unknown>;

interface ModelClass {
  /** property → wire name */
  names: Map<string, string>;
  /** property → the types() entry, as written */
  types: Map<string, string>;
  /** property → its doc comment */
  docs: Map<string, string>;
}

interface ClientOperation {
  method: string;
  path: string;
  request: string | undefined;
  params: Array<{ wire: string; location: 'query' | 'body'; prop: string }>;
}

export function parseModels(sources: string[]): Map<string, ModelClass> {
  const classes = new Map<string, ModelClass>();
  for (const src of sources) {
    for (const m of src.matchAll(/export class (\w+) extends \$dara\.Model \{([\s\S]*?)\n\}\n/g)) {
      const body = m[2] ?? '';
      const namesBlock = /static names\(\)[\s\S]*?return \{([\s\S]*?)\};/.exec(body)?.[1] ?? '';
      const typesBlock = /static types\(\)[\s\S]*?return \{([\s\S]*?)\n {4}\};/.exec(body)?.[1] ?? '';
      const names = new Map([...namesBlock.matchAll(/^\s+(\w+): '([^']+)',/gm)].map((n) => [n[1] ?? '', n[2] ?? '']));
      const types = new Map([...typesBlock.matchAll(/^\s+(\w+): (.*),$/gm)].map((t) => [t[1] ?? '', t[2] ?? '']));
      const docs = new Map([...body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s+(\w+)\??:/g)].map((d) => [d[2] ?? '', d[1] ?? '']));
      classes.set(m[1] ?? '', { names, types, docs });
    }
  }
  return classes;
}

export function parseClient(src: string): Map<string, ClientOperation> {
  const ops = new Map<string, ClientOperation>();
  const re = /async \w+WithOptions\(([\s\S]*?)\): Promise<\$_model\.(\w+)Response> \{([\s\S]*?)\n {2}\}\n/g;
  for (const m of src.matchAll(re)) {
    const [, signature = '', action = '', body = ''] = m;
    const params = [...body.matchAll(/(query|body)\["(\w+)"\] = request\.(\w+);/g)].map((p) => ({
      location: p[1] as 'query' | 'body',
      wire: p[2] ?? '',
      prop: p[3] ?? '',
    }));
    const pathname = /pathname: `([^`]*)`/.exec(body)?.[1] ?? '';
    ops.set(action, {
      method: (/method: "(\w+)"/.exec(body)?.[1] ?? '').toLowerCase(),
      path: pathname.replace(/\$\{\$dara\.URL\.percentEncode\((\w+)\)\}/g, '{$1}'),
      request: /(?:request|tmpReq): \$_model\.(\w+)/.exec(signature)?.[1],
      params,
    });
  }
  return ops;
}

/** `@example` and whether the doc says the parameter is required. */
function docOf(doc: string | undefined): { example?: string; required: boolean } {
  if (doc === undefined) return { required: false };
  const text = doc
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n');
  const example = /@example\n([\s\S]*?)(?=\n@|$)/.exec(text)?.[1]?.trim();
  return { example, required: text.includes('This parameter is required.') };
}

/** The JSON kind an SDK types() entry stands for. */
function sdkKind(t: string): string {
  if (t.startsWith("'")) return t.slice(1, -1);
  if (t.includes("'array'")) return 'array';
  return 'object';
}

function compatible(sdk: string, spec: unknown): boolean {
  if (sdk === 'number') return spec === 'integer' || spec === 'number';
  if (sdk === 'any') return true;
  return sdk === spec;
}

/** The model class a types() entry nests (a class, an array of them, a map of them). */
function nestedClass(t: string, classes: Map<string, ModelClass>): string | undefined {
  const inner = /'(?:itemType|valueType)': (\w+)/.exec(t)?.[1] ?? (/^\w+$/.test(t) ? t : undefined);
  return inner !== undefined && classes.has(inner) ? inner : undefined;
}

/** The element kind of an array (or value kind of a map) of primitives. */
function innerKind(t: string): string | undefined {
  return /'(?:itemType|valueType)': '(\w+)'/.exec(t)?.[1];
}

export function compare(spec: Json, classes: Map<string, ModelClass>, ops: Map<string, ClientOperation>, only?: Set<string>) {
  const differences: string[] = [];
  const notes: string[] = [];
  const schemas = (spec.schemas ?? {}) as Record<string, Json>;
  const resolve = (s: Json): Json => {
    const ref = s.$ref;
    return typeof ref === 'string' ? (schemas[ref.split('/').pop() ?? ''] ?? {}) : s;
  };
  const kindOf = (s: Json): unknown => (typeof s.$ref === 'string' ? 'object' : s.type);

  const model = (cls: string, schemaIn: Json, where: string): void => {
    let schema = resolve(schemaIn);
    if (schema.type === 'array' && schema.items) schema = resolve(schema.items as Json);
    if (schema.type === 'object' && schema.additionalProperties && !schema.properties)
      schema = resolve(schema.additionalProperties as Json);
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const c = classes.get(cls);
    if (c === undefined) return;
    for (const [prop, wire] of c.names) {
      const t = c.types.get(prop) ?? "'any'";
      const kind = sdkKind(t);
      const p = props[wire];
      if (p === undefined) {
        differences.push(`${where}: missing ${wire} (${kind})`);
        continue;
      }
      if (!compatible(kind, kindOf(p))) differences.push(`${where}.${wire}: type sdk=${kind} spec=${String(kindOf(p))}`);
      const { example } = docOf(c.docs.get(prop));
      const specExample = p.example === undefined ? undefined : String(p.example).trim();
      if (example !== undefined && example !== specExample) {
        // The conformance suite reads a field's format off its example: a difference matters when the format does.
        const sdkFormat = formatOf(wire, example, String(kindOf(p)))?.name ?? 'none';
        const specFormat = formatOf(wire, specExample, String(kindOf(p)))?.name ?? 'none';
        const text = `${where}.${wire}: example sdk=${JSON.stringify(example)} spec=${JSON.stringify(specExample)}`;
        if (sdkFormat !== specFormat) differences.push(`${text} (format sdk=${sdkFormat} spec=${specFormat})`);
        else notes.push(`${text} (same format: ${sdkFormat})`);
      }
      const nested = nestedClass(t, classes);
      if (nested !== undefined) model(nested, p, `${where}.${wire}`);
      const inner = innerKind(t);
      const innerSchema = p.type === 'array' ? (p.items as Json | undefined) : (p.additionalProperties as Json | undefined);
      if (inner !== undefined && innerSchema && !compatible(sdkKind(`'${inner}'`), kindOf(resolve(innerSchema)))) {
        differences.push(`${where}.${wire}: element type sdk=${inner} spec=${String(kindOf(resolve(innerSchema)))}`);
      }
    }
    const wires = new Set(c.names.values());
    for (const name of Object.keys(props)) if (!wires.has(name)) notes.push(`${where}: ${name} is in the metadata, not in the SDK model`);
  };

  for (const [action, apiValue] of Object.entries((spec.apis ?? {}) as Record<string, Json>)) {
    const op = ops.get(action);
    if (op === undefined || (only && !only.has(action))) continue;
    const api = apiValue;
    if (api.path !== op.path) differences.push(`${action}: path sdk=${op.path} spec=${String(api.path)}`);
    if (!(api.methods as string[]).includes(op.method)) differences.push(`${action}: method sdk=${op.method} spec=${String(api.methods)}`);

    const specParams = new Map<string, { location: string; schema: Json }>();
    for (const p of api.parameters as Json[]) {
      const schema = p.schema as Json;
      if (p.in === 'body' && schema.properties) {
        for (const [name, s] of Object.entries(schema.properties as Record<string, Json>))
          specParams.set(name, { location: 'body', schema: s });
      } else specParams.set(String(p.name), { location: String(p.in), schema });
    }
    const request = op.request === undefined ? undefined : classes.get(op.request);
    const seen = new Set<string>();
    for (const name of op.path.matchAll(/\{(\w+)\}/g)) {
      seen.add(name[1] ?? '');
      if (specParams.get(name[1] ?? '')?.location !== 'path') differences.push(`${action} request ${name[1]}: not a path parameter`);
    }
    for (const { wire, location, prop } of op.params) {
      seen.add(wire);
      // A "shrink" property is the JSON-encoded form of the request model's property of the same name.
      const base = prop.replace(/Shrink$/, '');
      const t = request?.types.get(base);
      const kind = t === undefined ? 'any' : sdkKind(t);
      const { required } = docOf(request?.docs.get(base));
      const sp = specParams.get(wire);
      if (sp === undefined) {
        differences.push(`${action} request: missing ${wire} in ${location} (${kind}${required ? ', required' : ''})`);
        continue;
      }
      if (sp.location !== location) differences.push(`${action} request ${wire}: location sdk=${location} spec=${sp.location}`);
      if (!prop.endsWith('Shrink') && !compatible(kind, kindOf(sp.schema))) {
        differences.push(`${action} request ${wire}: type sdk=${kind} spec=${String(kindOf(sp.schema))}`);
      }
      if (Boolean(sp.schema.required) !== required) {
        differences.push(`${action} request ${wire}: required sdk=${required} spec=${Boolean(sp.schema.required)}`);
      }
      const nested = t === undefined ? undefined : nestedClass(t, classes);
      if (nested !== undefined) model(nested, sp.schema, `${action} request ${wire}`);
    }
    if (specParams.has('body') && !seen.has('body')) seen.add('body');
    for (const [name, { location }] of specParams) {
      if (!seen.has(name)) notes.push(`${action} request: ${name} (${location}) is in the metadata, not sent by the SDK client`);
    }

    const body = classes.get(`${action}Response`)?.types.get('body');
    const responses = api.responses as Record<string, { schema?: Json }> | undefined;
    const schema = responses?.['200']?.schema;
    if (body === undefined) continue;
    if (schema === undefined) differences.push(`${action}: no response schema (the SDK answers ${body})`);
    else model(body, schema, `${action} response`);
  }
  return { differences, notes };
}

function main(): void {
  const [folder, actions] = process.argv.slice(2);
  if (folder === undefined) {
    console.error('usage: compare-sdk-models.ts <eas-20210701 folder> [Action,Action,...]');
    process.exit(2);
  }
  const modelsDir = path.join(folder, 'src', 'models');
  const classes = parseModels(
    readdirSync(modelsDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(modelsDir, f), 'utf8')),
  );
  const ops = parseClient(readFileSync(path.join(folder, 'src', 'client.ts'), 'utf8'));
  const version = (JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version?: string }).version;
  const only = actions === undefined ? undefined : new Set(actions.split(','));
  console.log(`SDK ${version}: ${ops.size} operations, ${classes.size} model classes`);
  let unexplained = 0;
  for (const file of SPEC_FILES) {
    const spec = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Json;
    const { differences, notes } = compare(spec, classes, ops, only);
    console.log(`\n${file}: ${differences.length} difference(s), ${notes.length} note(s)`);
    for (const d of differences) {
      const why = KNOWN[d];
      if (why === undefined) unexplained++;
      console.log(`  ${why === undefined ? 'DIFF' : 'known'} ${d}${why === undefined ? '' : ` (${why})`}`);
    }
    for (const n of notes) console.log(`  note ${n}`);
  }
  process.exit(unexplained > 0 ? 1 : 0);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
