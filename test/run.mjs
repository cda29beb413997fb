#!/usr/bin/env node
// `npm test`: every test file through node's test runner, two files at a time, each in its own
// process group with a time budget. node's --test-timeout enforces it (in Node 20 it bounds each test
// and also each file as a whole, so it is one budget per file) and names the test that was running;
// a wall-clock watchdog a minute later kills what the runner cannot end (a child process holding the
// file's output open, a server left listening) and reports the file as TIMED OUT. Either way a hang
// is a loud failure naming the file, never a stalled CI job. The budget is generous because the
// machines tests run on can be many times slower than a quiet one.
// Says once, up front, whether the PostgreSQL leg runs (OPENEAS_TEST_DATABASE_URL).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const TEST_TIMEOUT_S = Number(process.env.OPENEAS_TEST_TIMEOUT_SECONDS ?? 900);
const FILE_TIMEOUT_S = Number(process.env.OPENEAS_TEST_FILE_TIMEOUT_SECONDS ?? TEST_TIMEOUT_S + 60);
const CONCURRENCY = 2;

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
  console.log(
    `PostgreSQL leg: enabled (${new URL(process.env.OPENEAS_TEST_DATABASE_URL).host}); every end-to-end suite also runs on PostgreSQL`,
  );
} else {
  console.log('PostgreSQL leg: skipped, because OPENEAS_TEST_DATABASE_URL is not set (CI sets it)');
}
ensureBuilt();
await dropOldTestSchemas();
console.log(
  `${files.length} files, ${CONCURRENCY} at a time; each file (and each test) must finish within ${TEST_TIMEOUT_S} s, and its process exit within ${FILE_TIMEOUT_S} s`,
);

/**
 * Each test server on PostgreSQL gets a schema of its own (test/support/engines.ts), which nothing
 * drops: a developer's database kept growing (557 schemas, 1.2 GB after a few days). Schemas named
 * with a creation time more than a day old are dropped before the run; a run never lasts that long,
 * so no other run still uses them.
 */
async function dropOldTestSchemas() {
  const url = process.env.OPENEAS_TEST_DATABASE_URL;
  if (!url) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query("select nspname from pg_namespace where nspname ~ '^openeas_t_[0-9a-z]+_[0-9a-f]+$'");
    const dayAgo = Date.now() / 1000 - 24 * 3600;
    const old = rows.map((r) => r.nspname).filter((name) => Number.parseInt(name.split('_')[2], 36) < dayAgo);
    for (const name of old) await client.query(`drop schema if exists "${name}" cascade`);
    if (old.length > 0) console.log(`PostgreSQL: dropped ${old.length} test schemas more than a day old`);
  } catch (e) {
    console.log(`PostgreSQL: old test schemas not dropped (${e.message})`); // the tests report an unreachable server
  } finally {
    await client.end().catch(() => {});
  }
}

/** Newest modification time of the files under a directory (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  return Math.max(
    0,
    ...readdirSync(dir).map((name) => {
      const full = path.join(dir, name);
      const stat = statSync(full);
      return stat.isDirectory() ? newest(full) : stat.mtimeMs;
    }),
  );
}

/**
 * Tests that start `openeas` as a command run bin/openeas.js, which runs the compiled dist/: bring
 * it up to date with src/ first (an incremental tsc build), so they never test stale code. A type
 * error still emits JavaScript; it is shown here and left to `npm run typecheck` to fail on.
 */
function ensureBuilt() {
  ensureConsoleBuilt();
  const buildInfo = 'dist/.tsbuildinfo';
  if (existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newest('src')) return;
  const started = Date.now();
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (existsSync(buildInfo)) utimesSync(buildInfo, new Date(), new Date()); // tsc leaves it alone when nothing changed
  if (tsc.status === 0) console.log(`dist/ rebuilt from src/ in ${seconds} s (bin/openeas.js runs it)`);
  else console.log(`dist/ rebuilt from src/ in ${seconds} s WITH ERRORS (bin/openeas.js runs it):\n${tsc.stdout}${tsc.stderr}`);
}

/**
 * The console's front end (console/, docs/console.md) is built by Vite into dist/console/web/, which
 * the server serves and the browser tests load: rebuilt only when a file under console/ is newer.
 */
function ensureConsoleBuilt() {
  const index = 'dist/console/web/index.html';
  if (existsSync(index) && statSync(index).mtimeMs >= newest('console')) return;
  const started = Date.now();
  const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts'], {
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (vite.status === 0) console.log(`dist/console/web rebuilt from console/ in ${seconds} s`);
  else console.log(`the console build FAILED after ${seconds} s:\n${vite.stdout}${vite.stderr}`);
}

const running = new Set();
const stopAll = (signal) => {
  for (const child of running) killGroup(child);
  process.exit(signal === 'SIGINT' ? 130 : 143);
};
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL'); // the runner, the file's process and any servers it spawned
  } catch {
    /* already gone */
  }
}

/** Runs one file; resolves with its outcome once the process group is done or killed. */
function runFile(file) {
  const started = Date.now();
  const args = ['--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_S * 1000}`, '--test-reporter=spec', file];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = [];
  child.stdout.on('data', (c) => output.push(c));
  child.stderr.on('data', (c) => output.push(c));
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, FILE_TIMEOUT_S * 1000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      const status = timedOut ? 'TIMED OUT' : code === 0 ? 'ok' : `FAILED (exit ${code ?? signal})`;
      process.stdout.write(`\n━━ ${file} — ${status} in ${seconds.toFixed(1)} s\n${Buffer.concat(output).toString('utf8')}`);
      if (timedOut) {
        process.stdout.write(
          `\n!! ${file} was still running after ${FILE_TIMEOUT_S} s and was killed: a test hung or left a server, store or child process open.\n`,
        );
      }
      const text = Buffer.concat(output).toString('utf8');
      const count = (label) => Number(text.match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
      resolve({ file, seconds, ok: !timedOut && code === 0, status, passed: count('pass'), failedTests: count('fail') });
    });
  });
}

const queue = [...files];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) results.push(await runFile(file));
  }),
);

console.log('\nper file:');
for (const r of results.sort((a, b) => b.seconds - a.seconds)) {
  console.log(`  ${r.seconds.toFixed(1).padStart(7)} s  ${r.ok ? 'ok    ' : 'FAILED'}  ${r.file}${r.ok ? '' : ` (${r.status})`}`);
}
const failed = results.filter((r) => !r.ok);
console.log(
  failed.length
    ? `\n${failed.length} of ${results.length} files FAILED: ${failed.map((r) => r.file).join(', ')}`
    : `\nall ${results.length} files passed`,
);
// The plain closing line CI and people read: tests, not files (a file that died counts as a failure).
const passed = results.reduce((n, r) => n + r.passed, 0);
const failedTests = results.reduce((n, r) => n + (r.ok ? r.failedTests : Math.max(1, r.failedTests)), 0);
console.log(`${passed} passed, ${failedTests} failed`);
process.exit(failed.length ? 1 : 0);
