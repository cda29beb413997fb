// A machine moved by one transaction after another read it is never overwritten by the second
// (found by the crash test on PostgreSQL: a machine deleted while its provisioning job ran came
// back Ready after the delete had been acknowledged). The lifecycle's UPDATE requires the state it
// computed from; a stale row is refused with a retryable ConcurrentChange.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer } from '../support/server.ts';
import { callEas, easClient } from '../support/client.ts';
import { ConcurrentChange, transitionInstances } from '../../src/engine/instance-lifecycle.ts';

const REGION = 'cn-hangzhou';

for (const engine of ENGINES) {
  describe(`lifecycle races [${engine.name}]`, () => {
    test('a transition computed from a stale row is refused and changes nothing', async () => {
      const server = await startTestServer(engine, { progression: 'manual' });
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
        const { store, clock } = server.services;
        const read = () => store.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const stale = await read();
        assert.equal(stale.health, 'Attaching');

        await store.transaction((tx) => transitionInstances(tx, [stale], 'Deleting', clock.now())); // the delete commits
        await assert.rejects(
          store.transaction((tx) => transitionInstances(tx, [stale], 'Ready', clock.now())),
          ConcurrentChange,
        );
        assert.equal((await read()).health, 'Deleting', 'the acknowledged delete stands');
        const counts = await store.db
          .selectFrom('resources')
          .select(['instance_count', 'cpu_count'])
          .where('id', '=', group)
          .executeTakeFirstOrThrow();
        assert.equal(Number(counts.cpu_count), 0, 'no capacity was counted for the refused transition');
      } finally {
        await server.close();
      }
    });
  });
}
