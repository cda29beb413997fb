// The console's sessions and its call endpoint, over HTTP (docs/console.md): cookie flags, CSRF,
// expiry, sign-out, AccessKey sign-in verified like any key, the one-click root only on loopback,
// calls that are ordinary signed API calls (RAM, audit trail, error codes), sessions kept in the
// database (a restarted server still knows them), static files with their cache headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userWithPolicies, allow } from '../support/ram.ts';
import { admin } from '../support/admin.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  text: string;
}

function request(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      `${url}${path}`,
      { method, headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function cookieOf(answer: Answer): string {
  const set = answer.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0]!;
}

/** A signed-in session: its cookie and CSRF token. */
async function signIn(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ cookie: string; csrf: string; answer: Answer }> {
  const answer = await request(url, 'POST', '/console/api/session', headers, body);
  return { cookie: cookieOf(answer), csrf: answer.body?.CsrfToken, answer };
}

function callAs(url: string, s: { cookie: string; csrf: string }, body: unknown, headers: Record<string, string> = {}) {
  return request(url, 'POST', '/console/api/call', { cookie: s.cookie, 'x-openeas-csrf': s.csrf, ...headers }, body);
}

for (const engine of ENGINES) {
  describe(`console sessions [${engine.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(engine);
    });
    after(() => server?.close());

    test('one-click root on loopback: an HttpOnly, SameSite=Strict cookie; the row holds only a hash; calls work with the CSRF token', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      assert.equal(s.answer.status, 200);
      const set = s.answer.headers['set-cookie']![0]!;
      assert.match(set, /^openeas_console=[A-Za-z0-9_-]{43}; /);
      assert.match(set, /; HttpOnly/);
      assert.match(set, /; SameSite=Strict/);
      assert.match(set, /; Path=\/console/);
      assert.match(set, /; Max-Age=43\d{3}/, 'twelve hours by default');
      assert.equal(s.answer.body.Identity.Arn, `acs:ram::${server.root.accountId}:root`);
      assert.equal(s.answer.body.DevControls, true);
      const token = s.cookie.split('=')[1]!;
      const rows = await server.services.store.db.selectFrom('console_sessions').selectAll().execute();
      assert.ok(rows.length >= 1);
      for (const row of rows) {
        assert.notEqual(row.id, token, 'the token itself is never stored');
        assert.ok(!JSON.stringify(row).includes(server.root.accessKeySecret!), 'the secret is sealed');
      }

      const ok = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.Status, 200);
      assert.match(ok.body.RequestId, /^[0-9A-F-]{36}$/);
      assert.equal(ok.body.Request.Headers.authorization, '<redacted>');
      assert.ok(!ok.text.includes(server.root.accessKeySecret!));
      assert.deepEqual(ok.body.Body.Resources, []);
    });

    test('a mutating request without the CSRF token, or with another one, is refused', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const missing = await callAs(server.url, { cookie: s.cookie, csrf: '' }, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.Code, 'ConsoleSession.CsrfMismatch');
      const other = await signIn(server.url, { Mode: 'LocalRoot' });
      const wrong = await callAs(
        server.url,
        { cookie: s.cookie, csrf: other.csrf },
        { Product: 'eas', Action: 'ListResources', Params: {} },
      );
      assert.equal(wrong.body.Code, 'ConsoleSession.CsrfMismatch');
      const signOut = await request(server.url, 'DELETE', '/console/api/session', { cookie: s.cookie });
      assert.equal(signOut.body.Code, 'ConsoleSession.CsrfMismatch', 'signing out needs it too');
      // A page of another origin cannot sign in (and a form post is not JSON).
      const foreign = await signIn(server.url, { Mode: 'LocalRoot' }, { origin: 'http://evil.example' });
      assert.equal(foreign.answer.status, 403);
      assert.equal(foreign.answer.body.Code, 'ConsoleSession.ForeignOrigin');
      const form = await request(
        server.url,
        'POST',
        '/console/api/session',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'Mode=LocalRoot',
      );
      assert.equal(form.status, 415);
    });

    test('an expired session is refused and its cookie cleared; a signed-out one is gone', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      await server.services.store.db
        .updateTable('console_sessions')
        .set({ expires_at: Date.now() - 1 })
        .execute();
      const expired = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(expired.status, 401);
      assert.equal(expired.body.Code, 'ConsoleSession.Required');
      assert.match(String(expired.headers['set-cookie']?.[0]), /^openeas_console=; Max-Age=0/);
      const view = await request(server.url, 'GET', '/console/api/session', { cookie: s.cookie });
      assert.equal(view.body.SignedIn, false);

      // Signing in again from the same browser ends the earlier sign-in.
      const first = await signIn(server.url, { Mode: 'LocalRoot' });
      const again = await signIn(server.url, { Mode: 'LocalRoot' }, { cookie: first.cookie });
      assert.equal((await request(server.url, 'GET', '/console/api/session', { cookie: first.cookie })).body.SignedIn, false);
      assert.equal((await request(server.url, 'GET', '/console/api/session', { cookie: again.cookie })).body.SignedIn, true);

      const t = await signIn(server.url, { Mode: 'LocalRoot' });
      const out = await request(server.url, 'DELETE', '/console/api/session', { cookie: t.cookie, 'x-openeas-csrf': t.csrf });
      assert.equal(out.status, 200);
      assert.match(String(out.headers['set-cookie']?.[0]), /Max-Age=0/);
      const after = await callAs(server.url, t, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(after.body.Code, 'ConsoleSession.Required');
    });

    test('AccessKey sign-in: a wrong secret is refused as the gateway refuses it; a RAM user acts under its policies', async () => {
      const user = await userWithPolicies(server, [allow('eas:ListResources')]);
      const wrong = await signIn(server.url, { AccessKeyId: user.accessKeyId, AccessKeySecret: `${user.accessKeySecret}x` });
      assert.equal(wrong.answer.status, 400);
      assert.equal(wrong.answer.body.Code, 'SignatureDoesNotMatch');
      assert.equal(wrong.answer.headers['set-cookie'], undefined);
      const unknown = await signIn(server.url, { AccessKeyId: 'LTAI5tNoSuchKey000000000', AccessKeySecret: 'x' });
      assert.equal(unknown.answer.body.Code, 'InvalidAccessKeyId.NotFound');

      const s = await signIn(server.url, { AccessKeyId: user.accessKeyId, AccessKeySecret: user.accessKeySecret });
      assert.equal(s.answer.status, 200);
      assert.equal(s.answer.body.Identity.IdentityType, 'RAMUser');
      assert.equal(s.answer.body.DevControls, false, 'development controls are for the local root only');
      const allowed = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(allowed.body.Status, 200);
      const denied = await callAs(server.url, s, {
        Product: 'eas',
        Action: 'CreateResource',
        Params: { ResourceType: 'Dedicated', EcsInstanceType: 'ecs.c6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
      });
      assert.equal(denied.status, 200, 'the console answered');
      assert.equal(denied.body.Status, 403, 'the gateway refused');
      assert.equal(denied.body.Body.AccessDeniedDetail.AuthAction, 'eas:CreateResource');
    });

    test('the one-click root is refused off loopback: a foreign Host (DNS rebinding) or an unknown proxy', async () => {
      const rebound = await signIn(server.url, { Mode: 'LocalRoot' }, { host: 'console.attacker.example' });
      assert.equal(rebound.answer.status, 403);
      assert.equal(rebound.answer.body.Code, 'ConsoleSession.NotLoopback');
      const proxied = await signIn(server.url, { Mode: 'LocalRoot' }, { 'x-forwarded-for': '203.0.113.7' });
      assert.equal(proxied.answer.body.Code, 'ConsoleSession.NotLoopback');
      const view = await request(server.url, 'GET', '/console/api/session', { host: 'console.attacker.example' });
      assert.equal(view.body.LocalRootAvailable, false);
      // A local-root session taken elsewhere does not act from there either.
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const away = await callAs(
        server.url,
        s,
        { Product: 'eas', Action: 'ListResources', Params: {} },
        { 'x-forwarded-for': '203.0.113.7' },
      );
      assert.equal(away.body.Code, 'ConsoleSession.NotLoopback');
    });

    test('unknown products and actions are named; RPC products are reached by their registrations', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const product = await callAs(server.url, s, { Product: 'ecs', Action: 'DescribeInstances', Params: {} });
      assert.equal(product.status, 400);
      assert.equal(product.body.Code, 'ConsoleCall.UnknownProduct');
      const action = await callAs(server.url, s, { Product: 'ram', Action: 'NoSuchAction', Params: {} });
      assert.equal(action.body.Code, 'ConsoleCall.UnknownAction');
      for (const [p, a] of [
        ['ram', 'ListUsers'],
        ['sts', 'GetCallerIdentity'],
        ['bss', 'QueryAccountBalance'],
        ['actiontrail', 'LookupEvents'],
      ]) {
        const r = await callAs(server.url, s, { Product: p, Action: a, Params: {} });
        assert.equal(r.body.Status, 200, `${p} ${a}: ${r.text}`);
      }
      const missing = await callAs(server.url, s, { Product: 'eas', Action: 'DescribeResource', Params: {} });
      assert.equal(missing.body.Code, 'MissingParameter');
    });

    test('the front end: / from a browser goes to /console/; hashed assets are immutable, index.html is not cached', async () => {
      const home = await request(server.url, 'GET', '/', { accept: 'text/html' });
      assert.equal(home.status, 302);
      assert.equal(home.headers.location, '/console/');
      const index = await request(server.url, 'GET', '/console/', { 'accept-encoding': 'gzip' });
      assert.equal(index.status, 200);
      assert.equal(index.headers['cache-control'], 'no-cache');
      assert.match(String(index.headers['content-security-policy']), /script-src 'self'/);
      const plain = await request(server.url, 'GET', '/console/groups/cn-hangzhou/eas-r-x');
      assert.match(plain.text, /<div id="root">/, 'client-side routes get index.html');
      const asset = /src="\/console\/(assets\/[^"]+\.js)"/.exec(plain.text)![1]!;
      const js = await request(server.url, 'GET', `/console/${asset}`);
      assert.equal(js.status, 200);
      assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(js.headers['content-type']), /^text\/javascript/);
      const gone = await request(server.url, 'GET', '/console/assets/nope-123.js');
      assert.equal(gone.status, 404);
      // RPC calls at / keep working (they are not browser visits).
      const rpc = await request(server.url, 'GET', '/', {});
      assert.equal(rpc.body.Code, 'InvalidProduct.NotFound');
      // The console's own requests are not API calls in the metrics; the calls it makes are.
      const metrics = (await request(server.url, 'GET', '/_openeas/metrics')).text;
      assert.doesNotMatch(metrics, /product="console"|product="-",action="-",status="200"/);
      assert.match(metrics, /product="eas",action="ListResources"/);
    });

    test('why machines failed: shown to a caller who may describe the group, not to one who may not', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      await admin(server.url, 'POST', '/faults', { Kind: 'CreateFailure', Count: 1, Reason: 'InjectedFault: the rack caught fire' });
      const created = await callAs(server.url, s, {
        Product: 'eas',
        Action: 'CreateResource',
        Params: { ResourceType: 'Dedicated', EcsInstanceType: 'ecs.c6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
      });
      assert.equal(created.body.Status, 200, created.text);
      const group = created.body.Body.ResourceId;
      const [machine] = created.body.Body.InstanceIds;
      await admin(server.url, 'POST', '/clock/advance', { Seconds: 60 });
      const failures = await request(server.url, 'GET', `/console/api/machine-failures?Region=cn-hangzhou&ResourceId=${group}`, {
        cookie: s.cookie,
      });
      assert.equal(failures.status, 200);
      assert.match(failures.body.Failures[machine], /the rack caught fire/);

      const user = await userWithPolicies(server, []);
      const u = await signIn(server.url, { AccessKeyId: user.accessKeyId, AccessKeySecret: user.accessKeySecret });
      const denied = await request(server.url, 'GET', `/console/api/machine-failures?Region=cn-hangzhou&ResourceId=${group}`, {
        cookie: u.cookie,
      });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.AccessDeniedDetail.AuthAction, 'eas:DescribeResource');
    });

    test('parameters are laid out as the SDK would: path, simple lists, JSON objects, body fields at the top level', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const call = async (Action: string, Params: Record<string, unknown>) => {
        const r = await callAs(server.url, s, { Product: 'eas', Action, Params });
        assert.equal(r.body.Status, 200, `${Action}: ${r.text}`);
        return r.body;
      };
      const created = await call('CreateResource', {
        ResourceType: 'Dedicated',
        EcsInstanceType: 'ecs.c6.large',
        EcsInstanceCount: 2,
        ChargeType: 'PostPaid',
        Labels: { team: 'a' },
      });
      const group = created.Body.ResourceId;
      const [first, second] = created.Body.InstanceIds;
      const where = { ClusterId: 'cn-hangzhou', ResourceId: group };
      const labelled = await call('UpdateResourceInstanceLabel', { ...where, InstanceIds: [first], Labels: { tier: 'gold', zone: 'x' } });
      assert.match(labelled.Request.Url, new RegExp(`InstanceIds=${first}(&|$)`), 'a simple-style list is comma-joined');
      const byLabel = await call('ListResourceInstances', { ...where, Label: { tier: 'gold' } });
      assert.deepEqual(
        byLabel.Body.Instances.map((m: { InstanceId: string }) => m.InstanceId),
        [first],
      );
      await call('DeleteResourceInstanceLabel', { ...where, InstanceIds: [first, second], LabelKeys: ['zone'] });
      const after = await call('ListResourceInstances', { ...where, InstanceId: first });
      const labels = Object.fromEntries(
        after.Body.Instances[0].Labels.map((l: { LabelKey: string; LabelValue: string }) => [l.LabelKey, l.LabelValue]),
      );
      assert.deepEqual(labels, { team: 'a', tier: 'gold' });
      // The region of a call without ClusterId follows Region.
      const elsewhere = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {}, Region: 'cn-shanghai' });
      assert.deepEqual(elsewhere.body.Body.Resources, []);
      assert.match(elsewhere.body.Request.Url, /^http:\/\/eas\.cn-shanghai\.aliyuncs\.com\//);
    });

    test("the policy editor's check is the server's own validator", async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const check = (doc: string) =>
        request(
          server.url,
          'POST',
          '/console/api/validate-policy',
          { cookie: s.cookie, 'x-openeas-csrf': s.csrf },
          { PolicyDocument: doc },
        );
      const good = await check('{"Version":"1","Statement":[{"Effect":"Allow","Action":"eas:*","Resource":"*"}]}');
      assert.deepEqual([good.status, good.body.Valid], [200, true]);
      const bad = await check('{"Version":"1","Statement":[{"Effect":"Maybe","Action":"eas:*","Resource":"*"}]}');
      assert.equal(bad.body.Valid, false);
      assert.equal(bad.body.Code, 'InvalidParameter.PolicyDocument');
      assert.match(bad.body.Message, /Effect/);
      const noCsrf = await request(server.url, 'POST', '/console/api/validate-policy', { cookie: s.cookie }, { PolicyDocument: '{}' });
      assert.equal(noCsrf.body.Code, 'ConsoleSession.CsrfMismatch');
    });

    test('a second server on the same database knows the sessions of the first', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      const other = await startTestServer(engine, {
        dataDir: server.dataDir,
        databaseUrl: server.databaseUrl,
        rootAccessKeyId: server.root.accessKeyId,
        rootAccessKeySecret: server.eas.accessKeySecret,
      });
      try {
        const ok = await callAs(other.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
        assert.equal(ok.body.Status, 200, ok.text);
        const out = await request(other.url, 'DELETE', '/console/api/session', { cookie: s.cookie, 'x-openeas-csrf': s.csrf });
        assert.equal(out.status, 200);
        const gone = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
        assert.equal(gone.body.Code, 'ConsoleSession.Required', 'signed out on one server, out on all');
      } finally {
        await other.close();
      }
    });

    test('sessions live in the database: a restarted server still knows them', async () => {
      const s = await signIn(server.url, { Mode: 'LocalRoot' });
      server = await server.restart();
      const view = await request(server.url, 'GET', '/console/api/session', { cookie: s.cookie });
      assert.equal(view.body.SignedIn, true);
      const ok = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(ok.body.Status, 200);
    });
  });
}

describe('console secrets stay out of the logs', () => {
  test('at trace level, no line carries the signed-in secret, the session token or the CSRF token', async () => {
    const lines: string[] = [];
    const server = await startTestServer(
      ENGINES[0]!,
      { logLevel: 'trace' },
      { logStream: { write: (line: string) => void lines.push(line) } },
    );
    try {
      const user = await userWithPolicies(server, [allow('eas:ListResources')]);
      const wrong = await signIn(server.url, { AccessKeyId: user.accessKeyId, AccessKeySecret: 'not-the-secret-123' });
      assert.equal(wrong.answer.body.Code, 'SignatureDoesNotMatch');
      const s = await signIn(server.url, { AccessKeyId: user.accessKeyId, AccessKeySecret: user.accessKeySecret });
      const ok = await callAs(server.url, s, { Product: 'eas', Action: 'ListResources', Params: {} });
      assert.equal(ok.body.Status, 200);
      const token = s.cookie.split('=')[1]!;
      const log = lines.join('');
      assert.ok(
        log.includes('"action":"ListResources"') && log.includes('console request'),
        'the calls and the console requests are logged',
      );
      for (const secret of [user.accessKeySecret, 'not-the-secret-123', token, s.csrf])
        assert.ok(!log.includes(secret), `${secret} is not logged`);
    } finally {
      await server.close();
    }
  });
});
