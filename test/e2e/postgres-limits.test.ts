// PostgreSQL only: a statement that runs past OPENEAS_PG_STATEMENT_TIMEOUT_MS is stopped and the
// caller gets ServiceUnavailable (503), without leaking pooled connections; a read whose caller
// hangs up is cancelled in the database at once. The slow read is an injected database latency
// fault (pg_sleep on a pooled connection, like any slow query).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import pg from 'pg';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { hashPayload, signV3 } from '../../src/gateway/signature/index.ts';
import { startServer } from '../../src/server.ts';
import { openStore } from '../../src/store/database.ts';
import { enqueueJobs } from '../../src/engine/jobs.ts';
import { TRIM_EVENTS_JOB } from '../../src/scheduling/service-events.ts';
import { LOG_JOB } from '../../src/eas/handlers/subfeatures.ts';

const postgres = ENGINES.find((e) => e.name === 'postgres');
const REGION = 'cn-hangzhou';

async function until(what: string, check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`gave up waiting for ${what}`);
}

/** Backends of this server's schema that are sleeping in pg_sleep right now. */
async function sleepingBackends(server: TestServer): Promise<number> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity
      where state = 'active' and query like 'select pg_sleep%' and pid <> pg_backend_pid()`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** A signed DescribeResource sent over a raw socket, so the test can hang up mid-request. */
function describeOverSocket(server: TestServer, group: string): http.ClientRequest {
  const u = new URL(server.url);
  const path = `/api/v2/resources/${REGION}/${group}`;
  const headers: Record<string, string> = {
    host: u.host,
    'x-acs-version': '2021-07-01',
    'x-acs-action': 'DescribeResource',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': crypto.randomUUID(),
    'x-acs-content-sha256': hashPayload('ACS3-HMAC-SHA256', Buffer.alloc(0)),
  };
  headers.authorization = signV3({
    method: 'GET',
    rawUrl: path,
    headers,
    body: Buffer.alloc(0),
    accessKeyId: server.root.accessKeyId,
    secret: server.root.accessKeySecret!,
  });
  const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET', headers });
  req.on('error', () => {}); // we hang up on purpose
  req.end();
  return req;
}

/** A new SelfManaged group, through the official client; its id. */
async function selfManagedGroup(client: ReturnType<typeof easClient>): Promise<string> {
  const r = await callEas(client, {
    action: 'CreateResource',
    method: 'POST',
    pathname: '/api/v2/resources',
    body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
  });
  return r.body.ResourceId as string;
}

/** `fn` run the first time only; later calls get the first run's promise. */
const once = (fn: () => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
};

/**
 * A due job of the server's database, locked by a transaction left open on a connection of the
 * test's own, as another server's batch would hold it; `release()` ends that transaction.
 */
async function holdDueJob(server: TestServer): Promise<{ release(): Promise<void> }> {
  const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl, migrate: false });
  try {
    const now = Date.now();
    await store.transaction((tx) =>
      enqueueJobs(tx, [{ kind: TRIM_EVENTS_JOB, accountId: server.root.accountId, subjectId: 'eas-svc-held', dueAt: now }], now),
    );
  } finally {
    await store.close();
  }
  const holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
  await holder.query('begin');
  const { rowCount } = await holder.query('select id from jobs where subject_id = $1 for update', ['eas-svc-held']);
  assert.equal(rowCount, 1);
  return {
    /** Ends the transaction and the connection; again, does nothing. */
    release: once(async () => {
      await holder.query('rollback').catch(() => {});
      await holder.end();
    }),
  };
}

/** A server (with `overrides`) whose database holds a due job locked elsewhere (holdDueJob) while `fn` runs. */
async function withHeldJob(
  overrides: Parameters<typeof startTestServer>[1],
  fn: (server: TestServer, held: { release(): Promise<void> }) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(postgres!, overrides);
  try {
    const held = await holdDueJob(server);
    try {
      await fn(server, held);
    } finally {
      await held.release();
    }
  } finally {
    await server.close();
  }
}

describe('PostgreSQL statement limits', { skip: postgres ? false : 'OPENEAS_TEST_DATABASE_URL is not set' }, () => {
  test('a statement past the statement timeout gets ServiceUnavailable, and the pool stays whole', async () => {
    const server = await startTestServer(postgres!, { pgStatementTimeoutMs: 300 });
    try {
      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      const group = await selfManagedGroup(client);
      const describe_ = () =>
        callEas(client, { action: 'DescribeResource', method: 'GET', pathname: `/api/v2/resources/${REGION}/${group}` });
      const fault = await admin(server.url, 'POST', '/faults', {
        Kind: 'Latency',
        Action: 'DescribeResource',
        LatencyMs: 5000,
        InDatabase: true,
      });
      // More slow calls at once than the pool has connections (10).
      const errors = await Promise.all(Array.from({ length: 12 }, () => expectApiError(describe_)));
      for (const err of errors) {
        assert.equal(err.code, 'ServiceUnavailable');
        assert.equal(err.statusCode, 503);
      }
      await admin(server.url, 'DELETE', `/faults/${fault.Fault.FaultId}`);
      // Every pooled connection came back: more calls than the pool size all succeed.
      const ok = await Promise.all(Array.from({ length: 20 }, describe_));
      assert.ok(ok.every((r) => r.statusCode === 200));
    } finally {
      await server.close();
    }
  });

  test('a read whose caller hangs up is cancelled in the database, and its connection comes back', async () => {
    const server = await startTestServer(postgres!, { pgStatementTimeoutMs: 60_000 });
    try {
      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      const group = await selfManagedGroup(client);
      await admin(server.url, 'POST', '/faults', { Kind: 'Latency', Action: 'DescribeResource', LatencyMs: 50_000, InDatabase: true });
      // Ten hung-up callers: without cancellation they would hold every pooled connection for 50 s.
      const requests = Array.from({ length: 10 }, () => describeOverSocket(server, group));
      await until('the slow reads to run', async () => (await sleepingBackends(server)) === 10);
      for (const req of requests) req.destroy();
      await until('the database to stop them', async () => (await sleepingBackends(server)) === 0);
      const health = await fetch(`${server.url}/_openeas/health`);
      assert.equal(health.status, 200, 'the pool has connections again');
    } finally {
      await server.close();
    }
  });

  test('a server starts while another holds due work past the statement timeout (it catches up, it does not wait)', () =>
    // An explicit run waits for work other servers hold (and gives up after a few statement
    // timeouts); a starting server only catches up on what nobody is running, so it has nothing
    // to give up on and nothing to report.
    withHeldJob({}, async (running) => {
      const lines: string[] = [];
      const second = await startServer(
        { dataDir: running.dataDir, databaseUrl: running.databaseUrl, port: 0, logLevel: 'warn', pgStatementTimeoutMs: 200 },
        {},
        { logStream: { write: (line: string) => void lines.push(line) } },
      );
      await second.close();
      assert.deepEqual(
        lines.filter((l) => l.includes('due work')),
        [],
      );
    }));

  test('with immediate progression, a committed mutation answers success even when the due work it waits for stays held', () =>
    withHeldJob({ progression: 'immediate', pgStatementTimeoutMs: 200 }, async (server) => {
      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      assert.match(await selfManagedGroup(client), /^eas-r-/);
    }));

  test('a nudge whose wait for a held batch outlasts three statement timeouts answers ServiceUnavailable; the work runs later', () =>
    withHeldJob({ progression: 'manual', pgStatementTimeoutMs: 200 }, async (server, held) => {
      const res = await fetch(`${server.url}/_openeas/engine/progress`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(res.status, 503);
      const body = (await res.json()) as { Code: string; RequestId: string };
      assert.equal(body.Code, 'ServiceUnavailable');
      assert.equal(res.headers.get('x-acs-request-id'), body.RequestId);
      await held.release();
      // Nothing is lost: once the batch lets go, the poll runs the job.
      await until('the poll to run the job', async () => (await admin(server.url, 'GET', '/jobs?State=Due')).TotalCount === 0);
    }));

  test('a server whose catch-up on due work fails still starts, and its poll runs the work later', async () => {
    const first = await startTestServer(postgres!);
    const client = easClient({ url: first.url, accessKeyId: first.root.accessKeyId, accessKeySecret: first.root.accessKeySecret! });
    const group = await selfManagedGroup(client);
    await first.close();
    // Due work of the group, and the group's row locked elsewhere: the catch-up locks the group
    // before running the job, and its statement times out.
    const store = await openStore({ dataDir: first.dataDir, databaseUrl: first.databaseUrl, migrate: false });
    try {
      const now = Date.now();
      await store.transaction((tx) =>
        enqueueJobs(tx, [{ kind: LOG_JOB, accountId: first.root.accountId, subjectId: group, dueAt: now, payload: { op: 'ready' } }], now),
      );
    } finally {
      await store.close();
    }
    const holder = new pg.Client({ connectionString: first.databaseUrl });
    await holder.connect();
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      await holder.query('begin');
      await holder.query('select id from resources where id = $1 for update', [group]);
      second = await startServer(
        { dataDir: first.dataDir, databaseUrl: first.databaseUrl, port: 0, logLevel: 'silent', pgStatementTimeoutMs: 200 },
        {},
      );
      const dueJobs = async () => (await admin(second!.url, 'GET', '/jobs?State=Due')).TotalCount as number;
      assert.equal(await dueJobs(), 1, 'the job waits for its group');
      await holder.query('rollback');
      await until('the poll to run the job', async () => (await dueJobs()) === 0);
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
      await second?.close();
    }
  });
});
