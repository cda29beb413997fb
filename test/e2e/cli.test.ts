// The `openeas` executable as a user runs it: first start prints the credentials once (also after
// first starts that failed), a clean shutdown on SIGTERM, later starts refuse changed credentials,
// every refusal is one line naming what to change, `accounts create` works.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from '../support/server.ts';
import { callEas, easClient } from '../support/client.ts';
import { ENGINES } from '../support/engines.ts';
import { SETTINGS } from '../../src/settings.ts';

const BIN = fileURLToPath(new URL('../../bin/openeas.js', import.meta.url));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_')));

// Every server a test starts; whatever is still running when a test ends (a failed assertion) is killed.
const children = new Set<ReturnType<typeof spawn>>();

function serve(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { ...cleanEnv, ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m && /root AccessKey secret/.test(stdout)) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/** Runs the command to its end (a start that fails, --help, --version). */
function run(args: string[], env: Record<string, string> = {}, options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...cleanEnv, ...env }, encoding: 'utf8', timeout: 30_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A refusal is one line, `openeas: …`, and no stack trace. */
function assertOneLineRefusal(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^openeas: [^\n]+\n$/, 'exactly one line');
  assert.match(r.stderr, pattern);
}

/** Starts, reads the banner, stops; returns what the banner said. */
async function startOnce(dataDir: string, env: Record<string, string> = {}) {
  const server = serve(dataDir, env);
  const url = await server.ready;
  const { stdout } = server.output();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  return {
    url,
    accessKeyId: /root AccessKey (\S+)/.exec(stdout)?.[1],
    secret: /root AccessKey secret \(shown once\): (\S+)/.exec(stdout)?.[1],
  };
}

