#!/usr/bin/env node
// Thin launcher: registers the TypeScript loader, then runs the CLI.
import { register } from 'node:module';
register('tsx/esm', import.meta.url);
await import('../src/cli/main.ts');
