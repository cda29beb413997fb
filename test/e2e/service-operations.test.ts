// The service operations beyond the first slice, through the official client on every engine:
// UpdateService (scale vs rolling update, keeps serving), versions and rollback, RestartService,
// DeleteServiceInstances (restart, soft restart), labels, the safety lock and what it guards, the
// event log, endpoints, and the cron scaler scaling at its time after clock/advance.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { type Method, REGION, serviceCalls, serviceDoc, svcPath } from '../support/services.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { allow, userWithPolicies } from '../support/ram.ts';
import { openStore } from '../../src/store/database.ts';
import { serviceProblems } from '../adversarial/invariants.ts';

// ecs.g6.xlarge: 4 cores (3 schedulable), 16 GiB.
const TYPE = 'ecs.g6.xlarge';

for (const engine of ENGINES) {
  describe(`service operations [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    const calls = serviceCalls(() => client);
    const { eas, create, describeSvc, instancesOf } = calls;
    const serviceJson = serviceDoc;
    const update = (name: string, body: Record<string, unknown>, query?: Record<string, unknown>) =>
      eas('UpdateService', 'PUT', svcPath(name), { body, query });
    const events = async (name: string, query: Record<string, unknown> = {}) =>
      (await eas('DescribeServiceEvent', 'GET', svcPath(name, '/events'), { query })).body;
    const newGroup = (machineCount: number) => calls.newGroup(TYPE, machineCount, server.url);
    const machines = async (id: string) =>
      (await eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${id}/instances`, { query: { Order: 'asc' } })).body
        .Instances as any[];

    before(async () => {
      server = await startTestServer(engine, { progression: 'time', provisionSeconds: 10, serviceStartSeconds: 5, releaseSeconds: 2 });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('UpdateService: metadata.instance alone is a scale; a new config is a rolling update that keeps serving', async () => {
      const g = await newGroup(2);
      await create(serviceJson('upd_a', g, { instance: 2 }));
      await advance(server.url, 5);
      assert.equal((await describeSvc('upd_a')).Status, 'Running');

      // Only the instance count: a scale, no new version.
      const scaled = await update('upd_a', { metadata: { instance: 3 } });
      assert.equal(scaled.body.Message, `Succeed to update service [upd_a] in region [${REGION}]`);
      let d = await describeSvc('upd_a');
      assert.equal(d.TotalInstance, 3);
      assert.equal(d.LatestVersion, 1);
      assert.equal(JSON.parse(d.ServiceConfig).metadata.instance, 3);
      await advance(server.url, 5);
      assert.equal((await describeSvc('upd_a')).Status, 'Running');
      const before = (await instancesOf('upd_a')).map((i) => i.InstanceName).sort();

      // A new image: version 2, rolled out while the old instances keep serving.
      await update('upd_a', { containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v2', port: 8000 }] });
      d = await describeSvc('upd_a');
      assert.equal(d.Status, 'Updating');
      assert.equal(d.CurrentVersion, 2);
      assert.equal(d.LatestVersion, 2);
      assert.equal(d.RunningInstance, 3, 'the old instances keep serving');
      assert.equal(d.Image, 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v2');
      const mixed = await instancesOf('upd_a');
      assert.equal(mixed.filter((i) => i.IsLatest).length, 3);
      assert.equal(mixed.filter((i) => !i.IsLatest).length, 3);
      await advance(server.url, 5);
      d = await describeSvc('upd_a');
      assert.equal(d.Status, 'Running');
      assert.equal(d.RunningInstance, 3);
      const after = await instancesOf('upd_a');
      assert.equal(after.length, 3);
      assert.ok(after.every((i) => i.IsLatest && i.Status === 'Running'));
      assert.ok(
        after.every((i) => !before.includes(i.InstanceName)),
        'every instance was replaced',
      );
      const cfg = JSON.parse(d.ServiceConfig);
      assert.equal(cfg.containers[0].image, 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v2');
      assert.equal(cfg.metadata.instance, 3, 'merge keeps what the update did not name');

      // An identical document changes nothing.
      await update('upd_a', { metadata: { instance: 3 } });
      assert.equal((await describeSvc('upd_a')).LatestVersion, 2);

      // Versions, newest first; rollback to 1 rolls out the old image at today's scale.
      const versions = (await eas('ListServiceVersions', 'GET', svcPath('upd_a', '/versions'))).body;
      assert.equal(versions.TotalCount, 2);
      assert.deepEqual(
        versions.Versions.map((v: any) => v.ImageId),
        [2, 1],
      );
      assert.equal(JSON.parse(versions.Versions[1].ServiceConfig).containers[0].image, 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1');
      const page = (await eas('ListServiceVersions', 'GET', svcPath('upd_a', '/versions'), { query: { PageSize: 1, PageNumber: 2 } })).body;
      assert.deepEqual(
        page.Versions.map((v: any) => v.ImageId),
        [1],
      );
      await eas('UpdateServiceVersion', 'PUT', svcPath('upd_a', '/version'), { body: { Version: 1 } });
      d = await describeSvc('upd_a');
      assert.equal(d.Status, 'Updating');
      assert.equal(d.CurrentVersion, 1);
      assert.equal(d.LatestVersion, 2);
      await advance(server.url, 5);
      d = await describeSvc('upd_a');
      assert.equal(d.Status, 'Running');
      assert.equal(d.Image, 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1');
      assert.equal(d.TotalInstance, 3);

      for (const [Version, pattern] of [
        [0, /greater than 0/],
        [3, /versions 1 to 2/],
        [1, /already the current version/],
      ] as const) {
        const e = await expectApiError(() => eas('UpdateServiceVersion', 'PUT', svcPath('upd_a', '/version'), { body: { Version } }));
        assert.equal(e.code, 'InvalidParameter');
        assert.equal(e.statusCode, 400);
        assert.match(e.message, pattern);
      }
      const rename = await expectApiError(() => update('upd_a', { name: 'upd_b' }));
      assert.equal(rename.code, 'InvalidParameter');
      assert.match(rename.message, /name.*cannot be renamed/);
      const move = await expectApiError(() => update('upd_a', { metadata: { resource: 'eas-r-elsewhere' } }));
      assert.match(move.message, /metadata\.resource/);
      const bad = await expectApiError(() => update('upd_a', { metadata: { cpu: 0 } }));
      assert.match(bad.message, /metadata\.cpu/);
      const missing = await expectApiError(() => update('nope_a', { metadata: { instance: 1 } }));
      assert.equal(missing.code, 'InvalidService.NotFound');
      assert.equal(missing.statusCode, 404);

      // replace: the document is the body (the name is kept when left out).
      await update(
        'upd_a',
        { processor: 'pmml', model_path: 'oss://bucket/model.pmml', metadata: { instance: 1, cpu: 1, memory: 512, resource: g } },
        { UpdateType: 'replace' },
      );
      d = await describeSvc('upd_a');
      assert.equal(d.LatestVersion, 3);
      assert.deepEqual(JSON.parse(d.ServiceConfig), {
        processor: 'pmml',
        model_path: 'oss://bucket/model.pmml',
        metadata: { instance: 1, cpu: 1, memory: 512, resource: g },
        name: 'upd_a',
      });
      await advance(server.url, 5);
      assert.equal((await describeSvc('upd_a')).Status, 'Running');
      assert.equal((await instancesOf('upd_a')).length, 1);
    });

    test('a rolling update in a full group makes room one instance at a time and completes', async () => {
      const g = await newGroup(1);
      await create(serviceJson('full_a', g, { instance: 3, cpu: 1 })); // all 3 schedulable cores
      await advance(server.url, 5);
      await update('full_a', { metadata: { memory: 2048 } });
      let d = await describeSvc('full_a');
      assert.equal(d.Status, 'Updating');
      assert.equal(d.RunningInstance, 2, 'one old instance made room; two keep serving');
      for (let i = 0; i < 3; i += 1) await advance(server.url, 5);
      d = await describeSvc('full_a');
      assert.equal(d.Status, 'Running');
      assert.equal(d.Memory, 2048);
      const [m] = await machines(g);
      assert.equal(m.InstanceUsedCpu, 3);
      assert.equal(m.InstanceUsedMemory, '6144M');
    });

    test('a scale-in during a rollout keeps the service Updating until the new instances run', async () => {
      const g = await newGroup(2);
      await create(serviceJson('scale_upd', g, { instance: 2 }));
      await advance(server.url, 5);
      await update('scale_upd', { containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v3', port: 8000 }] });
      await eas('ScaleService', 'PUT', svcPath('scale_upd', '/scale'), { body: { Instance: 1 } });
      let d = await describeSvc('scale_upd');
      assert.equal(d.Status, 'Updating', 'an old instance still serves while the new one starts');
      assert.equal(d.RunningInstance, 1);
      await advance(server.url, 5);
      d = await describeSvc('scale_upd');
      assert.equal(d.Status, 'Running');
      const list = await instancesOf('scale_upd');
      assert.equal(list.length, 1);
      assert.ok(list[0].IsLatest);

      // And a scale-out during a rollout: the new generation grows to the wish.
      await update('scale_upd', { containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v4', port: 8000 }] });
      await eas('ScaleService', 'PUT', svcPath('scale_upd', '/scale'), { body: { Instance: 3 } });
      assert.equal((await describeSvc('scale_upd')).Status, 'Updating');
      await advance(server.url, 5);
      d = await describeSvc('scale_upd');
      assert.equal(d.Status, 'Running');
      assert.equal(d.RunningInstance, 3);
      const grown = await instancesOf('scale_upd');
      assert.equal(grown.length, 3);
      assert.ok(grown.every((i) => i.IsLatest && i.Status === 'Running'));
    });

    test('a machine drained during a rollout: its old instance goes for good, the new ones take the room', async () => {
      const g = await newGroup(2);
      await create(serviceJson('drain_upd', g, { instance: 2, cpu: 3 })); // one per machine, each full
      await advance(server.url, 5);
      await update('drain_upd', { metadata: { memory: 2048 } });
      let list = await instancesOf('drain_upd');
      const old = list.filter((i) => !i.IsLatest);
      assert.equal(old.length, 1, 'one old instance made room');
      const machine = (await machines(g)).find((m) => m.InstanceName === old[0].HostName);
      await eas('UpdateResourceInstance', 'PUT', `/api/v2/resources/${REGION}/${g}/instances/${machine.InstanceId}`, {
        body: { Action: 'Drain' },
      });
      list = await instancesOf('drain_upd');
      assert.equal(list.length, 2);
      assert.ok(
        list.every((i) => i.IsLatest),
        'the evicted old instance is not rescheduled',
      );
      assert.equal((await describeSvc('drain_upd')).Status, 'Waiting');
      await eas('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${g}/instances`, {
        body: { EcsInstanceType: TYPE, EcsInstanceCount: 1, ChargeType: 'PostPaid' },
      });
      await advance(server.url, 10);
      await advance(server.url, 5);
      const d = await describeSvc('drain_upd');
      assert.equal(d.Status, 'Running');
      assert.equal(d.RunningInstance, 2);
    });

    test('RestartService replaces every instance, rolling; DeleteServiceInstances restarts the named ones', async () => {
      const g = await newGroup(2);
      await create(serviceJson('rst_a', g, { instance: 2 }));
      await advance(server.url, 5);
      const first = (await instancesOf('rst_a')).map((i) => i.InstanceName);
      const r = await eas('RestartService', 'PUT', svcPath('rst_a', '/restart'));
      assert.equal(r.body.Message, 'Service is restarting');
      assert.equal((await describeSvc('rst_a')).Status, 'Updating');
      assert.equal((await describeSvc('rst_a')).RunningInstance, 2);
      await advance(server.url, 5);
      assert.equal((await describeSvc('rst_a')).Status, 'Running');
      const second = (await instancesOf('rst_a')).map((i) => i.InstanceName);
      assert.equal(second.length, 2);
      assert.ok(second.every((n) => !first.includes(n)));
      assert.equal((await describeSvc('rst_a')).LatestVersion, 1, 'a restart is no new version');

      // A hard restart: the named instance is recreated under a new name.
      const del = await eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances'), { query: { InstanceList: second[0] } });
      assert.equal(del.body.Message, `Instance(s) [${second[0]}] for service [rst_a] in region [${REGION}] was deleted successfully`);
      let now = await instancesOf('rst_a');
      assert.equal(now.length, 2);
      assert.ok(!now.some((i) => i.InstanceName === second[0]));
      assert.equal((await describeSvc('rst_a')).Status, 'Waiting');
      await advance(server.url, 5);
      assert.equal((await describeSvc('rst_a')).Status, 'Running');

      // A soft restart: same instance, same machine, its process restarts.
      now = await instancesOf('rst_a');
      const target = now[0];
      await eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances'), {
        query: { InstanceList: target.InstanceName, SoftRestart: true, Container: 'worker0' },
      });
      let soft = (await instancesOf('rst_a')).find((i) => i.InstanceName === target.InstanceName);
      assert.equal(soft.Status, 'Pending');
      assert.equal(soft.HostName, target.HostName);
      assert.equal(soft.RestartCount, 1);
      await advance(server.url, 5);
      soft = (await instancesOf('rst_a')).find((i) => i.InstanceName === target.InstanceName);
      assert.equal(soft.Status, 'Running');
      assert.equal((await describeSvc('rst_a')).Status, 'Running');

      const unknown = await expectApiError(() =>
        eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances'), { query: { InstanceList: 'rst_a-0000000000-zzzzz' } }),
      );
      assert.equal(unknown.code, 'InvalidParameter');
      assert.match(unknown.message, /InstanceList.*not an instance of service rst_a/);
      const replica = await expectApiError(() =>
        eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances'), {
          query: { InstanceList: target.InstanceName, IsReplica: true },
        }),
      );
      assert.match(replica.message, /not a replica/);
      const container = await expectApiError(() =>
        eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances'), {
          query: { InstanceList: target.InstanceName, SoftRestart: true, Container: 'worker7' },
        }),
      );
      assert.match(container.message, /Container/);
      const none = await expectApiError(() => eas('DeleteServiceInstances', 'DELETE', svcPath('rst_a', '/instances')));
      assert.equal(none.code, 'MissingParameter');

      await eas('StopService', 'PUT', svcPath('rst_a', '/stop'));
      const stopped = await expectApiError(() => eas('RestartService', 'PUT', svcPath('rst_a', '/restart')));
      assert.equal(stopped.code, 'OperationDenied.ServiceStatus');
      assert.equal(stopped.statusCode, 400);
    });

    test('labels: set, shown, filtered on, deleted (also as Terraform sends Keys)', async () => {
      const g = await newGroup(1);
      await create(serviceJson('lbl_a', g));
      await create(serviceJson('lbl_b', g));
      const r = await eas('UpdateServiceLabel', 'PUT', svcPath('lbl_a', '/label'), { body: { Labels: { team: 'search', env: 'prod' } } });
      assert.equal(r.body.Message, 'Succeed to update service [lbl_a] labels.');
      await eas('UpdateServiceLabel', 'PUT', svcPath('lbl_b', '/label'), { body: { Labels: { team: 'ads' } } });
      assert.deepEqual((await describeSvc('lbl_a')).Labels, [
        { LabelKey: 'env', LabelValue: 'prod' },
        { LabelKey: 'team', LabelValue: 'search' },
      ]);
      const list = async (Label: Record<string, string>) =>
        (await eas('ListServices', 'GET', '/api/v2/services', { query: { Label: JSON.stringify(Label) } })).body.Services.map(
          (s: any) => s.ServiceName,
        );
      assert.deepEqual(await list({ team: 'search' }), ['lbl_a']);
      assert.deepEqual(await list({ team: 'search', env: 'dev' }), []);
      await eas('DeleteServiceLabel', 'DELETE', svcPath('lbl_a', '/label'), { query: { LabelKeys: JSON.stringify(['env']) } });
      assert.deepEqual((await describeSvc('lbl_a')).Labels, [{ LabelKey: 'team', LabelValue: 'search' }]);
      await eas('DeleteServiceLabel', 'DELETE', svcPath('lbl_a', '/label'), { query: { Keys: '["team"]' } });
      assert.deepEqual((await describeSvc('lbl_a')).Labels, []);
      const missing = await expectApiError(() => eas('DeleteServiceLabel', 'DELETE', svcPath('lbl_a', '/label')));
      assert.equal(missing.code, 'MissingParameter');
      const reserved = await expectApiError(() =>
        eas('UpdateServiceLabel', 'PUT', svcPath('lbl_a', '/label'), { body: { Labels: { 'acs:x': 'y' } } }),
      );
      assert.equal(reserved.code, 'InvalidParameter');
    });

    test('the safety lock: dangerous refuses stop and delete; all refuses every change but unlocking', async () => {
      const g = await newGroup(1);
      await create(serviceJson('lock_a', g));
      const lock = (Lock: string) => eas('UpdateServiceSafetyLock', 'PUT', svcPath('lock_a', '/lock'), { body: { Lock } });
      assert.equal((await lock('dangerous')).body.Message, 'service safety lock updated to dangerous');
      assert.equal((await describeSvc('lock_a')).SafetyLock, 'dangerous');
      for (const call of [
        () => eas('StopService', 'PUT', svcPath('lock_a', '/stop')),
        () => eas('DeleteService', 'DELETE', svcPath('lock_a')),
      ]) {
        const e = await expectApiError(call);
        assert.equal(e.code, 'OperationDenied.ServiceLocked');
        assert.equal(e.statusCode, 403);
      }
      await eas('ScaleService', 'PUT', svcPath('lock_a', '/scale'), { body: { Instance: 2 } });
      await lock('all');
      for (const call of [
        () => eas('ScaleService', 'PUT', svcPath('lock_a', '/scale'), { body: { Instance: 1 } }),
        () => update('lock_a', { metadata: { instance: 1 } }),
        () => eas('UpdateServiceLabel', 'PUT', svcPath('lock_a', '/label'), { body: { Labels: { a: 'b' } } }),
        () => eas('RestartService', 'PUT', svcPath('lock_a', '/restart')),
      ]) {
        const e = await expectApiError(call);
        assert.equal(e.code, 'OperationDenied.ServiceLocked');
        assert.match(e.message, /safety lock all/);
      }
      assert.equal((await describeSvc('lock_a')).TotalInstance, 2, 'reads are never locked');
      const bad = await expectApiError(() => lock('some'));
      assert.equal(bad.code, 'InvalidParameter');
      await lock('none');
      await eas('DeleteService', 'DELETE', svcPath('lock_a'));
      assert.equal((await expectApiError(() => describeSvc('lock_a'))).code, 'InvalidService.NotFound');
    });

    test('the event log explains each step; paging, type, instance and time filters; endpoints', async () => {
      const g = await newGroup(1);
      await create(serviceJson('evt_a', g, { instance: 2 }));
      await advance(server.url, 5);
      const [m] = await machines(g);
      await eas('UpdateResourceInstance', 'PUT', `/api/v2/resources/${REGION}/${g}/instances/${m.InstanceId}`, {
        body: { Action: 'Drain' },
      });
      const all = await events('evt_a');
      const reasons = all.Events.map((e: any) => e.Reason);
      // In the order they happened, also within one transaction.
      assert.deepEqual(reasons.slice(0, 2), ['CREATING', 'Scheduled']);
      assert.ok(reasons.indexOf('Evicted') < reasons.indexOf('EVICTED'));
      for (const r of ['CREATING', 'Scheduled', 'Started', 'RUNNING', 'Evicted', 'EVICTED'])
        assert.ok(reasons.includes(r), `${r} in ${reasons}`);
      assert.equal(all.TotalCount, all.Events.length);
      assert.equal(all.PageNum, 1);
      assert.equal(all.TotalPageNum, 1);
      const evicted = all.Events.find((e: any) => e.Reason === 'EVICTED');
      assert.equal(evicted.Type, 'Warning');
      assert.equal(evicted.Resource, 'Service');
      assert.match(JSON.parse(evicted.Message).message, /evicted from machine/);
      assert.match(evicted.Time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const scheduled = all.Events.find((e: any) => e.Reason === 'Scheduled');
      assert.equal(scheduled.Resource, 'Pod');
      const instance = JSON.parse(scheduled.Message).instance;

      const page2 = await events('evt_a', { PageSize: '2', PageNum: '2' });
      assert.equal(page2.Events.length, 2);
      assert.deepEqual(page2.Events, all.Events.slice(2, 4));
      assert.equal(page2.TotalPageNum, Math.ceil(all.TotalCount / 2));
      const warnings = await events('evt_a', { EventType: 'Warning' });
      assert.ok(warnings.Events.length >= 3 && warnings.Events.every((e: any) => e.Type === 'Warning'));
      const mine = await events('evt_a', { InstanceName: instance });
      assert.ok(mine.Events.length >= 3 && mine.Events.every((e: any) => JSON.parse(e.Message).instance === instance));
      const future = await events('evt_a', { StartTime: '2999-01-01 00:00:00', EndTime: '2999-01-02 00:00:00' });
      assert.equal(future.TotalCount, 0);
      // Events older than the default window of 7 days are left out.
      await advance(server.url, 8 * 86_400);
      assert.equal((await events('evt_a')).TotalCount, 0);
      const badTime = await expectApiError(() => events('evt_a', { StartTime: '2024-13-01 00:00:00' }));
      assert.equal(badTime.code, 'InvalidParameter');
      assert.match(badTime.message, /StartTime/);
      const badPage = await expectApiError(() => events('evt_a', { PageSize: 'x' }));
      assert.match(badPage.message, /PageSize/);

      const ep = (await eas('DescribeServiceEndpoints', 'GET', svcPath('evt_a', '/endpoints'))).body;
      assert.equal(ep.Endpoints[0].EndpointType, 'DefaultGateway');
      assert.deepEqual(ep.Endpoints[0].InternetEndpoints, [(await describeSvc('evt_a')).InternetEndpoint]);
    });

    test('a cron scaler scales at its time after clock/advance, skips excluded days, and is updated and deleted', async () => {
      const g = await newGroup(2);
      await create(serviceJson('cron_a', g));
      await advance(server.url, 5);
      const now = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      // Ten minutes from now (UTC), then every day at that time.
      const at = new Date(Math.ceil((now + 10 * 60_000) / 60_000) * 60_000);
      const schedule = `0 ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
      const path = svcPath('cron_a', '/cronscaler');
      const created = await eas('CreateServiceCronScaler', 'POST', path, {
        body: { ScaleJobs: [{ Name: 'up', Schedule: schedule, TargetSize: 3 }] },
      });
      assert.equal(created.body.Message, 'Cronscaler for service [cron_a] created successfully');
      let d = await eas('DescribeServiceCronScaler', 'GET', path);
      assert.equal(d.body.ServiceName, 'cron_a');
      assert.deepEqual(
        d.body.ScaleJobs.map((j: any) => [j.Name, j.Schedule, j.TargetSize, j.State]),
        [['up', schedule, 3, undefined]],
      );
      assert.equal((await describeSvc('cron_a')).CronscalerEnabled, true);
      const again = await expectApiError(() =>
        eas('CreateServiceCronScaler', 'POST', path, { body: { ScaleJobs: [{ Schedule: schedule, TargetSize: 1 }] } }),
      );
      assert.equal(again.code, 'InvalidCronScaler.AlreadyExists');
      assert.equal(again.statusCode, 409);

      await advance(server.url, 5 * 60);
      assert.equal((await describeSvc('cron_a')).TotalInstance, 1, 'not yet');
      await advance(server.url, 6 * 60);
      assert.equal((await describeSvc('cron_a')).TotalInstance, 3, 'scaled at its time');
      d = await eas('DescribeServiceCronScaler', 'GET', path);
      assert.equal(d.body.ScaleJobs[0].State, 'Succeed');
      assert.match(d.body.ScaleJobs[0].Message, /executed successfully. current replicas:1, desired replicas:3/);
      assert.equal(Date.parse(d.body.ScaleJobs[0].LastProbeTime), at.getTime());
      await advance(server.url, 5);
      assert.equal((await describeSvc('cron_a')).Status, 'Running');

      // Scale back down the next day, except that day is excluded: the job skips it.
      const tomorrow = new Date(at.getTime() + 86_400_000);
      await eas('UpdateServiceCronScaler', 'PUT', path, {
        body: {
          ScaleJobs: [{ Name: 'down', Schedule: schedule, TargetSize: 1 }],
          ExcludeDates: [`* * * ${tomorrow.getUTCDate()} ${tomorrow.getUTCMonth() + 1} *`],
        },
      });
      await advance(server.url, 86_400);
      assert.equal((await describeSvc('cron_a')).TotalInstance, 3, 'excluded day');
      d = await eas('DescribeServiceCronScaler', 'GET', path);
      assert.match(d.body.ScaleJobs[0].Message, /skipped/);
      await advance(server.url, 86_400);
      assert.equal((await describeSvc('cron_a')).TotalInstance, 1, 'the day after');
      const log = (await events('cron_a', { StartTime: new Date(now).toISOString().slice(0, 19).replace('T', ' ') })).Events.map(
        (e: any) => e.Reason,
      );
      assert.ok(log.includes('CRONSCALER'));

      const bad = await expectApiError(() =>
        eas('UpdateServiceCronScaler', 'PUT', path, { body: { ScaleJobs: [{ Schedule: '0 61 * * * *', TargetSize: 1 }] } }),
      );
      assert.equal(bad.code, 'InvalidParameter');
      assert.match(bad.message, /ScaleJobs\.1\.Schedule.*minute field: 61 is outside 0-59/);
      const tz = await expectApiError(() =>
        eas('UpdateServiceCronScaler', 'PUT', path, {
          body: { ScaleJobs: [{ Schedule: '0 0 1 * * *', TargetSize: 1, TimeZone: 'Mars/Base' }] },
        }),
      );
      assert.match(tz.message, /ScaleJobs\.1\.TimeZone/);
      const often = await expectApiError(() =>
        eas('UpdateServiceCronScaler', 'PUT', path, { body: { ScaleJobs: [{ Schedule: '*/10 * * * * *', TargetSize: 1 }] } }),
      );
      assert.match(often.message, /ScaleJobs\.1\.Schedule.*at most once a minute/);
      const never = await expectApiError(() =>
        eas('UpdateServiceCronScaler', 'PUT', path, { body: { ScaleJobs: [{ Schedule: '0 0 0 30 2 *', TargetSize: 1 }] } }),
      );
      assert.match(never.message, /never fires/);
      const size = await expectApiError(() =>
        eas('UpdateServiceCronScaler', 'PUT', path, { body: { ScaleJobs: [{ Schedule: '0 0 1 * * *', TargetSize: -1 }] } }),
      );
      assert.match(size.message, /TargetSize/);

      await eas('DeleteServiceCronScaler', 'DELETE', path);
      assert.equal((await expectApiError(() => eas('DescribeServiceCronScaler', 'GET', path))).code, 'InvalidCronScaler.NotFound');
      assert.equal((await expectApiError(() => eas('DeleteServiceCronScaler', 'DELETE', path))).code, 'InvalidCronScaler.NotFound');
      assert.equal((await describeSvc('cron_a')).CronscalerEnabled, false);
      await eas('ScaleService', 'PUT', svcPath('cron_a', '/scale'), { body: { Instance: 2 } });
      await advance(server.url, 2 * 86_400);
      assert.equal((await describeSvc('cron_a')).TotalInstance, 2, 'a deleted scaler scales no more');
    });

    test('a 30-day clock advance runs each scale job once, its last occurrence: bounded work, the latest schedule decides', async () => {
      const g = await newGroup(2);
      await create(serviceJson('cron_b', g));
      // The same month without a scaler: the jobs the account runs anyway (billing), to compare.
      const month = 30 * 86_400;
      const baseline = (await advance(server.url, month)).JobsRun as number;
      const path = svcPath('cron_b', '/cronscaler');
      await eas('CreateServiceCronScaler', 'POST', path, {
        body: {
          ScaleJobs: [
            { Name: 'on-the-hour', Schedule: '0 0 * * * *', TargetSize: 2 },
            { Name: 'half-past', Schedule: '0 30 * * * *', TargetSize: 3 },
          ],
        },
      });
      const from = (await admin(server.url, 'GET', '/clock')).NowMs as number;
      const moved = await advance(server.url, month);
      const end = moved.NowMs as number;
      // Every occurrence run one after the other would be 1,440 runs; each job runs at most twice
      // (found late, then its last occurrence), plus the start jobs of the instances it adds.
      assert.ok(moved.JobsRun - baseline <= 12, `jobs run: ${moved.JobsRun} (without the scaler ${baseline})`);
      const hour = Math.floor(end / 3_600_000) * 3_600_000;
      const lastHour = hour; // 0 0 * * * *
      const lastHalf = hour + 1_800_000 <= end ? hour + 1_800_000 : hour - 1_800_000; // 0 30 * * * *
      const want = lastHalf > lastHour ? 3 : 2;
      assert.equal((await describeSvc('cron_b')).TotalInstance, want, 'the size of the latest schedule');
      const d = (await eas('DescribeServiceCronScaler', 'GET', path)).body;
      assert.deepEqual(
        d.ScaleJobs.map((j: any) => [j.Name, j.State, Date.parse(j.LastProbeTime)]),
        [
          ['on-the-hour', 'Succeed', lastHour],
          ['half-past', 'Succeed', lastHalf],
        ],
      );
      for (const j of d.ScaleJobs) assert.match(j.Message, /were missed \(the clock moved past them\)/);
      // The events tell it: one per job, saying which runs were missed and not run.
      const log = (await events('cron_b', { StartTime: new Date(from).toISOString().slice(0, 19).replace('T', ' ') })).Events.filter(
        (e: any) => e.Reason === 'CRONSCALER' && /cron hpa job/.test(e.Message),
      );
      assert.equal(log.length, 2, JSON.stringify(log));
      for (const e of log) assert.match(JSON.parse(e.Message).message, /were missed \(the clock moved past them\) and are not run/);
      // Then on time again: the next occurrence runs as usual.
      await advance(server.url, 3600);
      const after = (await eas('DescribeServiceCronScaler', 'GET', path)).body;
      assert.ok(after.ScaleJobs.every((j: any) => Date.parse(j.LastProbeTime) > end && !/missed/.test(j.Message)));
    });

    test('a client polling like Terraform: create with labels, wait Running, update config and labels, delete, wait NotFound', async () => {
      const g = await newGroup(2);
      // What alicloud_pai_service sends: the parsed service_config as body, Labels as JSON in the
      // query, ClusterId again in the query; it polls DescribeService every 5 s.
      const config = serviceJson('tf_a', g, { instance: 2 });
      const tf = (
        action: string,
        method: Method,
        pathname: string,
        extra: { query?: Record<string, unknown>; body?: Record<string, unknown> } = {},
      ) => eas(action, method, pathname, { ...extra, query: { ClusterId: REGION, ...extra.query } });
      const waitFor = async (target: string, fail: string[]) => {
        for (let polls = 0; polls < 30; polls += 1) {
          const status = (await describeSvc('tf_a')).Status;
          if (status === target) return polls;
          assert.ok(!fail.includes(status), `reached ${status}`);
          await advance(server.url, 5);
        }
        assert.fail(`never reached ${target}`);
      };
      const created = await tf('CreateService', 'POST', '/api/v2/services', {
        body: config,
        query: { Labels: JSON.stringify({ a: '1', b: '2', c: '3' }) },
      });
      assert.equal(created.body.ServiceName, 'tf_a');
      await waitFor('Running', ['Failed']);
      const read = await describeSvc('tf_a');
      const labels = Object.fromEntries(read.Labels.map((l: any) => [l.LabelKey, l.LabelValue]));
      assert.deepEqual(labels, { a: '1', b: '2', c: '3' });
      assert.deepEqual(JSON.parse(read.ServiceConfig), config, 'no diff for Terraform');

      const changed = { ...config, containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v9', port: 8000 }] };
      await tf('UpdateService', 'PUT', svcPath('tf_a'), { body: changed });
      await waitFor('Running', ['Failed']);
      assert.deepEqual(JSON.parse((await describeSvc('tf_a')).ServiceConfig), changed);
      // labels {a,b,c} → {a, c: '4'}: b and c removed (Keys as a JSON list), then c added.
      await tf('DeleteServiceLabel', 'DELETE', svcPath('tf_a', '/label'), { query: { Keys: JSON.stringify(['b', 'c']) } });
      await tf('UpdateServiceLabel', 'PUT', svcPath('tf_a', '/label'), { body: { Labels: { c: '4' } } });
      assert.deepEqual(Object.fromEntries((await describeSvc('tf_a')).Labels.map((l: any) => [l.LabelKey, l.LabelValue])), {
        a: '1',
        c: '4',
      });

      await tf('DeleteService', 'DELETE', svcPath('tf_a'));
      const gone = await expectApiError(() => describeSvc('tf_a'));
      assert.equal(gone.code, 'InvalidService.NotFound');
    });

    test('RAM: each operation is eas:<Action> on service/<name>', async () => {
      const g = await newGroup(1);
      await create(serviceJson('ram_ops', g));
      const ops = [
        ['UpdateService', 'PUT', '', { body: { metadata: { instance: 2 } } }],
        ['RestartService', 'PUT', '/restart', {}],
        ['UpdateServiceSafetyLock', 'PUT', '/lock', { body: { Lock: 'none' } }],
        ['DescribeServiceEvent', 'GET', '/events', {}],
        ['CreateServiceCronScaler', 'POST', '/cronscaler', { body: { ScaleJobs: [{ Schedule: '0 0 1 * * *', TargetSize: 1 }] } }],
      ] as const;
      // Allowed every action, but on another service's name: denied, naming the action.
      const elsewhere = easClient({
        url: server.url,
        ...(await userWithPolicies(server, [
          allow(
            ops.map(([a]) => `eas:${a}`),
            'acs:eas:*:*:service/ram_other',
          ),
        ])),
      });
      for (const [action, method, tail, extra] of ops) {
        const e = await expectApiError(() => callEas(elsewhere, { action, method, pathname: svcPath('ram_ops', tail), ...extra }));
        assert.equal(e.code, 'Forbidden.RAM');
        assert.equal(e.data.AccessDeniedDetail.AuthAction, `eas:${action}`);
      }
      // Allowed on this service: each goes through.
      const here = easClient({
        url: server.url,
        ...(await userWithPolicies(server, [
          allow(
            ops.map(([a]) => `eas:${a}`),
            'acs:eas:*:*:service/ram_ops',
          ),
        ])),
      });
      for (const [action, method, tail, extra] of ops) {
        assert.equal((await callEas(here, { action, method, pathname: svcPath('ram_ops', tail), ...extra })).statusCode, 200, action);
      }
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
