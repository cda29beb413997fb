// Bounded work per request and a server that stays responsive: label filter keys, UserData size
// and storage, the body limit, idle connections, admission of expensive calls, load shedding.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ENGINES, type Engine } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { admissionOf } from '../../src/gateway/admission.ts';
import type { ConfigOverrides } from '../../src/config.ts';

const REGION = 'cn-hangzhou';

async function withServer(
  engine: Engine,
  overrides: ConfigOverrides,
  fn: (s: TestServer, eas: ReturnType<typeof easFor>) => Promise<void>,
) {
  const server = await startTestServer(engine, overrides);
  try {
    await fn(server, easFor(server));
  } finally {
    await server.close();
  }
}

function easFor(server: TestServer) {
  const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
  const eas = (
    action: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathname: string,
    extra: { query?: Record<string, unknown>; body?: Record<string, unknown> } = {},
  ) => callEas(client, { action, method, pathname, ...extra });
  return Object.assign(eas, {
    newGroup: async () =>
      (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', ResourceName: 'g', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId as string,
    list: (group: string, query: Record<string, unknown> = {}) =>
      eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${group}/instances`, { query }),
    create: (group: string, body: Record<string, unknown>) =>
      eas('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, { body }),
  });
}

/** Polls `check` until it is true (bounded: fails after `tries`). */
async function until(what: string, check: () => Promise<boolean> | boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`gave up waiting for ${what}`);
}

const labelFilter = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, ''])));

for (const engine of ENGINES) {
  describe(`bounded requests [${engine.name}]`, () => {
    let server: TestServer;
    let eas: ReturnType<typeof easFor>;

    before(async () => {
      server = await startTestServer(engine, { progression: 'manual', releaseSeconds: 1 });
      eas = easFor(server);
    });
    after(() => server.close());

    test('a Label filter may name at most 20 keys; 21 is InvalidParameter', async () => {
      const group = await eas.newGroup();
      assert.equal((await eas.list(group, { Label: labelFilter(20) })).statusCode, 200);
      const err = await expectApiError(() => eas.list(group, { Label: labelFilter(21) }));
      assert.equal(err.code, 'InvalidParameter');
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /Label/);
    });

    test('UserData over 16 KiB is InvalidParameter and orders nothing', async () => {
      const group = await eas.newGroup();
      const err = await expectApiError(() =>
        eas.create(group, {
          EcsInstanceType: 'ecs.g6.large',
          EcsInstanceCount: 1,
          ChargeType: 'PostPaid',
          UserData: 'x'.repeat(16 * 1024 + 1),
        }),
      );
      assert.equal(err.code, 'InvalidParameter');
      assert.match(err.message, /UserData/);
      assert.equal((await eas.list(group)).body.TotalCount, 0);
    });

    test('UserData is stored once per order, not per machine, and goes with the last machine', async () => {
      const group = await eas.newGroup();
      const userData = '#!/bin/sh\n' + 'é'.repeat(8000); // 16,010 bytes
      const ids = (
        await eas.create(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 100, ChargeType: 'PostPaid', UserData: userData })
      ).body.InstanceIds as string[];
      await eas.create(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 3, ChargeType: 'PostPaid', UserData: userData });
      const { db } = server.services.store;
      const stored = await db.selectFrom('user_data').selectAll().where('account_id', '=', server.root.accountId).execute();
      assert.equal(stored.length, 1, 'one copy for 103 machines');
      assert.equal(stored[0]!.content, userData);
      assert.equal(stored[0]!.refs, 103);
      // Lists show the machines as before (UserData was never part of a listed machine).
      const listed = (await eas.list(group, { PageSize: 200 })).body.Instances;
      assert.equal(listed.length, 103);
      assert.ok(listed.every((m: any) => !('UserData' in m)));

      await eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, {
        query: { InstanceList: listed.map((m: any) => m.InstanceId).join(',') },
      });
      await admin(server.url, 'POST', '/engine/progress', {});
      await advance(server.url, 2);
      assert.equal((await eas.list(group)).body.TotalCount, 0);
      assert.equal((await db.selectFrom('user_data').selectAll().where('account_id', '=', server.root.accountId).execute()).length, 0);
      assert.ok(ids.length === 100);
    });

    test('the largest legitimate request fits the body limit; a 1 MiB body is RequestBodyTooLarge', async () => {
      const group = await eas.newGroup();
      // 16 KiB of UserData that JSON must escape (6 bytes per character) and 20 labels of the longest size.
      const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(128)]));
      const body = {
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: 100,
        ChargeType: 'PostPaid',
        UserData: '\u0001'.repeat(16 * 1024),
        Labels: labels,
      };
      assert.ok(JSON.stringify(body).length > 100 * 1024);
      assert.equal((await eas.create(group, body)).statusCode, 200);
      const res = await fetch(`${server.url}/api/v2/resources`, {
        method: 'POST',
        body: 'x'.repeat(1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 413);
      assert.equal((await res.json()).Code, 'RequestBodyTooLarge');
    });
  });

  describe(`responsive under pressure [${engine.name}]`, () => {
    test('a connection that sends nothing is closed after the idle timeout, also between requests', async () => {
      await withServer(engine, { idleTimeoutMs: 200 }, async (server) => {
        const silent = net.connect(server.port, '127.0.0.1');
        const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
        let done = false;
        void closed.then(() => {
          done = true;
        });
        await until('the silent connection to close', () => done);

        // A keep-alive connection: one request, then silence.
        const kept = net.connect(server.port, '127.0.0.1');
        let reply = '';
        kept.on('data', (c) => {
          reply += String(c);
        });
        let keptClosed = false;
        kept.once('close', () => {
          keptClosed = true;
        });
        kept.write('GET /_openeas/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
        await until('the keep-alive connection to close', () => keptClosed);
        assert.match(reply, /^HTTP\/1.1 200/);
      });
    });

    test('expensive calls beyond the admission limit get Throttling (429); cheap calls and health go through', async () => {
      await withServer(engine, { admission: { maxExpensiveInFlight: 1, queueLength: 0, queueWaitMs: 0 } }, async (server, eas) => {
        const group = await eas.newGroup();
        await admin(server.url, 'POST', '/faults', { Kind: 'Latency', Action: 'ListResourceInstances', LatencyMs: 1500 });
        const first = eas.list(group, { PageSize: 1000 });
        await until('the first expensive list to be admitted', () => admissionOf(server.app)!.admission.inFlight === 1);
        const err = await expectApiError(() => eas.list(group, { PageSize: 1000 }));
        assert.equal(err.code, 'Throttling');
        assert.equal(err.statusCode, 429);
        assert.equal((await eas.list(group, { PageSize: 100 })).statusCode, 200, 'a default page is not expensive');
        assert.equal((await fetch(`${server.url}/_openeas/health`)).status, 200);
        assert.equal((await first).statusCode, 200);
        assert.equal((await eas.list(group, { PageSize: 1000 })).statusCode, 200, 'the slot is free again');
      });
    });

    test('a big body waits for its admission slot before it is read: one still arriving holds the slot', async () => {
      await withServer(engine, { admission: { maxExpensiveInFlight: 1, queueLength: 0, queueWaitMs: 0 } }, async (server, eas) => {
        const group = await eas.newGroup();
        // A request that announces 20 KB and sends 10: admitted (the slot is taken), its body still arriving.
        const slow = net.connect(server.port, '127.0.0.1');
        slow.on('error', () => {});
        try {
          slow.write(
            `POST /api/v2/resources/${REGION}/${group}/instances HTTP/1.1\r\nHost: localhost\r\n` +
              'Content-Type: application/json\r\nContent-Length: 20000\r\n\r\n' +
              ' '.repeat(10_000),
          );
          await until('the announced big body to be admitted', () => admissionOf(server.app)!.admission.inFlight === 1);
          // A complete, correctly signed big create gets Throttling before anything of it is read.
          const big = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', UserData: '\u0001'.repeat(4000) };
          const err = await expectApiError(() => eas.create(group, big));
          assert.equal(err.code, 'Throttling');
          assert.equal((await fetch(`${server.url}/_openeas/health`)).status, 200, 'health never waits for a slot');
        } finally {
          slow.destroy();
        }
        await until('the slot to be given back when the sender left', () => admissionOf(server.app)!.admission.inFlight === 0);
      });
    });

    test('while the event loop lags, API calls get ServiceUnavailable and health still answers', async () => {
      await withServer(engine, { maxEventLoopDelayMs: 50 }, async (server, eas) => {
        // Real stalls make the readings depend on the host's load; the test stops the sampler and gives the readings.
        const monitor = admissionOf(server.app)!.eventLoop;
        monitor.close();
        monitor.record(300);
        await eas('ListResources', 'GET', '/api/v2/resources'); // one slow reading is a hiccup, not pressure
        monitor.record(300);
        const health = await fetch(`${server.url}/_openeas/health`);
        assert.equal(health.status, 200, 'health is never shed');
        const shed = await expectApiError(() => eas('ListResources', 'GET', '/api/v2/resources'));
        assert.equal(shed.code, 'ServiceUnavailable');
        assert.equal(shed.statusCode, 503);
        monitor.record(0);
        await eas('ListResources', 'GET', '/api/v2/resources'); // served again once the loop has caught up
      });
    });
  });
}
