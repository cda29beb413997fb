// RAM and STS through their official generated SDKs (@alicloud/ram20150501, @alicloud/sts20150401),
// pointed at a test server, plus helpers to make RAM users with keys and policies.
import RamModule, * as $Ram from '@alicloud/ram20150501';
import StsModule, * as $Sts from '@alicloud/sts20150401';
import * as Core from '@alicloud/openapi-core';
import type { RunningServer } from '../../src/server.ts';
import { callEas, easClient, type Credentials } from './client.ts';

/** What the helpers need of a server: a TestServer, or startOpenEas(...).server. */
type TestServer = Pick<RunningServer, 'url' | 'port' | 'root'>;

export const Ram = RamModule.default;
export const Sts = StsModule.default;
export { $Ram, $Sts };

function coreConfig(server: TestServer, creds: Credentials) {
  return new Core.$OpenApiUtil.Config({ ...creds, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', regionId: 'cn-hangzhou' });
}

export const ramClient = (server: TestServer, creds: Credentials) => new Ram(coreConfig(server, creds));
export const stsClient = (server: TestServer, creds: Credentials) => new Sts(coreConfig(server, creds));

export const rootCredentials = (server: TestServer): Credentials => ({
  accessKeyId: server.root.accessKeyId,
  accessKeySecret: server.root.accessKeySecret!,
});

export const REGION = 'cn-hangzhou';

/** EAS calls as one set of credentials. */
export function eas(server: TestServer, creds: Credentials) {
  const client = easClient({ url: server.url, ...creds });
  const call = (
    action: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathname: string,
    opts: { body?: Record<string, unknown>; query?: Record<string, unknown> } = {},
  ) => callEas(client, { action, method, pathname, ...opts });
  return {
    call,
    listResources: () => call('ListResources', 'GET', '/api/v2/resources'),
    describe: (group: string) => call('DescribeResource', 'GET', `/api/v2/resources/${REGION}/${group}`),
    createGroup: (name: string, labels?: Record<string, string>) =>
      call('CreateResource', 'POST', '/api/v2/resources', {
        body: {
          ResourceType: 'SelfManaged',
          ResourceName: name,
          SelfManagedResourceOptions: { ExternalClusterId: 'c-1' },
          ...(labels ? { Labels: labels } : {}),
        },
      }),
    createInstances: (group: string, count = 1) =>
      call('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, {
        body: { EcsInstanceType: 'ecs.g6.xlarge', EcsInstanceCount: count, ChargeType: 'PostPaid' },
      }),
    deleteGroup: (group: string) => call('DeleteResource', 'DELETE', `/api/v2/resources/${REGION}/${group}`),
  };
}

let counter = 0;
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${++counter}`;

/** Creates a RAM user with an AccessKey and, for each document, a custom policy attached to it. */
export async function userWithPolicies(
  server: TestServer,
  documents: unknown[],
  name = uniqueName('user'),
): Promise<Credentials & { userName: string; policyNames: string[] }> {
  const ram = ramClient(server, rootCredentials(server));
  await ram.createUser(new $Ram.CreateUserRequest({ userName: name }));
  const key = await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: name }));
  const policyNames: string[] = [];
  for (const doc of documents) {
    const policyName = uniqueName('p');
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({ policyName, policyDocument: typeof doc === 'string' ? doc : JSON.stringify(doc) }),
    );
    await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName, userName: name }));
    policyNames.push(policyName);
  }
  return {
    accessKeyId: key.body!.accessKey!.accessKeyId!,
    accessKeySecret: key.body!.accessKey!.accessKeySecret!,
    userName: name,
    policyNames,
  };
}

export const allow = (action: string | string[], resource: string | string[] = '*', condition?: unknown) => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }],
});
export const deny = (action: string | string[], resource: string | string[] = '*', condition?: unknown) => ({
  Version: '1',
  Statement: [{ Effect: 'Deny', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }],
});
