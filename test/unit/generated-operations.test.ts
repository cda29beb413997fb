// The generated operation table: never stale, complete, routable, and faithful to the metadata.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import {
  buildOperations,
  inputInterface,
  OUTPUT_FILE,
  readSpec,
  renderOperations,
  routeKey,
  SERVICE_ACTIONS,
  SERVICE_SPEC_FILE,
} from '../../scripts/generate-operations.ts';
import {
  EAS_OPERATIONS,
  EAS_PRODUCT,
  EAS_SERVICE_OPERATIONS,
  type CreateServiceInput,
  type DescribeResourceInput,
  type ScaleServiceInput,
} from '../../src/eas/generated/operations.ts';
import { MACHINE_SPEC_SPEC } from '../../src/eas/handlers/machine-spec.ts';
import { EXTRA_OPERATIONS, TYPED_EAS_HANDLERS } from '../../src/eas/handlers/index.ts';
import type { EasHandlers } from '../../src/eas/handlers/common.ts';
import { implementedEasActions } from '../../src/eas/operations.ts';
import { validateInput } from '../../src/gateway/validation.ts';
import type { OperationSpec, ParamSpec } from '../../src/eas/operation-spec.ts';

const spec = readSpec() as { apis: Record<string, unknown> };

function op(action: string): OperationSpec {
  const found = EAS_OPERATIONS.find((o) => o.action === action);
  assert.ok(found, `${action} is generated`);
  return found;
}

function param(action: string, name: string): ParamSpec {
  const o = op(action);
  const direct = o.params.find((p) => p.name === name && p.location !== 'body');
  const inBody = o.params.find((p) => p.location === 'body')?.properties?.find((p) => p.name === name);
  const found = direct ?? inBody;
  assert.ok(found, `${action} has ${name}`);
  return found;
}

/** A copy of the metadata with one API replaced, for the generator's refusals. */
function withApi(name: string, api: unknown): unknown {
  const copy = structuredClone(spec) as { apis: Record<string, unknown> };
  copy.apis[name] = api;
  return copy;
}

