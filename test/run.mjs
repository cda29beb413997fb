#!/usr/bin/env node
// `npm test`: every test file through node's test runner. Says once, up front, whether the
// PostgreSQL leg runs (OPENEAS_TEST_DATABASE_URL) so a skipped leg is never silent.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return collect(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const filter = process.argv.slice(2);
const files = (filter.length ? filter : collect('test')).sort();
if (process.env.OPENEAS_TEST_DATABASE_URL) {
  console.log(`PostgreSQL leg: enabled (${new URL(process.env.OPENEAS_TEST_DATABASE_URL).host}); every end-to-end suite also runs on PostgreSQL`);
} else {
  console.log('PostgreSQL leg: skipped, because OPENEAS_TEST_DATABASE_URL is not set (CI sets it)');
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
