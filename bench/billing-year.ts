// Billing benchmark (not a test): 10,000 machines — half PrePaid with auto-renewal, half
// PostPaid — then one POST /_openeas/clock/advance of a year, which runs every renewal and every
// hourly settlement that falls due. Target: under 10 seconds.
//
//   node --import tsx bench/billing-year.ts            (SQLite)
//   BENCH_DATABASE_URL=postgres://… node --import tsx bench/billing-year.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/server.ts';
import { callEas, easClient } from '../test/support/client.ts';
import { admin } from '../test/support/admin.ts';

const MACHINES = Number(process.env.BENCH_MACHINES ?? 10_000);
const dataDir = fs.mkdtempSync(path.join(process.env.BENCH_TMP ?? os.tmpdir(), 'openeas-bench-billing-'));
const server = await startServer(
  { dataDir, port: 0, logLevel: 'warn', progression: 'immediate', initialBalanceFen: 1e12, databaseUrl: process.env.BENCH_DATABASE_URL },
  {},
);
try {
  const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
  const group = (
    await callEas(client, {
      action: 'CreateResource',
      method: 'POST',
      pathname: '/api/v2/resources',
      body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'bench' } },
    })
  ).body.ResourceId;
  const t0 = Date.now();
  for (let made = 0; made < MACHINES; made += 100) {
    const prepaid = made < MACHINES / 2;
    await callEas(client, {
      action: 'CreateResourceInstances',
      method: 'POST',
      pathname: `/api/v2/resources/cn-hangzhou/${group}/instances`,
      body: {
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: Math.min(100, MACHINES - made),
        ChargeType: prepaid ? 'PrePaid' : 'PostPaid',
        AutoRenewal: prepaid,
      },
    });
  }
  console.log(`created ${MACHINES} machines in ${Date.now() - t0} ms`);
  const t1 = Date.now();
  const r = await admin(server.url, 'POST', '/clock/advance', { seconds: 365 * 24 * 3600 });
  const ms = Date.now() - t1;
  const items = await server.services.store.db
    .selectFrom('bill_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const bal = await server.services.store.db.selectFrom('billing_accounts').selectAll().executeTakeFirstOrThrow();
  console.log(
    `advanced a year in ${ms} ms (${r.JobsRun} jobs, ${items.n} bill items, balance ${bal.balance_fen / 100} CNY) — target < 10000 ms: ${ms < 10_000 ? 'OK' : 'SLOW'}`,
  );
} finally {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
