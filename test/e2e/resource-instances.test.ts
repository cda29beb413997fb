// CreateResourceInstances (the seed API) and the machine family around it, through the official
// client, on every engine: validation, lifecycle, filters, deletion rules, quota, idempotency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';

const REGION = 'cn-hangzhou';

for (const engine of ENGINES) {
  describe(`resource group machines [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;

    const eas = (
      action: string,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      pathname: string,
      extra: { query?: Record<string, unknown>; body?: Record<string, unknown>; headers?: Record<string, string> } = {},
    ) => callEas(client, { action, method, pathname, ...extra });

    const newGroup = async (name = 'grp') => {
      const r = await eas('CreateResource', 'POST', '/api/v2/resources', {
        body: { ResourceType: 'SelfManaged', ResourceName: name, SelfManagedResourceOptions: { ExternalClusterId: 'c-1' } },
      });
      return r.body.ResourceId as string;
    };
    const createInstances = (group: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
      eas('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, { body, headers });
    const listInstances = (group: string, query: Record<string, unknown> = {}) =>
      eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${group}/instances`, { query });
    const describe_ = (group: string) => eas('DescribeResource', 'GET', `/api/v2/resources/${REGION}/${group}`);

    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 30, releaseSeconds: 10 });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('host names: eas + the address as 16 digits, unique, and growing from one order to the next', async () => {
      const group = await newGroup('names');
      // The first order of a region takes the step-by-step path on PostgreSQL, later ones the one-statement path.
      const orders: string[][] = [];
      for (const count of [3, 2, 1]) {
        const r = await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: count, ChargeType: 'PostPaid' });
        orders.push(r.body.InstanceIds);
      }
      const machines = (await listInstances(group)).body.Instances as Array<{
        InstanceId: string;
        InstanceName: string;
        InstanceIp: string;
      }>;
      assert.equal(machines.length, 6);
      for (const m of machines) {
        const address = m.InstanceIp.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
        assert.equal(m.InstanceName, `eas${String(address).padStart(16, '0')}`, `${m.InstanceName} names ${m.InstanceIp}`);
      }
      assert.equal(new Set(machines.map((m) => m.InstanceName)).size, 6, 'unique');
      const nameOf = new Map(machines.map((m) => [m.InstanceId, m.InstanceName]));
      const names = orders.map((ids) => ids.map((id) => nameOf.get(id)!).sort());
      for (let i = 1; i < names.length; i++) assert.ok(names[i - 1]!.at(-1)! < names[i]![0]!, `order ${i + 1}'s names follow order ${i}'s`);
    });

    test('creates machines exactly as documented: ids, message, Attaching then Ready', async () => {
      const group = await newGroup();
      const res = await createInstances(group, { EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: 3, ChargeType: 'PostPaid' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body.Message, `Create 3 new ecs instance(s) in resource [${group}] successfully`);
      assert.equal(res.body.InstanceIds.length, 3);
      for (const id of res.body.InstanceIds) assert.match(id, /^eas-i-[a-z0-9]{18}$/);

      let list = await listInstances(group);
      assert.equal(list.body.TotalCount, 3);
      assert.ok(list.body.Instances.every((i: any) => i.InstanceStatus === 'Attaching'));
      let detail = await describe_(group);
      assert.equal(detail.body.InstanceCount, 3);
      assert.equal(detail.body.CpuCount, 0, 'machines still attaching add no capacity');

      await advance(server.url, 30);
      list = await listInstances(group);
      assert.ok(list.body.Instances.every((i: any) => i.InstanceStatus === 'Ready'));
      const m = list.body.Instances[0];
      assert.equal(m.InstanceType, 'ecs.g6.xlarge');
      assert.equal(m.InstanceCpuCount, 4);
      assert.equal(m.InstanceMemory, '16384M');
      assert.equal(m.InstanceGpuMemory, '0G');
      assert.equal(m.InstanceSystemDiskSize, 200);
      assert.equal(m.ChargeType, 'PostPaid');
      assert.equal(m.AutoRenewal, false);
      assert.equal(m.Region, REGION);
      assert.match(m.Zone, /^cn-hangzhou-[a-z]$/);
      assert.match(m.CreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(m.InstanceIp, /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(new Set(list.body.Instances.map((i: any) => i.InstanceIp)).size, 3, 'no duplicate IPs');

      detail = await describe_(group);
      assert.equal(detail.body.InstanceCount, 3);
      assert.equal(detail.body.PostPaidInstanceCount, 3);
      assert.equal(detail.body.PrePaidInstanceCount, 0);
      assert.equal(detail.body.CpuCount, 12);
      assert.equal(detail.body.Memory, 3 * 16384);
      assert.equal(detail.body.Status, 'ResourceReady');
      assert.equal(typeof detail.body.ExtraData, 'string', 'DescribeResource ExtraData is a JSON string');
    });

    test('PrePaid machines expire one calendar month after creation', async () => {
      const group = await newGroup();
      await createInstances(group, {
        EcsInstanceType: 'ecs.gn6i-c4g1.xlarge',
        EcsInstanceCount: 1,
        ChargeType: 'PrePaid',
        AutoRenewal: true,
        SystemDiskSize: 500,
        Zone: 'cn-hangzhou-h',
        Labels: { team: 'a' },
      });
      const [m] = (await listInstances(group)).body.Instances;
      const created = new Date(m.CreateTime);
      const expected = new Date(
        Date.UTC(
          created.getUTCFullYear(),
          created.getUTCMonth() + 1,
          1,
          created.getUTCHours(),
          created.getUTCMinutes(),
          created.getUTCSeconds(),
        ),
      );
      const lastDay = new Date(Date.UTC(expected.getUTCFullYear(), expected.getUTCMonth() + 1, 0)).getUTCDate();
      expected.setUTCDate(Math.min(created.getUTCDate(), lastDay));
      assert.equal(m.ExpiredTime, expected.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      assert.equal(m.AutoRenewal, true);
      assert.equal(m.Zone, 'cn-hangzhou-h');
      assert.equal(m.InstanceSystemDiskSize, 500);
      assert.equal(m.InstanceGpuMemory, '16G');
      assert.deepEqual(m.Labels, [{ LabelKey: 'team', LabelValue: 'a' }]);
    });

    const invalid: Array<[string, Record<string, unknown>, string, number, RegExp?]> = [
      ['missing EcsInstanceType', { EcsInstanceCount: 1, ChargeType: 'PostPaid' }, 'MissingParameter', 400, /EcsInstanceType/],
      [
        'missing EcsInstanceCount',
        { EcsInstanceType: 'ecs.g6.large', ChargeType: 'PostPaid' },
        'MissingParameter',
        400,
        /EcsInstanceCount/,
      ],
      ['missing ChargeType', { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1 }, 'MissingParameter', 400, /ChargeType/],
      [
        'count 0',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 0, ChargeType: 'PostPaid' },
        'InvalidParameter',
        400,
        /EcsInstanceCount/,
      ],
      [
        'count 101',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 101, ChargeType: 'PostPaid' },
        'InvalidParameter',
        400,
        /EcsInstanceCount/,
      ],
      [
        'count as a string',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: '2', ChargeType: 'PostPaid' },
        'InvalidParameter',
        400,
        /EcsInstanceCount/,
      ],
      [
        'bad ChargeType',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'Monthly' },
        'InvalidParameter',
        400,
        /ChargeType/,
      ],
      [
        'disk 199',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', SystemDiskSize: 199 },
        'InvalidParameter',
        400,
        /SystemDiskSize/,
      ],
      [
        'disk 2001',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', SystemDiskSize: 2001 },
        'InvalidParameter',
        400,
        /SystemDiskSize/,
      ],
      [
        'unknown type',
        { EcsInstanceType: 'ecs.nope.huge', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
        'InvalidInstanceType.NotSupported',
        400,
      ],
      [
        'zone of another region',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', Zone: 'cn-shanghai-f' },
        'InvalidParameter',
        400,
        /Zone/,
      ],
      [
        'reserved label key',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', Labels: { 'aliyun-x': 'v' } },
        'InvalidParameter',
        400,
        /Labels/,
      ],
      [
        'AutoRenewal not boolean',
        { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid', AutoRenewal: 'yes' },
        'InvalidParameter',
        400,
        /AutoRenewal/,
      ],
    ];
    for (const [name, body, code, status, message] of invalid) {
      test(`refuses ${name} with ${code} and creates nothing`, async () => {
        const group = await newGroup();
        const err = await expectApiError(() => createInstances(group, body));
        assert.equal(err.code, code);
        assert.equal(err.statusCode, status);
        if (message) assert.match(err.data.Message, message);
        assert.equal((await listInstances(group)).body.TotalCount, 0);
        assert.equal((await describe_(group)).body.InstanceCount, 0);
      });
    }

    test('an unknown group, or a group addressed in another region, is 404', async () => {
      const group = await newGroup();
      const body = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' };
      let err = await expectApiError(() =>
        eas('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/eas-r-000000000000000000/instances`, { body }),
      );
      assert.equal(err.code, 'InvalidResource.NotFound');
      assert.equal(err.statusCode, 404);
      err = await expectApiError(() =>
        eas('CreateResourceInstances', 'POST', `/api/v2/resources/cn-shanghai/${group}/instances`, { body }),
      );
      assert.equal(err.code, 'InvalidResource.NotFound');
    });

    test('a client token makes a retried create return the first result, not buy twice', async () => {
      const group = await newGroup();
      const body = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' };
      const token = `tok-${Date.now()}`;
      const first = await createInstances(group, body, { 'x-acs-client-token': token });
      const retry = await createInstances(group, body, { 'x-acs-client-token': token });
      assert.deepEqual(retry.body.InstanceIds, first.body.InstanceIds);
      assert.equal((await listInstances(group)).body.TotalCount, 2);
      const err = await expectApiError(() => createInstances(group, { ...body, EcsInstanceCount: 3 }, { 'x-acs-client-token': token }));
      assert.equal(err.code, 'IdempotentParameterMismatch');
    });

    test('Sort=ExpireTime orders machines by expiry, both ways, across pages', async () => {
      const group = await newGroup();
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        made.push(
          ...(await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PrePaid' })).body
            .InstanceIds,
        );
        await advance(server.url, 86_400); // a day apart: three different expiry times
      }
      const ids = async (query: Record<string, unknown>) =>
        (await listInstances(group, { Sort: 'ExpireTime', ...query })).body.Instances.map((i: any) => i.InstanceId);
      assert.deepEqual(await ids({ Order: 'asc' }), made);
      assert.deepEqual(await ids({ Order: 'desc' }), [...made].reverse());
      assert.deepEqual([...(await ids({ Order: 'asc', PageSize: 2 })), ...(await ids({ Order: 'asc', PageSize: 2, PageNumber: 2 }))], made);
      const expiries = (await listInstances(group, { Sort: 'ExpireTime', Order: 'asc' })).body.Instances.map((i: any) => i.ExpiredTime);
      assert.deepEqual([...expiries].sort(), expiries);
    });

    test('filters, sorting and paging of ListResourceInstances', async () => {
      const group = await newGroup();
      const post = await createInstances(group, {
        EcsInstanceType: 'ecs.g6.large',
        EcsInstanceCount: 3,
        ChargeType: 'PostPaid',
        Labels: { tier: 'web' },
      });
      await createInstances(group, {
        EcsInstanceType: 'ecs.c6.xlarge',
        EcsInstanceCount: 2,
        ChargeType: 'PrePaid',
        Labels: { tier: 'db' },
      });
      await advance(server.url, 30);
      assert.equal((await listInstances(group, { ChargeType: 'PrePaid' })).body.TotalCount, 2);
      assert.equal((await listInstances(group, { InstanceStatus: 'Ready' })).body.TotalCount, 5);
      assert.equal((await listInstances(group, { InstanceStatus: 'Attaching' })).body.TotalCount, 0);
      assert.equal((await listInstances(group, { Label: JSON.stringify({ tier: 'web' }) })).body.TotalCount, 3);
      const one = post.body.InstanceIds[1];
      const byId = await listInstances(group, { InstanceId: one });
      assert.equal(byId.body.TotalCount, 1);
      const ip = byId.body.Instances[0].InstanceIp;
      assert.equal((await listInstances(group, { InstanceIP: ip })).body.Instances[0].InstanceId, one);
      // A keyword matches anywhere in the id (the tail is its random part; the head is shared by machines created together).
      assert.deepEqual(
        (await listInstances(group, { Filter: one.slice(-9) })).body.Instances.map((i: any) => i.InstanceId),
        [one],
      );
      const name = byId.body.Instances[0].InstanceName;
      assert.equal((await listInstances(group, { InstanceName: name })).body.TotalCount, 1);

      const page1 = await listInstances(group, { PageSize: 2, PageNumber: 1, Sort: 'CreateTime', Order: 'asc' });
      const page3 = await listInstances(group, { PageSize: 2, PageNumber: 3, Sort: 'CreateTime', Order: 'asc' });
      assert.equal(page1.body.Instances.length, 2);
      assert.equal(page3.body.Instances.length, 1);
      assert.equal(page1.body.TotalCount, 5);
      assert.equal(page1.body.PageSize, 2);
      const all = (await listInstances(group, { Sort: 'CreateTime', Order: 'asc' })).body.Instances.map((i: any) => i.InstanceId);
      assert.deepEqual(
        page1.body.Instances.map((i: any) => i.InstanceId),
        all.slice(0, 2),
      );

      for (const [query, name_] of [
        [{ Order: 'Desc' }, 'Order'],
        [{ Sort: 'Name' }, 'Sort'],
        [{ InstanceStatus: 'Running' }, 'InstanceStatus'],
        [{ PageSize: 0 }, 'PageSize'],
      ] as const) {
        const err = await expectApiError(() => listInstances(group, query));
        assert.equal(err.code, 'InvalidParameter');
        assert.match(err.data.Message, new RegExp(name_));
      }
    });

    test('deleting: PostPaid machines go Deleting then disappear; PrePaid ones are refused', async () => {
      const group = await newGroup();
      const post = (await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' })).body
        .InstanceIds;
      const pre = (await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PrePaid' })).body
        .InstanceIds;
      await advance(server.url, 30);

      const refused = await expectApiError(() =>
        eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, {
          query: { InstanceList: [...post, ...pre].join(',') },
        }),
      );
      assert.equal(refused.code, 'ChargeTypeViolation');
      assert.equal(refused.statusCode, 403);
      assert.equal((await listInstances(group, { InstanceStatus: 'Ready' })).body.TotalCount, 3, 'nothing was deleted');

      const missing = await expectApiError(() =>
        eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, {
          query: { InstanceList: 'eas-i-000000000000000000' },
        }),
      );
      assert.equal(missing.code, 'InvalidInstance.NotFound');
      assert.equal(missing.statusCode, 404);

      const ok = await eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, {
        query: { InstanceList: post.join(',') },
      });
      assert.equal(ok.body.Message, `Instances ${post.join(',')} are deleting`);
      assert.equal((await listInstances(group, { InstanceStatus: 'Deleting' })).body.TotalCount, 2);
      assert.equal((await describe_(group)).body.CpuCount, 2, 'deleting machines no longer count as capacity');
      await advance(server.url, 10);
      assert.equal((await listInstances(group)).body.TotalCount, 1);
      const detail = await describe_(group);
      assert.equal(detail.body.InstanceCount, 1);
      assert.equal(detail.body.PostPaidInstanceCount, 0);
    });

    test('machines that fail for lack of stock end in CreateFailed and AllFailed clears them', async () => {
      const group = await newGroup();
      await admin(server.url, 'PUT', '/stock', {
        Region: REGION,
        Zone: 'cn-hangzhou-j',
        InstanceType: 'ecs.gn7i-c8g1.2xlarge',
        Status: 'NoStock',
      });
      try {
        await createInstances(group, {
          EcsInstanceType: 'ecs.gn7i-c8g1.2xlarge',
          EcsInstanceCount: 2,
          ChargeType: 'PrePaid',
          Zone: 'cn-hangzhou-j',
        });
        await advance(server.url, 30);
        const failed = await listInstances(group, { InstanceStatus: 'CreateFailed' });
        assert.equal(failed.body.TotalCount, 2);
        assert.equal((await describe_(group)).body.GpuCount, 0);
        await eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, { query: { AllFailed: true } });
        await advance(server.url, 10);
        assert.equal((await listInstances(group)).body.TotalCount, 0);
      } finally {
        await admin(server.url, 'DELETE', '/stock');
      }
    });

    test('cordon, drain and uncordon show as -SchedulingDisabled', async () => {
      const group = await newGroup();
      const [id] = (await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' })).body
        .InstanceIds;
      const update = (Action: string) =>
        eas('UpdateResourceInstance', 'PUT', `/api/v2/resources/${REGION}/${group}/instances/${id}`, { body: { Action } });
      const early = await expectApiError(() => update('Cordon'));
      assert.equal(early.code, 'OperationDenied.InstanceStatus');
      await advance(server.url, 30);
      const res = await update('Cordon');
      assert.deepEqual({ r: res.body.ResourceId, i: res.body.InstanceId }, { r: group, i: id });
      assert.equal((await listInstances(group)).body.Instances[0].InstanceStatus, 'Ready-SchedulingDisabled');
      await update('Uncordon');
      assert.equal((await listInstances(group)).body.Instances[0].InstanceStatus, 'Ready');
      await update('Drain');
      assert.equal((await listInstances(group, { InstanceStatus: 'Ready-SchedulingDisabled' })).body.TotalCount, 1);
      const bad = await expectApiError(() => update('Reboot'));
      assert.equal(bad.code, 'InvalidParameter');
    });

    test('instance labels can be set and removed, and filter the list', async () => {
      const group = await newGroup();
      const ids = (
        await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid', Labels: { a: '1' } })
      ).body.InstanceIds;
      const upd = await eas('UpdateResourceInstanceLabel', 'PUT', `/api/v2/resources/${REGION}/${group}/label`, {
        query: { InstanceIds: ids[0] },
        body: { Labels: { b: '2', a: '9' } },
      });
      assert.equal(upd.body.Message, 'Success');
      assert.equal((await listInstances(group, { Label: JSON.stringify({ a: '9', b: '2' }) })).body.TotalCount, 1);
      await eas('DeleteResourceInstanceLabel', 'DELETE', `/api/v2/resources/${REGION}/${group}/label`, {
        query: { AllInstances: true, LabelKeys: JSON.stringify(['a']) },
      });
      const labels = (await listInstances(group, { Sort: 'CreateTime', Order: 'asc' })).body.Instances.map((i: any) => i.Labels);
      assert.deepEqual(
        labels
          .flat()
          .map((l: any) => l.LabelKey)
          .sort(),
        ['b'],
      );
      assert.equal((await listInstances(group, { Label: JSON.stringify({ a: '' }) })).body.TotalCount, 0, 'the label index follows');

      const unknown = await expectApiError(() =>
        eas('UpdateResourceInstanceLabel', 'PUT', `/api/v2/resources/${REGION}/${group}/label`, {
          query: { InstanceIds: 'eas-i-000000000000000000' },
          body: { Labels: { c: '3' } },
        }),
      );
      assert.equal(unknown.code, 'InvalidInstance.NotFound');
      assert.equal(unknown.statusCode, 404);
      const noKeys = await expectApiError(() =>
        eas('DeleteResourceInstanceLabel', 'DELETE', `/api/v2/resources/${REGION}/${group}/label`, { query: { AllInstances: true } }),
      );
      assert.equal(noKeys.code, 'MissingParameter');
      const tooMany = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
      const over = await expectApiError(() =>
        eas('UpdateResourceInstanceLabel', 'PUT', `/api/v2/resources/${REGION}/${group}/label`, {
          query: { AllInstances: true },
          body: { Labels: tooMany },
        }),
      );
      assert.equal(over.code, 'InvalidParameter', 'b plus 20 new keys is over the limit of 20');
      assert.equal((await listInstances(group, { Label: JSON.stringify({ k0: 'v' }) })).body.TotalCount, 0, 'nothing was written');
    });

    test('migrating machines moves them and their counts to the destination group', async () => {
      const from = await newGroup('from');
      const to = await newGroup('to');
      const ids = (await createInstances(from, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' })).body
        .InstanceIds;
      await advance(server.url, 30);
      const res = await eas('MigrateResourceInstance', 'POST', `/api/v2/resources/${REGION}/${from}/instances/migrate`, {
        body: { InstanceIds: [ids[0]], DestResourceId: to },
      });
      assert.equal(res.body.Message, 'Success');
      assert.equal((await describe_(from)).body.InstanceCount, 1);
      assert.equal((await describe_(to)).body.InstanceCount, 1);
      assert.equal((await describe_(to)).body.CpuCount, 2);
      assert.equal((await listInstances(to)).body.Instances[0].ResourceId, to);

      const migrate = (body: Record<string, unknown>) =>
        eas('MigrateResourceInstance', 'POST', `/api/v2/resources/${REGION}/${from}/instances/migrate`, { body });
      assert.equal(
        (await expectApiError(() => migrate({ InstanceIds: [ids[1]], DestResourceId: 'eas-r-000000000000000000' }))).code,
        'InvalidResource.NotFound',
      );
      assert.equal((await expectApiError(() => migrate({ InstanceIds: [ids[1]], DestResourceId: from }))).code, 'InvalidParameter');
      assert.equal(
        (await expectApiError(() => migrate({ InstanceIds: [ids[0]], DestResourceId: to }))).code,
        'InvalidInstance.NotFound',
        'it is no longer in the source group',
      );
      assert.equal((await expectApiError(() => migrate({ DestResourceId: to }))).code, 'MissingParameter');
    });

    test('a group with machines cannot be deleted; an empty one can', async () => {
      const group = await newGroup();
      const created = await createInstances(group, { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' });
      const deleteGroup = () => eas('DeleteResource', 'DELETE', `/api/v2/resources/${REGION}/${group}`);
      const deleteMachines = (ids: string[]) =>
        eas('DeleteResourceInstances', 'DELETE', `/api/v2/resources/${REGION}/${group}/instances`, {
          query: { InstanceList: ids.join(',') },
        });
      const err = await expectApiError(deleteGroup);
      assert.equal(err.code, 'OperationDenied.ResourceNotEmpty');
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /still has 2 instance\(s\); it can be deleted only when it has no services and no instances\./);

      // Machines being released still count until they are gone: the message says so, and when.
      await deleteMachines([created.body.InstanceIds[0]]);
      const partly = await expectApiError(deleteGroup);
      assert.match(partly.message, /still has 2 instance\(s\), 1 of them being deleted; it can be deleted only when/);
      await deleteMachines([created.body.InstanceIds[1]]);
      const releasing = await expectApiError(deleteGroup);
      assert.equal(releasing.code, 'OperationDenied.ResourceNotEmpty');
      assert.equal(releasing.statusCode, 400);
      assert.match(
        releasing.message,
        /still has 2 instance\(s\) being deleted; retry after they are released \(about \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in \d+ s\)\./,
      );
      await advance(server.url, 10);
      assert.equal((await deleteGroup()).body.Message, `Resource [${group}] is deleted.`, 'released: now it can go');

      const empty = await newGroup();
      const ok = await eas('DeleteResource', 'DELETE', `/api/v2/resources/${REGION}/${empty}`);
      assert.equal(ok.body.Message, `Resource [${empty}] is deleted.`);
      assert.equal((await expectApiError(() => describe_(empty))).statusCode, 404);
    });
  });
}
