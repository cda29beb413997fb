// Bad input is the client's error on both engines: NUL characters and lone surrogates anywhere
// (path ids, filters, labels, RAM and BSS parameters, even the AccessKeyId) get InvalidParameter
// naming the parameter; integers have bounds; malformed URLs and requests the HTTP parser refuses
// get Alibaba's envelope with a request id. (The fuzzer, test/adversarial, covers every operation.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, tempDataDir, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, encodePath, expectApiError } from '../support/client.ts';

const REGION = 'cn-hangzhou';

/** One request written as raw bytes; the answer's status, headers and JSON body. */
function raw(url: string, text: string): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(text));
    let out = '';
    socket.on('data', (c) => (out += String(c)));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = out.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
    });
  });
}

function assertEnvelope(r: { status: number; headers: Record<string, string>; body: any }, status: number, code: string): void {
  assert.equal(r.status, status);
  assert.equal(r.body.Code, code);
  for (const f of ['RequestId', 'HostId', 'Message', 'Recommend']) assert.equal(typeof r.body[f], 'string', f);
  assert.equal(r.headers['x-acs-request-id'], r.body.RequestId);
}

for (const engine of ENGINES) {
  describe(`input hygiene (${engine.name})`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    before(async () => {
      server = await startTestServer(engine);
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(async () => {
      await server.close();
    });

    const rejects = async (call: () => Promise<unknown>, name: string) => {
      const err = await expectApiError(call);
      assert.equal(err.statusCode, 400, err.message);
      assert.equal(err.code, 'InvalidParameter');
      assert.match(err.data.Message, new RegExp(`"${name.replace(/[.?]/g, '\\$&')}"`));
    };

    test('NUL and lone surrogates in EAS path ids, filters, labels and client tokens get InvalidParameter', async () => {
      await rejects(
        () =>
          callEas(client, {
            action: 'DescribeResource',
            method: 'GET',
            pathname: `/api/v2/resources/${REGION}/${encodePath('eas-r-\u0000x')}`,
          }),
        'ResourceId',
      );
      await rejects(
        () =>
          callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources', query: { ResourceName: 'a\u0000' } }),
        'ResourceName',
      );
      await rejects(
        () => callEas(client, { action: 'ListResources', method: 'GET', pathname: '/api/v2/resources', query: { ClientToken: '\u0000' } }),
        'ClientToken',
      );
      await rejects(
        () =>
          callEas(client, {
            action: 'CreateResource',
            method: 'POST',
            pathname: '/api/v2/resources',
            body: {
              ResourceType: 'SelfManaged',
              ResourceName: 'x',
              SelfManagedResourceOptions: { ExternalClusterId: 'c', NodeMatchLabels: { pool: 'gpu\ud800' } },
            },
          }),
        'SelfManagedResourceOptions.NodeMatchLabels.pool',
      );
      await rejects(
        () =>
          callEas(client, {
            action: 'CreateResource',
            method: 'POST',
            pathname: '/api/v2/resources',
            body: { ResourceType: 'SelfManaged', Labels: { ['k\u0000']: 'v' } },
          }),
        'Labels.k?',
      );
    });

    test('NUL in RAM, STS and BSS parameters gets InvalidParameter', async () => {
      await rejects(() => callRpc(client, '2015-05-01', 'CreateUser', { UserName: 'u1', Comments: 'c\u0000' }), 'Comments');
      await rejects(() => callRpc(client, '2015-05-01', 'GetUser', { UserName: '\u0000' }), 'UserName');
      await rejects(() => callRpc(client, '2017-12-14', 'GetOrderDetail', { OrderId: '1\u0000' }), 'OrderId');
      await rejects(
        () => callRpc(client, '2017-12-14', 'RenewInstance', { ProductCode: 'eas', InstanceId: '\u0000', RenewPeriod: 1 }),
        'InstanceId',
      );
    });

    test('a NUL in the AccessKeyId is refused before authentication reads the key store', async () => {
      const bad = easClient({ url: server.url, accessKeyId: 'LTAI\u0000', accessKeySecret: 'x', signatureAlgorithm: 'v2' });
      await rejects(() => callRpc(bad, '2015-05-01', 'ListUsers'), 'AccessKeyId');
    });

    test('integers out of range get InvalidParameter, not an overflowing page offset', async () => {
      for (const action of ['QueryOrders', 'QueryBill']) {
        const err = await expectApiError(() =>
          callRpc(client, '2017-12-14', action, { BillingCycle: '2026-01', PageNum: '99999999999999999999' }),
        );
        assert.equal(err.statusCode, 400, `${action}: ${err.message}`);
        assert.equal(err.code, 'InvalidParameter');
        assert.match(err.data.Message, /"PageNum"/);
      }
      const ok = await callRpc(client, '2017-12-14', 'QueryOrders', { PageNum: 2147483647 });
      assert.equal(ok.body.Data.OrderList.Order.length, 0);
    });

    test('admin numbers have bounds, and counts are whole', async () => {
      const post = async (method: string, path: string, body: unknown) => {
        const res = await fetch(`${server.url}/_openeas${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, code: (await res.json()).Code };
      };
      const account = server.root.accountId;
      for (const [method, path, body] of [
        ['POST', '/faults', { Kind: 'CreateFailure', Region: 'xx-nowhere', Count: 1.5 }],
        ['PUT', '/stock', { Region: REGION, InstanceType: 'ecs.g6.large', Available: 2 ** 53 + 2 }],
        ['PUT', `/accounts/${account}/quota`, { Region: 'cn-shanghai', Instances: 0.5 }],
        ['POST', '/clock/advance', { seconds: 1e20 }],
        ['POST', '/ram/simulate', { Principal: `acs:ram::${account}:user/a\u0000`, Action: 'eas:ListResources' }],
      ] as const) {
        assert.deepEqual(await post(method, path, body), { status: 400, code: 'InvalidParameter' }, `${method} ${path}`);
      }
    });

    test('malformed URLs and requests the HTTP parser refuses get the envelope with a request id', async () => {
      const host = new URL(server.url).host;
      const get = (path: string) => raw(server.url, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assertEnvelope(await get('/api/v2/resources/%ZZ'), 400, 'InvalidUrl');
      assertEnvelope(await get(`/api/v2/resources/${REGION}/${'a'.repeat(101)}`), 400, 'InvalidUrl');
      assertEnvelope(await get(`/api/v2/resources?x=${'a'.repeat(20_000)}`), 431, 'RequestHeaderTooLarge');
      assertEnvelope(await raw(server.url, 'HELLO\r\n\r\n'), 400, 'InvalidHttpRequest');
    });
  });
}

describe('a client that aborts its upload', () => {
  test('is logged as an aborted request, not as a failed one', async () => {
    const BIN = fileURLToPath(new URL('../../bin/openeas.js', import.meta.url));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENEAS_')));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', tempDataDir(), '--log-level', 'info'], { env });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    try {
      const url = await poll('the server to listen', () => /listening on (http:\/\/\S+)/.exec(stdout)?.[1]);
      const u = new URL(url);
      const socket = net.connect(Number(u.port), u.hostname);
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      socket.write(
        `POST /api/v2/resources HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"ResourceName":`,
      );
      // Hangs up once the headers and part of the body are on their way: the server reads them, then the close.
      await new Promise<void>((resolve) => socket.once('drain', resolve).write('', () => resolve()));
      socket.destroy();
      await poll('the abort to be logged', () => (/client aborted the request/.test(stdout) ? true : undefined));
      assert.doesNotMatch(stdout, /"level":50/, 'no error-level line');
      assert.doesNotMatch(stdout, /InternalError|request failed/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

/** Polls `read` until it gives a value, for at most `tries` × 50 ms (generous: a loaded machine starts slowly). */
async function poll<T>(what: string, read: () => T | undefined, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = read();
    if (v !== undefined) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}
