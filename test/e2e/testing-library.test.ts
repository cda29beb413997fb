// openeas/testing's startOpenEas and the ephemeral mode under it: nothing on disk, independent
// servers, and the clock, faults, stock, accounts and state handles a test suite uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOpenEas, OpenEasAdminError } from '../../src/testing/index.ts';
import { startServer } from '../../src/server.ts';
import { loadConfig } from '../../src/config.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';

test('an ephemeral server writes nothing to disk, and the next one starts empty', async () => {
  const dataDir = path.join(os.tmpdir(), `openeas-never-${process.pid}-${Date.now()}`);
  const server = await startServer({ ephemeral: true, dataDir, port: 0, logLevel: 'warn' }, {});
  let first: string;
  try {
    first = server.root.accountId;
    assert.ok(server.root.accessKeySecret, 'the root secret is made (in memory) on every ephemeral start');
    const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    const body = { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } };
    await callEas(client, { action: 'CreateResource', method: 'POST', pathname: '/api/v2/resources', body });
  } finally {
    await server.close();
  }
  assert.equal(fs.existsSync(dataDir), false, 'no data directory, no database file, no master.key');
  const again = await startServer({ ephemeral: true, dataDir, port: 0, logLevel: 'warn' }, {});
  try {
    assert.notEqual(again.root.accountId, first);
    const client = easClient({ url: again.url, accessKeyId: again.root.accessKeyId, accessKeySecret: again.root.accessKeySecret! });
    assert.equal((await callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' })).body.TotalCount, 0);
  } finally {
    await again.close();
  }
  assert.throws(() => loadConfig({ ephemeral: true, databaseUrl: 'postgres://x@127.0.0.1/db' }, {}), /--ephemeral .* --database-url/);
});

test('startOpenEas: two servers side by side, fixed credentials, clock and faults handles, admin token honoured', async () => {
  const cwdData = path.resolve('.openeas');
  const existed = fs.existsSync(cwdData);
  const creds = { accountId: '1111222233334444', rootAccessKeyId: 'LTAI5tTestingLibraryKey1', rootAccessKeySecret: 'library-secret' };
  const a = await startOpenEas({ ...creds, adminToken: 'token-for-tests', regionId: 'cn-shanghai' });
  const b = await startOpenEas();
  try {
    assert.notEqual(a.endpoint, b.endpoint);
    assert.match(a.endpoint, /^127\.0\.0\.1:\d+$/);
    assert.equal(a.url, `http://${a.endpoint}`);
    assert.deepEqual(
      [a.accountId, a.accessKeyId, a.accessKeySecret, a.regionId],
      [creds.accountId, creds.rootAccessKeyId, creds.rootAccessKeySecret, 'cn-shanghai'],
    );
    assert.notEqual(b.accountId, a.accountId);

    const t0 = a.clock.now().getTime();
    const later = await a.clock.advance(3600);
    assert.ok(later.getTime() - t0 >= 3600_000);
    const target = new Date(later.getTime() + 86_400_000);
    assert.equal((await a.clock.set(target)).getTime() >= target.getTime(), true);
    const backwards = await a.clock.set(t0).catch((e) => e);
    assert.ok(backwards instanceof OpenEasAdminError);
    assert.equal(backwards.code, 'InvalidParameter');
    assert.ok(Math.abs(b.clock.now().getTime() - Date.now()) < 60_000, 'each server has its own clock');

    const id = await a.faults.add({ Kind: 'Latency', Action: 'DescribeResource', LatencyMs: 1 });
    assert.match(id, /^fault-/);
    await a.faults.add({ Kind: 'CreateFailure', Count: 1 });
    assert.equal(await a.faults.clear(id), 1);
    assert.equal(await a.faults.clear(), 1);
    await a.stock.set({ Region: 'cn-shanghai', InstanceType: 'ecs.c6.xlarge', Available: 1 });
    await a.stock.clear();

    const other = await a.accounts.create();
    const client = easClient({ url: a.url, ...other, regionId: 'cn-shanghai' });
    const list = () => callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' });
    assert.equal((await list()).statusCode, 200);

    const snapshot = await a.state.export();
    await a.reset();
    assert.equal((await expectApiError(list)).code, 'InvalidAccessKeyId.NotFound');
    await a.state.import(snapshot);
    assert.equal((await list()).statusCode, 200);
    // b's snapshot is sealed under b's own (random, in-memory) master key.
    const refused = await a.state.import(await b.state.export()).catch((e) => e);
    assert.equal(refused.code, 'InvalidState.MasterKey');
  } finally {
    await a.stop();
    await b.stop();
  }
  assert.equal(fs.existsSync(cwdData), existed, 'startOpenEas leaves the working directory alone');
});