describe('generated EAS operations', () => {
  test('the committed file is exactly what `npm run generate` writes', () => {
    const committed = readFileSync(OUTPUT_FILE, 'utf8');
    const fresh = renderOperations(readSpec(), readSpec(SERVICE_SPEC_FILE));
    assert.equal(fresh, committed, 'src/eas/generated/operations.ts is stale: run `npm run generate`');
  });

  test('rendering is deterministic', () => {
    const services = readSpec(SERVICE_SPEC_FILE);
    assert.equal(renderOperations(readSpec(), services), renderOperations(structuredClone(readSpec()), structuredClone(services)));
  });

  test('the product is eas 2021-07-01', () => {
    assert.deepEqual({ ...EAS_PRODUCT }, { product: 'eas', version: '2021-07-01' });
  });

  test('every API of the metadata is an operation, all 20 of them', () => {
    assert.equal(EAS_OPERATIONS.length, 20);
    assert.deepEqual(EAS_OPERATIONS.map((o) => o.action).sort(), Object.keys(spec.apis).sort());
    assert.deepEqual(EAS_OPERATIONS, buildOperations(readSpec()));
  });

  test('every method + path is unique, also with parameter names erased and DescribeMachineSpec added', () => {
    const all = [...EAS_OPERATIONS, ...EAS_SERVICE_OPERATIONS, MACHINE_SPEC_SPEC];
    const keys = all.map(routeKey);
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
    const exact = all.map((o) => `${o.method} ${o.path}`);
    assert.equal(new Set(exact).size, exact.length);
  });

  test('route paths are the templates in Fastify form', () => {
    for (const o of [...EAS_OPERATIONS, ...EAS_SERVICE_OPERATIONS]) {
      assert.equal(o.routePath, o.path.replace(/\{(\w+)\}/g, ':$1'), o.action);
      assert.doesNotMatch(o.routePath, /[{}]/);
      const names = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(
        o.params.filter((p) => p.location === 'path').map((p) => p.name),
        names,
        o.action,
      );
      assert.ok(
        o.params.filter((p) => p.location === 'path').every((p) => p.required),
        `${o.action} path params are required`,
      );
    }
  });

  test('a real router accepts every route and resolves the look-alike paths to the right operation', async () => {
    const app = Fastify();
    for (const o of [...EAS_OPERATIONS, MACHINE_SPEC_SPEC]) {
      app.route({ method: o.method, url: o.routePath, handler: async (req) => ({ action: o.action, params: req.params }) });
    }
    try {
      await app.ready();
      const hit = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string) => {
        const res = await app.inject({ method, url });
        return res.statusCode === 404 ? undefined : (res.json() as { action: string; params: Record<string, string> });
      };
      const base = '/api/v2/resources/cn-hangzhou/eas-r-abc';
      assert.equal((await hit('POST', `${base}/instances/migrate`))?.action, 'MigrateResourceInstance');
      const update = await hit('PUT', `${base}/instances/eas-i-1`);
      assert.equal(update?.action, 'UpdateResourceInstance');
      assert.equal(update?.params.InstanceId, 'eas-i-1');
      // Only the method separates these two: PUT …/instances/migrate is UpdateResourceInstance of "migrate".
      assert.equal((await hit('PUT', `${base}/instances/migrate`))?.params.InstanceId, 'migrate');
      const workers = await hit('GET', `${base}/instance/host-1/workers`);
      assert.equal(workers?.action, 'ListResourceInstanceWorker');
      assert.equal(workers?.params.InstanceName, 'host-1');
      assert.equal(await hit('GET', `${base}/instances/host-1/workers`), undefined, 'the plural form is not a route');
      assert.equal((await hit('GET', '/api/v2/resources'))?.action, 'ListResources');
      assert.equal((await hit('POST', '/api/v2/resources'))?.action, 'CreateResource');
      assert.equal((await hit('GET', base))?.action, 'DescribeResource');
      assert.equal((await hit('GET', `${base}/instances`))?.action, 'ListResourceInstances');
      assert.equal((await hit('DELETE', `${base}/instances`))?.action, 'DeleteResourceInstances');
      assert.equal((await hit('PUT', `${base}/label`))?.action, 'UpdateResourceInstanceLabel');
      assert.equal((await hit('GET', '/api/v2/public/instance_types'))?.action, 'DescribeMachineSpec');
    } finally {
      await app.close();
    }
  });

  test('CreateResourceInstances: POST with a JSON body; count required but without a range in the metadata', () => {
    const o = op('CreateResourceInstances');
    assert.equal(o.method, 'POST');
    assert.equal(o.path, '/api/v2/resources/{ClusterId}/{ResourceId}/instances');
    assert.equal(o.routePath, '/api/v2/resources/:ClusterId/:ResourceId/instances');
    const body = o.params.find((p) => p.location === 'body');
    assert.equal(body?.type, 'object');
    assert.equal(body?.style, 'json');
    const count = param('CreateResourceInstances', 'EcsInstanceCount');
    assert.equal(count.type, 'integer');
    assert.equal(count.required, true);
    // The API reference says 1-100 in prose; the metadata has no bounds, so none are generated
    // (the handler enforces 1-100, see eas/handlers/resources.ts).
    assert.equal(count.minimum, undefined);
    assert.equal(count.maximum, undefined);
    assert.deepEqual(
      o.params
        .find((p) => p.location === 'body')
        ?.properties?.filter((p) => p.required)
        .map((p) => p.name),
      ['EcsInstanceType', 'EcsInstanceCount', 'ChargeType'],
    );
    assert.equal(param('CreateResourceInstances', 'UserData').deprecated, true);
  });

  test('SystemDiskSize is an int32 from 200 to 2000 (bounds given as strings in the metadata)', () => {
    for (const action of ['CreateResource', 'CreateResourceInstances']) {
      const disk = param(action, 'SystemDiskSize');
      assert.equal(disk.type, 'integer');
      assert.equal(disk.format, 'int32');
      assert.equal(disk.minimum, 200);
      assert.equal(disk.maximum, 2000);
    }
  });

  test('enums come from enum, or else from the keys of enumValueTitles', () => {
    assert.deepEqual(param('CreateResourceInstances', 'ChargeType').enum, ['PrePaid', 'PostPaid']);
    assert.deepEqual([...param('ListResourceInstances', 'ChargeType').enum!].sort(), ['PostPaid', 'PrePaid']);
    assert.deepEqual([...param('ListResourceInstances', 'Order').enum!].sort(), ['asc', 'desc']);
    assert.equal(param('ListResourceInstances', 'InstanceStatus').enum?.length, 8);
    assert.deepEqual([...param('UpdateResourceInstance', 'Action').enum!].sort(), ['Cordon', 'Drain', 'Uncordon']);
    assert.equal(param('ListResources', 'Order').enum, undefined, 'ListResources Order has no enum in the metadata');
  });

  test('styles and structured query parameters', () => {
    const label = param('ListResourceInstances', 'Label');
    assert.equal(label.location, 'query');
    assert.equal(label.type, 'object');
    assert.equal(label.style, 'json');
    assert.equal(label.additionalProperties?.type, 'string');
    assert.equal(param('DeleteResourceInstanceLabel', 'InstanceIds').style, 'simple');
    assert.equal(param('DeleteResourceInstanceLabel', 'LabelKeys').style, 'json');
    assert.equal(param('DeleteResourceInstanceLabel', 'Keys').deprecated, true);
    assert.equal(param('DeleteResourceInstances', 'InstanceList').type, 'string');
    assert.equal(param('DeleteResourceInstances', 'AllFailed').type, 'boolean');
  });

  test('nested body objects keep their shape', () => {
    const options = param('CreateResource', 'SelfManagedResourceOptions');
    assert.equal(options.type, 'object');
    const tolerations = options.properties?.find((p) => p.name === 'NodeTolerations');
    assert.equal(tolerations?.type, 'array');
    assert.equal(tolerations?.items?.type, 'object');
    const effect = tolerations?.items?.properties?.find((p) => p.name === 'effect');
    assert.deepEqual(effect?.enum, ['PreferNoSchedule', 'NoSchedule', 'NoExecute']);
    assert.equal(options.properties?.find((p) => p.name === 'NodeMatchLabels')?.additionalProperties?.type, 'string');
  });

  test('the service operations come from the service metadata, CreateService taking the raw service JSON', () => {
    assert.deepEqual(
      EAS_SERVICE_OPERATIONS.map((o) => o.action),
      [...SERVICE_ACTIONS].sort(),
    );
    assert.deepEqual(EAS_SERVICE_OPERATIONS, buildOperations(readSpec(SERVICE_SPEC_FILE), SERVICE_ACTIONS));
    const create = EAS_SERVICE_OPERATIONS.find((o) => o.action === 'CreateService')!;
    assert.equal(create.path, '/api/v2/services');
    const body = create.params.find((p) => p.location === 'body');
    assert.equal(body?.type, 'object', 'the metadata says string; the body is the service JSON document');
    assert.equal(body?.properties, undefined);
    const scale = EAS_SERVICE_OPERATIONS.find((o) => o.action === 'ScaleService')!;
    assert.equal(scale.method, 'PUT');
    assert.equal(scale.params.find((p) => p.location === 'body')?.properties?.find((p) => p.name === 'Instance')?.required, true);
    // The typed inputs compile against the shapes validation produces.
    const typed: [CreateServiceInput, ScaleServiceInput] = [
      { body: { name: 'x' } },
      { ClusterId: 'cn-hangzhou', ServiceName: 's', body: { Instance: 2 }, Instance: 2 },
    ];
    assert.equal(typed.length, 2);
  });

  test('only ListResourceServices is deprecated', () => {
    assert.deepEqual(
      EAS_OPERATIONS.filter((o) => o.deprecated).map((o) => o.action),
      ['ListResourceServices'],
    );
  });

  describe('the generator refuses metadata it cannot represent', () => {
    const base = {
      path: '/api/v2/x/{A}',
      methods: ['get'],
      parameters: [{ name: 'A', in: 'path', schema: { type: 'string', required: true } }],
    };
    const cases: Array<[string, unknown, RegExp]> = [
      [
        'an unknown type',
        { ...base, parameters: [...base.parameters, { name: 'Q', in: 'query', schema: { type: 'date' } }] },
        /unknown type/,
      ],
      [
        'an unknown style',
        {
          ...base,
          parameters: [...base.parameters, { name: 'Q', in: 'query', style: 'csv', schema: { type: 'array', items: { type: 'string' } } }],
        },
        /unknown style/,
      ],
      ['two methods', { ...base, methods: ['get', 'post'] }, /exactly one method/],
      ['a path parameter missing from the template', { ...base, path: '/api/v2/x' }, /do not match the template/],
      [
        'a bound that is not a number',
        { ...base, parameters: [...base.parameters, { name: 'Q', in: 'query', schema: { type: 'integer', minimum: 'one' } }] },
        /not a number/,
      ],
      [
        'a route another API has',
        {
          ...base,
          path: '/api/v2/resources/{A}/{B}',
          parameters: [base.parameters[0], { name: 'B', in: 'path', schema: { type: 'string', required: true } }],
        },
        /also DescribeResource's/,
      ],
    ];
    for (const [what, api, message] of cases) {
      test(`rejects ${what}`, () => {
        assert.throws(() => buildOperations(withApi('Broken', api)), message);
      });
    }
  });

  describe('typed handlers', () => {
    test('every implemented operation has a typed input: generated, or written as the generator would', () => {
      const generated = readFileSync(OUTPUT_FILE, 'utf8');
      const specs = new Map([...EAS_OPERATIONS, ...EAS_SERVICE_OPERATIONS].map((o) => [o.action, o]));
      const extras = new Map(EXTRA_OPERATIONS.map((e) => [e.spec.action, e.spec]));
      for (const action of implementedEasActions()) {
        const generatedSpec = specs.get(action);
        if (generatedSpec) {
          assert.ok(generated.includes(inputInterface(generatedSpec)), `${action}Input is generated`);
          continue;
        }
        const extra = extras.get(action);
        assert.ok(extra, `${action} has a spec`);
        // Operations outside the metadata declare their interface next to their spec, in the generator's words.
        const source = readFileSync(new URL('../../src/eas/handlers/machine-spec.ts', import.meta.url), 'utf8');
        assert.ok(source.includes(inputInterface(extra)), `${action}Input is declared as the generator would write it`);
      }
    });

    test('the resource family binds its handlers through the typed map', () => {
      const typed = Object.keys(TYPED_EAS_HANDLERS).sort();
      assert.equal(typed.length, 18);
      for (const action of typed)
        assert.ok(
          EAS_OPERATIONS.some((o) => o.action === action),
          `${action} is a generated operation`,
        );
    });

    test('a handler bound to another operation, or an operation without a typed input, does not compile', () => {
      const describe = { handle: async (input: DescribeResourceInput) => ({ ResourceId: input.ResourceId }) };
      const ok = { DescribeResource: describe } satisfies EasHandlers;
      // @ts-expect-error: CreateResource takes CreateResourceInput, which has no ResourceId.
      const swapped = { CreateResource: describe } satisfies EasHandlers;
      // @ts-expect-error: NoSuchOperation has no generated input.
      const unknown = { NoSuchOperation: describe } satisfies EasHandlers;
      const misspelt = {
        DescribeResource: {
          // The map's key types the input: a misspelt parameter name is an error.
          // @ts-expect-error: DescribeResourceInput has ResourceId, not ResourceID.
          handle: async (input) => ({ Id: input.ResourceID }),
        },
      } satisfies EasHandlers;
      assert.equal([ok, swapped, unknown, misspelt].length, 4);
    });

    test('an object body is always in the input, as its interface says (validation checks {} when none came)', () => {
      const update = op('UpdateResource');
      const input = validateInput(update, { params: { ClusterId: 'cn-hangzhou', ResourceId: 'eas-r-x' }, query: {}, body: undefined });
      assert.deepEqual(input.body, {});
      assert.match(inputInterface(update), /\n {2}body: \{/);
    });
  });
});
