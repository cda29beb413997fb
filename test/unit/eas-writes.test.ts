// EAS writes leave their request's nonce to their transaction (gateway/pipeline.ts,
// leavesNonceToMutation): a replay is refused there, and none of its changes is ever committed,
// only because every EAS write goes through `mutate` (eas/handlers/common.ts), which uses the
// nonce up in the same transaction (first on PostgreSQL, last on SQLite). A write of its own
// elsewhere in src/eas would let a replayed request change state; this test names any such place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

test('src/eas writes only through mutate (which uses a pending nonce up in its transaction)', () => {
  const root = path.resolve(import.meta.dirname, '../../src/eas');
  const allowed = path.join('handlers', 'common.ts');
  const writes =
    /\bstore\.(transaction|write)\(|\.db\s*\.\s*(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\b|\btransaction\(\)\s*\.\s*execute\b/;
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && path.relative(root, file) !== allowed) {
        fs.readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (writes.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
  // And the one allowed place does use the nonce up inside its transaction.
  const common = fs.readFileSync(path.join(root, allowed), 'utf8');
  assert.match(
    common,
    /store\.transaction\(\s*async \(tx\) => \{\s*if \(nonce && nonceFirst\) await consumeNonce\(tx, nonce\);\s*const result = await fn\(tx, clock\.now\(\)\);\s*if \(nonce && !nonceFirst\) await consumeNonce\(tx, nonce\);\s*return result;/,
  );
});
