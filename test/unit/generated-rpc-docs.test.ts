// The RAM, STS and BSS words the Explorer shows (generated from the SDK models): never stale, and
// there for every operation openeas implements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderRpcDocs, RPC_DOCS_FILE } from '../../scripts/generate-rpc-docs.ts';
import { RPC_DOCS } from '../../src/console/explorer/generated/rpc-docs.ts';
import { RAM_ACTIONS, STS_ACTIONS } from '../../src/ram/api/index.ts';
import { BSS_OPERATIONS } from '../../src/billing/bss.ts';

test('the committed rpc-docs.ts is what the script writes (node --import tsx scripts/generate-rpc-docs.ts)', () => {
  assert.equal(readFileSync(RPC_DOCS_FILE, 'utf8'), renderRpcDocs());
});

test('every implemented RAM, STS and BSS operation has a summary and a response schema', () => {
  const expected: Array<[string, readonly string[]]> = [
    ['ram', RAM_ACTIONS],
    ['sts', STS_ACTIONS],
    ['bss', BSS_OPERATIONS.map((s) => s.action)],
  ];
  for (const [product, actions] of expected) {
    assert.deepEqual(Object.keys(RPC_DOCS[product]!).sort(), [...actions].sort(), product);
    for (const action of actions) {
      const doc = RPC_DOCS[product]![action]!;
      assert.ok(doc.summary, `${product} ${action}: summary`);
      assert.equal((doc.response as { type?: string }).type, 'object', `${product} ${action}: response`);
    }
  }
  assert.match(RPC_DOCS.sts!.AssumeRole!.params.RoleArn!, /ARN/);
});
