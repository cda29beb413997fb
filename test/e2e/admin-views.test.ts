// The admin plane's views: accounts, groups, machines (filterable, with why a machine failed), jobs,
// faults and stock, all paged (PageSize at most 100) and all in one naming style: PascalCase keys
// and ISO-8601 UTC times.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, type Credentials } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { REGION, rootCredentials } from '../support/ram.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const small = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' };
const LISTS = ['/accounts', '/groups', '/machines', '/jobs', '/faults', '/stock'];

/** Every key of an answer, at any depth (job payloads are the jobs' own data, left out). */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      if (k !== 'Payload') keysOf(v, out);
    }
  }
  return out;
}

async function status(server: TestServer, path: string): Promise<{ status: number; code: string }> {
  const res = await fetch(`${server.url}/_openeas${path}`);
  return { status: res.status, code: ((await res.json()) as { Code: string }).Code };
}

function api(server: TestServer, creds: Credentials) {
  const client = easClient({ url: server.url, ...creds });
  return {
    group: async () =>
      (
        await callEas(client, {
          action: 'CreateResource',
          method: 'POST',
          pathname: '/api/v2/resources',
          body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c-1' } },
        })
      ).body.ResourceId as string,
    create: async (group: string, body: Record<string, unknown>) =>
      (
        await callEas(client, {
          action: 'CreateResourceInstances',
          method: 'POST',
          pathname: `/api/v2/resources/${REGION}/${group}/instances`,
          body,
        })
      ).body.InstanceIds as string[],
  };
}

