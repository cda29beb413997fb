#!/usr/bin/env node
// The `openeas` command: runs the compiled CLI in dist/. `npm ci` and `npm pack` build dist/ (the
// `prepare` script); in a source checkout after editing src/, `npm run build` brings it up to date.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('openeas: dist/cli/main.js is missing: run `npm run build` in the openeas checkout first\n');
  process.exit(1);
}
await import(main.href);
