// Writes src/console/explorer/generated/rpc-docs.ts: the words the API Explorer shows for the RAM,
// STS and BSS operations openeas implements, which have no metadata file in spec/. They come from
// Alibaba's generated SDKs (devDependencies @alicloud/ram20150501, @alicloud/sts20150401,
// @alicloud/bssopenapi20171214): each operation's summary (the doc comment of `<action>WithOptions`),
// each request field's `@remarks` under its wire name (the model's `names()`), and the response
// body as a JSON schema built from the model's `types()` with the fields' remarks.
//
//   node --import tsx scripts/generate-rpc-docs.ts
//
// `renderRpcDocs` is pure, so test/unit/generated-rpc-docs.test.ts regenerates the file in memory
// and fails when the committed copy is stale (a new operation, or new SDK versions).
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RAM_ACTIONS, STS_ACTIONS } from '../src/ram/api/index.ts';
import { BSS_OPERATIONS } from '../src/billing/bss.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RPC_DOCS_FILE = path.join(ROOT, 'src/console/explorer/generated/rpc-docs.ts');
const require = createRequire(import.meta.url);

const SDKS = [
  { product: 'ram', pkg: '@alicloud/ram20150501', actions: RAM_ACTIONS },
  { product: 'sts', pkg: '@alicloud/sts20150401', actions: STS_ACTIONS },
  { product: 'bss', pkg: '@alicloud/bssopenapi20171214', actions: BSS_OPERATIONS.map((s) => s.action) },
] as const;

interface ModelClass {
  names(): Record<string, string>;
  types(): Record<string, unknown>;
  name: string;
}

export interface RpcDoc {
  summary?: string;
  params: Record<string, string>;
  response?: unknown;
}

/**
 * The text of a doc comment: for a field its `@remarks` section (the description); for a method the
 * text before the first tag (the summary line), else its remarks.
 */
function docText(comment: string, prefer: 'remarks' | 'lead'): string | undefined {
  const lines = comment
    .split('\n')
    .map((l) => l.replace(/^\s*\*? ?/, ''))
    .join('\n');
  const clean = (t: string | undefined) => {
    const text = (t ?? '').replace(/\n{3,}/g, '\n\n').trim();
    return text === '' ? undefined : text;
  };
  const remarks = clean(/@remarks\n([\s\S]*?)(?=\n@|$)/.exec(lines)?.[1]);
  const lead = clean(/^([\s\S]*?)(?=\n?@|$)/.exec(lines)?.[1]);
  return prefer === 'lead' ? (lead ?? remarks) : (remarks ?? lead);
}

/** Every model class's field comments: class → camelCase field → text. */
function fieldDocs(dir: string): Map<string, Map<string, string>> {
  const docs = new Map<string, Map<string, string>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const cls of text.matchAll(/export declare class (\w+) extends \$dara\.Model \{([\s\S]*?)\n {4}static names\(\)/g)) {
      const fields = new Map<string, string>();
      for (const f of cls[2]!.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\??:/g)) {
        const doc = docText(f[1]!, 'remarks');
        if (doc) fields.set(f[2]!, doc);
      }
      docs.set(cls[1]!, fields);
    }
  }
  return docs;
}

/** Summaries of `<action>WithOptions` methods, by action. */
function summaries(clientDts: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of clientDts.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)WithOptions\(/g)) {
    const text = docText(m[1]!, 'lead');
    if (text) out.set(m[2]!.charAt(0).toUpperCase() + m[2]!.slice(1), text);
  }
  return out;
}

function isModel(t: unknown): t is ModelClass {
  return typeof t === 'function' && typeof (t as unknown as ModelClass).names === 'function';
}

function schemaOf(t: unknown, docs: Map<string, Map<string, string>>, depth: number): Record<string, unknown> {
  if (typeof t === 'string') {
    return { type: t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : t === 'string' ? 'string' : 'object' };
  }
  if (isModel(t)) {
    if (depth > 8) return { type: 'object' };
    const names = t.names();
    const types = t.types();
    const fieldDoc = docs.get(t.name);
    const properties: Record<string, unknown> = {};
    for (const [field, wire] of Object.entries(names)) {
      const s = schemaOf(types[field], docs, depth + 1);
      const description = fieldDoc?.get(field);
      properties[wire] = description ? { description, ...s } : s;
    }
    return { type: 'object', properties };
  }
  const complex = t as { type?: string; itemType?: unknown; valueType?: unknown } | undefined;
  if (complex?.type === 'array') return { type: 'array', items: schemaOf(complex.itemType, docs, depth + 1) };
  if (complex?.type === 'map') return { type: 'object', additionalProperties: schemaOf(complex.valueType, docs, depth + 1) };
  return { type: 'object' };
}

export function buildRpcDocs(): { docs: Record<string, Record<string, RpcDoc>>; sources: string[] } {
  const out: Record<string, Record<string, RpcDoc>> = {};
  const sources: string[] = [];
  for (const sdk of SDKS) {
    const main = require.resolve(sdk.pkg);
    const distDir = path.dirname(main);
    const version = JSON.parse(readFileSync(path.join(distDir, '..', 'package.json'), 'utf8')).version as string;
    sources.push(`${sdk.pkg} ${version}`);
    const mod = require(sdk.pkg) as Record<string, unknown>;
    const docs = fieldDocs(path.join(distDir, 'models'));
    const sums = summaries(readFileSync(path.join(distDir, 'client.d.ts'), 'utf8'));
    const product: Record<string, RpcDoc> = {};
    for (const action of [...sdk.actions].sort()) {
      const request = mod[`${action}Request`];
      const body = mod[`${action}ResponseBody`];
      const doc: RpcDoc = { params: {} };
      const summary = sums.get(action);
      if (summary) doc.summary = summary;
      if (isModel(request)) {
        const fields = docs.get(request.name);
        for (const [field, wire] of Object.entries(request.names())) {
          const text = fields?.get(field);
          if (text) doc.params[wire] = text;
        }
      }
      if (isModel(body)) doc.response = schemaOf(body, docs, 0);
      product[action] = doc;
    }
    out[sdk.product] = product;
  }
  return { docs: out, sources };
}

export function renderRpcDocs(): string {
  const { docs, sources } = buildRpcDocs();
  return `// GENERATED FILE: do not edit by hand.
// Source: the model documentation of ${sources.join(', ')}, by scripts/generate-rpc-docs.ts.
// Regenerate with: node --import tsx scripts/generate-rpc-docs.ts
// test/unit/generated-rpc-docs.test.ts fails when this file no longer matches.

export interface RpcDoc {
  summary?: string;
  /** Request parameter → description, by wire name. */
  params: Record<string, string>;
  /** The response body as a JSON schema. */
  response?: unknown;
}

export const RPC_DOCS: Record<string, Record<string, RpcDoc>> = ${JSON.stringify(docs, null, 2)};
`;
}

function main(): void {
  mkdirSync(path.dirname(RPC_DOCS_FILE), { recursive: true });
  writeFileSync(RPC_DOCS_FILE, renderRpcDocs());
  console.log(`wrote ${path.relative(ROOT, RPC_DOCS_FILE)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
