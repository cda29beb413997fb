// The `services` bench scenario (issue 12, "Speed"), on SQLite, server in this process so that
// every SQL statement it runs is counted (better-sqlite3's statement methods are wrapped; the
// transaction's begin/commit are not counted):
//   1. placing 10,000 instances of 100 services onto 1,000 machines (100 CreateService calls);
//   2. draining a machine with 50 workers (one UpdateResourceInstance Drain, one transaction);
//   3. ListServiceInstances and ListResourceInstanceWorker pages with 100,000 instances stored;
//   4. CreateResourceInstances and ListResourceInstances in a group carrying 90,000 workers, as a
//      ratio of the same calls in a group of the same size with no services.
// Machines and 90,000 running instances are seeded straight into the file (bench/seed.ts).
//   BENCH_SERVICES_SECONDS (1.5): seconds per latency and throughput measurement.
//   BENCH_SERVICES_STEPS=place|drain: stop after that step (profiling: node --cpu-prof --import tsx bench/run.ts).
//   BENCH_SQL_LOG=1: the statements of each measurement, most frequent first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { costliest, counted as countedStatements, counter, countStatements } from './sql-counter.ts';
import { runLoad, type LoadResult, type Target } from './load.ts';
import { seedMachines, seedServices } from './seed.ts';
import { startOpenEas } from '../src/testing/index.ts';
import { callEas, easClient } from '../test/support/client.ts';

export interface ServicesBenchContext {
  account: string;
  region: string;
  root: { accessKeyId: string; accessKeySecret: string };
  row(name: string, value: string, verdict?: string): void;
}

/** BENCH_SQL_LOG=1: also prints the statements counted per measurement, costliest first. */
const SQL_LOG = process.env.BENCH_SQL_LOG === '1';

async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; statements: number }> {
  counter.bySql = SQL_LOG;
  try {
    return await countedStatements(fn);
  } finally {
    if (SQL_LOG) for (const line of costliest(counter.texts, 25)) console.log(line);
  }
}

const machineId = (host: number) => `eas-i-b${String(host).padStart(17, '0')}`;
const machineName = (host: number) => `eas${String(host).padStart(16, '0')}`;

/** The machines services are placed on: 16 cores (15 schedulable), 64 GiB. */
export const BIG_MACHINE = { instanceType: 'ecs.g6.4xlarge', cpu: 16, memoryMb: 65536 };

/**
 * Options of an in-process server on `dataDir` whose instances never start by themselves (an hour's
 * start), with the schema and the account already made (seedMachines needs them).
 */
export async function preparedServer(dataDir: string, account: string, root: { accessKeyId: string; accessKeySecret: string }) {
  const options = {
    dataDir,
    accountId: account,
    rootAccessKeyId: root.accessKeyId,
    rootAccessKeySecret: root.accessKeySecret,
    progression: 'time' as const,
    serviceStartSeconds: 3600,
    provisionSeconds: 3600,
    maxEventLoopDelayMs: 0,
  };
  await (await startOpenEas(options)).stop(); // schema and account
  return options;
}