for (const engine of ENGINES) {
  describe(`admin views [${engine.name}]`, () => {
    test('accounts, groups and machines across accounts, filterable, with the reason a machine failed', async () => {
      const server = await startTestServer(engine, { progression: 'immediate' });
      try {
        const other = await admin(server.url, 'POST', '/accounts', {});
        const mine = api(server, rootCredentials(server));
        const theirs = api(server, { accessKeyId: other.AccessKeyId, accessKeySecret: other.AccessKeySecret });
        const group = await mine.group();
        const theirGroup = await theirs.group();
        const [ready] = await mine.create(group, small);
        await admin(server.url, 'PUT', '/stock', { Region: REGION, InstanceType: 'ecs.g6.xlarge', Status: 'NoStock' });
        const [noStock] = await mine.create(group, { EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid' });
        await admin(server.url, 'POST', '/faults', { Kind: 'CreateFailure', Count: 1, Reason: 'simulated capacity loss' });
        const [injected] = await theirs.create(theirGroup, small);

        const accounts = await admin(server.url, 'GET', '/accounts');
        assert.equal(accounts.TotalCount, 2);
        const roots = accounts.Accounts.map((a: any) => [a.AccountId, a.Root]);
        assert.deepEqual(roots, [
          [server.root.accountId, true],
          [other.AccountId, false],
        ]);
        assert.match(accounts.Accounts[0].CreateTime, ISO);
        const second = await admin(server.url, 'GET', '/accounts?PageSize=1&PageNumber=2');
        assert.deepEqual([second.TotalCount, second.PageNumber, second.PageSize, second.Accounts[0].AccountId], [2, 2, 1, other.AccountId]);

        const groups = await admin(server.url, 'GET', `/groups?AccountId=${other.AccountId}`);
        assert.deepEqual(
          groups.Groups.map((g: any) => [g.ResourceId, g.AccountId, g.Region]),
          [[theirGroup, other.AccountId, REGION]],
        );
        assert.equal((await admin(server.url, 'GET', `/groups?Region=${REGION}`)).TotalCount, 2);
        assert.equal((await admin(server.url, 'GET', '/groups?Region=cn-shanghai')).TotalCount, 0);

        const failed = await admin(server.url, 'GET', '/machines?InstanceStatus=CreateFailed');
        assert.equal(failed.TotalCount, 2);
        const reasonOf = new Map(failed.Machines.map((m: any) => [m.InstanceId, m.FailureReason]));
        assert.match(String(reasonOf.get(noStock)), /^OperationDenied\.NoStock/);
        assert.equal(reasonOf.get(injected), 'simulated capacity loss');
        const byGroup = await admin(server.url, 'GET', `/machines?ResourceId=${group}&InstanceStatus=Ready`);
        assert.deepEqual(byGroup.Machines.map((m: any) => m.InstanceId).includes(ready), true);
        assert.equal(byGroup.Machines.find((m: any) => m.InstanceId === ready).FailureReason, null);
        assert.equal((await admin(server.url, 'GET', `/machines?AccountId=${other.AccountId}`)).TotalCount, 1);
        assert.equal((await admin(server.url, 'GET', `/machines?Region=${REGION}`)).TotalCount, 3);
        assert.equal((await admin(server.url, 'GET', '/machines?Region=cn-shanghai&PageSize=100')).TotalCount, 0);
        const jobs = await admin(server.url, 'GET', `/jobs?AccountId=${other.AccountId}`);
        assert.ok(jobs.TotalCount >= 1, 'the other account is settled hourly');
        assert.deepEqual([...new Set(jobs.Jobs.map((j: any) => j.AccountId))], [other.AccountId]);
      } finally {
        await server.close();
      }
    });

    test('every list is paged and bounded, and every answer speaks PascalCase with ISO-8601 times', async () => {
      const server = await startTestServer(engine, { progression: 'manual' });
      try {
        const group = await api(server, rootCredentials(server)).group();
        await api(server, rootCredentials(server)).create(group, small);
        const stock = { Region: REGION, Zone: 'cn-hangzhou-b', InstanceType: 'ecs.g6.large', Available: 3 };
        const put = await admin(server.url, 'PUT', '/stock', stock);
        assert.deepEqual(put.Stock, { ...stock, Status: 'WithStock' });
        const fault = await admin(server.url, 'POST', '/faults', { Kind: 'Latency', Action: 'ListResources', LatencyMs: 1 });
        assert.match(fault.Fault.FaultId, /^fault-/);
        assert.equal(fault.Fault.Kind, 'Latency');
        assert.equal(fault.Fault.LatencyMs, 1);
        assert.match(fault.Fault.CreateTime, ISO);
        const quota = await admin(server.url, 'PUT', `/accounts/${server.root.accountId}/quota`, { Region: REGION, Instances: 5 });
        assert.deepEqual(quota.Quota, { AccountId: server.root.accountId, Region: REGION, Instances: 5, Vcpus: null, Gpus: null });
        const health = await admin(server.url, 'GET', '/health');
        assert.equal(health.Status, 'ok');

        const answers = [put, fault, quota, health];
        for (const path of LISTS) {
          const page = await admin(server.url, 'GET', `${path}?PageSize=100`);
          assert.equal(page.PageSize, 100);
          assert.equal(page.PageNumber, 1);
          assert.ok(page.TotalCount >= 1, `${path} lists something`);
          answers.push(page);
          assert.deepEqual(await status(server, `${path}?PageSize=101`), { status: 400, code: 'InvalidParameter' });
          assert.deepEqual(await status(server, `${path}?PageNumber=0`), { status: 400, code: 'InvalidParameter' });
        }
        const keys = new Set(answers.flatMap((a) => keysOf(a)));
        assert.deepEqual(
          [...keys].filter((k) => !/^[A-Z][A-Za-z0-9]*$/.test(k)),
          [],
          'PascalCase keys only',
        );
        const times = answers.flatMap((a) => JSON.stringify(a).match(/"[A-Za-z]*Time":"[^"]*"/g) ?? []);
        assert.ok(times.length >= 5);
        for (const t of times) assert.match(t.split('":"')[1]!.slice(0, -1), ISO);
      } finally {
        await server.close();
      }
    });
  });
}
