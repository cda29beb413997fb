// First page load of the console on loopback (issue 13: under 1 s), in Debian's Chromium already
// running: a new browser context each time (empty cache, no cookies, as a private window), from
// navigation to the sign-in form being usable; the first load warms the disk cache and is not
// counted. node --import tsx bench/console-load.ts [loads]
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBenchServer } from './bench-server.ts';

const loads = Number(process.argv[2] ?? 5);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'];
const server = await startBenchServer();
const times: number[] = [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
try {
  for (let i = 0; i <= loads; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${server.url}/console/`);
      await page.getByLabel('AccessKey ID').waitFor();
      if (i > 0) times.push(performance.now() - start);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
times.sort((a, b) => a - b);
const bytes = fs
  .readdirSync('dist/console/web/assets')
  .reduce((sum, f) => sum + fs.statSync(path.join('dist/console/web/assets', f)).size, 0);
console.log(
  `console first load (empty cache, to the sign-in form): min ${times[0]!.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms over ${times.length}; assets ${(bytes / 1024).toFixed(0)} KiB`,
);
