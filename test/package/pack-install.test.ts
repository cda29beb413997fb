// The package as a user gets it: `npm pack` (which builds dist/), installed into an empty folder
// without network, then `npx openeas serve` answers its health check. Slow (npm builds
// better-sqlite3 from source for the new folder, minutes on a small machine), so it runs when
// OPENEAS_PACKAGE_TEST=1 (.ci/run sets it) and is skipped otherwise.
//
// No network, precisely: first the package's dependencies are brought into npm's cache
// (`--prefer-offline`: a warm cache, as after `npm ci`, needs nothing from the registry), then the
// real install runs `--offline` — inside a network namespace with no interfaces where the machine
// allows one (`unshare -n`) — so no install step may download anything (a prebuilt binary, say).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENABLED = process.env.OPENEAS_PACKAGE_TEST === '1';
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_') && !k.startsWith('npm_')));

/** Runs a command to its end; fails the test, showing its output, unless it exits 0. */
function run(command: string, args: string[], options: SpawnSyncOptions): { stdout: string; output: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', env: npmEnv, maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  assert.equal(r.status, 0, `${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${output}`);
  return { stdout: String(r.stdout), output };
}

/** `unshare -n` when this machine lets us drop the network (root on Linux); otherwise plain --offline. */
function withoutNetwork(command: string, args: string[]): [string, string[]] {
  const probe = spawnSync('unshare', ['-n', 'true']);
  return probe.status === 0 ? ['unshare', ['-n', command, ...args]] : [command, args];
}

/** The checkout's files as git knows them (committed or new, not ignored): what a fresh clone packs. */
function copyCheckout(to: string): void {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).stdout;
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    // Regular files only: a file deleted in the work tree is gone, a node_modules symlink is not ours.
    if (!fs.lstatSync(from, { throwIfNoEntry: false })?.isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

test('npm pack installs into an empty folder without network and serves', {
  skip: !ENABLED && 'slow: set OPENEAS_PACKAGE_TEST=1 (.ci/run does)',
}, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-package-'));
  let server: ReturnType<typeof spawn> | undefined;
  try {
    // Packed from a copy, so the build `npm pack` runs (prepare) never touches this checkout's dist/.
    const checkout = path.join(work, 'checkout');
    copyCheckout(checkout);
    // Lifecycle scripts print before npm's JSON on stdout.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout }).stdout.replace(/^[^[]*/s, ''));
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    for (const needed of [
      'bin/openeas.js',
      'dist/cli/main.js',
      'dist/server.js',
      'dist/console/web/index.html',
      'spec/instance-types.json',
      'spec/eas-2021-07-01-resource-api.json',
    ]) {
      assert.ok(files.includes(needed), `the package holds ${needed}`);
    }
    assert.deepEqual(
      files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.endsWith('.tsbuildinfo')),
      [],
      'no sources, tests or build state',
    );
    const tarball = path.join(work, packed[0].filename);

    const prime = path.join(work, 'prime');
    fs.mkdirSync(prime);
    run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: prime });

    const user = path.join(work, 'user');
    fs.mkdirSync(user);
    const [command, args] = withoutNetwork('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]);
    const started = Date.now();
    const installLog = run(command, args, { cwd: user }).output;
    t.diagnostic(
      `offline install (${command === 'unshare' ? 'inside unshare -n: no network' : '--offline only'}): ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    for (const line of installLog.split('\n').filter((l) => /npm warn/i.test(l))) t.diagnostic(line);
    assert.doesNotMatch(installLog, /EBADENGINE|deprecated/i, 'no warning about our dependencies');
    assert.ok(!fs.existsSync(path.join(user, 'node_modules', 'tsx')), 'tsx is not needed at run time');
    assert.ok(!fs.existsSync(path.join(user, 'node_modules', 'typescript')), 'typescript is not needed at run time');

    server = spawn('npx', ['--offline', 'openeas', 'serve', '--port', '0', '--data-dir', path.join(work, 'data')], {
      cwd: user,
      env: npmEnv,
      detached: true, // npx runs the command in a child process: signals go to the whole group
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout!.on('data', (c) => (output += String(c)));
    server.stderr!.on('data', (c) => (output += String(c)));
    const exited = new Promise<number | null>((resolve) => server!.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      server!.stdout!.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`npx openeas serve exited ${code}:\n${output}`)));
    });
    const health = await fetch(`${url}/_openeas/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).Status, 'ok');
    // The web console is in the package, built (docs/console.md).
    const page = await fetch(`${url}/console/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    assert.doesNotMatch(output, /error|shutdown failed/i, 'a clean start and stop');
    server = undefined;
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
});
