// The `openeas` executable as a user runs it: first start prints the credentials once, a clean
// shutdown on SIGTERM, later starts refuse changed credentials, `accounts create` works.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from '../support/server.ts';

const BIN = fileURLToPath(new URL('../../bin/openeas.js', import.meta.url));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_')));

// Every server a test starts; whatever is still running when a test ends (a failed assertion) is killed.
const children = new Set<ReturnType<typeof spawn>>();

function serve(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { env: { ...cleanEnv, ...env } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    children.delete(child);
    resolve(code);
  }));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m && /root AccessKey secret/.test(stdout)) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
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
    for (const env of [{ OPENEAS_ACCOUNT_ID: '2222222222222222' }, { OPENEAS_ROOT_ACCESS_KEY_ID: 'LTAI5tSomethingElse000000', OPENEAS_ROOT_ACCESS_KEY_SECRET: 'another-secret-value' }]) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { env: { ...cleanEnv, ...env }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /openeas: .*(OPENEAS_ACCOUNT_ID|OPENEAS_ROOT_ACCESS_KEY_ID)/);
    }
  });

  test('accounts create adds an account with its own root key', () => {
    const dataDir = tempDataDir();
    const r = spawnSync(process.execPath, [BIN, 'accounts', 'create', '--data-dir', dataDir, '--account-id', '3333333333333333'], { env: cleanEnv, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.equal(created.AccountId, '3333333333333333');
    assert.match(created.AccessKeyId, /^LTAI5t[A-Za-z0-9]{18}$/);
    assert.equal(typeof created.AccessKeySecret, 'string');
    const again = spawnSync(process.execPath, [BIN, 'accounts', 'create', '--data-dir', dataDir, '--account-id', '3333333333333333'], { env: cleanEnv, encoding: 'utf8', timeout: 30_000 });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  });
});
