// What the service test files share: the calls they make through the official client, and the check
// that an answer's fields are in the spec's model with its JSON types.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { advance } from './admin.ts';
import { callEas, type easClient } from './client.ts';

export const REGION = 'cn-hangzhou';

type Client = ReturnType<typeof easClient>;
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Query = Record<string, unknown>;

export const svcPath = (name: string, tail = '') => `/api/v2/services/${REGION}/${name}${tail}`;

/** The calls, made with whatever client `client()` returns when they run (suites make it in `before`). */
export function serviceCalls(client: () => Client) {
  const eas = (action: string, method: Method, pathname: string, extra: { query?: Query; body?: Record<string, unknown> } = {}) =>
    callEas(client(), { action, method, pathname, ...extra });
  return {
    eas,
    create: (body: Record<string, unknown>) => eas('CreateService', 'POST', '/api/v2/services', { body }),
    describeSvc: async (name: string) => (await eas('DescribeService', 'GET', svcPath(name))).body,
    instancesOf: async (name: string, query?: Query) =>
      (await eas('ListServiceInstances', 'GET', svcPath(name, '/instances'), { query })).body.Instances as any[],
    group: async (id: string) => (await eas('DescribeResource', 'GET', `/api/v2/resources/${REGION}/${id}`)).body,
    /** A Dedicated group of PostPaid machines, Ready once the clock has moved past their provisioning. */
    newGroup: async (type: string, machineCount: number, serverUrl: string, provisionSeconds = 10) => {
      const r = await eas('CreateResource', 'POST', '/api/v2/resources', {
        body: { ResourceType: 'Dedicated', EcsInstanceType: type, EcsInstanceCount: machineCount, ChargeType: 'PostPaid' },
      });
      await advance(serverUrl, provisionSeconds);
      return r.body.ResourceId as string;
    },
  };
}

/** A service document for `group`: one echo container, one instance of 1 core and 1 GB unless `metadata` says otherwise. */
export const serviceDoc = (name: string, group: string, metadata: Record<string, unknown> = {}) => ({
  name,
  containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
  metadata: { instance: 1, cpu: 1, memory: 1024, resource: group, ...metadata },
});

const schemasOf = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../spec/${file}`, import.meta.url), 'utf8')).schemas as Record<string, any>;
const SCHEMAS = { ...schemasOf('eas-2021-07-01-resource-api.json'), ...schemasOf('eas-2021-07-01-service-api.json') };

/** Every field of `value` is in the model and has the model's JSON type. */
export function conforms(model: string, value: Record<string, unknown>): void {
  const props = SCHEMAS[model].properties as Record<string, { type: string }>;
  for (const [key, v] of Object.entries(value)) {
    assert.ok(props[key], `${model}.${key} is not in the model`);
    const type = props[key].type;
    const actual = Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
    assert.ok(actual === type || (type === 'number' && actual === 'integer'), `${model}.${key}: ${actual}, the model says ${type}`);
  }
}
