// Spec-derived request validation: coercion of path and query strings, strict JSON body checks,
// and the catalog error (code + parameter name) of every kind of failure.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EAS_OPERATIONS } from '../../src/eas/generated/operations.ts';
import type { OperationSpec } from '../../src/eas/operation-spec.ts';
import { compileValidator, validateInput, validatorFor } from '../../src/gateway/validation.ts';
import { isApiError } from '../../src/gateway/errors.ts';
import type { RawInput } from '../../src/gateway/operation.ts';

const GROUP = { ClusterId: 'cn-hangzhou', ResourceId: 'eas-r-abcdefghijklmnopqr' };

function op(action: string): OperationSpec {
  const found = EAS_OPERATIONS.find((o) => o.action === action);
  assert.ok(found, action);
  return found;
}

function raw(partial: Partial<RawInput>): RawInput {
  return { params: {}, query: {}, body: undefined, ...partial };
}

/** A failure case: what is sent, which code, which parameter name, and optionally the reason. */
type Failure = [what: string, input: Partial<RawInput>, code: string, name: string | undefined, reason?: string];

function expectFailure(spec: OperationSpec, [, input, code, name, reason]: Failure): void {
  assert.throws(
    () => validateInput(spec, raw(input)),
    (e: unknown) => {
      assert.ok(isApiError(e), `expected an ApiError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.equal(e.status, 400);
      if (name !== undefined) assert.equal(/parameter "([^"]+)"/.exec(e.message)?.[1], name, e.message);
      if (reason !== undefined) assert.ok(e.message.endsWith(` ${reason}`), `${e.message} ends with ${reason}`);
      return true;
    },
  );
}

function failures(action: string, cases: Failure[]): void {
  for (const c of cases) test(`${action}: ${c[0]} → ${c[2]}${c[3] ? ` (${c[3]})` : ''}`, () => expectFailure(op(action), c));
}

describe('validation of CreateResourceInstances (JSON body)', () => {
  const spec = op('CreateResourceInstances');
  const ok = { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 2, ChargeType: 'PostPaid' };

  test('returns one flat input: path params, body fields by name, and the body', () => {
    const body = { ...ok, SystemDiskSize: 300, AutoRenewal: false, Zone: 'cn-hangzhou-h', Labels: { team: 'ml' }, UserData: 'x' };
    const input = validateInput(spec, raw({ params: GROUP, body }));
    assert.deepEqual(input, { ...GROUP, ...body, body });
  });

  test('ignores and drops unknown body fields and unknown query parameters', () => {
    const input = validateInput(spec, raw({ params: GROUP, query: { ClientToken: 't', Signature: 's' }, body: { ...ok, Surprise: [1] } }));
    assert.deepEqual(input, { ...GROUP, ...ok, body: ok });
  });

  test('treats a null optional field as absent', () => {
    const input = validateInput(spec, raw({ params: GROUP, body: { ...ok, SystemDiskSize: null } }));
    assert.equal('SystemDiskSize' in input, false);
  });

  test('accepts the range bounds themselves', () => {
    for (const SystemDiskSize of [200, 2000]) validateInput(spec, raw({ params: GROUP, body: { ...ok, SystemDiskSize } }));
  });

  failures('CreateResourceInstances', [
    ['no body at all', { params: GROUP }, 'MissingParameter', 'EcsInstanceType'],
    [
      'missing EcsInstanceType',
      { params: GROUP, body: { EcsInstanceCount: 1, ChargeType: 'PostPaid' } },
      'MissingParameter',
      'EcsInstanceType',
    ],
    ['empty EcsInstanceType', { params: GROUP, body: { ...ok, EcsInstanceType: '' } }, 'MissingParameter', 'EcsInstanceType'],
    ['null EcsInstanceCount', { params: GROUP, body: { ...ok, EcsInstanceCount: null } }, 'MissingParameter', 'EcsInstanceCount'],
    [
      'missing ChargeType',
      { params: GROUP, body: { EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1 } },
      'MissingParameter',
      'ChargeType',
    ],
    ['missing path parameter', { params: { ClusterId: 'cn-hangzhou', ResourceId: '' }, body: ok }, 'MissingParameter', 'ResourceId'],
    [
      'count as a string',
      { params: GROUP, body: { ...ok, EcsInstanceCount: '2' } },
      'InvalidParameter',
      'EcsInstanceCount',
      'It must be an integer.',
    ],
    [
      'fractional count',
      { params: GROUP, body: { ...ok, EcsInstanceCount: 1.5 } },
      'InvalidParameter',
      'EcsInstanceCount',
      'It must be an integer.',
    ],
    [
      'count beyond int32',
      { params: GROUP, body: { ...ok, EcsInstanceCount: 2 ** 31 } },
      'InvalidParameter',
      'EcsInstanceCount',
      'It must be a 32-bit integer.',
    ],
    [
      'disk 199',
      { params: GROUP, body: { ...ok, SystemDiskSize: 199 } },
      'InvalidParameter',
      'SystemDiskSize',
      'It must be an integer between 200 and 2000.',
    ],
    [
      'disk 2001',
      { params: GROUP, body: { ...ok, SystemDiskSize: 2001 } },
      'InvalidParameter',
      'SystemDiskSize',
      'It must be an integer between 200 and 2000.',
    ],
    ['disk as a string', { params: GROUP, body: { ...ok, SystemDiskSize: '300' } }, 'InvalidParameter', 'SystemDiskSize'],
    [
      'unknown ChargeType',
      { params: GROUP, body: { ...ok, ChargeType: 'Monthly' } },
      'InvalidParameter',
      'ChargeType',
      'It must be one of: PrePaid, PostPaid.',
    ],
    ['ChargeType in the wrong case', { params: GROUP, body: { ...ok, ChargeType: 'postpaid' } }, 'InvalidParameter', 'ChargeType'],
    [
      'EcsInstanceType as a number',
      { params: GROUP, body: { ...ok, EcsInstanceType: 7 } },
      'InvalidParameter',
      'EcsInstanceType',
      'It must be a string.',
    ],
    [
      'AutoRenewal as a string',
      { params: GROUP, body: { ...ok, AutoRenewal: 'true' } },
      'InvalidParameter',
      'AutoRenewal',
      'It must be a boolean: true or false.',
    ],
    ['Labels as an array', { params: GROUP, body: { ...ok, Labels: ['a'] } }, 'InvalidParameter', 'Labels', 'It must be a JSON object.'],
    ['Labels as a string', { params: GROUP, body: { ...ok, Labels: 'a=b' } }, 'InvalidParameter', 'Labels'],
    [
      'a label value that is a number',
      { params: GROUP, body: { ...ok, Labels: { a: 'x', b: 1 } } },
      'InvalidParameter',
      'Labels.b',
      'It must be a string.',
    ],
    ['a body that is an array', { params: GROUP, body: [ok] }, 'InvalidBody.NotObject', undefined],
    ['a body that is a string', { params: GROUP, body: 'EcsInstanceCount=1' }, 'InvalidBody.NotObject', undefined],
  ]);
});

describe('validation of ListResourceInstances (query strings)', () => {
  const spec = op('ListResourceInstances');

  test('coerces integers, keeps enums and decodes the Label JSON map (null values kept)', () => {
    const input = validateInput(
      spec,
      raw({
        params: GROUP,
        query: {
          PageNumber: '2',
          PageSize: '50',
          ChargeType: 'PrePaid',
          InstanceStatus: 'Ready-SchedulingDisabled',
          Sort: 'ExpireTime',
          Order: 'asc',
          Label: '{"gpu":"a100","any":null}',
          Filter: '10.0',
          InstanceIP: '10.0.0.1',
        },
      }),
    );
    assert.deepEqual(input, {
      ...GROUP,
      PageNumber: 2,
      PageSize: 50,
      ChargeType: 'PrePaid',
      InstanceStatus: 'Ready-SchedulingDisabled',
      Sort: 'ExpireTime',
      Order: 'asc',
      Label: { gpu: 'a100', any: null },
      Filter: '10.0',
      InstanceIP: '10.0.0.1',
    });
  });

  test('treats empty optional query values as absent', () => {
    const input = validateInput(spec, raw({ params: GROUP, query: { PageNumber: '', Order: '', Label: '', InstanceStatus: '' } }));
    assert.deepEqual(input, GROUP);
  });

  test('accepts every InstanceStatus of the metadata', () => {
    for (const s of [
      'Ready',
      'NotReady',
      'Stopped',
      'Attaching',
      'Deleting',
      'CreateFailed',
      'Ready-SchedulingDisabled',
      'NotReady-SchedulingDisabled',
    ]) {
      assert.equal(validateInput(spec, raw({ params: GROUP, query: { InstanceStatus: s } })).InstanceStatus, s);
    }
  });

  failures('ListResourceInstances', [
    ['PageNumber 1.5', { params: GROUP, query: { PageNumber: '1.5' } }, 'InvalidParameter', 'PageNumber', 'It must be an integer.'],
    ['PageNumber abc', { params: GROUP, query: { PageNumber: 'abc' } }, 'InvalidParameter', 'PageNumber', 'It must be an integer.'],
    ['PageSize 1e2', { params: GROUP, query: { PageSize: '1e2' } }, 'InvalidParameter', 'PageSize'],
    ['PageSize with a space', { params: GROUP, query: { PageSize: ' 10' } }, 'InvalidParameter', 'PageSize'],
    [
      'PageSize beyond int32',
      { params: GROUP, query: { PageSize: '99999999999' } },
      'InvalidParameter',
      'PageSize',
      'It must be a 32-bit integer.',
    ],
    ['unknown InstanceStatus', { params: GROUP, query: { InstanceStatus: 'Running' } }, 'InvalidParameter', 'InstanceStatus'],
    [
      'Order in upper case (lower-case here)',
      { params: GROUP, query: { Order: 'ASC' } },
      'InvalidParameter',
      'Order',
      'It must be one of: asc, desc.',
    ],
    ['unknown Sort', { params: GROUP, query: { Sort: 'ExpiredTime' } }, 'InvalidParameter', 'Sort'],
    ['unknown ChargeType', { params: GROUP, query: { ChargeType: 'Free' } }, 'InvalidParameter', 'ChargeType'],
    [
      'Label that is not JSON',
      { params: GROUP, query: { Label: 'gpu=a100' } },
      'InvalidParameter',
      'Label',
      'It must be a JSON-encoded object.',
    ],
    [
      'Label that is a JSON array',
      { params: GROUP, query: { Label: '["gpu"]' } },
      'InvalidParameter',
      'Label',
      'It must be a JSON object.',
    ],
    [
      'Label with a number value',
      { params: GROUP, query: { Label: '{"gpu":1}' } },
      'InvalidParameter',
      'Label.gpu',
      'It must be a string.',
    ],
    ['no ClusterId', { params: { ResourceId: GROUP.ResourceId } }, 'MissingParameter', 'ClusterId'],
  ]);
});

describe('validation of DeleteResourceInstances and the label operations', () => {
  const del = op('DeleteResourceInstances');

  test('InstanceList stays a string; AllFailed is a boolean', () => {
    assert.deepEqual(validateInput(del, raw({ params: GROUP, query: { InstanceList: 'eas-i-a,eas-i-b', AllFailed: 'false' } })), {
      ...GROUP,
      InstanceList: 'eas-i-a,eas-i-b',
      AllFailed: false,
    });
    assert.equal(validateInput(del, raw({ params: GROUP, query: { AllFailed: 'true' } })).AllFailed, true);
    assert.equal('AllFailed' in validateInput(del, raw({ params: GROUP, query: { AllFailed: '' } })), false);
  });

  failures('DeleteResourceInstances', [
    [
      'AllFailed yes',
      { params: GROUP, query: { AllFailed: 'yes' } },
      'InvalidParameter',
      'AllFailed',
      'It must be a boolean: true or false.',
    ],
    ['AllFailed 1', { params: GROUP, query: { AllFailed: '1' } }, 'InvalidParameter', 'AllFailed'],
    ['AllFailed TRUE', { params: GROUP, query: { AllFailed: 'TRUE' } }, 'InvalidParameter', 'AllFailed'],
  ]);

  test('DeleteResourceInstanceLabel: simple list InstanceIds, JSON list LabelKeys', () => {
    const input = validateInput(
      op('DeleteResourceInstanceLabel'),
      raw({
        params: GROUP,
        query: { InstanceIds: 'eas-i-a,eas-i-b', LabelKeys: '["a","b"]', AllInstances: 'false', Keys: 'c' },
      }),
    );
    assert.deepEqual(input, { ...GROUP, InstanceIds: ['eas-i-a', 'eas-i-b'], LabelKeys: ['a', 'b'], AllInstances: false, Keys: ['c'] });
  });

  failures('DeleteResourceInstanceLabel', [
    [
      'LabelKeys not JSON',
      { params: GROUP, query: { LabelKeys: 'a,b' } },
      'InvalidParameter',
      'LabelKeys',
      'It must be a JSON-encoded array.',
    ],
    ['LabelKeys a JSON string', { params: GROUP, query: { LabelKeys: '"a"' } }, 'InvalidParameter', 'LabelKeys', 'It must be an array.'],
    [
      'LabelKeys with a number',
      { params: GROUP, query: { LabelKeys: '["a",1]' } },
      'InvalidParameter',
      'LabelKeys.2',
      'It must be a string.',
    ],
  ]);

  test('UpdateResourceInstanceLabel: query list plus a Labels body', () => {
    const input = validateInput(
      op('UpdateResourceInstanceLabel'),
      raw({ params: GROUP, query: { InstanceIds: 'eas-i-a' }, body: { Labels: { k: 'v' } } }),
    );
    assert.deepEqual(input, { ...GROUP, InstanceIds: ['eas-i-a'], Labels: { k: 'v' }, body: { Labels: { k: 'v' } } });
  });
});

describe('validation of CreateResource (nested SelfManagedResourceOptions)', () => {
  const spec = op('CreateResource');
  const toleration = { key: 'gpu', value: 'true', operator: 'Equal', effect: 'NoSchedule' };
  const options = { ExternalClusterId: 'c-1', RoleName: 'r', NodeMatchLabels: { pool: 'a' }, NodeTolerations: [toleration] };

  test('checks nested objects and drops their unknown fields', () => {
    const body = {
      ResourceType: 'SelfManaged',
      ResourceName: 'g',
      SelfManagedResourceOptions: { ...options, NodeTolerations: [{ ...toleration, tolerationSeconds: 5 }], Extra: 1 },
    };
    const input = validateInput(spec, raw({ body }));
    assert.deepEqual(input.SelfManagedResourceOptions, options);
    assert.deepEqual(input.body, { ResourceType: 'SelfManaged', ResourceName: 'g', SelfManagedResourceOptions: options });
  });

  test('requires nothing of its own: a Dedicated group is checked by the handler', () => {
    assert.deepEqual(validateInput(spec, raw({})), { body: {} });
  });

  const opts = (o: Record<string, unknown>) => ({
    body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ...options, ...o } },
  });
  failures('CreateResource', [
    [
      'options as a string',
      { body: { SelfManagedResourceOptions: 'c-1' } },
      'InvalidParameter',
      'SelfManagedResourceOptions',
      'It must be a JSON object.',
    ],
    ['ExternalClusterId as a number', opts({ ExternalClusterId: 5 }), 'InvalidParameter', 'SelfManagedResourceOptions.ExternalClusterId'],
    [
      'tolerations as an object',
      opts({ NodeTolerations: toleration }),
      'InvalidParameter',
      'SelfManagedResourceOptions.NodeTolerations',
      'It must be an array.',
    ],
    [
      'an unknown effect',
      opts({ NodeTolerations: [{ ...toleration, effect: 'Never' }] }),
      'InvalidParameter',
      'SelfManagedResourceOptions.NodeTolerations.1.effect',
      'It must be one of: PreferNoSchedule, NoSchedule, NoExecute.',
    ],
    [
      'an unknown operator in the second toleration',
      opts({ NodeTolerations: [toleration, { ...toleration, operator: 'In' }] }),
      'InvalidParameter',
      'SelfManagedResourceOptions.NodeTolerations.2.operator',
      'It must be one of: Equal, Exists.',
    ],
    [
      'a null toleration',
      opts({ NodeTolerations: [null] }),
      'InvalidParameter',
      'SelfManagedResourceOptions.NodeTolerations.1',
      'It must be a JSON object.',
    ],
    [
      'a node label value that is a boolean',
      opts({ NodeMatchLabels: { pool: true } }),
      'InvalidParameter',
      'SelfManagedResourceOptions.NodeMatchLabels.pool',
      'It must be a string.',
    ],
    [
      'an unknown ResourceType',
      { body: { ResourceType: 'Shared' } },
      'InvalidParameter',
      'ResourceType',
      'It must be one of: SelfManaged, Dedicated.',
    ],
  ]);
});

describe('validation of the other instance operations', () => {
  test('UpdateResourceInstance takes InstanceId from the path and an Action', () => {
    const input = validateInput(
      op('UpdateResourceInstance'),
      raw({ params: { ...GROUP, InstanceId: 'eas-i-a' }, body: { Action: 'Cordon' } }),
    );
    assert.deepEqual(input, { ...GROUP, InstanceId: 'eas-i-a', Action: 'Cordon', body: { Action: 'Cordon' } });
  });

  test('UpdateResourceInstance: a disk resize needs no Action (the handler requires one of the two)', () => {
    const input = validateInput(
      op('UpdateResourceInstance'),
      raw({ params: { ...GROUP, InstanceId: 'eas-i-a' }, body: { NewDiskSize: '300' } }),
    );
    assert.equal(input.NewDiskSize, '300');
    assert.equal(input.Action, undefined);
  });

  failures('UpdateResourceInstance', [
    ['an unknown Action', { params: { ...GROUP, InstanceId: 'eas-i-a' }, body: { Action: 'Reboot' } }, 'InvalidParameter', 'Action'],
  ]);

  failures('MigrateResourceInstance', [
    [
      'InstanceIds as a comma list',
      { params: GROUP, body: { InstanceIds: 'a,b', DestResourceId: 'eas-r-x' } },
      'InvalidParameter',
      'InstanceIds',
      'It must be an array.',
    ],
    ['no DestResourceId', { params: GROUP, body: { InstanceIds: ['a'] } }, 'MissingParameter', 'DestResourceId'],
    [
      'MigrateToHybrid as a string',
      { params: GROUP, body: { InstanceIds: ['a'], DestResourceId: 'eas-r-x', MigrateToHybrid: 'no' } },
      'InvalidParameter',
      'MigrateToHybrid',
    ],
  ]);

  failures('ListResourceInstanceWorker', [
    ['Ready as 1', { params: { ...GROUP, InstanceName: 'h' }, query: { Ready: '1' } }, 'InvalidParameter', 'Ready'],
    ['no InstanceName', { params: GROUP }, 'MissingParameter', 'InstanceName'],
  ]);
});

describe('validators', () => {
  test('every generated operation compiles, and is compiled once', () => {
    for (const spec of EAS_OPERATIONS) {
      assert.equal(typeof compileValidator(spec), 'function', spec.action);
      assert.equal(validatorFor(spec), validatorFor(spec), spec.action);
    }
  });

  test('refuses an operation whose parameters collide in the flat input', () => {
    const spec: OperationSpec = {
      action: 'Clash',
      method: 'POST',
      path: '/x/{A}',
      routePath: '/x/:A',
      deprecated: false,
      params: [
        { name: 'A', location: 'path', type: 'string', required: true },
        {
          name: 'body',
          location: 'body',
          type: 'object',
          required: false,
          properties: [{ name: 'A', location: 'body', type: 'string', required: false }],
        },
      ],
    };
    assert.throws(() => compileValidator(spec), /A appears twice/);
  });

  // Styles the EAS metadata does not use yet, as the SDK sends them.
  const styles: OperationSpec = {
    action: 'Styles',
    method: 'GET',
    path: '/s',
    routePath: '/s',
    deprecated: false,
    params: [
      {
        name: 'Ids',
        location: 'query',
        type: 'array',
        required: false,
        style: 'repeatList',
        items: { name: 'Ids', location: 'query', type: 'integer', required: false },
      },
      {
        name: 'Words',
        location: 'query',
        type: 'array',
        required: false,
        style: 'spaceDelimited',
        items: { name: 'Words', location: 'query', type: 'string', required: false },
      },
      {
        name: 'Tags',
        location: 'query',
        type: 'object',
        required: false,
        style: 'flat',
        additionalProperties: { name: 'Tags', location: 'query', type: 'string', required: false },
      },
      { name: 'Ratio', location: 'query', type: 'number', required: true, minimum: 0, maximum: 1 },
    ],
  };

  test('reads repeat lists, delimited lists, flat maps and numbers from the query', () => {
    const input = validateInput(styles, raw({ query: { 'Ids.2': '20', 'Ids.1': '10', Words: 'a b', 'Tags.k': 'v', Ratio: '0.5' } }));
    assert.deepEqual(input, { Ids: [10, 20], Words: ['a', 'b'], Tags: { k: 'v' }, Ratio: 0.5 });
  });

  for (const c of [
    [
      'a repeat-list element that is not an integer',
      { query: { 'Ids.1': 'x', Ratio: '0' } },
      'InvalidParameter',
      'Ids.1',
      'It must be an integer.',
    ],
    ['a number out of range', { query: { Ratio: '1.5' } }, 'InvalidParameter', 'Ratio', 'It must be a number between 0 and 1.'],
    ['a number that is not one', { query: { Ratio: 'half' } }, 'InvalidParameter', 'Ratio'],
    ['a required query parameter that is empty', { query: { Ratio: '' } }, 'MissingParameter', 'Ratio'],
  ] as Failure[]) {
    test(`Styles: ${c[0]} → ${c[2]}`, () => expectFailure(styles, c));
  }
});
