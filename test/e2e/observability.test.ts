// Seeing what happens: the access log writes one line per API call at the default level, with who,
// what, the outcome and the latency (JSON, or one readable line on a terminal); the metrics at
// GET /_openeas/metrics count calls and show machines, jobs, money, connections and the event loop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { REGION, rootCredentials, userWithPolicies } from '../support/ram.ts';
import { prettyLine } from '../../src/observability/log-format.ts';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [key: string]: unknown;
}

/** Waits (bounded by turns, not time) until `lines` holds at least `n` access lines; the line is written once the answer has left. */
async function accessLines(lines: string[], n: number): Promise<LogLine[]> {
  for (let turn = 0; turn < 2000; turn++) {
    const access = lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === 'API call');
    if (access.length >= n) return access;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`expected ${n} access lines, got ${lines.length} lines: ${lines.join('')}`);
}

/** Prometheus text → samples by `name{labels}` as written (labels sorted as prom-client writes them). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

async function scrape(server: TestServer): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${server.url}/_openeas/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const LIST = { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources' } as const;
const MISSING = { action: 'DescribeResource', method: 'GET', pathname: `/api/v2/resources/${REGION}/eas-r-doesnotexist0000000` } as const;
const capture = (lines: string[]) => ({ logStream: { write: (l: string) => void lines.push(l) } });

const group = (server: TestServer, creds = rootCredentials(server)) =>
  callEas(easClient({ url: server.url, ...creds }), {
    action: 'CreateResource',
    method: 'POST',
    pathname: '/api/v2/resources',
    body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c-1' } },
  });

for (const engine of ENGINES) {
  describe(`access log [${engine.name}]`, () => {
    test('every API call, failed or not, is one info line with who, what, status, code and latency', async () => {
      const lines: string[] = [];
      const server = await startTestServer(engine, { logLevel: 'info', logFormat: 'json' }, capture(lines));
      try {
        const user = await userWithPolicies(server, []); // CreateUser, CreateAccessKey
        await accessLines(lines, 2);
        lines.length = 0;

        const root = easClient({ url: server.url, ...rootCredentials(server) });
        const asUser = easClient({ url: server.url, accessKeyId: user.accessKeyId, accessKeySecret: user.accessKeySecret });
        const wrongSecret = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: 'not-the-secret' });
        const ids: string[] = [];
        const expected = new Map<string, { status: number; code?: string; action: string; principal?: string }>();
        const ok = async (action: string, call: Promise<{ body: { RequestId: string } }>, principal = 'root') => {
          const id = (await call).body.RequestId;
          ids.push(id);
          expected.set(id, { status: 200, action, principal });
        };
        const fails = async (action: string, call: () => Promise<unknown>, principal?: string) => {
          const err = await expectApiError(call);
          ids.push(err.data.RequestId);
          expected.set(err.data.RequestId, { status: err.statusCode, code: err.code, action, principal });
        };
        for (let i = 0; i < 5; i++) await ok('ListResources', callEas(root, LIST));
        await ok('CreateResource', group(server));
        await ok('GetCallerIdentity', callRpc(root, '2015-04-01', 'GetCallerIdentity'));
        await fails('DescribeResource', () => callEas(root, MISSING), 'root');
        await fails('ListResources', () => callEas(wrongSecret, LIST));
        await fails('ListResources', () => callEas(asUser, LIST), user.userName);
        await fails('-', () => callEas(root, { action: 'Nothing', method: 'GET', pathname: '/api/v2/nothing-here' }));
        // The admin plane is not an API call: no line at info.
        await admin(server.url, 'GET', '/clock');

        const access = await accessLines(lines, ids.length);
        assert.equal(access.length, ids.length, 'one line per call');
        const perRequest = new Map<string, number>();
        for (const l of lines.map((x) => JSON.parse(x) as LogLine)) {
          if (l.requestId && l.level >= 30) perRequest.set(l.requestId, (perRequest.get(l.requestId) ?? 0) + 1);
        }
        assert.deepEqual(
          [...perRequest.values()].filter((n) => n !== 1),
          [],
          'no other info line for any call',
        );
        assert.equal(perRequest.size, ids.length, 'the admin call logs nothing at info');
        for (const l of access) {
          const want = expected.get(l.requestId!);
          assert.ok(want, `a line for a call that was made: ${JSON.stringify(l)}`);
          assert.equal(l.level, 30);
          assert.equal(typeof l.time, 'number');
          assert.equal(l.status, want.status);
          assert.equal(l.code, want.code);
          assert.equal(l.action, want.action);
          assert.equal(l.principal, want.principal);
          if (want.principal) assert.equal(l.accountId, server.root.accountId);
          assert.equal(typeof l.latencyMs, 'number');
          assert.ok((l.latencyMs as number) >= 0);
        }
        const byCode = (code: string) => access.find((l) => l.code === code)!;
        assert.equal(byCode('InvalidApi.NotFound').status, 404);
        assert.equal(byCode('SignatureDoesNotMatch').principal, undefined, 'a caller who is not authenticated is nobody');
        assert.equal(byCode('Forbidden.RAM').principalType, 'user');
        const log = lines.join('');
        assert.ok(!log.includes(user.accessKeySecret) && !log.includes(server.root.accessKeySecret!), 'no secret in the log');
      } finally {
        await server.close();
      }
    });

    test('on a terminal the line is readable: time, level, status, code, action, latency, who and the request id', async () => {
      const lines: string[] = [];
      const server = await startTestServer(engine, { logLevel: 'info', logFormat: 'pretty' }, capture(lines));
      try {
        const root = easClient({ url: server.url, ...rootCredentials(server) });
        const err = await expectApiError(() => callEas(root, MISSING));
        const id = err.data.RequestId;
        for (let turn = 0; turn < 2000 && !lines.some((l) => l.includes(id)); turn++) await new Promise((r) => setTimeout(r, 5));
        const line = lines.find((l) => l.includes(id))!;
        const code = err.code.replace('.', '\\.');
        const expected = `^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  404 ${code} eas DescribeResource [\\d.]+ms ${server.root.accountId} root  ${id}\\n$`;
        assert.match(line, new RegExp(expected));
      } finally {
        await server.close();
      }
    });
  });

  describe(`metrics [${engine.name}]`, () => {
    test('GET /_openeas/metrics shows calls, machines by region/status/charge, jobs, money, connections, event loop', async () => {
      const server = await startTestServer(engine, { progression: 'immediate' });
      try {
        const root = easClient({ url: server.url, ...rootCredentials(server) });
        const id = (await group(server)).body.ResourceId;
        const create = (body: Record<string, unknown>) =>
          callEas(root, {
            action: 'CreateResourceInstances',
            method: 'POST',
            pathname: `/api/v2/resources/${REGION}/${id}/instances`,
            body,
          });
        await create({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' });
        await create({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PrePaid' });
        await admin(server.url, 'PUT', '/stock', { Region: REGION, InstanceType: 'ecs.g6.xlarge', Status: 'NoStock' });
        await create({ EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        await expectApiError(() => create({ EcsInstanceType: 'ecs.nothing', EcsInstanceCount: 1, ChargeType: 'PostPaid' }));

        const { status, type, text } = await scrape(server);
        assert.equal(status, 200);
        assert.match(type ?? '', /^text\/plain/);
        const m = samples(text);
        const machines = (s: string, c: string) => m.get(`openeas_machines{region="cn-hangzhou",status="${s}",charge_type="${c}"}`);
        assert.equal(machines('Ready', 'PostPaid'), 2);
        assert.equal(machines('Ready', 'PrePaid'), 1);
        assert.equal(machines('CreateFailed', 'PostPaid'), 1);
        const calls = (status: number, code = '') =>
          m.get(`openeas_api_calls_total{product="eas",action="CreateResourceInstances",status="${status}",code="${code}"}`);
        assert.equal(calls(200), 3);
        const refusedKey = 'openeas_api_calls_total{product="eas",action="CreateResourceInstances",status="400"';
        const refused = [...m.entries()].filter(([k]) => k.startsWith(refusedKey));
        assert.equal(refused.length, 1);
        assert.equal(refused[0]![1], 1);
        assert.equal(m.get('openeas_api_call_duration_seconds_count{product="eas",action="CreateResourceInstances"}'), 4);
        assert.ok(m.has('openeas_api_call_duration_seconds_bucket{le="0.1",product="eas",action="CreateResourceInstances"}'));
        for (const state of ['due', 'overdue', 'waiting', 'failed']) assert.equal(typeof m.get(`openeas_jobs{state="${state}"}`), 'number');
        assert.equal(m.get('openeas_jobs{state="failed"}'), 0);
        assert.ok(m.get('openeas_jobs{state="waiting"}')! > 0, 'settlement and the subscription term wait');
        assert.equal(m.get('openeas_scheduler_lag_seconds'), 0);
        assert.ok(m.get('openeas_billed_cny{type="Subscription"}')! > 0, 'the PrePaid machine was billed its term');
        if (engine.name === 'postgres') assert.ok(m.get('openeas_db_pool_connections{state="total"}')! >= 1);
        // The scheduler's own poll may be waiting for the next commit at the moment of the scrape.
        else assert.equal(typeof m.get('openeas_db_queued_transactions'), 'number');
        assert.ok(m.get('nodejs_eventloop_lag_max_seconds')! >= 0);
        assert.ok(!text.includes('/_openeas'), 'admin calls are not counted as API calls');

        // Jobs that fall due while nothing runs them are due, then overdue; the lag grows with them.
        await server.services.scheduler.stop();
        await server.services.clock.advance(2 * 3600_000);
        const later = samples((await scrape(server)).text);
        assert.ok(later.get('openeas_jobs{state="overdue"}')! >= 1);
        assert.ok(later.get('openeas_scheduler_lag_seconds')! > 60);
      } finally {
        await server.close();
      }
    });

    test('the metrics are behind the admin guard', async () => {
      const server = await startTestServer(engine);
      try {
        const res = await fetch(`${server.url}/_openeas/metrics`, { headers: { origin: 'http://attacker.example' } });
        assert.equal(res.status, 403);
        assert.equal(((await res.json()) as { Code: string }).Code, 'Forbidden.Admin');
      } finally {
        await server.close();
      }
    });
  });
}

describe('pretty log lines', () => {
  test('other lines keep their message and fields; text that is not JSON passes as it is', () => {
    const time = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    const line = prettyLine(JSON.stringify({ level: 40, time, msg: 'scheduled work failed', requestId: 'R-1', attempts: 2 }));
    assert.equal(line, '03:04:05.006 WARN  scheduled work failed  R-1  attempts=2');
    assert.equal(prettyLine('not json\n'), 'not json');
  });
});
