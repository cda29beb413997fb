// `GET /` from a browser: a page that says what this server is, where its API and health check are,
// where the documentation lives and how to point an SDK at it. Only a visit that looks like a person's
// gets it (Accept names text/html; no Action, x-acs-action, Authorization or Signature): API clients at
// `/` keep getting Alibaba's answers. Everything taken from the request is escaped.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

export function isBrowserVisit(method: string, headers: IncomingHttpHeaders, params: ReadonlyMap<string, string>): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!/\btext\/html\b/i.test(String(headers.accept ?? ''))) return false;
  if (headers.authorization !== undefined || headers['x-acs-action'] !== undefined) return false;
  return !params.has('Action') && !params.has('Signature');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const DOCS: Array<[string, string]> = [
  ['README.md', 'quick start, command line and settings, the admin plane, API coverage'],
  ['docs/ARCHITECTURE.md', 'how a request travels through the server'],
  ['docs/ram.md', 'RAM users, roles, policies and STS'],
  ['docs/billing.md', 'prices, orders, metering and bills'],
  ['docs/errors.md', 'error codes and what they mean'],
  ['docs/decisions.md', "the choices made where Alibaba's documentation is silent"],
];

export interface HomePage {
  version: string;
  /** `http` or `https`, as the visitor reached the server. */
  protocol: string;
  /** The Host header the visitor sent (untrusted). */
  host: string;
}

export function renderHomePage({ version, protocol, host }: HomePage): string {
  const endpoint = `${protocol}://${host}`;
  const snippet = [
    "import OpenApi, * as $OpenApi from '@alicloud/openapi-client';",
    '',
    'const client = new OpenApi.default(new $OpenApi.Config({',
    '  accessKeyId: process.env.AK_ID, accessKeySecret: process.env.AK_SECRET,',
    `  endpoint: ${JSON.stringify(host)}, protocol: ${JSON.stringify(protocol)}, regionId: 'cn-hangzhou',`,
    '}));',
  ].join('\n');
  const docs = DOCS.map(([file, what]) => `<li><code>${escapeHtml(file)}</code>: ${escapeHtml(what)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>openeas ${escapeHtml(version)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:1rem;overflow:auto}
</style>
</head>
<body>
<h1>openeas ${escapeHtml(version)}</h1>
<p>A self-hosted PAI-EAS dedicated resource group control plane (API 2021-07-01). This address answers
Alibaba Cloud's official SDK clients; there is nothing to click here.</p>
<h2>Endpoint</h2>
<p><code>${escapeHtml(endpoint)}</code></p>
<p>Health: <a href="/_openeas/health">/_openeas/health</a>. The root AccessKey was printed when the server first started.</p>
<h2>Pointing an SDK at it</h2>
<pre><code>${escapeHtml(snippet)}</code></pre>
<p>The generated EAS SDK (<code>@alicloud/eas20210701</code>) takes the same <code>endpoint</code> and <code>protocol</code>.</p>
<h2>Documentation</h2>
<p>In the openeas source folder:</p>
<ul>
${docs}
</ul>
</body>
</html>
`;
}

export function sendHomePage(reply: FastifyReply, page: HomePage, requestId: string): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('x-acs-request-id', requestId)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('cache-control', 'no-store')
    .send(renderHomePage(page));
}
