// The Explorer form (console/src/explorer/form-values.ts): values checked as they are typed and
// turned into the Params of a call, each in its parameter's type; the server's catalog drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOperation } from '../../src/console/explorer/catalog.ts';
import { fieldError, hintOf, initialValues, toParams } from '../../console/src/explorer/form-values.ts';
import type { CatalogOperation } from '../../console/src/explorer/catalog-types.ts';

const op = (product: string, action: string) => findOperation(product, action) as unknown as CatalogOperation;

test('a form starts with the region as ClusterId and every other field empty', () => {
  const form = initialValues(op('eas', 'CreateResourceInstances'), 'cn-shanghai');
  assert.equal(form.ClusterId, 'cn-shanghai');
  assert.equal(form.ResourceId, '');
  assert.equal(form.EcsInstanceCount, '');
});

test('values become typed Params; empty fields are left out', () => {
  const { params, errors } = toParams(op('eas', 'CreateResourceInstances'), {
    ClusterId: 'cn-hangzhou',
    ResourceId: 'eas-r-1',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 2,
    ChargeType: 'PostPaid',
    AutoRenewal: 'false',
    SystemDiskSize: '',
    Labels: '{"team": "a \\"b\\""}',
    Zone: '',
  });
  assert.deepEqual(errors, {});
  assert.deepEqual(params, {
    ClusterId: 'cn-hangzhou',
    ResourceId: 'eas-r-1',
    EcsInstanceType: 'ecs.c6.xlarge',
    EcsInstanceCount: 2,
    ChargeType: 'PostPaid',
    AutoRenewal: false,
    Labels: { team: 'a "b"' },
  });
});

test('each field says what is wrong while it is typed: required, range, whole numbers, JSON and its kind', () => {
  const create = op('eas', 'CreateResourceInstances');
  const p = (name: string) => create.params.find((x) => x.name === name)!;
  assert.equal(fieldError(p('ResourceId'), ''), 'Required');
  assert.equal(fieldError(p('Zone'), ''), undefined);
  assert.equal(fieldError(p('SystemDiskSize'), 100), 'At least 200');
  assert.equal(fieldError(p('SystemDiskSize'), 2001), 'At most 2000');
  assert.equal(fieldError(p('EcsInstanceCount'), 1.5), 'Must be a whole number');
  assert.match(fieldError(p('Labels'), '{"a": ') ?? '', /^Not JSON/);
  assert.equal(fieldError(p('Labels'), '["a"]'), 'Must be a JSON object, e.g. {"key": "value"}');
  const label = op('eas', 'DeleteResourceInstanceLabel');
  assert.equal(fieldError(label.params.find((x) => x.name === 'InstanceIds')!, '{"a": 1}'), 'Must be a JSON array, e.g. ["a", "b"]');
  const { params, errors } = toParams(create, { ClusterId: 'cn-hangzhou', ResourceId: '', SystemDiskSize: 5 });
  assert.deepEqual(Object.keys(errors).sort(), ['ChargeType', 'EcsInstanceCount', 'EcsInstanceType', 'ResourceId', 'SystemDiskSize']);
  assert.deepEqual(params, { ClusterId: 'cn-hangzhou' });
});

test('hints carry the description, the range and the example', () => {
  const size = op('eas', 'CreateResourceInstances').params.find((x) => x.name === 'SystemDiskSize')!;
  assert.match(hintOf(size), /系统盘.*Range: 200 to 2000\. Example: 200$/s);
  const max = op('ram', 'ListUsers').params.find((x) => x.name === 'MaxItems')!;
  assert.match(hintOf(max), /^The number of entries per page.*Range: 1 to 1000\.$/s);
});
