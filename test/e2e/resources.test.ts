// Resource groups and their sub-features through the official client: CreateResource (Dedicated,
// SelfManaged), ListResources filters/sort/paging, UpdateResource, SLS log and DLink lifecycles,
// services/workers pages and the machine-spec catalog.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';

const REGION = 'cn-hangzhou';

for (const engine of ENGINES) {
  describe(`resource groups [${engine.name}]`, () => {
    let server: TestServer;
    let client: ReturnType<typeof easClient>;
    const eas = (
      action: string,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      pathname: string,
      extra: { query?: Record<string, unknown>; body?: Record<string, unknown> } = {},
    ) => callEas(client, { action, method, pathname, ...extra });
    const group = (id: string) => `/api/v2/resources/${REGION}/${id}`;

    before(async () => {
      server = await startTestServer(engine, { provisionSeconds: 10, releaseSeconds: 5 });
      client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
    });
    after(() => server.close());

    test('CreateResource (Dedicated) buys its machines and answers with the documented fields', async () => {
      const res = await eas('CreateResource', 'POST', '/api/v2/resources', {
        body: {
          ResourceType: 'Dedicated',
          ResourceName: 'dedicated-1',
          EcsInstanceType: 'ecs.c6.xlarge',
          EcsInstanceCount: 2,
          ChargeType: 'PostPaid',
          Labels: { env: 'test' },
        },
      });
      assert.match(res.body.ResourceId, /^eas-r-[a-z0-9]{18}$/);
      assert.equal(res.body.ResourceName, 'dedicated-1');
      assert.equal(res.body.ClusterId, REGION);
      assert.equal(res.body.OwnerUid, server.root.accountId);
      assert.equal(res.body.InstanceIds.length, 2);
      await advance(server.url, 10);
      const d = (await eas('DescribeResource', 'GET', group(res.body.ResourceId))).body;
      assert.equal(d.ResourceType, 'Dedicated');
      assert.equal(d.InstanceCount, 2);
      assert.equal(d.CpuCount, 8);
      assert.equal(d.Memory, 2 * 8 * 1024);
      assert.equal(d.Status, 'ResourceReady');
      assert.equal(d.Message, 'Resource is ready');
      assert.match(d.CreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    test('CreateResource refuses a Dedicated group without its machine parameters, and bad types', async () => {
      for (const [body, code, name] of [
        [{ ResourceType: 'Dedicated', EcsInstanceCount: 1, ChargeType: 'PostPaid' }, 'MissingParameter', 'EcsInstanceType'],
        [{ ResourceType: 'Dedicated', EcsInstanceType: 'ecs.g6.large', ChargeType: 'PostPaid' }, 'MissingParameter', 'EcsInstanceCount'],
        [
          { ResourceType: 'Shared', EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
          'InvalidParameter',
          'ResourceType',
        ],
        [{ ResourceType: 'SelfManaged' }, 'MissingParameter', 'SelfManagedResourceOptions'],
        [
          { ResourceType: 'SelfManaged', ResourceName: 'x'.repeat(28), SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
          'InvalidParameter',
          'ResourceName',
        ],
        [
          { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { NodeTolerations: [{ key: 'k', operator: 'Sometimes' }] } },
          'InvalidParameter',
          'operator',
        ],
      ] as const) {
        const err = await expectApiError(() =>
          eas('CreateResource', 'POST', '/api/v2/resources', { body: body as Record<string, unknown> }),
        );
        assert.equal(err.code, code, JSON.stringify(body));
        assert.match(err.data.Message, new RegExp(name));
      }
    });

    test('ListResources filters, sorts and pages; ExtraData is an object there', async () => {
      const ids: string[] = [];
      for (const name of ['list-a', 'list-b', 'list-c']) {
        ids.push(
          (
            await eas('CreateResource', 'POST', '/api/v2/resources', {
              body: { ResourceType: 'SelfManaged', ResourceName: name, SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
            })
          ).body.ResourceId,
        );
      }
      const byName = (await eas('ListResources', 'GET', '/api/v2/resources', { query: { ResourceName: 'list-b' } })).body;
      assert.equal(byName.TotalCount, 1);
      assert.equal(byName.Resources[0].ResourceId, ids[1]);
      assert.equal(typeof byName.Resources[0].ExtraData, 'object');
      const byId = (await eas('ListResources', 'GET', '/api/v2/resources', { query: { ResourceId: ids[2] } })).body;
      assert.equal(byId.Resources[0].ResourceName, 'list-c');
      const all = (
        await eas('ListResources', 'GET', '/api/v2/resources', {
          query: { ResourceType: 'SelfManaged', Sort: 'CreateTime', Order: 'Asc', PageSize: 2, PageNumber: 1 },
        })
      ).body;
      assert.equal(all.PageSize, 2);
      assert.equal(all.Resources.length, 2);
      assert.ok(all.TotalCount >= 3);
      const times = all.Resources.map((r: any) => r.CreateTime);
      assert.deepEqual(times, [...times].sort());
      for (const query of [{ Order: 'asc' }, { Sort: 'Name' }, { PageNumber: 0 }]) {
        const err = await expectApiError(() => eas('ListResources', 'GET', '/api/v2/resources', { query }));
        assert.equal(err.code, 'InvalidParameter');
      }
    });

    test('UpdateResource renames and changes SelfManaged options', async () => {
      const id = (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', ResourceName: 'before', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId;
      const res = await eas('UpdateResource', 'PUT', group(id), {
        body: { ResourceName: 'after', SelfManagedResourceOptions: { NodeMatchLabels: { pool: 'gpu' } } },
      });
      assert.deepEqual({ id: res.body.ResourceId, name: res.body.ResourceName }, { id, name: 'after' });
      assert.equal((await eas('DescribeResource', 'GET', group(id))).body.ResourceName, 'after');
      const err = await expectApiError(() =>
        eas('UpdateResource', 'PUT', group('eas-r-000000000000000000'), { body: { ResourceName: 'x' } }),
      );
      assert.equal(err.statusCode, 404);
    });

    /** The ExtraData ListResources shows for group `id` (read with the group's log and link rows apart). */
    const listedExtra = async (id: string) => {
      const page = (await eas('ListResources', 'GET', '/api/v2/resources', { query: { PageSize: '100' } })).body;
      return page.Resources.find((r: { ResourceId: string }) => r.ResourceId === id).ExtraData;
    };

    test('SLS log delivery: creating, ready, shown in ExtraData, deleting, gone', async () => {
      const id = (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId;
      const missing = await expectApiError(() => eas('DescribeResourceLog', 'GET', `${group(id)}/log`));
      assert.equal(missing.code, 'InvalidResourceLog.NotFound');
      const bad = await expectApiError(() =>
        eas('CreateResourceLog', 'POST', `${group(id)}/log`, { body: { ProjectName: 'Bad_Project', LogStore: 'access_log' } }),
      );
      assert.equal(bad.code, 'InvalidParameter');
      await eas('CreateResourceLog', 'POST', `${group(id)}/log`, { body: { ProjectName: 'eas-proj', LogStore: 'access_log' } });
      assert.equal((await eas('DescribeResourceLog', 'GET', `${group(id)}/log`)).body.Status, 'ResourceCreating');
      const busy = await expectApiError(() =>
        eas('CreateResourceLog', 'POST', `${group(id)}/log`, { body: { ProjectName: 'eas-proj', LogStore: 'other' } }),
      );
      assert.equal(busy.statusCode, 409);
      await advance(server.url, 5);
      const log = (await eas('DescribeResourceLog', 'GET', `${group(id)}/log`)).body;
      assert.deepEqual({ p: log.ProjectName, l: log.LogStore, s: log.Status }, { p: 'eas-proj', l: 'access_log', s: 'ResourceReady' });
      const extra = JSON.parse((await eas('DescribeResource', 'GET', group(id))).body.ExtraData);
      assert.equal(extra.sls_project, 'eas-proj');
      assert.equal(extra.sls_status, 'ResourceReady');
      assert.deepEqual(extra, await listedExtra(id), 'DescribeResource (one joined read) and ListResources agree');
      const del = await eas('DeleteResourceLog', 'DELETE', `${group(id)}/log`);
      assert.equal(del.body.Message, `Log service for resource [${id}] is deleting`);
      await advance(server.url, 5);
      assert.equal((await expectApiError(() => eas('DescribeResourceLog', 'GET', `${group(id)}/log`))).statusCode, 404);
    });

    test('VPC direct connection: updating, described, 409 while in progress, deleting', async () => {
      const id = (
        await eas('CreateResource', 'POST', '/api/v2/resources', {
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
        })
      ).body.ResourceId;
      assert.equal((await expectApiError(() => eas('DescribeResourceDLink', 'GET', `${group(id)}/dlink`))).statusCode, 404);
      const body = {
        VSwitchId: 'vsw-bp17uo6xebcusy1',
        SecurityGroupId: 'sg-bp1j1z7297hcink9d',
        VSwitchIdList: ['vsw-bp1aux00000001'],
        DestinationCIDRs: '172.16.0.0/16',
      };
      const upd = await eas('UpdateResourceDLink', 'PUT', `${group(id)}/dlink`, { body });
      assert.equal(upd.body.Message, 'Network interfaces are updating');
      const conflict = await expectApiError(() => eas('UpdateResourceDLink', 'PUT', `${group(id)}/dlink`, { body }));
      assert.equal(conflict.code, 'OperationConflict');
      assert.equal(conflict.statusCode, 409);
      await advance(server.url, 5);
      const d = (await eas('DescribeResourceDLink', 'GET', `${group(id)}/dlink`)).body;
      assert.equal(d.VSwitchId, body.VSwitchId);
      assert.equal(d.SecurityGroupId, body.SecurityGroupId);
      assert.deepEqual(d.AuxVSwitchList, body.VSwitchIdList);
      assert.equal(d.DestinationCIDRs, '172.16.0.0/16');
      assert.match(d.VpcId, /^vpc-/);
      const extra = JSON.parse((await eas('DescribeResource', 'GET', group(id))).body.ExtraData);
      assert.equal(extra.vswitch_id, body.VSwitchId);
      assert.deepEqual(extra.aux_vswitch_id_list, body.VSwitchIdList);
      assert.deepEqual(extra, await listedExtra(id), 'DescribeResource (one joined read) and ListResources agree');
      const badCidr = await expectApiError(() =>
        eas('UpdateResourceDLink', 'PUT', `${group(id)}/dlink`, { body: { ...body, DestinationCIDRs: '300.1.1.1/8' } }),
      );
      assert.equal(badCidr.code, 'InvalidParameter');
      const missing = await expectApiError(() =>
        eas('UpdateResourceDLink', 'PUT', `${group(id)}/dlink`, { body: { SecurityGroupId: 'sg-bp1j1z7297hcink9d' } }),
      );
      assert.equal(missing.code, 'MissingParameter');
      assert.equal((await eas('DeleteResourceDLink', 'DELETE', `${group(id)}/dlink`)).body.Message, 'Network interfaces are deleting');
      await advance(server.url, 5);
      assert.equal((await expectApiError(() => eas('DeleteResourceDLink', 'DELETE', `${group(id)}/dlink`))).statusCode, 404);
    });

    test('services and workers pages are empty but well formed; unknown machine names are 404', async () => {
      const res = await eas('CreateResource', 'POST', '/api/v2/resources', {
        body: { ResourceType: 'Dedicated', EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' },
      });
      const id = res.body.ResourceId;
      const services = (await eas('ListResourceServices', 'GET', `${group(id)}/services`, { query: { PageSize: 10 } })).body;
      assert.deepEqual(
        { s: services.Services, n: services.PageNumber, z: services.PageSize, t: services.TotalCount },
        { s: [], n: 1, z: 10, t: 0 },
      );
      const machine = (await eas('ListResourceInstances', 'GET', `${group(id)}/instances`)).body.Instances[0];
      const workers = (await eas('ListResourceInstanceWorker', 'GET', `${group(id)}/instance/${machine.InstanceName}/workers`)).body;
      assert.deepEqual(workers.Pods, []);
      assert.equal(workers.TotalCount, 0);
      const err = await expectApiError(() => eas('ListResourceInstanceWorker', 'GET', `${group(id)}/instance/nope/workers`));
      assert.equal(err.statusCode, 404);
    });

    test('DescribeMachineSpec lists the catalog with specs, prices and stock', async () => {
      const all = (await eas('DescribeMachineSpec', 'GET', '/api/v2/public/instance_types')).body;
      const t4 = all.InstanceMetas.find((m: any) => m.InstanceType === 'ecs.gn6i-c4g1.xlarge');
      assert.deepEqual(
        { cpu: t4.CPU, mem: t4.Memory, gpu: t4.GPU, n: t4.GPUAmount, gm: t4.GPUMemory, s: t4.StockStatus, a: t4.IsAvailable },
        { cpu: 4, mem: 15, gpu: 'NVIDIA T4', n: 1, gm: 16, s: 'WithStock', a: true },
      );
      assert.equal(t4.HourlyPrice, '11.63');
      assert.ok(Array.isArray(all.Types) && all.Types.length > 0);
      await admin(server.url, 'PUT', '/stock', { Region: REGION, InstanceType: 'ecs.gn6i-c4g1.xlarge', Status: 'NoStock' });
      try {
        const only = (
          await eas('DescribeMachineSpec', 'GET', '/api/v2/public/instance_types', {
            query: { InstanceTypes: 'ecs.gn6i-c4g1.xlarge,ecs.g6.large' },
          })
        ).body;
        assert.deepEqual(only.InstanceMetas.map((m: any) => m.InstanceType).sort(), ['ecs.g6.large', 'ecs.gn6i-c4g1.xlarge']);
        const sold = only.InstanceMetas.find((m: any) => m.InstanceType === 'ecs.gn6i-c4g1.xlarge');
        assert.equal(sold.StockStatus, 'NoStock');
        assert.equal(sold.IsAvailable, false);
      } finally {
        await admin(server.url, 'DELETE', '/stock');
      }
    });
  });
}
