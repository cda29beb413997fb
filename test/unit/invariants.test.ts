// The crash test's invariant checker (test/adversarial/invariants.ts) reads the tables of a database
// that a server may still be writing. CI once reported a PostgreSQL machine "Attaching with an open
// metered interval" and its group's CpuCount 4 too high: the scheduler provisioned it between the
// checker's read of the machines and its read of the groups. The checker now reads one snapshot;
// here a machine becomes Ready between its reads, and nothing is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer } from '../support/server.ts';
import { eas, rootCredentials, uniqueName } from '../support/ram.ts';
import { admin } from '../support/admin.ts';
import { openStore } from '../../src/store/database.ts';
import { counterProblems } from '../adversarial/invariants.ts';

for (const engine of ENGINES) {
  test(`the invariant checker reads one snapshot: a machine provisioned between its reads is no false alarm [${engine.name}]`, async () => {
    const server = await startTestServer(engine, { progression: 'manual' });
    const checker = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl, migrate: false });
    try {
      const api = eas(server, rootCredentials(server));
      const group = (await api.createGroup(uniqueName('g'))).body.ResourceId;
      const [id] = (await api.createInstances(group)).body.InstanceIds;

      let progressed = 0;
      const problems = await counterProblems(checker, {
        afterFirstRead: async () => {
          // The server's own transaction: machine Ready, group CpuCount +4, a metered interval opened.
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
