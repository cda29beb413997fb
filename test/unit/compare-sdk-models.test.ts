// scripts/compare-sdk-models.ts: reads the SDK's client and models the way the generated SDK writes
// them, and finds each kind of difference with spec/ (a small SDK and metadata written here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, parseClient, parseModels } from '../../scripts/compare-sdk-models.ts';
import { formatOf } from '../e2e/conformance/check.ts';

const MODELS = `
export class PingRequest extends $dara.Model {
  /**
   * @remarks
   * The target.
   * 
   * This parameter is required.
   * 
   * @example
   * 2
   */
  count?: number;
  filter?: string;
  static names(): { [key: string]: string } {
    return {
      count: 'Count',
      filter: 'Filter',
    };
  }

  static types(): { [key: string]: any } {
    return {
      count: 'number',
      filter: 'string',
    };
  }
}

export class PingResponseBodyItems extends $dara.Model {
  /**
   * @example
   * 2021-01-29T11:13:20Z
   */
  createTime?: string;
  static names(): { [key: string]: string } {
    return {
      createTime: 'CreateTime',
    };
  }

  static types(): { [key: string]: any } {
    return {
      createTime: 'string',
    };
  }
}

export class PingResponseBody extends $dara.Model {
  items?: PingResponseBodyItems[];
  requestId?: string;
  total?: number;
  static names(): { [key: string]: string } {
    return {
      items: 'Items',
      requestId: 'RequestId',
      total: 'Total',
    };
  }

  static types(): { [key: string]: any } {
    return {
      items: { 'type': 'array', 'itemType': PingResponseBodyItems },
      requestId: 'string',
      total: 'number',
    };
  }
}

export class PingResponse extends $dara.Model {
  static names(): { [key: string]: string } {
    return {
      body: 'body',
    };
  }

  static types(): { [key: string]: any } {
    return {
      body: PingResponseBody,
    };
  }
}
`;

const CLIENT = `
  async pingWithOptions(ClusterId: string, request: $_model.PingRequest, headers: {[key: string ]: string}, runtime: $dara.RuntimeOptions): Promise<$_model.PingResponse> {
    let query : {[key: string ]: any} = { };
    if (!$dara.isNull(request.filter)) {
      query["Filter"] = request.filter;
    }

    let body : {[key: string ]: any} = { };
    if (!$dara.isNull(request.count)) {
      body["Count"] = request.count;
    }

    let params = new $OpenApiUtil.Params({
      action: "Ping",
      pathname: \`/api/v2/ping/\${$dara.URL.percentEncode(ClusterId)}\`,
      method: "PUT",
    });
  }
`;

/** Metadata that matches the SDK above; each test breaks one thing. */
function spec() {
  return {
    schemas: {},
    apis: {
      Ping: {
        path: '/api/v2/ping/{ClusterId}',
        methods: ['put'],
        parameters: [
          { name: 'ClusterId', in: 'path', schema: { type: 'string', required: true } },
          { name: 'Filter', in: 'query', schema: { type: 'string', required: false } },
          { name: 'body', in: 'body', schema: { type: 'object', properties: { Count: { type: 'integer', required: true } } } },
        ],
        responses: {
          '200': {
            schema: {
              type: 'object',
              properties: {
                RequestId: { type: 'string' },
                Total: { type: 'integer' },
                Items: {
                  type: 'array',
                  items: { type: 'object', properties: { CreateTime: { type: 'string', example: '2021-01-29T11:13:20Z' } } },
                },
              },
            },
          },
        },
      },
    },
  };
}

const classes = parseModels([MODELS]);
const ops = parseClient(CLIENT);

test('the SDK sources are read: classes with wire names and types, the route and where each parameter goes', () => {
  assert.deepEqual([...(classes.get('PingResponseBody')?.names.values() ?? [])], ['Items', 'RequestId', 'Total']);
  assert.deepEqual(ops.get('Ping'), {
    method: 'put',
    path: '/api/v2/ping/{ClusterId}',
    request: 'PingRequest',
    params: [
      { location: 'query', wire: 'Filter', prop: 'filter' },
      { location: 'body', wire: 'Count', prop: 'count' },
    ],
  });
});

test('metadata that matches the SDK has no difference', () => {
  assert.deepEqual(compare(spec(), classes, ops), { differences: [], notes: [] });
});

test('each kind of difference is found: missing, typed otherwise, placed otherwise, required otherwise, format', () => {
  const s = spec();
  const ping = s.apis.Ping;
  ping.parameters[1] = { name: 'Filter', in: 'body', schema: { type: 'string', required: false } };
  ping.parameters[2] = { name: 'body', in: 'body', schema: { type: 'object', properties: { Count: { type: 'string', required: false } } } };
  const props = ping.responses['200'].schema.properties as Record<string, unknown>;
  delete props.Total;
  props.Extra = { type: 'string' };
  props.Items = {
    type: 'array',
    items: { type: 'object', properties: { CreateTime: { type: 'string', example: '2021-01-29 11:13:20' } } },
  };
  const { differences, notes } = compare(s, classes, ops);
  assert.deepEqual(differences, [
    'Ping request Filter: location sdk=query spec=body',
    'Ping request Count: type sdk=number spec=string',
    'Ping request Count: required sdk=true spec=false',
    'Ping response.Items.CreateTime: example sdk="2021-01-29T11:13:20Z" spec="2021-01-29 11:13:20" ' +
      '(format sdk=ISO 8601 UTC time spec=YYYY-MM-DD HH:mm:ss)',
    'Ping response: missing Total (number)',
  ]);
  assert.deepEqual(notes, ['Ping response: Extra is in the metadata, not in the SDK model']);
});

test('an operation the SDK client has but the metadata answers without a schema is a difference', () => {
  const s = spec();
  s.apis.Ping.responses = {} as typeof s.apis.Ping.responses;
  assert.deepEqual(compare(s, classes, ops).differences, ['Ping: no response schema (the SDK answers PingResponseBody)']);
});

test('an example is read as JSON text only when it is JSON itself (an escaped one quotes JSON in a text)', () => {
  assert.equal(formatOf('RoleAttrs', '{"ApproxMaxLength":null,"Length":null}', 'string')?.name, 'JSON text');
  assert.equal(formatOf('Message', String.raw`{\"versionId\":1,\"message\":\"Stage scale complete\"}`, 'string'), undefined);
  assert.equal(formatOf('RoleAttrs', String.raw`"{\"ApproxMaxLength\":null}"`, 'string'), undefined);
});
