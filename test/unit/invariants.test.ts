// The crash test's invariant checker (test/adversarial/invariants.ts) reads the tables of a database
// that a server may still be writing. CI once reported a PostgreSQL machine "Attaching with an open
// metered interval" and its group's CpuCount 4 too high: the scheduler provisioned it between the
// checker's read of the machines and its read of the groups. The checker now reads one snapshot;
// here a machine becomes Ready between its reads, and nothing is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer } from '../support/server.ts';
import { callEas, easClient } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { openStore } from '../../src/store/database.ts';
import { counterProblems } from '../adversarial/invariants.ts';

const REGION = 'cn-hangzhou';

for (const engine of ENGINES) {
  test(`the invariant checker reads one snapshot: a machine provisioned between its reads is no false alarm [${engine.name}]`, async () => {
    const server = await startTestServer(engine, { progression: 'manual' });
    const checker = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl, migrate: false });
    try {
      const client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
      const group = (
        await callEas(client, {
          action: 'CreateResource',
          method: 'POST',
          pathname: '/api/v2/resources',
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId;
      const [id] = (
        await callEas(client, {
          action: 'CreateResourceInstances',
          method: 'POST',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          body: { EcsInstanceType: 'ecs.g6.large', ChargeType: 'PostPaid', EcsInstanceCount: 1 },
        })
      ).body.InstanceIds;

      let progressed = 0;
      const problems = await counterProblems(checker, {
        afterFirstRead: async () => {
          // The server's own transaction: machine Ready, group CpuCount +2, a metered interval opened.
          progressed = (await admin(server.url, 'POST', '/engine/progress', { InstanceIds: [id] })).JobsRun;
        },
      });
      assert.equal(progressed, 1, 'the machine was provisioned between the reads');
      assert.deepEqual(problems, []);
      assert.deepEqual(await counterProblems(checker), [], 'and the state after it is consistent too');
    } finally {
      await checker.close();
      await server.close();
    }
  });
}
