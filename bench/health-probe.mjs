#!/usr/bin/env node
// Samples GET /_openeas/health latency (one request at a time, every 20 ms) and a process's RSS
// (every 100 ms) until its stdin closes, then prints the figures as JSON. A process of its own,
// so that the load generator's busy event loop does not count as the server's latency.
//   node bench/health-probe.mjs <server url> <server pid>
import fs from 'node:fs';
import http from 'node:http';

const [url, pidText] = process.argv.slice(2);
const pid = Number(pidText);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const latencies = [];
let failures = 0;
let maxRssMb = 0;
let running = true;

const rss = () => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
const rssTimer = setInterval(() => {
  maxRssMb = Math.max(maxRssMb, rss());
}, 100);
process.stdin.on('end', () => {
  running = false;
});
process.stdin.resume();
process.stdout.write('ready\n');

while (running) {
  const t0 = process.hrtime.bigint();
  const status = await new Promise((resolve) => {
    http
      .get(`${url}/_openeas/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', () => resolve(0));
  });
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (status !== 200) failures++;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
clearInterval(rssTimer);
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({ samples: latencies.length, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? 0, failures, maxRssMb }) + '\n',
);
