// Statements per call on PostgreSQL, server in this process, one call after another:
//   OPENEAS_BENCH_DATABASE_URL=postgres://… node --import tsx bench/pg-statements.ts <create|service> [calls=200] [inFlight=1]
// `create`: CreateResourceInstances (count 1, PostPaid) on an empty group; `service`: CreateService
// (1 instance, 1 core) on a group of 500 Ready 16-core machines (progression immediate, so each
// service's start job runs too). Prints statements per call, calls/second and p50, then the
// statement texts by wall time with the database's CPU for them (bench/sql-counter.ts). On
// PostgreSQL every statement is a round trip, transaction control included; with
// `--import ./bench/explain-hook.ts` their plans are written too.
import { runLoad, type Target } from './load.ts';
import { costliest, counted, counter, countStatements } from './sql-counter.ts';
import { ACCOUNT, call, fetchGroupId, pgSchema, REGION, ROOT, target } from './harness.ts';
import { startOpenEas } from '../src/testing/index.ts';

const scenario = process.argv[2] ?? 'create';
const calls = Number(process.argv[3] ?? 200);
const inFlight = Number(process.argv[4] ?? 1);
const pgUrl = process.env.OPENEAS_BENCH_DATABASE_URL;
if (!pgUrl) throw new Error('set OPENEAS_BENCH_DATABASE_URL');
if (scenario !== 'create' && scenario !== 'service') throw new Error(`unknown scenario ${scenario}: create or service`);

countStatements();
const schema = await pgSchema(pgUrl);
const eas = await startOpenEas({
  databaseUrl: schema.url,
  accountId: ACCOUNT,
  rootAccessKeyId: ROOT.accessKeyId,
  rootAccessKeySecret: ROOT.accessKeySecret,
  progression: scenario === 'create' ? 'time' : 'immediate',
  provisionSeconds: 3600,
  logLevel: 'warn',
});
try {
  await call(eas.url, 'CreateResource', 'POST', '/api/v2/resources', {
    ResourceType: 'SelfManaged',
    SelfManagedResourceOptions: { ExternalClusterId: 'c' },
  });
  const group = await fetchGroupId(eas.url);
  let n = 0;
  let t: Target;
  if (scenario === 'create') {
    const body = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' };
    t = target(eas.url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, () => JSON.stringify(body));
  } else {
    const machines = { EcsInstanceType: 'ecs.g6.4xlarge', EcsInstanceCount: 100, ChargeType: 'PostPaid' };
    for (let i = 0; i < 5; i++)
      await call(eas.url, 'CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, machines);
    const image = 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1';
    t = target(eas.url, 'CreateService', 'POST', '/api/v2/services', () =>
      JSON.stringify({
        name: `s_${n++}`,
        containers: [{ image, port: 8000 }],
        metadata: { instance: 1, cpu: 1, memory: 512, resource: group },
      }),
    );
  }
  const warm = await runLoad(t, { seconds: 60, concurrency: 1, maxRequests: 50 });
  if (warm.errors) throw new Error(`warm-up failed: ${warm.firstError}`);
  counter.bySql = true;
  const r = await counted(() => runLoad(t, { seconds: 600, concurrency: inFlight, maxRequests: calls }));
  if (r.value.errors) throw new Error(`calls failed: ${r.value.firstError}`);
  console.log(
    `${scenario}: ${(r.statements / calls).toFixed(2)} statements/call, ${r.value.rps.toFixed(0)} calls/s at ${inFlight} in flight, p50 ${r.value.p50.toFixed(2)} ms`,
  );
  console.log(costliest(counter.texts, 25).join('\n'));
} finally {
  await eas.stop();
  await schema.drop();
}