describe('openeas command line', () => {
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  test('serve prints the endpoint and the secret once, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const first = serve(dataDir, { OPENEAS_ACCOUNT_ID: '1234567890123456' });
    const url = await first.ready;
    const health = await (await fetch(`${url}/_openeas/health`)).json();
    assert.equal(health.Status, 'ok');
    assert.equal(health.Database, 'sqlite');
    const secret = /root AccessKey secret \(shown once\): (\S+)/.exec(first.output().stdout)?.[1];
    assert.ok(secret, 'the secret is printed on first start');
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const second = serve(dataDir, { OPENEAS_ACCOUNT_ID: '1234567890123456' });
    const secondUrl = await second.ready;
    assert.equal((await fetch(`${secondUrl}/_openeas/health`)).status, 200);
    assert.doesNotMatch(second.output().stdout, new RegExp(secret!), 'the secret is never shown again');
    assert.match(second.output().stdout, /account 1234567890123456/);
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0, second.output().stderr);
  });

  test('a later start with a different account id or key refuses to start', async () => {
    const dataDir = tempDataDir();
    const first = serve(dataDir, { OPENEAS_ACCOUNT_ID: '1111111111111111' });
    await first.ready;
    first.child.kill('SIGTERM');
    await first.exited;
    for (const env of [
      { OPENEAS_ACCOUNT_ID: '2222222222222222' },
      { OPENEAS_ROOT_ACCESS_KEY_ID: 'LTAI5tSomethingElse000000', OPENEAS_ROOT_ACCESS_KEY_SECRET: 'another-secret-value' },
    ]) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
        env: { ...cleanEnv, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /openeas: .*(OPENEAS_ACCOUNT_ID|OPENEAS_ROOT_ACCESS_KEY_ID)/);
    }
  });

  test('accounts create adds an account with its own root key', () => {
    const dataDir = tempDataDir();
    const r = spawnSync(process.execPath, [BIN, 'accounts', 'create', '--data-dir', dataDir, '--account-id', '3333333333333333'], {
      env: cleanEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.equal(created.AccountId, '3333333333333333');
    assert.match(created.AccessKeyId, /^LTAI5t[A-Za-z0-9]{18}$/);
    assert.equal(typeof created.AccessKeySecret, 'string');
    const again = spawnSync(process.execPath, [BIN, 'accounts', 'create', '--data-dir', dataDir, '--account-id', '3333333333333333'], {
      env: cleanEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  });
  test('--version and -V print the package version', () => {
    const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = run([flag]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  test('serve --help names every flag with its variable and default, and the variables without a flag', () => {
    const r = run(['serve', '--help']);
    assert.equal(r.status, 0, r.stderr);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const s of SETTINGS.filter((x) => x.env)) {
      if (s.flag) assert.match(help, new RegExp(`--${s.flag}\\b[^[]*\\[env ${s.env}\\b`), s.flag);
      else assert.ok(help.includes(s.env!), s.env);
    }
    assert.match(help, /--port <port> .*\[env OPENEAS_PORT, default 8080\]/);
    assert.match(help, /--ram <enforce\|soft\|off> .*\[env OPENEAS_RAM, default enforce\]/);
    assert.match(help, /--ephemeral .*\[env OPENEAS_EPHEMERAL, default false\]/);
    assert.match(help, /--log-format <pretty\|json> .*\[env OPENEAS_LOG_FORMAT, default pretty on a terminal, else json\]/);
  });

  test('a first start refused for a setting or the catalog writes nothing; the first that succeeds shows the secret', async () => {
    const dataDir = path.join(tempDataDir(), 'data');
    const catalogDir = tempDataDir();
    const badJson = path.join(catalogDir, 'bad.json');
    fs.writeFileSync(badJson, '{"instanceTypes": [');
    const noVcpu = path.join(catalogDir, 'no-vcpu.json');
    fs.writeFileSync(noVcpu, JSON.stringify([{ type: 'ecs.x1.large', memoryGiB: 8 }]));
    // Every message is tested in test/unit/config.test.ts; here, that each kind stops the real command.
    const refusals: Array<[string[], Record<string, string>, RegExp]> = [
      [['--ram', 'maybe'], {}, /--ram must be one of enforce, soft, off; got "maybe"/],
      [['--log-level', 'loud'], {}, /--log-level must be one of fatal, error, warn, info, debug, trace, silent; got "loud"/],
      [[], { OPENEAS_RAM: 'maybe' }, /OPENEAS_RAM must be one of enforce, soft, off; got "maybe"/],
      [['--catalog', badJson], {}, new RegExp(`catalog cannot be used: ${badJson}: .*JSON`)],
      [['--catalog', noVcpu], {}, /vcpu must be a positive integer/],
      [['--prot', '8080'], {}, /unknown option '--prot'/],
    ];
    for (const [args, env, message] of refusals) {
      const r = run(['serve', '--port', '0', '--data-dir', dataDir, ...args], env);
      assertOneLineRefusal(r, message);
      assert.ok(!fs.existsSync(dataDir), `${args.join(' ')} ${JSON.stringify(env)}: nothing is written`);
    }
    const first = await startOnce(dataDir);
    assert.ok(first.secret, 'the first start that succeeds shows the secret');
  });

  for (const engine of ENGINES) {
    test(`a first start on a busy port says so in one line, and the next start still shows the secret [${engine.name}]`, async () => {
      const dataDir = tempDataDir();
      const databaseUrl = await engine.freshDatabaseUrl();
      const env: Record<string, string> = databaseUrl ? { OPENEAS_DATABASE_URL: databaseUrl } : {};
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = blocker.address() as net.AddressInfo;
        const busy = run(['serve', '--port', String(port), '--data-dir', dataDir], env);
        assertOneLineRefusal(busy, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)`));
        assert.match(busy.stderr, /choose another port with --port/);
      } finally {
        blocker.close();
      }
      const first = await startOnce(dataDir, env);
      assert.ok(first.secret, 'the secret of the account the failed start created is shown now');
      const again = serve(dataDir, env);
      const url = await again.ready;
      try {
        // It is the secret of that key: the official client signs with it.
        const listed = await callEas(easClient({ url, accessKeyId: first.accessKeyId!, accessKeySecret: first.secret! }), {
          action: 'ListResources',
          method: 'GET',
          pathname: '/api/v2/resources',
        });
        assert.equal(listed.statusCode, 200);
        assert.match(again.output().stdout, new RegExp(`root AccessKey ${first.accessKeyId}\\n`));
        assert.doesNotMatch(again.output().stdout, /shown once/, 'and only once');
      } finally {
        again.child.kill('SIGTERM');
        await again.exited;
      }
    });
  }

  test('a data directory that cannot be created or written is named with the cause', () => {
    const parent = tempDataDir();
    const file = path.join(parent, 'a-file');
    fs.writeFileSync(file, '');
    assertOneLineRefusal(
      run(['serve', '--port', '0', '--data-dir', path.join(file, 'data')]),
      new RegExp(`cannot create the data directory ${path.join(file, 'data')}: .*\\(ENOTDIR\\)`),
    );
    assertOneLineRefusal(
      run(['serve', '--port', '0', '--data-dir', file]),
      new RegExp(`cannot create the data directory ${file}: .*\\(EEXIST\\)`),
    );

    // A directory this user may not write: as root, run the CLI as nobody (root may write anywhere).
    const readOnly = path.join(parent, 'read-only');
    fs.mkdirSync(readOnly, { mode: 0o755 });
    fs.chmodSync(parent, 0o755);
    const asOther: SpawnSyncOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (!asOther.uid) fs.chmodSync(readOnly, 0o555);
    assertOneLineRefusal(
      run(['serve', '--port', '0', '--data-dir', path.join(readOnly, 'data')], {}, asOther),
      new RegExp(`cannot create the data directory ${path.join(readOnly, 'data')}: permission denied \\(EACCES\\)`),
    );
    assertOneLineRefusal(
      run(['serve', '--port', '0', '--data-dir', readOnly], {}, asOther),
      new RegExp(`cannot write in the data directory ${readOnly}: permission denied \\(EACCES\\)`),
    );
  });
});
