// The web console in a real browser: Debian's Chromium (/usr/bin/chromium, installed by .ci/run,
// never downloaded) driven by playwright-core against a test server. Flows a user of dedicated
// resource groups goes through: sign in (by keyboard), create a group, add PrePaid and PostPaid
// machines and watch them become Ready, cordon one, try to delete a PrePaid machine and read
// Alibaba's refusal; a RAM user without rights reads the explained denial. Screenshots go to
// test-artifacts/console/ (gitignored). The first page load on loopback is measured and printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userWithPolicies } from '../support/ram.ts';
import { admin } from '../support/admin.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/console');
const MACHINE_TYPE = 'ecs.c6.large';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.log(`SKIPPED: the console's browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

/** A fresh browser profile (its own --user-data-dir): no cookies from another test. */
async function freshBrowser(): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Picks an option of a Mantine Select by its label. */
async function pick(page: Page, label: string | RegExp, option: string | RegExp): Promise<void> {
  await page.getByLabel(label).first().click();
  await page.getByRole('option', { name: option }).first().click();
}

async function orderMachines(page: Page, chargeType: 'PrePaid' | 'PostPaid', count: number): Promise<void> {
  await pick(page, /Machine type/, new RegExp(`^${MACHINE_TYPE.replaceAll('.', '\\.')} `));
  await page.getByLabel(/Count/).first().fill(String(count));
  await page.getByText(chargeType === 'PrePaid' ? 'Subscription (PrePaid)' : 'Pay-as-you-go (PostPaid)').click();
  // The live price from the catalog follows the choice.
  await page
    .getByTestId('order-price')
    .getByText(chargeType === 'PrePaid' ? /per month, paid now/ : /per hour/)
    .waitFor();
}

/** Rows of the machines table: id → status. */
async function machineStatuses(page: Page): Promise<Map<string, { status: string; chargeType: string }>> {
  const rows = await page
    .locator('[data-testid="machines-table"] tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-instance-id') ?? '',
        tr.querySelector('[data-status]')?.getAttribute('data-status') ?? '',
        tr.getAttribute('data-charge-type') ?? '',
      ]),
    );
  return new Map(rows.map(([id, status, chargeType]) => [id!, { status: status!, chargeType: chargeType! }]));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Text whose contrast with what is behind it is under WCAG AA's 4.5:1: the elements' computed colour
 * against their background, semi-transparent backgrounds blended over their parents' (as Mantine's
 * light badges are).
 */
// Plain text, evaluated in the page: tsx would wrap named functions in a helper the page lacks.
const LOW_CONTRAST = `(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || ['0', '0', '0', '0']).map(Number);
  const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const blend = (c, a, under) => [0, 1, 2].map((i) => c[i] * a + under[i] * (1 - a));
  const backgroundOf = (el) => {
    if (!el) return [255, 255, 255];
    const [r, g, b, a = 1] = parse(getComputedStyle(el).backgroundColor);
    return a >= 1 ? [r, g, b] : blend([r, g, b], a, backgroundOf(el.parentElement));
  };
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    const [r, g, b, a = 1] = parse(getComputedStyle(el).color);
    const bg = backgroundOf(el);
    const [hi, lo] = [luminance(blend([r, g, b], a, bg)), luminance(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) problems.push(el.textContent.trim().slice(0, 40) + ': ' + ratio.toFixed(2) + ':1');
  }
  return problems;
}`;

async function lowContrast(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`(${LOW_CONTRAST})(${JSON.stringify(selector)})`) as Promise<string[]>;
}

const engine = ENGINES[0]!; // SQLite: what the browser sees does not depend on the engine (the API tests cover both)

describe('web console in Chromium', { skip: !haveChromium && `no Chromium at ${CHROMIUM}` }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(engine, { provisionSeconds: 1, serviceStartSeconds: 1 });
  });
  after(() => server?.close());

  test('the root signs in, creates a group, orders PostPaid and PrePaid machines, watches them become Ready, cordons one, is refused deleting a PrePaid one', async () => {
    const browser = await freshBrowser();
    const { page } = browser;
    try {
      // The first load (empty cache, the browser itself already up): / from a browser goes to the console.
      await page.goto('about:blank');
      const started = Date.now();
      await page.goto(`${server.url}/`, { waitUntil: 'load' });
      await page.getByRole('button', { name: 'Sign in as the local root account' }).waitFor();
      const firstLoadMs = Date.now() - started;
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { domContentLoaded: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd) };
      });
      console.log(`first page load on loopback: ${firstLoadMs} ms to the sign-in form (navigation timing ${JSON.stringify(timing)})`);
      assert.equal(new URL(page.url()).pathname, '/console/');
      await shot(page, '01-sign-in');

      // Labels: the AccessKey fields are reachable by their labels.
      await page.getByLabel('AccessKey ID').waitFor();
      await page.getByLabel('AccessKey secret').waitFor();
      // Keyboard: the one-click sign-in is the first thing Tab reaches, and Enter uses it.
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
      assert.match(focused, /Sign in as the local root account/);
      await page.keyboard.press('Enter');
      await page.getByTestId('identity').getByText(`acs:ram::${server.root.accountId}:root`).waitFor();
      await shot(page, '02-groups-empty');

      // Create a group with one PostPaid machine.
      await page.getByRole('button', { name: 'Create resource group' }).click();
      await page.getByTestId('group-name').fill('browser_group');
      await orderMachines(page, 'PostPaid', 1);
      await shot(page, '03-create-group');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('heading', { name: 'browser_group' }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/console\/groups\/cn-hangzhou\/eas-r-/);

      // Add a PrePaid machine.
      await page.getByRole('button', { name: 'Add machines' }).click();
      await orderMachines(page, 'PrePaid', 1);
      await page.getByTestId('order-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });

      // The badges follow the machines from Attaching to Ready without a reload.
      const seen = new Set<string>();
      const machines = await waitFor('two Ready machines', async () => {
        const m = await machineStatuses(page);
        for (const { status } of m.values()) seen.add(status);
        return m.size === 2 && [...m.values()].every((x) => x.status === 'Ready') ? m : undefined;
      });
      await page.getByTestId('provision-progress').getByText('2 of 2 machines Ready').waitFor();
      await shot(page, '04-machines-ready');
      // Contrast: status badges, table headers and cells, navigation, headings, secondary text.
      assert.deepEqual(await lowContrast(page, '[data-status], th, td, nav a, h1, h2, p'), []);
      assert.ok(seen.has('Ready'));

      // Cordon the PostPaid machine.
      const postPaid = [...machines].find(([, m]) => m.chargeType === 'PostPaid')![0];
      const prePaid = [...machines].find(([, m]) => m.chargeType === 'PrePaid')![0];
      await page.getByRole('button', { name: `Actions for ${postPaid}` }).click();
      await page.getByRole('menuitem', { name: 'Cordon' }).click();
      await waitFor('the cordon', async () =>
        (await machineStatuses(page)).get(postPaid)?.status === 'Ready-SchedulingDisabled' ? true : undefined,
      );
      await shot(page, '05-cordoned');

      // Deleting a PrePaid machine: Alibaba refuses, and the console says so.
      await page.getByRole('button', { name: `Actions for ${prePaid}` }).click();
      await page.getByRole('menuitem', { name: 'Delete machine' }).click();
      await page.getByTestId('confirm-delete-machine').click();
      const refusal = page.getByRole('dialog').getByTestId('error-alert');
      await refusal.getByText('ChargeTypeViolation').first().waitFor();
      await shot(page, '06-prepaid-delete-refused');
      assert.equal((await machineStatuses(page)).get(prePaid)?.status, 'Ready', 'the PrePaid machine stays');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });

      // A machine that fails to be created shows why, and "Delete all failed" clears it.
      await admin(server.url, 'POST', '/faults', { Kind: 'CreateFailure', Count: 1, Reason: 'InjectedFault: no power in the rack' });
      await page.getByRole('button', { name: 'Add machines' }).click();
      await orderMachines(page, 'PostPaid', 1);
      await page.getByTestId('order-submit').click();
      await page.getByTestId('failure-reason').getByText('no power in the rack').waitFor();
      await shot(page, '06b-create-failed');
      await page.getByRole('button', { name: 'Delete all failed (1)' }).click();
      await waitFor('the failed machine to go', async () => ((await machineStatuses(page)).size === 2 ? true : undefined));
    } catch (e) {
      await shot(page, 'failure-root-flow').catch(() => {});
      throw e;
    } finally {
      await browser.close();
    }
  });

  test('the root deploys a service and sees its instance on a machine; billing, activity, the RAM policy editor and the clock', async () => {
    const browser = await freshBrowser();
    const { page } = browser;
    try {
      await page.goto(`${server.url}/console/`);
      await page.getByRole('button', { name: 'Sign in as the local root account' }).click();
      await page.getByRole('link', { name: 'browser_group' }).click();
      await page.getByRole('heading', { name: 'browser_group' }).waitFor();
      const groupUrl = page.url();

      // Services: the JSON editor checks as you type; a valid document deploys.
      await page.getByRole('link', { name: 'Services' }).click();
      await page.getByRole('button', { name: 'Create service' }).click();
      const editor = page.getByTestId('service-json');
      await editor.waitFor();
      await page.waitForFunction(() =>
        (document.querySelector('[data-testid="service-json"]') as HTMLTextAreaElement)?.value.includes('eas-r-'),
      );
      const template = await editor.inputValue();
      await editor.fill(template.replace('"cpu": 1', '"cpu": "one"'));
      await page.getByText('metadata.cpu: required, an integer from 1 to 512.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Deploy' }).isDisabled(), true);
      await editor.fill(template);
      await page.getByRole('button', { name: 'Deploy' }).click();
      await page.locator('[data-service="my_service"]').waitFor();
      await shot(page, '09-services');

      // Its instance shows on a machine of the group, Pending then Running.
      await page.goto(groupUrl);
      await page.getByRole('tab', { name: 'Services and placement' }).click();
      await page.getByTestId('placement-table').locator('[data-status="Running"]').first().waitFor({ timeout: 60_000 });
      await shot(page, '10-placement');

      // Billing: the balance and the charts.
      await page.getByRole('link', { name: 'Billing' }).click();
      await page.getByTestId('balance').getByText(/CNY/).waitFor();
      await shot(page, '11-billing');

      // Activity: the console's own calls are in the audit trail.
      await page.getByRole('link', { name: 'Activity' }).click();
      await page.getByTestId('events-table').getByText('CreateService').first().waitFor();
      await shot(page, '12-activity');

      // RAM: the policy editor asks the server's validator.
      await page.getByRole('link', { name: 'RAM' }).click();
      await page.getByRole('tab', { name: 'Policies' }).click();
      await page
        .getByTestId('policy-json')
        .fill('{"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "eas:*", "Resource": "*"}]}');
      await page
        .getByText(/InvalidParameter\.PolicyDocument/)
        .first()
        .waitFor();
      await shot(page, '13-policy-editor');

      // The API Explorer has its route (its own tests are the Explorer's).
      await page.getByRole('link', { name: 'API Explorer' }).click();
      await page.waitForURL(/\/console\/explorer$/);
      assert.equal(await page.getByText('There is no console page').count(), 0);

      // Development controls: the clock moves a month.
      await page.getByRole('link', { name: 'Development controls' }).click();
      const before = await page.getByTestId('business-time').textContent();
      await page.getByRole('button', { name: 'Advance a month' }).click();
      await page
        .getByRole('status')
        .getByText(/Advanced 30 days/)
        .waitFor();
      await waitFor('the clock', async () => ((await page.getByTestId('business-time').textContent()) !== before ? true : undefined));
      await shot(page, '14-dev-controls');
    } catch (e) {
      await shot(page, 'failure-services-flow').catch(() => {});
      throw e;
    } finally {
      await browser.close();
    }
  });

  test('a RAM user without rights signs in with an AccessKey and reads the explained denial', async () => {
    const user = await userWithPolicies(server, []);
    const browser = await freshBrowser();
    const { page } = browser;
    try {
      await page.goto(`${server.url}/console/`);
      await page.getByLabel('AccessKey ID').fill(user.accessKeyId);
      await page.getByLabel('AccessKey secret').fill(`${user.accessKeySecret}x`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('error-alert').getByText('SignatureDoesNotMatch').first().waitFor();
      await shot(page, '07-wrong-secret');

      await page.getByLabel('AccessKey secret').fill(user.accessKeySecret);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('identity').getByText(`user/${user.userName}`).waitFor();
      const denial = page.getByTestId('error-alert').first();
      await denial
        .getByText(/Forbidden\.RAM|NoPermission/)
        .first()
        .waitFor();
      const detail = await page.getByTestId('access-denied-detail').first().textContent();
      assert.match(detail ?? '', /eas:ListResources/);
      assert.match(detail ?? '', /implicit deny/);
      await shot(page, '08-ram-denial');
    } catch (e) {
      await shot(page, 'failure-ram-flow').catch(() => {});
      throw e;
    } finally {
      await browser.close();
    }
  });
});
