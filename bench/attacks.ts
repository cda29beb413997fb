// `BENCH_SCENARIOS=attacks npm run bench`: abusive request patterns, each run against a fresh
// server while health latency and the server's RSS are sampled. Targets: GET /_openeas/health
// p99 < 100 ms and RSS < 300 MB during every attack.
//
//   - 64 concurrent ListResourceInstances PageSize=1000 (SQLite, 1,000 machines in the group)
//   - 32 concurrent 1 MB bodies, and 32 concurrent bodies of the largest legitimate size
//   - CreateResourceInstances with big UserData (1,000,000 characters, then 16 KiB x 100 machines)
//   - 12 concurrent ListResourceInstances with 200 Label keys, and with 20 (PostgreSQL, when
//     OPENEAS_BENCH_DATABASE_URL is set)
import os from 'node:os';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { runLoad, type LoadResult, type Target } from './load.ts';
import { pgSchema } from './harness.ts';

export interface AttackHarness {
  startOpeneas(dataDir: string, env?: Record<string, string>): Promise<{ child: { pid?: number }; url: string }>;
  stop(p: unknown): Promise<void>;
  tempDir(prefix: string): string;
  target(url: string, action: string, method: Target['method'], path: string, body?: () => string): Target;
  call(url: string, action: string, method: Target['method'], path: string, body?: unknown): Promise<unknown>;
  fetchGroupId(url: string): Promise<string>;
  row(name: string, value: string, verdict?: string): void;
  region: string;
}

const SECONDS = Number(process.env.BENCH_ATTACK_SECONDS ?? 8);

/** Starts bench/health-probe.mjs against the server; the returned function stops it and gives its figures. */
async function sampler(url: string, pid: number) {
  const probe = spawn(process.execPath, [new URL('./health-probe.mjs', import.meta.url).pathname, url, String(pid)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  probe.stdout!.on('data', (c) => {
    out += String(c);
  });
  await new Promise<void>((resolve) => {
    const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 10));
    check();
  });
  return async () => {
    const exited = new Promise((resolve) => probe.once('exit', resolve));
    probe.stdin!.end();
    await exited;
    return JSON.parse(out.split('\n').filter(Boolean).at(-1)!) as {
      samples: number;
      p50: number;
      p99: number;
      max: number;
      failures: number;
      maxRssMb: number;
    };
  };
}

