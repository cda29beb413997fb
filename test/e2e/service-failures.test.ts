// Lifecycle of services beyond the happy path, through the official client on every engine: an
// injected start failure (ServiceStartFailure fault) leaves instances Failed on their machines and
// the service Failed with Warning events; once the fault is gone a restart runs them; a scale-out
// is Scaling until its new instances run. Usage counters stay exactly what the rows say.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { serviceCalls, serviceDoc, svcPath } from '../support/services.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { easClient } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { openStore } from '../../src/store/database.ts';
import { serviceProblems } from '../adversarial/invariants.ts';

// ecs.g6.xlarge: 4 cores (3 schedulable), 16 GiB.
const TYPE = 'ecs.g6.xlarge';
// Business time is wall time plus an offset, so a start-up time of a few seconds lets a loaded
// machine (CI runs both engines' suites at once) finish a start the test expects to be pending.
// A minute leaves that much wall time between a scale and the check that it is still starting.
const START_SECONDS = 60;

for (const engine of ENGINES) {
  describe(`service start failures and lasting statuses [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    const calls = serviceCalls(() => client);
    const { eas, create, describeSvc, instancesOf, group } = calls;
    const serviceJson = serviceDoc;
    const events = async (name: string, query: Record<string, unknown> = {}) =>
      (await eas('DescribeServiceEvent', 'GET', svcPath(name, '/events'), { query })).body.Events as any[];
    const listByStatus = async (status: string) =>
      ((await eas('ListServices', 'GET', '/api/v2/services', { query: { ServiceStatus: status } })).body.Services as any[]).map(
        (s) => s.ServiceName,
      );
    const newGroup = (machineCount: number) => calls.newGroup(TYPE, machineCount, server.url);
    const counters = async () => {
      const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
      try {
        return await serviceProblems(store);
      } finally {
        await store.close();
      }
    };

    before(async () => {
      server = await startTestServer(engine, {
        progression: 'time',
        provisionSeconds: 10,
        serviceStartSeconds: START_SECONDS,
        releaseSeconds: 2,
      });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('the faults API takes ServiceStartFailure only with a ServiceName', async () => {
      await assert.rejects(admin(server.url, 'POST', '/faults', { Kind: 'ServiceStartFailure' }), /MissingParameter.*ServiceName/);
      const f = await admin(server.url, 'POST', '/faults', { Kind: 'ServiceStartFailure', ServiceName: 'nobody', Count: 2 });
      assert.equal(f.Fault.Kind, 'ServiceStartFailure');
      assert.equal(f.Fault.ServiceName, 'nobody');
      assert.equal(f.Fault.Remaining, 2);
      await admin(server.url, 'DELETE', `/faults/${f.Fault.FaultId}`);
    });

    test('a start failure: instances Failed on their machines, the service Failed with events; fault gone + restart → Running', async () => {
      const g = await newGroup(1);
      const reason = 'ErrImagePull: failed to pull image "registry.cn-hangzhou.aliyuncs.com/eas/echo:v1": not found';
      const fault = await admin(server.url, 'POST', '/faults', { Kind: 'ServiceStartFailure', ServiceName: 'fail_a', Reason: reason });
      await create(serviceJson('fail_a', g, { instance: 2 }));
      await advance(server.url, START_SECONDS);

      const failed = await describeSvc('fail_a');
      assert.equal(failed.Status, 'Failed');
      assert.equal(failed.RunningInstance, 0);
      assert.match(failed.Message, /not healthy: ErrImagePull/);
      const insts = await instancesOf('fail_a');
      assert.deepEqual(
        insts.map((i) => [i.Status, i.Reason]),
        [
          ['Failed', 'StartFailed'],
          ['Failed', 'StartFailed'],
        ],
      );
      assert.ok(
        insts.every((i) => i.HostName),
        'a failed instance stays on its machine',
      );
      assert.equal((await instancesOf('fail_a', { InstanceStatus: 'Failed' })).length, 2);
      // A failed instance keeps its machine's resources, as a pod in back-off keeps its requests.
      assert.equal((await group(g)).CpuUsed, 2);
      assert.deepEqual(await listByStatus('Failed'), ['fail_a']);

      const warnings = await events('fail_a', { EventType: 'Warning' });
      const podFailures = warnings.filter((e) => e.Reason === 'Failed');
      assert.equal(podFailures.length, 2);
      assert.equal(podFailures[0].Resource, 'Pod');
      assert.match(JSON.parse(podFailures[0].Message).message, /failed to start: ErrImagePull/);
      assert.ok(warnings.some((e) => e.Reason === 'FAILED' && e.Resource === 'Service'));

      // Time alone changes nothing; a restart while the fault holds fails again.
      await advance(server.url, 60);
      assert.equal((await describeSvc('fail_a')).Status, 'Failed');
      assert.deepEqual(await counters(), []);

      await admin(server.url, 'DELETE', `/faults/${fault.Fault.FaultId}`);
      const failedNames = insts.map((i) => i.InstanceName);
      await eas('RestartService', 'PUT', svcPath('fail_a', '/restart'));
      // Failed instances serve nothing: the rollout replaces them at once instead of one by one.
      assert.equal((await describeSvc('fail_a')).Status, 'Waiting');
      const replacements = await instancesOf('fail_a');
      assert.deepEqual(
        replacements.map((i) => i.Status),
        ['Pending', 'Pending'],
      );
      assert.ok(!replacements.some((i) => failedNames.includes(i.InstanceName)));
      await advance(server.url, START_SECONDS);
      const running = await describeSvc('fail_a');
      assert.equal(running.Status, 'Running');
      assert.equal(running.RunningInstance, 2);
      assert.deepEqual(
        (await instancesOf('fail_a')).map((i) => i.Status),
        ['Running', 'Running'],
      );
      assert.equal((await group(g)).CpuUsed, 2, 'the failed instances gave their room to their replacements');
      assert.deepEqual(await counters(), []);
    });

    test('a Count-limited fault fails that many starts; the rest run and the service waits; DeleteServiceInstances recovers it', async () => {
      const g = await newGroup(1);
      const fault = await admin(server.url, 'POST', '/faults', { Kind: 'ServiceStartFailure', ServiceName: 'fail_b', Count: 1 });
      await create(serviceJson('fail_b', g, { instance: 2 }));
      await advance(server.url, START_SECONDS);
      const s = await describeSvc('fail_b');
      assert.equal(s.Status, 'Waiting', 'one runs, so the service is not Failed');
      assert.equal(s.RunningInstance, 1);
      assert.match(s.Message, /not healthy: ImagePullBackOff/);
      const faults = (await admin(server.url, 'GET', '/faults')).Faults as any[];
      assert.ok(!faults.some((f) => f.FaultId === fault.Fault.FaultId), 'used up');

      // A scale-out with a failed instance left could never finish: not Scaling, still Waiting.
      await eas('ScaleService', 'PUT', svcPath('fail_b', '/scale'), { body: { Instance: 3 } });
      assert.equal((await describeSvc('fail_b')).Status, 'Waiting');
      const broken = (await instancesOf('fail_b', { InstanceStatus: 'Failed' }))[0].InstanceName;
      await eas('DeleteServiceInstances', 'DELETE', svcPath('fail_b', '/instances'), { query: { InstanceList: broken } });
      await advance(server.url, START_SECONDS);
      const fixed = await describeSvc('fail_b');
      assert.equal(fixed.Status, 'Running');
      assert.equal(fixed.RunningInstance, 3);
      assert.ok(!(await instancesOf('fail_b')).some((i) => i.InstanceName === broken));
      assert.equal((await group(g)).CpuUsed, 3);
      assert.deepEqual(await counters(), []);
    });

    test('a scale-out is Scaling until its new instances run, visible in ListServices; a scale-in settles at once', async () => {
      const g = await newGroup(1);
      await create(serviceJson('scale_a', g));
      await advance(server.url, START_SECONDS);
      assert.equal((await describeSvc('scale_a')).Status, 'Running');
      await eas('ScaleService', 'PUT', svcPath('scale_a', '/scale'), { body: { Instance: 3 } });
      const scaling = await describeSvc('scale_a');
      assert.equal(scaling.Status, 'Scaling');
      assert.equal(scaling.Reason, 'SCALING');
      assert.equal(scaling.RunningInstance, 1);
      assert.deepEqual(await listByStatus('Scaling'), ['scale_a']);
      await advance(server.url, START_SECONDS / 3);
      assert.equal((await describeSvc('scale_a')).Status, 'Scaling', 'still starting');
      await advance(server.url, START_SECONDS - START_SECONDS / 3);
      const done = await describeSvc('scale_a');
      assert.equal(done.Status, 'Running');
      assert.equal(done.RunningInstance, 3);
      assert.deepEqual(await listByStatus('Scaling'), []);

      await eas('ScaleService', 'PUT', svcPath('scale_a', '/scale'), { body: { Instance: 1 } });
      assert.equal((await describeSvc('scale_a')).Status, 'Running');
      assert.equal((await group(g)).CpuUsed, 1);
      assert.deepEqual(await counters(), []);
    });
  });
}
