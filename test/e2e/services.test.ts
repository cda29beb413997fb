// Services on a dedicated group, through the official client on every engine: creation and its
// documented failures, scheduling with capacity accounting (1 core kept per machine), Pending with
// an explaining event, cordon, drain, machine deletion, scale/stop/start/delete, the resource
// family's usage fields and worker lists, RAM on services and groups, account isolation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { type Method, REGION, serviceCalls, serviceDoc, svcPath, conforms } from '../support/services.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { allow, userWithPolicies } from '../support/ram.ts';
import { startServer } from '../../src/server.ts';
import { openStore } from '../../src/store/database.ts';
import { serviceProblems } from '../adversarial/invariants.ts';

// ecs.g6.xlarge: 4 cores (3 schedulable), 16 GiB.
const TYPE = 'ecs.g6.xlarge';

for (const engine of ENGINES) {
  describe(`services on a dedicated group [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    const calls = serviceCalls(() => client);
    const { eas, create, describeSvc, instancesOf, group } = calls;
    const serviceJson = (name: string, group: string, metadata: Record<string, unknown> = {}) =>
      serviceDoc(name, group, { cpu: 3, memory: 4096, ...metadata });
    const machines = async (id: string) =>
      (await eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${id}/instances`, { query: { Order: 'asc' } })).body
        .Instances as any[];
    const workers = async (id: string, machineName: string) =>
      (await eas('ListResourceInstanceWorker', 'GET', `/api/v2/resources/${REGION}/${id}/instance/${machineName}/workers`)).body;
    const addMachines = async (id: string, count: number) => {
      await eas('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${id}/instances`, {
        body: { EcsInstanceType: TYPE, EcsInstanceCount: count, ChargeType: 'PostPaid' },
      });
      await advance(server.url, 10); // provisioning, then placement of whatever waited
    };
    const updateMachine = (id: string, machine: string, Action: string) =>
      eas('UpdateResourceInstance', 'PUT', `/api/v2/resources/${REGION}/${id}/instances/${machine}`, { body: { Action } });
    const newGroup = (machineCount: number) => calls.newGroup(TYPE, machineCount, server.url);

    before(async () => {
      server = await startTestServer(engine, { progression: 'time', provisionSeconds: 10, serviceStartSeconds: 5, releaseSeconds: 2 });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('a service filling a group runs; the next waits Pending with an explaining event and runs when machines are added', async () => {
      const g = await newGroup(2);
      const body = serviceJson('fill_a', g, { instance: 2 });
      const created = await create(body);
      assert.equal(created.body.ServiceName, 'fill_a');
      assert.equal(created.body.Status, 'Creating');
      assert.match(created.body.ServiceId, /^eas-m-[a-z0-9]{18}$/);
      assert.equal((await describeSvc('fill_a')).Status, 'Waiting', 'placed, starting');
      // Spread: one instance per machine; each machine reserves 3 of its 3 schedulable cores.
      assert.deepEqual(
        (await machines(g)).map((m) => m.InstanceUsedCpu),
        [3, 3],
      );
      await advance(server.url, 5);
      const running = await describeSvc('fill_a');
      assert.equal(running.Status, 'Running');
      assert.equal(running.RunningInstance, 2);
      assert.equal(running.TotalInstance, 2);
      assert.deepEqual(JSON.parse(running.ServiceConfig), body, 'ServiceConfig round-trips');
      const d = await group(g);
      // The group by id and by name (its name read with the service, in one statement).
      assert.equal(running.Resource, g);
      assert.equal(running.ResourceAlias, d.ResourceName);
      assert.ok(d.ResourceName);
      assert.equal(d.CpuUsed, 6);
      assert.equal(d.MemoryUsed, 8192);
      assert.equal(d.ServiceCount, '1');
      const inst = await instancesOf('fill_a');
      assert.deepEqual(
        inst.map((i) => i.Status),
        ['Running', 'Running'],
      );
      const hosts = (await machines(g)).map((m) => m.InstanceName).sort();
      assert.deepEqual(inst.map((i) => i.HostName).sort(), hosts);
      conforms('Service', running);
      for (const i of inst) conforms('Instance', i);
      const pods = await workers(g, hosts[0]);
      assert.equal(pods.TotalCount, 1);
      assert.equal(pods.Pods[0].ServiceName, 'fill_a');
      assert.equal(pods.Pods[0].CpuRequest, 3);
      conforms('ResourceInstanceWorker', pods.Pods[0]);
      const listed = (await eas('ListResourceServices', 'GET', `/api/v2/resources/${REGION}/${g}/services`)).body;
      assert.deepEqual(
        listed.Services.map((s: any) => s.ServiceName),
        ['fill_a'],
      );

      await create(serviceJson('fill_b', g, { cpu: 2 }));
      const waiting = await describeSvc('fill_b');
      assert.equal(waiting.Status, 'Waiting');
      assert.equal(waiting.PendingInstance, 1);
      assert.match(waiting.Message, /cannot be scheduled: 2\/2 machine\(s\).*1 per machine is kept for system components/);
      const [pending] = await instancesOf('fill_b');
      assert.equal(pending.Status, 'Pending');
      assert.equal(pending.HostIP, '');
      await advance(server.url, 60);
      assert.equal((await describeSvc('fill_b')).Status, 'Waiting', 'time alone changes nothing');

      await addMachines(g, 1);
      assert.equal((await instancesOf('fill_b'))[0].Status, 'Pending', 'placed, starting');
      await advance(server.url, 5);
      assert.equal((await describeSvc('fill_b')).Status, 'Running');
      assert.equal((await group(g)).CpuUsed, 8);
    });

    test('cordon stops placement, uncordon resumes it; drain moves workers and the counts follow', async () => {
      const g = await newGroup(2);
      const [m1, m2] = await machines(g);
      await updateMachine(g, m1.InstanceId, 'Cordon');
      await create(serviceJson('cordon_a', g, { instance: 2 }));
      assert.deepEqual(
        (await machines(g)).map((m) => m.InstanceUsedCpu),
        [0, 3],
        'the cordoned machine takes none',
      );
      assert.equal((await describeSvc('cordon_a')).PendingInstance, 2);
      assert.equal((await instancesOf('cordon_a')).filter((i) => i.HostName === '').length, 1);
      await updateMachine(g, m1.InstanceId, 'Uncordon');
      await advance(server.url, 5);
      assert.equal((await describeSvc('cordon_a')).Status, 'Running');
      assert.deepEqual(
        (await machines(g)).map((m) => m.InstanceUsedCpu),
        [3, 3],
      );

      // Drain m2: its worker has nowhere to go (m1 is full) and waits; a new machine takes it.
      await updateMachine(g, m2.InstanceId, 'Drain');
      const drained = await describeSvc('cordon_a');
      assert.equal(drained.Status, 'Waiting');
      assert.equal(drained.RunningInstance, 1);
      assert.deepEqual(
        (await machines(g)).map((m) => m.InstanceUsedCpu),
        [3, 0],
      );
      assert.equal((await group(g)).CpuUsed, 3);
      assert.equal((await workers(g, m2.InstanceName)).TotalCount, 0);
      await addMachines(g, 1);
      await advance(server.url, 5);
      assert.equal((await describeSvc('cordon_a')).Status, 'Running');
      const now = await machines(g);
      assert.deepEqual(
        now.map((m) => m.InstanceUsedCpu),
        [3, 0, 3],
      );
      assert.equal((await workers(g, now[2].InstanceName)).Pods[0].ServiceName, 'cordon_a');
      assert.equal((await group(g)).CpuUsed, 6);
      const byUse = await eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${g}/instances`, {
        query: { Sort: 'CpuUsed', Order: 'asc' },
      });
      assert.deepEqual(
        byUse.body.Instances.map((m: any) => m.InstanceUsedCpu),
        [0, 3, 3],
        'machines sort by their usage',
      );
    });

    test('deleting a machine moves its workers to another machine', async () => {
      const g = await newGroup(3);
      await create(serviceJson('move_a', g, { instance: 2 }));
      await advance(server.url, 5);
      const before = await machines(g);
      const busy = before.find((m) => m.InstanceUsedCpu === 3)!;
      await eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${g}/instances`, {
        query: { InstanceList: busy.InstanceId },
      });
      await advance(server.url, 1); // placement after the eviction
      const inst = await instancesOf('move_a');
      assert.ok(
        inst.every((i) => i.HostName !== busy.InstanceName),
        'no worker stays on the deleted machine',
      );
      assert.equal(inst.filter((i) => i.HostName !== '').length, 2, 'both placed');
      await advance(server.url, 5);
      assert.equal((await describeSvc('move_a')).Status, 'Running');
      assert.equal((await group(g)).CpuUsed, 6);
    });

    test('a machine failing (NotReady) loses its workers; they run again when it recovers', async () => {
      const g = await newGroup(1);
      await create(serviceJson('fail_a', g));
      await advance(server.url, 5);
      const [m] = await machines(g);
      const fault = await admin(server.url, 'POST', '/faults', { Kind: 'NotReady', InstanceId: m.InstanceId });
      const failed = await describeSvc('fail_a');
      assert.equal(failed.Status, 'Waiting');
      // The eviction's message, or (once the placement job has run) why nothing can take the instance.
      assert.match(failed.Message, /evicted from machine|cannot be scheduled: 0\/1 machine/);
      assert.equal((await instancesOf('fail_a'))[0].HostName, '');
      assert.equal((await group(g)).CpuUsed, 0);
      assert.equal((await machines(g))[0].InstanceUsedCpu, 0);
      await admin(server.url, 'DELETE', `/faults/${fault.Fault.FaultId}`);
      await advance(server.url, 1); // placement on the recovered machine
      assert.equal((await instancesOf('fail_a'))[0].HostName, m.InstanceName);
      await advance(server.url, 5);
      assert.equal((await describeSvc('fail_a')).Status, 'Running');
      assert.equal((await group(g)).CpuUsed, 3);
    });

    test('a subscription machine expiring (Stopped) loses its workers; they wait Pending', async () => {
      const r = await eas('CreateResource', 'POST', '/api/v2/resources', {
        body: { ResourceType: 'Dedicated', EcsInstanceType: TYPE, EcsInstanceCount: 1, ChargeType: 'PrePaid', AutoRenewal: false },
      });
      const g = r.body.ResourceId as string;
      await advance(server.url, 10);
      await create(serviceJson('expire_a', g));
      await advance(server.url, 5);
      assert.equal((await describeSvc('expire_a')).Status, 'Running');
      await advance(server.url, 32 * 86_400); // past the one-month term
      const [m] = await machines(g);
      assert.equal(m.InstanceStatus, 'Stopped');
      assert.equal(m.InstanceUsedCpu, 0);
      const s = await describeSvc('expire_a');
      assert.equal(s.Status, 'Waiting');
      assert.equal(s.RunningInstance, 0);
      assert.equal((await instancesOf('expire_a'))[0].Status, 'Pending');
      assert.equal((await group(g)).CpuUsed, 0);
    });

    test('scale, stop, start and delete; capacity follows; then InvalidService.NotFound', async () => {
      const g = await newGroup(2);
      await create(serviceJson('life_a', g, { instance: 1, cpu: 1, memory: 1024 }));
      await advance(server.url, 5);
      const scaled = await eas('ScaleService', 'PUT', svcPath('life_a', '/scale'), { body: { Instance: 3 } });
      assert.equal(scaled.body.Message, `Service [life_a] in region [${REGION}] is scaling`);
      assert.equal((await describeSvc('life_a')).TotalInstance, 3);
      await advance(server.url, 5);
      const s = await describeSvc('life_a');
      assert.equal(s.Status, 'Running');
      assert.equal(JSON.parse(s.ServiceConfig).metadata.instance, 3);
      assert.equal((await group(g)).CpuUsed, 3);
      const victim = (await instancesOf('life_a'))[0].InstanceName;
      await eas('ScaleService', 'PUT', svcPath('life_a', '/scale'), { body: { Instance: 2, InstancesToDelete: [victim] } });
      assert.ok(!(await instancesOf('life_a')).some((i) => i.InstanceName === victim), 'the named instance goes first');
      assert.equal((await group(g)).CpuUsed, 2);

      await eas('StopService', 'PUT', svcPath('life_a', '/stop'));
      const stopped = await describeSvc('life_a');
      assert.equal(stopped.Status, 'Stopped');
      assert.equal((await instancesOf('life_a')).length, 0);
      assert.equal((await group(g)).CpuUsed, 0);
      await eas('StartService', 'PUT', svcPath('life_a', '/start'));
      await advance(server.url, 5);
      assert.equal((await describeSvc('life_a')).Status, 'Running');
      assert.equal((await describeSvc('life_a')).RunningInstance, 2);

      const deleted = await eas('DeleteService', 'DELETE', svcPath('life_a'));
      assert.equal(deleted.body.Message, `Service [life_a] in region [${REGION}] is terminating`);
      const gone = await expectApiError(() => eas('DescribeService', 'GET', svcPath('life_a')));
      assert.equal(gone.code, 'InvalidService.NotFound');
      assert.equal(gone.statusCode, 404);
      assert.equal((await expectApiError(() => eas('DeleteService', 'DELETE', svcPath('life_a')))).code, 'InvalidService.NotFound');
      const d = await group(g);
      assert.equal(d.CpuUsed, 0);
      assert.equal(d.ServiceCount, '0');
      assert.deepEqual(
        (await machines(g)).map((m) => m.InstanceUsedCpu),
        [0, 0],
      );
    });

    test('placement looks past the most free machines when none of them fits', async () => {
      // Placement reads the most free machines first (as many as it places, plus one) and the rest
      // only when those cannot take an instance: here the two with most free CPU lack the memory.
      const g = await newGroup(3);
      await create(serviceJson('past_x', g, { instance: 2, cpu: 1, memory: 15000 })); // two machines: 2 cores, 1384 MB free
      await create(serviceJson('past_w', g, { instance: 1, cpu: 2, memory: 1024 })); // the third: 1 core, 15360 MB free
      await create(serviceJson('past_y', g, { instance: 1, cpu: 1, memory: 4096 }));
      const [w] = await instancesOf('past_w');
      const [y] = await instancesOf('past_y');
      assert.notEqual(y.HostName, '', 'placed, not left Pending');
      assert.equal(y.HostName, w.HostName);
      assert.notEqual((await describeSvc('past_y')).Reason, 'INSUFFICIENT_RESOURCE');
      assert.deepEqual((await machines(g)).map((m) => m.InstanceUsedCpu).sort(), [1, 1, 3]);
    });

    test('CreateService refuses bad documents naming the field, and a duplicate name with 409', async () => {
      const g = await newGroup(1);
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ ...serviceJson('x', g) }, 'InvalidParameter', 'name'],
        [{ ...serviceJson('Bad-Name', g) }, 'InvalidParameter', 'name'],
        [serviceJson('bad_cpu', g, { cpu: 0 }), 'InvalidParameter', 'metadata.cpu'],
        [serviceJson('bad_mem', g, { memory: '4G' }), 'InvalidParameter', 'metadata.memory'],
        [serviceJson('bad_inst', g, { instance: 1.5 }), 'InvalidParameter', 'metadata.instance'],
        [serviceJson('bad_gpu', g, { gpu: -1 }), 'InvalidParameter', 'metadata.gpu'],
        [{ name: 'no_cpu', containers: [{ image: 'i' }], metadata: { memory: 1, resource: g } }, 'MissingParameter', 'metadata.cpu'],
        // Without metadata.resource: the public pool (test/e2e/public-pool.test.ts), whose instance type is checked.
        [
          {
            name: 'no_res',
            containers: [{ image: 'i' }],
            cloud: { computing: { instance_type: 'ecs.no.such' } },
            metadata: { cpu: 1, memory: 1 },
          },
          'InvalidParameter',
          'cloud.computing.instance_type',
        ],
        [
          { name: 'bad_res', containers: [{ image: 'i' }], metadata: { cpu: 1, memory: 1, resource: 7 } },
          'InvalidParameter',
          'metadata.resource',
        ],
        [{ name: 'no_work', metadata: { cpu: 1, memory: 1, resource: g } }, 'MissingParameter', 'processor or containers'],
        [
          { name: 'no_image', containers: [{ port: 1 }], metadata: { cpu: 1, memory: 1, resource: g } },
          'MissingParameter',
          'containers.1.image',
        ],
      ];
      for (const [body, code, field] of cases) {
        const err = await expectApiError(() => create(body));
        assert.equal(err.code, code, JSON.stringify(body));
        assert.match(err.message, new RegExp(`"${field.replace(/\./g, '\\.')}"`), err.message);
      }
      const missingGroup = await expectApiError(() => create(serviceJson('ghost', 'eas-r-doesnotexist0000')));
      assert.equal(missingGroup.code, 'InvalidResource.NotFound');
      await create(serviceJson('dup_a', g, { cpu: 1, memory: 512 }));
      const usage = ({ CpuUsed, MemoryUsed, ServiceCount }: any) => ({ CpuUsed, MemoryUsed, ServiceCount });
      const before = usage(await group(g));
      const dup = await expectApiError(() => create(serviceJson('dup_a', g, { cpu: 1, memory: 512 })));
      assert.equal(dup.code, 'InvalidService.AlreadyExists');
      assert.equal(dup.statusCode, 409);
      // The name is found taken after placing (the row is written once placed): nothing of it stays.
      assert.deepEqual(usage(await group(g)), before);
      assert.equal(
        (await expectApiError(() => eas('ScaleService', 'PUT', svcPath('dup_a', '/scale'), { body: {} }))).code,
        'MissingParameter',
      );
    });

    test('ListServices pages and filters', async () => {
      const g = await newGroup(1);
      for (const name of ['list_one', 'list_two', 'list_three']) await create(serviceJson(name, g, { cpu: 1, memory: 256 }));
      const page = (await eas('ListServices', 'GET', '/api/v2/services', { query: { ServiceName: 'list_', PageSize: 2, PageNumber: 1 } }))
        .body;
      assert.equal(page.TotalCount, 3);
      assert.deepEqual(
        page.Services.map((s: any) => s.ServiceName),
        ['list_three', 'list_two'],
      );
      const byGroup = (
        await eas('ListServices', 'GET', '/api/v2/services', { query: { ResourceId: g, Order: 'asc', Sort: 'ServiceName' } })
      ).body;
      assert.deepEqual(
        byGroup.Services.map((s: any) => s.ServiceName),
        ['list_one', 'list_three', 'list_two'],
      );
      const waiting = (await eas('ListServices', 'GET', '/api/v2/services', { query: { ResourceId: g, ServiceStatus: 'Running' } })).body;
      assert.equal(waiting.TotalCount, 0, 'none runs before its start time');
      const id = page.Services[0].ServiceId;
      assert.equal((await eas('ListServices', 'GET', '/api/v2/services', { query: { ServiceUid: id } })).body.Services[0].ServiceId, id);
      for (const query of [
        { GroupName: 'g' },
        { Label: JSON.stringify({ a: 'b' }) },
        { ServiceType: 'Async' },
        { AutoscalerEnabled: true },
      ]) {
        const none = (await eas('ListServices', 'GET', '/api/v2/services', { query: { ResourceId: g, ...query } })).body;
        assert.equal(none.TotalCount, 0, `nothing here has ${JSON.stringify(query)}`);
      }
      // Names of Object.prototype are no sort keys either (found by the fuzzer: they were a 500).
      for (const Sort of ['Nope', 'constructor', '__proto__', 'toString']) {
        const bad = await expectApiError(() => eas('ListServices', 'GET', '/api/v2/services', { query: { Sort } }));
        assert.equal(bad.code, 'InvalidParameter', Sort);
      }
    });

    test('every service has an AccessToken, kept across updates unless the JSON sets token; metadata.group is its ServiceGroup', async () => {
      const g = await newGroup(1);
      const small = { cpu: 1, memory: 256 };
      await create(serviceJson('tok_gen', g, small));
      const generated = (await describeSvc('tok_gen')).AccessToken as string;
      // Like Alibaba's examples: 40 hex digits, base64-encoded.
      assert.match(generated, /^[A-Za-z0-9+/]{54}==$/);
      assert.match(Buffer.from(generated, 'base64').toString(), /^[0-9a-f]{40}$/);
      assert.equal((await describeSvc('tok_gen')).ServiceGroup, undefined, 'no metadata.group, no group');
      await create({ ...serviceJson('tok_own', g, { ...small, group: 'grp_own' }), token: 'my-own-token-0123' });
      const own = await describeSvc('tok_own');
      assert.equal(own.AccessToken, 'my-own-token-0123');
      assert.equal(own.ServiceGroup, 'grp_own');
      await create(serviceJson('tok_other', g, small));
      assert.notEqual((await describeSvc('tok_other')).AccessToken, generated, 'each service its own token');
      // The same token in the lists, the resource family's list and DescribeServiceEndpoints.
      const listed = (await eas('ListServices', 'GET', '/api/v2/services', { query: { ServiceName: 'tok_' } })).body.Services as any[];
      assert.equal(listed.find((x) => x.ServiceName === 'tok_gen').AccessToken, generated);
      const inGroup = (await eas('ListResourceServices', 'GET', `/api/v2/resources/${REGION}/${g}/services`)).body.Services as any[];
      assert.equal(inGroup.find((x) => x.ServiceName === 'tok_own').AccessToken, 'my-own-token-0123');
      const endpoints = (await eas('DescribeServiceEndpoints', 'GET', svcPath('tok_gen', '/endpoints'))).body;
      assert.equal(endpoints.AccessToken, generated);
      // ListServices' GroupName filter: the services of that group only.
      const byGroup = (await eas('ListServices', 'GET', '/api/v2/services', { query: { GroupName: 'grp_own' } })).body;
      assert.deepEqual(
        byGroup.Services.map((x: any) => x.ServiceName),
        ['tok_own'],
      );
      // An update without token keeps it (replace too); one with token sets it; the group follows the JSON.
      const update = (name: string, body: Record<string, unknown>, UpdateType?: string) =>
        eas('UpdateService', 'PUT', svcPath(name), { body, ...(UpdateType ? { query: { UpdateType } } : {}) });
      await update('tok_gen', { metadata: { cpu: 2 } });
      assert.equal((await describeSvc('tok_gen')).AccessToken, generated);
      await update('tok_gen', serviceJson('tok_gen', g, { ...small, group: 'grp_later' }), 'replace');
      assert.equal((await describeSvc('tok_gen')).AccessToken, generated);
      assert.equal((await describeSvc('tok_gen')).ServiceGroup, 'grp_later');
      await update('tok_gen', { token: 'rotated-token-4567' });
      assert.equal((await describeSvc('tok_gen')).AccessToken, 'rotated-token-4567');
      await update('tok_own', serviceJson('tok_own', g, small), 'replace');
      const replaced = await describeSvc('tok_own');
      assert.equal(replaced.AccessToken, 'my-own-token-0123', 'a replace without token keeps the one the service had');
      assert.equal(replaced.ServiceGroup, undefined, 'a replace without metadata.group leaves the group');
      for (const [body, field] of [
        [{ ...serviceJson('tok_bad', g, small), token: 7 }, 'token'],
        [serviceJson('tok_bad', g, { ...small, group: ['x'] }), 'metadata.group'],
      ] as const) {
        const err = await expectApiError(() => create(body));
        assert.equal(err.code, 'InvalidParameter');
        assert.match(err.message, new RegExp(`"${field.replace('.', '\\.')}"`), err.message);
      }
    });

    test('two servers on one database never place beyond a machine, nor create one name twice', async () => {
      const g = await newGroup(3);
      const b = await startServer({ dataDir: server.dataDir, databaseUrl: server.databaseUrl, port: 0, logLevel: 'warn' }, {});
      try {
        const clientB = easClient({ url: b.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
        const createVia = (c: typeof client, body: Record<string, unknown>) =>
          callEas(c, { action: 'CreateService', method: 'POST', pathname: '/api/v2/services', body });
        // 3 machines x 3 schedulable cores; 12 one-core services at once through both servers.
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            createVia(i % 2 === 0 ? client : clientB, serviceJson(`race_${i}`, g, { cpu: 1, memory: 512 })),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 12);
        const ms = await machines(g);
        assert.deepEqual(
          ms.map((m) => m.InstanceUsedCpu),
          [3, 3, 3],
          'full, never beyond',
        );
        for (const m of ms) assert.equal((await workers(g, m.InstanceName)).TotalCount, 3);
        assert.equal((await group(g)).CpuUsed, 9);
        const listed = (await eas('ListServices', 'GET', '/api/v2/services', { query: { ResourceId: g, PageSize: 100 } })).body.Services;
        assert.equal(listed.filter((x: any) => x.PendingInstance === 1 && x.Message.includes('cannot be scheduled')).length, 3);

        // One name, two groups, two servers at once: exactly one create wins.
        const h = await newGroup(1);
        const twice = await Promise.allSettled([
          createVia(client, serviceJson('race_name', g, { cpu: 1, memory: 512 })),
          createVia(clientB, serviceJson('race_name', h, { cpu: 1, memory: 512 })),
        ]);
        assert.equal(twice.filter((r) => r.status === 'fulfilled').length, 1);
        const lost = twice.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal(lost.reason.code, 'InvalidService.AlreadyExists');
      } finally {
        await b.close();
      }
    });

    test('progression modes: immediate runs at once; manual waits for engine/progress', async () => {
      for (const progression of ['immediate', 'manual'] as const) {
        const other = await startTestServer(engine, { progression });
        try {
          const c = easClient({ url: other.url, accessKeyId: other.root.accessKeyId, accessKeySecret: other.root.accessKeySecret! });
          const call = (action: string, method: Method, pathname: string, body?: Record<string, unknown>) =>
            callEas(c, { action, method, pathname, body });
          const r = await call('CreateResource', 'POST', '/api/v2/resources', {
            ResourceType: 'Dedicated',
            EcsInstanceType: TYPE,
            EcsInstanceCount: 1,
            ChargeType: 'PostPaid',
          });
          const g = r.body.ResourceId as string;
          if (progression === 'manual') await admin(other.url, 'POST', '/engine/progress', {});
          await call('CreateService', 'POST', '/api/v2/services', serviceJson('mode_a', g));
          const status = async () => (await call('DescribeService', 'GET', svcPath('mode_a'))).body.Status;
          if (progression === 'immediate') {
            assert.equal(await status(), 'Running', 'started before the create call answered');
            continue;
          }
          assert.equal(await status(), 'Waiting');
          await advance(other.url, 3600);
          assert.equal(await status(), 'Waiting', 'manual: time alone starts nothing');
          await admin(other.url, 'POST', '/engine/progress', {});
          assert.equal(await status(), 'Running');
        } finally {
          await other.close();
        }
      }
    });

    test('RAM: service actions on service/<name>; deploying also needs the group; other accounts see nothing', async () => {
      const g = await newGroup(1);
      const svcOnly = await userWithPolicies(server, [allow('eas:CreateService', `acs:eas:*:*:service/*`)]);
      const both = await userWithPolicies(server, [
        allow(['eas:CreateService', 'eas:DescribeService'], [`acs:eas:*:*:service/ram_*`, `acs:eas:*:*:resource/${g}`]),
      ]);
      const as = (creds: { accessKeyId: string; accessKeySecret: string }) => easClient({ url: server.url, ...creds });
      const createAs = (c: ReturnType<typeof easClient>, body: Record<string, unknown>) =>
        callEas(c, { action: 'CreateService', method: 'POST', pathname: '/api/v2/services', body });
      const denied = await expectApiError(() => createAs(as(svcOnly), serviceJson('ram_a', g, { cpu: 1, memory: 256 })));
      assert.equal(denied.code, 'Forbidden.RAM');
      assert.equal(denied.data.AccessDeniedDetail.AuthAction, 'eas:CreateService');
      await createAs(as(both), serviceJson('ram_a', g, { cpu: 1, memory: 256 }));
      const outside = await expectApiError(() => createAs(as(both), serviceJson('other_a', g, { cpu: 1, memory: 256 })));
      assert.equal(outside.code, 'Forbidden.RAM');
      assert.equal(
        (await callEas(as(both), { action: 'DescribeService', method: 'GET', pathname: svcPath('ram_a') })).body.ServiceName,
        'ram_a',
      );

      const other = await admin(server.url, 'POST', '/accounts', {});
      const stranger = as({ accessKeyId: other.AccessKeyId, accessKeySecret: other.AccessKeySecret });
      const hidden = await expectApiError(() =>
        callEas(stranger, { action: 'DescribeService', method: 'GET', pathname: svcPath('ram_a') }),
      );
      assert.equal(hidden.code, 'InvalidService.NotFound');
      const foreignGroup = await expectApiError(() => createAs(stranger, serviceJson('ram_a', g, { cpu: 1, memory: 256 })));
      assert.equal(foreignGroup.code, 'InvalidResource.NotFound');
      const list = await callEas(stranger, { action: 'ListServices', method: 'GET', pathname: '/api/v2/services' });
      assert.equal(list.body.TotalCount, 0);
    });

    test('CreateService placed or unplaceable: ServiceCount counts each; events come in the order they happened', async () => {
      const g = await newGroup(1);
      const events = async (name: string) =>
        ((await eas('DescribeServiceEvent', 'GET', svcPath(name, '/events'), { query: { PageSize: '100' } })).body.Events as any[]).map(
          (e) => [e.Type, e.Reason, e.Resource],
        );
      assert.equal((await create(serviceJson('count_placed', g, { cpu: 1 }))).body.Status, 'Creating');
      assert.equal((await create(serviceJson('count_nofit', g, { cpu: 3 }))).body.Status, 'Creating');
      assert.equal((await group(g)).ServiceCount, '2');
      assert.deepEqual(await events('count_placed'), [
        ['Normal', 'CREATING', 'Service'],
        ['Normal', 'Scheduled', 'Pod'],
        ['Normal', 'PENDING', 'Service'],
      ]);
      assert.deepEqual(await events('count_nofit'), [
        ['Normal', 'CREATING', 'Service'],
        ['Warning', 'INSUFFICIENT_RESOURCE', 'Service'],
      ]);
      assert.equal((await describeSvc('count_placed')).Status, 'Waiting');
      assert.equal((await describeSvc('count_nofit')).Status, 'Waiting');
      const d = await group(g);
      assert.equal(d.CpuUsed, 1);
      assert.equal(d.MemoryUsed, 4096);
    });

    test('after all of the above, every usage counter equals what the rows say and no machine is overcommitted', async () => {
      const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
      try {
        assert.deepEqual(await serviceProblems(store), []);
      } finally {
        await store.close();
      }
    });
  });
}
