// The API Explorer's routes (catalog, SDK code, project download) and the generated TypeScript
// project run for real: unzipped into a temporary folder, node_modules linked to this project's,
// run with the AccessKey pair in the environment against a real server. The routes read no
// database, so one engine is enough for them; the calls the projects make are the server's usual.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { unzip } from '../support/unzip.ts';
import { registerExplorerRoutes } from '../../src/console/explorer/routes.ts';

const PROJECT_NODE_MODULES = path.resolve('node_modules');

function run(dir: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'index.ts'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('API Explorer routes and generated projects', () => {
  let server: TestServer;
  let app: FastifyInstance;
  let host: string;
  const tempDirs: string[] = [];
  let sessionChecks = 0;

  before(async () => {
    server = await startTestServer(ENGINES[0]!);
    host = new URL(server.url).host;
    app = Fastify();
    // What the console passes in: its session check. Here it lets every request through and counts them.
    registerExplorerRoutes(app, server.services, async () => {
      sessionChecks++;
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await server.close();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url: `/console/api/explorer/${url}`, headers: { host }, payload: payload as object });

  async function runProject(product: string, action: string, params: Record<string, unknown>) {
    const res = await post('download', { Product: product, Action: action, Params: params, Language: 'typescript' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    const name = `openeas-${product}-${action.toLowerCase()}-typescript`;
    assert.equal(res.headers['content-disposition'], `attachment; filename="${name}.zip"`);
    const files = unzip(res.rawPayload);
    assert.deepEqual(
      [...files.keys()].sort(),
      ['README.md', 'index.ts', 'package.json', 'tsconfig.json'].map((f) => `${name}/${f}`),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openeas-explorer-'));
    tempDirs.push(dir);
    for (const [file, data] of files) {
      const target = path.join(dir, file.slice(name.length + 1));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    }
    fs.symlinkSync(PROJECT_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    const code = files.get(`${name}/index.ts`)!.toString('utf8');
    assert.ok(!code.includes(server.root.accessKeySecret!), 'no secret in the code');
    assert.ok(!code.includes(server.root.accessKeyId), 'no AccessKey id in the code');
    assert.ok(code.includes(`config.endpoint = "${host}";`), 'the endpoint is this server');
    const out = await run(dir, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: server.root.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: server.root.accessKeySecret!,
    });
    return { ...out, source: code, dir };
  }

  test('the catalog lists every implemented operation of the five products, with forms for each', async () => {
    const res = await app.inject({ method: 'GET', url: '/console/api/explorer/operations', headers: { host } });
    assert.equal(res.statusCode, 200);
    const { Operations } = res.json();
    const names = new Set(Operations.map((o: any) => `${o.product}/${o.action}`));
    for (const n of ['eas/CreateResource', 'eas/ListResourceInstances', 'eas/CreateService', 'eas/DescribeMachineSpec', 'ram/ListUsers']) {
      assert.ok(names.has(n), n);
    }
    for (const n of ['sts/AssumeRole', 'bss/QueryAccountBalance', 'actiontrail/LookupEvents']) assert.ok(names.has(n), n);
    // Operations in the metadata the server does not implement are not offered.
    assert.ok(!names.has('eas/CreateBenchmarkTask'), 'CreateBenchmarkTask has no handler');
    assert.ok(names.has('eas/UpdateService'), 'UpdateService, implemented since, is offered');
    assert.ok(sessionChecks > 0, 'the session check ran');

    const detail = (await app.inject({ method: 'GET', url: '/console/api/explorer/operations/eas/CreateResourceInstances' })).json()
      .Operation;
    assert.equal(detail.style, 'ROA');
    assert.equal(detail.method, 'POST');
    assert.equal(detail.path, '/api/v2/resources/{ClusterId}/{ResourceId}/instances');
    const param = (n: string) => detail.params.find((p: any) => p.name === n);
    assert.deepEqual([param('ClusterId').location, param('ClusterId').required], ['path', true]);
    assert.deepEqual(param('ChargeType').enum, ['PrePaid', 'PostPaid']);
    assert.deepEqual(
      [param('SystemDiskSize').minimum, param('SystemDiskSize').maximum, param('SystemDiskSize').type],
      [200, 2000, 'integer'],
    );
    assert.equal(param('EcsInstanceType').location, 'body');
    assert.match(param('EcsInstanceType').description, /机型/, 'the metadata has only Chinese here');
    assert.equal(detail.response.properties.InstanceIds.type, 'array');

    const trail = (await app.inject({ method: 'GET', url: '/console/api/explorer/operations/actiontrail/LookupEvents' })).json().Operation;
    assert.equal(trail.style, 'RPC');
    const lookup = trail.params.find((p: any) => p.name === 'LookupAttribute');
    assert.equal(lookup.style, 'repeatList');
    assert.match(lookup.description, /^The lookup condition/, 'English where the metadata has it');

    const users = (await app.inject({ method: 'GET', url: '/console/api/explorer/operations/ram/listusers' })).json().Operation;
    const { description, ...maxItems } = users.params.find((p: any) => p.name === 'MaxItems');
    assert.deepEqual(maxItems, { name: 'MaxItems', location: 'query', type: 'integer', required: false, minimum: 1, maximum: 1000 });
    assert.match(description, /^The number of entries per page/, "RAM's words, from the SDK models");
    assert.equal(users.summary, 'Queries the information about all RAM users.');
    assert.equal(users.response.properties.IsTruncated.type, 'boolean');
    const list = (await app.inject({ method: 'GET', url: '/console/api/explorer/operations' })).json().Operations;
    assert.equal(
      list.find((o: any) => o.action === 'AssumeRole').title,
      'Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role.',
    );
  });

  test('unknown operations, languages and parameters are refused in the error envelope', async () => {
    const missing = await app.inject({ method: 'GET', url: '/console/api/explorer/operations/eas/NoSuchThing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().Code, 'InvalidApi.NotFound');
    assert.match(missing.json().Recommend, /docs\/explorer\.md/);
    const cases: Array<[unknown, number, string]> = [
      [{ Product: 'eas', Action: 'ListResources', Language: 'cobol' }, 400, 'InvalidParameter'],
      [{ Product: 'eas', Action: 'ListResources', Language: 'go', Params: { Nope: 1 } }, 400, 'InvalidParameter'],
      [{ Product: 'eas', Action: 'ListResources', Language: 'go', Params: { PageSize: 'ten' } }, 400, 'InvalidParameter'],
      [{ Product: 'eas', Action: 'DescribeResource', Language: 'go', Params: { ClusterId: 'cn-hangzhou' } }, 400, 'MissingParameter'],
      [{ Action: 'ListResources', Language: 'go' }, 400, 'MissingParameter'],
      [{ Product: 'ram', Action: 'ListUsers', Language: 'java', Params: { Marker: 'a\ud800' } }, 400, 'InvalidParameter'],
      [[1, 2], 400, 'InvalidBody.NotObject'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await post('code', payload);
      assert.equal(res.statusCode, status, JSON.stringify(payload));
      assert.equal(res.json().Code, code, JSON.stringify(payload));
      assert.ok(res.json().RequestId, 'the envelope');
    }
  });

  test('the code route answers each language with the call written for this server', async () => {
    for (const [language, marker] of [
      ['typescript', 'client.callApi(params, request, runtime)'],
      ['python', 'client.call_api(params, request, runtime)'],
      ['go', 'client.CallApi(params, request, runtime)'],
      ['java', 'client.callApi(params, request, runtime)'],
    ] as const) {
      const res = await post('code', { Product: 'ram', Action: 'ListUsers', Params: { MaxItems: 5 }, Language: language });
      assert.equal(res.statusCode, 200, res.body);
      const { Code, Language } = res.json();
      assert.equal(Language, language);
      assert.ok(Code.includes(marker), `${language}: ${marker}`);
      assert.ok(Code.includes(host), `${language}: endpoint`);
      assert.ok(Code.includes('ALIBABA_CLOUD_ACCESS_KEY_SECRET'), `${language}: credentials from the environment`);
      assert.ok(Code.includes('Recommend'), `${language}: prints Recommend`);
    }
  });

  test('a generated TypeScript project for an EAS ROA operation (CreateResource) runs and prints the answer', async () => {
    const out = await runProject('eas', 'CreateResource', {
      ResourceType: 'Dedicated',
      ResourceName: 'explorer-"quoted"\nname-组',
      EcsInstanceType: 'ecs.c6.xlarge',
      EcsInstanceCount: 1,
      ChargeType: 'PostPaid',
      Labels: { team: 'a "b"\\c\u00e9🙂' },
    });
    assert.equal(out.code, 1, 'the name is refused by the server: the code prints the error and exits 1');
    assert.match(out.stdout, /InvalidParameter/);
    assert.match(out.stdout, /https:\/\/api\.aliyun\.com\/troubleshoot\?q=InvalidParameter/, 'Recommend printed');

    const ok = await runProject('eas', 'CreateResource', {
      ResourceType: 'Dedicated',
      ResourceName: 'explorer_1',
      EcsInstanceType: 'ecs.c6.xlarge',
      EcsInstanceCount: 1,
      ChargeType: 'PostPaid',
      Labels: { team: 'a "b"\\c\u00e9🙂\n' },
    });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const answer = JSON.parse(ok.stdout);
    assert.match(answer.ResourceId, /^eas-r-/);
    assert.ok(answer.RequestId);
    // The label made it through every escape: read back from the group's machine.
    const region = server.services.config.defaultRegion;
    const listed = await runProject('eas', 'ListResourceInstances', { ClusterId: region, ResourceId: answer.ResourceId, PageSize: 10 });
    assert.equal(listed.code, 0, listed.stdout + listed.stderr);
    const machines = JSON.parse(listed.stdout).Instances;
    assert.equal(machines.length, 1);
    assert.deepEqual(
      machines[0].Labels.find((l: any) => l.LabelKey === 'team'),
      { LabelKey: 'team', LabelValue: 'a "b"\\c\u00e9🙂\n' },
    );
  });

  test('a generated TypeScript project for an RPC operation (RAM ListUsers) runs and prints the answer', async () => {
    const out = await runProject('ram', 'ListUsers', { MaxItems: 10 });
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const answer = JSON.parse(out.stdout);
    assert.deepEqual(answer.Users, { User: [] });
    assert.equal(answer.IsTruncated, false);
    assert.match(out.source, /style: "RPC"/);
    // The project also builds as its README says (`npm run build` = tsc, strict).
    const tsc = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '--noEmit', '-p', out.dir], (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, output: stdout + stderr }),
      ),
    );
    assert.equal(tsc.code, 0, tsc.output);
  });
});