export async function servicesBench(ctx: ServicesBenchContext): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.BENCH_SERVICES_SECONDS ?? 1.5);
  const { account, region, root, row } = ctx;
  countStatements();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-bench-services-'));
  const options = await preparedServer(dataDir, account, root);
  const t0 = Date.now();
  const big = BIG_MACHINE;
  // Hosts 1–1000: the placement group; 1001–1003: the drain group; 1004–2003: a group carrying
  // 90,000 seeded workers; 2004–3003: the same with none.
  const [placeGroup] = seedMachines(dataDir, { accountId: account, region, groups: [1000], machine: big, allReady: true, firstHost: 1 });
  const [drainGroup] = seedMachines(dataDir, {
    accountId: account,
    region,
    groups: [3],
    machine: { instanceType: 'ecs.bench.51x', cpu: 51, memoryMb: 524288 },
    allReady: true,
    firstHost: 1001,
  });
  const [busyGroup] = seedMachines(dataDir, {
    accountId: account,
    region,
    groups: [1000],
    machine: { instanceType: 'ecs.bench.128x', cpu: 128, memoryMb: 262144 },
    allReady: true,
    firstHost: 1004,
  });
  const [idleGroup] = seedMachines(dataDir, { accountId: account, region, groups: [1000], allReady: true, firstHost: 2004 });
  seedServices(dataDir, { accountId: account, region, groupId: busyGroup!, services: 90, instances: 1000 });
  row('services: seeded 3,003 machines and 90,000 running instances', `${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const eas = await startOpenEas(options);
  const results: Record<string, unknown> = {};
  try {
    const client = easClient({ url: eas.url, ...root });
    const api = async (action: string, method: 'GET' | 'POST' | 'PUT', pathname: string, body?: unknown, query?: Record<string, string>) =>
      (await callEas(client, { action, method, pathname, body: body as Record<string, unknown> | undefined, query })).body;
    const target = (action: string, method: Target['method'], p: string, body?: unknown): Target => ({
      url: eas.url,
      action,
      method,
      path: p,
      body: body === undefined ? undefined : () => JSON.stringify(body),
      ...root,
    });
    const service = (name: string, group: string, instances: number, memory: number) => ({
      name,
      containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
      metadata: { instance: instances, cpu: 1, memory, resource: group },
    });

    // 1. 10,000 instances of 100 services onto 1,000 machines.
    await api('CreateService', 'POST', '/api/v2/services', service('warmup', idleGroup!, 1, 512));
    // What a CreateService costs whatever it places: 20 of one instance each.
    const single = await counted(async () => {
      for (let i = 0; i < 20; i++) await api('CreateService', 'POST', '/api/v2/services', service(`single_${i}`, idleGroup!, 1, 512));
    });
    row(
      'services: CreateService of 1 instance (the fixed cost)',
      `${(single.ms / 20).toFixed(1)} ms/call`,
      `${single.statements / 20} statements/call`,
    );
    const place = await counted(async () => {
      for (let i = 0; i < 100; i++) await api('CreateService', 'POST', '/api/v2/services', service(`placed_${i}`, placeGroup!, 100, 2048));
    });
    const placed = await api('ListResourceInstances', 'GET', `/api/v2/resources/${region}/${placeGroup}/instances`, undefined, {
      PageSize: '100',
    });
    const workers = (placed.Instances as Array<{ InstanceUsedCpu: number }>).reduce((a, m) => a + m.InstanceUsedCpu, 0);
    row(
      'services: 100 CreateService x 100 instances onto 1,000 machines',
      `${place.ms.toFixed(0)} ms, ${place.statements} statements`,
      `${(place.ms / 100).toFixed(1)} ms/call; first page's machines hold ${workers} cores; target < 1000 ms ${place.ms < 1000 ? 'PASS' : 'FAIL'}`,
    );
    results.place = { ms: place.ms, statements: place.statements };
    if (process.env.BENCH_SERVICES_STEPS === 'place') return results; // for profiling the placement alone

    // 2. Drain a machine holding 50 workers: machines A, B take a 100-instance service (C cordoned),
    // then the one holding 50 is drained onto the other free one, and uncordoned, in turns.
    const drainPath = (host: number) => `/api/v2/resources/${region}/${drainGroup}/instances/${machineId(host)}`;
    await api('UpdateResourceInstance', 'PUT', drainPath(1003), { Action: 'Cordon' });
    await api('CreateService', 'POST', '/api/v2/services', service('drained', drainGroup!, 100, 1024));
    await api('UpdateResourceInstance', 'PUT', drainPath(1003), { Action: 'Uncordon' });
    const workersOn = async (host: number) =>
      (await api('ListResourceInstanceWorker', 'GET', `/api/v2/resources/${region}/${drainGroup}/instance/${machineName(host)}/workers`))
        .TotalCount as number;
    let full = 1001;
    let free = 1003;
    const drains: Array<{ ms: number; statements: number }> = [];
    for (let i = 0; i < 7; i++) {
      const before = await workersOn(full);
      const d = await counted(() => api('UpdateResourceInstance', 'PUT', drainPath(full), { Action: 'Drain' }));
      const moved = await workersOn(free);
      if (before !== 50 || moved !== 50) throw new Error(`drain moved ${moved} of ${before} workers`);
      if (i > 0) drains.push({ ms: d.ms, statements: d.statements }); // the first one warms up
      await api('UpdateResourceInstance', 'PUT', drainPath(full), { Action: 'Uncordon' });
      [full, free] = [free, full];
    }
    drains.sort((a, b) => a.ms - b.ms);
    const worst = drains.at(-1)!;
    row(
      'services: drain a machine with 50 workers (6 drains)',
      `p50 ${drains[3]!.ms.toFixed(1)} ms, max ${worst.ms.toFixed(1)} ms`,
      `${drains[3]!.statements} statements; target < 50 ms ${worst.ms < 50 ? 'PASS' : 'FAIL'}`,
    );
    results.drain = drains;
    if (process.env.BENCH_SERVICES_STEPS === 'drain') return results;

    // 3. Pages with 100,000 instances stored.
    const latency = async (name: string, t: Target) => {
      await runLoad(t, { seconds: 0.3, concurrency: 1 }); // warm-up
      const probe = await counted(() => runLoad(t, { seconds: 60, concurrency: 1, maxRequests: 1 }));
      const r = await runLoad(t, { seconds, concurrency: 1 });
      if (r.errors) throw new Error(`${name}: ${r.firstError}`);
      row(
        `services: ${name}`,
        `p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms`,
        `${probe.statements} statements; target p99 < 20 ms ${r.p99 < 20 ? 'PASS' : 'FAIL'}`,
      );
      return { ...r, statements: probe.statements };
    };
    const svc = '/api/v2/services/cn-hangzhou/seeded_45/instances';
    const busyMachine = machineName(1504);
    results.pages = {
      first: await latency('ListServiceInstances page 1 (100 of 1,000)', target('ListServiceInstances', 'GET', `${svc}?PageSize=100`)),
      last: await latency(
        'ListServiceInstances page 10, StartTime desc',
        target('ListServiceInstances', 'GET', `${svc}?PageSize=100&PageNumber=10&Sort=StartTime&Order=desc`),
      ),
      status: await latency(
        'ListServiceInstances InstanceStatus=Pending (none)',
        target('ListServiceInstances', 'GET', `${svc}?PageSize=100&InstanceStatus=Pending`),
      ),
      host: await latency(
        'ListServiceInstances HostIP filter',
        target(
          'ListServiceInstances',
          'GET',
          `${svc}?PageSize=100&HostIP=${encodeURIComponent(await ipOfMachine(eas.url, api, busyGroup!))}`,
        ),
      ),
      worker: await latency(
        'ListResourceInstanceWorker (90 workers, page of 100)',
        target(
          'ListResourceInstanceWorker',
          'GET',
          `/api/v2/resources/${region}/${busyGroup}/instance/${busyMachine}/workers?PageSize=100`,
        ),
      ),
    };

    // 4. The machine paths in a group with 90,000 workers against a group without any.
    const pairs = {
      create: (g: string) =>
        target('CreateResourceInstances', 'POST', `/api/v2/resources/${region}/${g}/instances`, {
          EcsInstanceType: 'ecs.g6.large',
          EcsInstanceCount: 1,
          ChargeType: 'PostPaid',
        }),
      list: (g: string) => target('ListResourceInstances', 'GET', `/api/v2/resources/${region}/${g}/instances?PageSize=100`),
    };
    const ratios: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(pairs)) {
      const rounds: Array<{ busy: LoadResult; idle: LoadResult }> = [];
      for (let i = 0; i < 4; i++) {
        const run = (g: string) => runLoad(t(g), { seconds: seconds / 2, concurrency: 16 });
        if (i % 2 === 0) {
          const idle = await run(idleGroup!);
          rounds.push({ idle, busy: await run(busyGroup!) });
        } else {
          const busy = await run(busyGroup!);
          rounds.push({ busy, idle: await run(idleGroup!) });
        }
      }
      const ratio = (r: { busy: LoadResult; idle: LoadResult }) => r.busy.rps / r.idle.rps;
      rounds.sort((a, b) => ratio(a) - ratio(b));
      const m = rounds[2]!;
      row(
        `services: ${name === 'create' ? 'CreateResourceInstances' : 'ListResourceInstances (100)'} with 90,000 workers`,
        `${m.busy.rps.toFixed(0)} req/s vs ${m.idle.rps.toFixed(0)} without`,
        `${(ratio(m) * 100).toFixed(0)}% (rounds ${(ratio(rounds[0]!) * 100).toFixed(0)}–${(ratio(rounds.at(-1)!) * 100).toFixed(0)}%)`,
      );
      ratios[name] = { busy: m.busy, idle: m.idle, ratio: ratio(m) };
    }
    results.machinePaths = ratios;
  } finally {
    await eas.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** The IP of the first machine of a group (for the HostIP filter). */
async function ipOfMachine(
  _url: string,
  api: (action: string, method: 'GET', pathname: string, body?: unknown, query?: Record<string, string>) => Promise<any>,
  group: string,
): Promise<string> {
  const page = await api('ListResourceInstances', 'GET', `/api/v2/resources/cn-hangzhou/${group}/instances`, undefined, { PageSize: '1' });
  return page.Instances[0].InstanceIp as string;
}
