// The API Explorer in a real browser: Debian's Chromium (/usr/bin/chromium, never downloaded) driven
// by playwright-core against a test server. The root signs in, opens RAM ListUsers, types a bad
// value and sees it refused as typed, sends the call and reads the answer (status, request id,
// latency, the signed request with its credentials redacted), then copies the SDK code and
// downloads the project. Screenshots go to test-artifacts/explorer/ (gitignored).
// Skipped, saying why, while the console is not built (dist/console/web/index.html) or Chromium is absent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { unzip } from '../support/unzip.ts';

const CHROMIUM = '/usr/bin/chromium';
const CONSOLE_INDEX = 'dist/console/web/index.html';
const ARTIFACTS = path.resolve('test-artifacts/explorer');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];

const skip = !fs.existsSync(CONSOLE_INDEX)
  ? `the console is not built (${CONSOLE_INDEX} is missing): the Explorer page is mounted by the console`
  : !fs.existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`
    : false;
if (skip) console.log(`SKIPPED: API Explorer browser test: ${skip}`);

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('API Explorer in Chromium', { skip }, () => {
  let server: TestServer;
  before(async () => {
    // SQLite: what the browser sees does not depend on the engine.
    server = await startTestServer(ENGINES[0]!);
  });
  after(() => server?.close());

  test('run RAM ListUsers from the Explorer, read the answer, copy its code and download the project', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(`${server.url}/console/`);
      await page.getByRole('button', { name: 'Sign in as the local root account' }).click();
      await page.getByRole('link', { name: 'API Explorer' }).first().click();

      // The list, searched and filtered by product.
      await page.getByLabel('Product', { exact: true }).first().click();
      await page.getByRole('option', { name: 'RAM', exact: true }).click();
      await page.getByLabel('Search operations').fill('listusers');
      await page.getByTestId('operation-ram-ListUsers').click();
      await page.getByRole('heading', { name: 'ListUsers' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/console/explorer/ram/ListUsers');

      // A range is checked as the value is typed; Send stays off until it is fixed.
      const maxItems = page.getByLabel(/^MaxItems/);
      await maxItems.fill('5000');
      await page.getByText('At most 1000').waitFor();
      await page.getByRole('button', { name: 'Send' }).click();
      assert.equal(await page.getByTestId('explorer-result').count(), 0, 'nothing was sent');
      await maxItems.fill('5');
      await shot(page, '01-form');

      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('explorer-status').getByText('HTTP 200').waitFor();
      const requestId = (await page.getByTestId('explorer-request-id').textContent()) ?? '';
      assert.match(requestId, /^[0-9A-F-]{36}$/);
      assert.match((await page.getByTestId('explorer-latency').textContent()) ?? '', /^\d+(\.\d+)? ms$/);
      const response = JSON.parse((await page.getByTestId('explorer-response').textContent()) ?? '');
      assert.equal(response.IsTruncated, false);
      assert.equal(response.RequestId, requestId);
      const requestLine = (await page.getByTestId('explorer-request-line').textContent()) ?? '';
      assert.match(requestLine, /MaxItems=5/);
      const headers = (await page.getByRole('table', { name: 'Request headers' }).textContent()) ?? '';
      assert.ok(!headers.includes(server.root.accessKeySecret!), 'no secret on the page');
      await shot(page, '02-answer');

      // The SDK code for exactly these parameters, copied to the clipboard.
      await page.getByRole('tab', { name: 'SDK code' }).click();
      const code = page.getByTestId('explorer-code');
      await code.getByText(/MaxItems: 5,/).waitFor();
      const text = (await code.textContent()) ?? '';
      assert.match(text, /client\.callApi\(params, request, runtime\)/);
      assert.match(text, /ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
      assert.ok(!text.includes(server.root.accessKeySecret!), 'no secret in the code');
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
      await shot(page, '03-code');

      await page.getByRole('tab', { name: 'Python' }).click();
      await code.getByText(/client\.call_api\(params, request, runtime\)/).waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
      assert.equal(download.suggestedFilename(), 'openeas-ram-listusers-python.zip');
      const files = unzip(fs.readFileSync(await download.path()));
      assert.ok(files.has('openeas-ram-listusers-python/alibabacloud_sample/sample.py'));
      assert.ok(files.has('openeas-ram-listusers-python/setup.py'));

      // An EAS operation by its address: ClusterId starts as the region; JSON fields are checked as typed.
      await page.goto(`${server.url}/console/explorer/eas/CreateResourceInstances`);
      await page.getByRole('heading', { name: 'CreateResourceInstances' }).waitFor();
      assert.equal(await page.getByLabel(/^ClusterId/).inputValue(), server.services.config.defaultRegion);
      const labels = page.getByLabel(/^Labels/);
      await labels.fill('{"team": ');
      await page.getByText(/^Not JSON/).waitFor();
      await labels.fill('["a"]');
      await page.getByText('Must be a JSON object, e.g. {"key": "value"}').waitFor();
      await labels.fill('{"team": "a"}');
      await page.getByText(/^Not JSON|^Must be a JSON/).waitFor({ state: 'detached' });
      // Send with required fields left empty: each one says so, and nothing is sent.
      await page.getByRole('button', { name: 'Send' }).click();
      assert.equal(
        await page.getByText('Required', { exact: true }).count(),
        4,
        'ResourceId, EcsInstanceType, EcsInstanceCount, ChargeType',
      );
      assert.equal(await page.getByTestId('explorer-result').count(), 0);
      await shot(page, '04-eas-form');
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
