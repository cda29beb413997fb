// `GET /` in a browser goes to the console (or, when it was not built, shows a page about the server);
// API clients at `/` keep Alibaba's answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callRpc, easClient } from '../support/client.ts';
import { renderHomePage } from '../../src/gateway/home-page.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A request with exactly these headers (fetch would not let a test set Host). */
function get(url: string, path: string, headers: Record<string, string>, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const engine of ENGINES) {
  describe(`home page [${engine.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(engine);
    });
    after(() => server.close());

    test('a browser at / goes to the console (docs/console.md)', async () => {
      const host = new URL(server.url).host;
      const res = await get(server.url, '/', { accept: BROWSER_ACCEPT, host });
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, '/console/');
      assert.match(String(res.headers['x-acs-request-id']), /^[0-9A-F-]{36}$/);
      const head = await get(server.url, '/', { accept: BROWSER_ACCEPT }, 'HEAD');
      assert.equal(head.status, 302);
      const console = await get(server.url, '/console/', { accept: BROWSER_ACCEPT, host });
      assert.equal(console.status, 200);
      assert.match(String(console.headers['content-type']), /^text\/html; charset=utf-8/);
    });

    test('without a built console, the page about the server: version, endpoint, health link, docs, an SDK snippet; what the request brings is escaped', () => {
      const page = renderHomePage({ version: '9.9.9', protocol: 'http', host: '127.0.0.1:8080' });
      assert.ok(page.includes('<h1>openeas 9.9.9</h1>'));
      assert.ok(page.includes('<code>http://127.0.0.1:8080</code>'), 'the endpoint');
      assert.ok(page.includes('<a href="/_openeas/health">'), 'the health link');
      for (const doc of ['README.md', 'docs/ARCHITECTURE.md', 'docs/ram.md', 'docs/billing.md']) assert.ok(page.includes(doc), doc);
      assert.ok(page.includes('endpoint: &quot;127.0.0.1:8080&quot;, protocol: &quot;http&quot;'), 'the SDK snippet names this endpoint');
      const hostile = renderHomePage({ version: '1', protocol: 'http', host: 'x"><script>alert(1)</script>' });
      assert.ok(!hostile.includes('<script>'), hostile);
      assert.ok(hostile.includes('x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    });

    test("API clients at / keep getting Alibaba's answers", async () => {
      const cases: Array<[string, Record<string, string>, string, number, string]> = [
        ['no Accept', {}, '/', 404, 'InvalidProduct.NotFound'],
        ['JSON Accept', { accept: 'application/json' }, '/', 404, 'InvalidProduct.NotFound'],
        ['an Action', { accept: BROWSER_ACCEPT }, '/?Action=ListUsers&Version=1999-01-01', 404, 'InvalidProduct.NotFound'],
        [
          'x-acs-action',
          { accept: BROWSER_ACCEPT, 'x-acs-action': 'ListUsers', 'x-acs-version': '2015-05-01' },
          '/',
          400,
          'MissingAuthorization',
        ],
        ['a signature', { accept: BROWSER_ACCEPT, authorization: 'ACS3-HMAC-SHA256 nonsense' }, '/', 404, 'InvalidProduct.NotFound'],
        ['a Signature parameter', { accept: BROWSER_ACCEPT }, '/?Signature=abc', 404, 'InvalidProduct.NotFound'],
      ];
      for (const [name, headers, path, status, code] of cases) {
        const res = await get(server.url, path, headers);
        assert.equal(res.status, status, name);
        assert.match(String(res.headers['content-type']), /^application\/json/, name);
        assert.equal(JSON.parse(res.body).Code, code, name);
      }
      const post = await get(server.url, '/', { accept: BROWSER_ACCEPT }, 'POST');
      assert.equal(JSON.parse(post.body).Code, 'InvalidProduct.NotFound', 'POST');
      // The official client's RPC calls at / are untouched.
      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      assert.equal((await callRpc(client, '2015-05-01', 'ListUsers')).statusCode, 200);
    });
  });
}