const statusText = (r: LoadResult) =>
  Object.entries(r.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');

export async function attacks(h: AttackHarness): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const measure = async (name: string, url: string, pid: number, attack: () => Promise<LoadResult | LoadResult[]>) => {
    const stop = await sampler(url, pid);
    const load = await attack();
    const health = await stop();
    const loads = Array.isArray(load) ? load : [load];
    const ok = health.p99 < 100 && health.maxRssMb < 300 && health.failures === 0;
    // The host's load: on a shared machine, other work shows up as health latency too.
    const hostLoad = os.loadavg()[0]!.toFixed(1);
    h.row(
      name,
      `health p99 ${health.p99.toFixed(1)} ms (max ${health.max.toFixed(0)}, n ${health.samples}), RSS ≤ ${health.maxRssMb.toFixed(0)} MB, host load ${hostLoad}`,
      `${ok ? 'PASS' : 'FAIL'}; attack: ${loads.map((l) => `${l.rps.toFixed(0)} req/s ${statusText(l)}`).join(' | ')}`,
    );
    results[name] = { health, load: loads, hostLoad: os.loadavg()[0] };
  };

  // SQLite: big pages, big bodies, big UserData.
  const dataDir = h.tempDir('openeas-bench-attacks-');
  const server = await h.startOpeneas(dataDir, { OPENEAS_PROVISION_SECONDS: '3600' });
  const pid = server.child.pid!;
  try {
    await h.call(server.url, 'CreateResource', 'POST', '/api/v2/resources', {
      ResourceType: 'SelfManaged',
      ResourceName: 'attack',
      SelfManagedResourceOptions: { ExternalClusterId: 'c' },
    });
    const group = await h.fetchGroupId(server.url);
    const base = `/api/v2/resources/${h.region}/${group}`;
    for (let i = 0; i < 10; i++) {
      await h.call(server.url, 'CreateResourceInstances', 'POST', `${base}/instances`, {
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: 100,
        ChargeType: 'PostPaid',
        Labels: { team: `t${i}`, tier: 'web' },
      });
    }
    // The machine's own noise: health while nothing else runs (other work on the host shows here).
    await measure('baseline: no attack', server.url, pid, async () => {
      await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
      return { requests: 0, errors: 0, seconds: SECONDS, rps: 0, p50: 0, p99: 0, statuses: {} };
    });
    const list = h.target(server.url, 'ListResourceInstances', 'GET', `${base}/instances?PageSize=1000`);
    await measure('attack: 64 x ListResourceInstances PageSize=1000 (SQLite)', server.url, pid, () =>
      runLoad(list, { seconds: SECONDS, concurrency: 64 }),
    );

    const oneMb = JSON.stringify({
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: 1,
      ChargeType: 'PostPaid',
      UserData: 'x'.repeat(1024 * 1024),
    });
    const create = (body: string) => h.target(server.url, 'CreateResourceInstances', 'POST', `${base}/instances`, () => body);
    await measure('attack: 32 x 1 MB bodies', server.url, pid, () => runLoad(create(oneMb), { seconds: SECONDS, concurrency: 32 }));

    // The largest legitimate request: 16 KiB of UserData JSON must escape, 20 labels of the longest size.
    const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(128)]));
    const largest = JSON.stringify({
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: 1,
      ChargeType: 'PostPaid',
      UserData: '\u0001'.repeat(16 * 1024),
      Labels: labels,
    });
    await measure(`attack: 32 x largest legitimate body (${(largest.length / 1024).toFixed(0)} KiB)`, server.url, pid, () =>
      runLoad(create(largest), { seconds: SECONDS, concurrency: 32 }),
    );

    // The database's logical size (pages in use, the WAL's included): file sizes say little once
    // checkpoints run in the background and the WAL file is reused and trimmed.
    const dbBytes = () => {
      const db = new Database(`${dataDir}/openeas.db`, { readonly: true });
      try {
        const pages = Number(db.pragma('page_count', { simple: true })) - Number(db.pragma('freelist_count', { simple: true }));
        return pages * Number(db.pragma('page_size', { simple: true }));
      } finally {
        db.close();
      }
    };
    const hugeUserData = JSON.stringify({
      EcsInstanceType: 'ecs.g6.large',
      EcsInstanceCount: 100,
      ChargeType: 'PostPaid',
      UserData: 'u'.repeat(1_000_000),
    });
    await measure('attack: UserData 1,000,000 chars x 100 machines', server.url, pid, () =>
      runLoad(create(hugeUserData), { seconds: 2, concurrency: 4 }),
    );
    const before = dbBytes();
    const maxUserData = (i: number) =>
      JSON.stringify({
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: 100,
        ChargeType: 'PostPaid',
        UserData: `${i}`.padEnd(16 * 1024, 'u'),
      });
    let n = 0;
    // Orders for the whole attack time, not a fixed 20: health is sampled every 20 ms, and 20 orders
    // took well under a second, so their "p99" was the maximum of a handful of samples.
    await measure('attack: UserData 16 KiB x 100 machines, orders for the attack time', server.url, pid, () =>
      runLoad(
        h.target(server.url, 'CreateResourceInstances', 'POST', `${base}/instances`, () => maxUserData(n++)),
        { seconds: SECONDS, concurrency: 4, maxRequests: 400 },
      ),
    );
    const grown = ((dbBytes() - before) / 1024 / 1024) * (20 / Math.max(1, n));
    h.row(
      'database growth for 20 orders of 100 machines with 16 KiB UserData',
      `${grown.toFixed(1)} MB`,
      `(measured over ${n} orders; stored per machine it would be ≥ ${((20 * 100 * 16) / 1024).toFixed(0)} MB)`,
    );
    results.userDataGrowthMb = grown;
  } finally {
    await h.stop(server);
  }

  // PostgreSQL: many Label keys.
  const pgUrl = process.env.OPENEAS_BENCH_DATABASE_URL;
  if (!pgUrl) {
    h.row('attack: 12 x 200 Label keys (PostgreSQL)', 'skipped', 'set OPENEAS_BENCH_DATABASE_URL');
    return results;
  }
  const schema = await pgSchema(pgUrl);
  const pgServer = await h.startOpeneas(h.tempDir('openeas-bench-attacks-pg-'), {
    OPENEAS_PROVISION_SECONDS: '3600',
    OPENEAS_DATABASE_URL: schema.url,
  });
  try {
    await h.call(pgServer.url, 'CreateResource', 'POST', '/api/v2/resources', {
      ResourceType: 'SelfManaged',
      ResourceName: 'attack',
      SelfManagedResourceOptions: { ExternalClusterId: 'c' },
    });
    const group = await h.fetchGroupId(pgServer.url);
    const base = `/api/v2/resources/${h.region}/${group}`;
    for (let i = 0; i < 10; i++) {
      await h.call(pgServer.url, 'CreateResourceInstances', 'POST', `${base}/instances`, {
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: 100,
        ChargeType: 'PostPaid',
        Labels: Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`k${k}`, `v${i}`])),
      });
    }
    const labelQuery = (keys: number) =>
      encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, k) => [`k${k}`, '']))));
    const pid = pgServer.child.pid!;
    await measure('attack: 12 x ListResourceInstances 200 Label keys (PostgreSQL)', pgServer.url, pid, () =>
      runLoad(h.target(pgServer.url, 'ListResourceInstances', 'GET', `${base}/instances?Label=${labelQuery(200)}`), {
        seconds: SECONDS,
        concurrency: 12,
      }),
    );
    await measure('attack: 12 x ListResourceInstances 20 Label keys, PageSize=1000 (PostgreSQL)', pgServer.url, pid, () =>
      runLoad(h.target(pgServer.url, 'ListResourceInstances', 'GET', `${base}/instances?PageSize=1000&Label=${labelQuery(20)}`), {
        seconds: SECONDS,
        concurrency: 12,
      }),
    );
  } finally {
    await h.stop(pgServer);
    await schema.drop();
  }
  return results;
}
