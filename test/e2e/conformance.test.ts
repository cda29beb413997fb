// Conformance: every implemented operation (EAS, RAM, STS, BSS, ActionTrail) is called with data that fills every
// optional part of its answer, and each answer is checked field for field against its schema —
// EAS against the response schemas of spec/ (the API metadata, brought up to the SDK 7.9 models; the
// resource family and the services against their own files),
// RAM/STS/BSS against the official SDK's `…ResponseBody` models, after the SDK's own deserializer
// (`$dara.cast` into the `…Response` model) has accepted it. Nothing here names an expected field:
// a field added to the spec or a newer SDK model is checked as soon as it exists; an operation with
// no recipe below fails the suite. Documented exceptions: EXCEPTIONS (and docs/sdk-models.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as $dara from '@darabonba/typescript';
import * as $Ram from '@alicloud/ram20150501';
import * as $Sts from '@alicloud/sts20150401';
import * as $Bss from '@alicloud/bssopenapi20171214';
import { ENGINES } from './../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError, type ApiResult, type Credentials } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { EAS_OPERATIONS, EAS_SERVICE_OPERATIONS } from '../../src/eas/generated/operations.ts';
import { EXTRA_OPERATIONS } from '../../src/eas/handlers/index.ts';
import { RAM_ACTIONS, STS_ACTIONS } from '../../src/ram/api/index.ts';
import { BSS_OPERATIONS } from '../../src/billing/bss.ts';
import {
  checkAgainstSchema,
  easResponseSchema,
  figure,
  modelExamples,
  modelSchema,
  newTally,
  type Exception,
  type Exceptions,
  type Tally,
} from './conformance/check.ts';

const SPEC = JSON.parse(readFileSync(new URL('../../spec/eas-2021-07-01-resource-api.json', import.meta.url), 'utf8'));
const SERVICE_SPEC = JSON.parse(readFileSync(new URL('../../spec/eas-2021-07-01-service-api.json', import.meta.url), 'utf8'));
const SERVICE_ACTIONS = new Set(EAS_SERVICE_OPERATIONS.map((o) => o.action));
/** ActionTrail's metadata for LookupEvents (the generated ActionTrail SDK is not on the registry here). */
const ACTIONTRAIL_SPEC = JSON.parse(readFileSync(new URL('../../spec/actiontrail-2020-07-06-lookupevents.json', import.meta.url), 'utf8'));
const REGION = 'cn-hangzhou';

/**
 * Where openeas's answer lacks a documented field, or leaves it empty, and why. Keys: `<Action> <path>`.
 * Everything else a schema names must be there, typed and formatted.
 */
const EXCEPTIONS: Exceptions = {
  'ListResourceInstances .Instances[].ExpiredTime': { kind: 'empty', reason: 'a pay-as-you-go machine never expires: ""' },
  'ListResourceInstances .Instances[].LastCordonReason': { kind: 'empty', reason: 'a machine never cordoned has no last cordon: ""' },
  'ListResourceInstances .Instances[].LastCordonOperator': { kind: 'empty', reason: 'a machine never cordoned has no last cordon: ""' },
  'ListResourceInstances .Instances[].InstanceTenantIp': { kind: 'empty', reason: 'openeas machines have no tenant (VPC) address: ""' },
};
const TRUNCATED_ONLY: Exception = {
  kind: 'absent',
  reason: 'Marker is returned only when the list is truncated (IsTruncated true), as RAM documents',
};
for (const list of ['ListUsers', 'ListGroups', 'ListUsersForGroup', 'ListRoles', 'ListPolicies'])
  EXCEPTIONS[`${list} .Marker`] = TRUNCATED_ONLY;
Object.assign(EXCEPTIONS, {
  'GetUser .User.LastLoginDate': {
    kind: 'empty',
    reason: 'the last console sign-in with the password (login profile); openeas has no password sign-in: ""',
  },
  'ListRoles .Roles.Role[].Tags': { kind: 'absent', reason: 'openeas keeps no tags on roles' },
  'ListPolicies .Policies.Policy[].Tags': { kind: 'absent', reason: 'openeas keeps no tags on policies' },
  'GetCallerIdentity .UserId': {
    kind: 'absent',
    reason: 'a role session is not a RAM user: UserId only for users and the root account (RoleId names the role)',
  },
});
// ActionTrail event fields that real events carry only in some cases (../shared/reference/actiontrail-notes.md §3, §5).
Object.assign(EXCEPTIONS, {
  'LookupEvents .Events[].eventAttributes': {
    kind: 'absent',
    reason: 'only sensitive operations carry {"SensitiveAction":"true"}; openeas marks none',
  },
  'LookupEvents .Events[].requestParameterJson': {
    kind: 'absent',
    reason: 'a field of the SLS/trail delivery view, not of LookupEvents (requestParameters is there)',
  },
  'LookupEvents .Events[].vpcId': { kind: 'absent', reason: 'only calls from an identifiable VPC have one; openeas sees plain IP clients' },
  'LookupEvents .Events[].responseElements': {
    kind: 'absent',
    reason: 'present for Write calls that succeeded, absent for reads and failures (as in ActionTrail samples)',
  },
  'LookupEvents .Events[].userIdentity.sessionContext': {
    kind: 'absent',
    reason: 'only STS (assumed-role) sessions have a session context',
  },
});

// Service fields of features openeas does not offer (docs/services.md, "Not yet"): the real service leaves them out
// for a service without the feature. DescribeService answers the Service model itself; the lists carry it as items.
const SERVICE_WITHOUT: Record<string, string> = {
  SecondaryInternetEndpoint: 'only asynchronous services have a synchronous-request endpoint; openeas has none',
  SecondaryIntranetEndpoint: 'only asynchronous services have a synchronous-request endpoint; openeas has none',
  Gateway: 'only services behind a dedicated gateway name one; openeas has no gateways',
  AppType: 'only services deployed from a PAI application template have one; openeas deploys service documents',
  AppVersion: 'only services deployed from a PAI application template have one; openeas deploys service documents',
  AppSpecName: 'only services deployed from a PAI application template have one; openeas deploys service documents',
  AppConfig: 'only services deployed from a PAI application template have one; openeas deploys service documents',
  QuotaId: 'only services on a resource quota have one; openeas has no quotas',
  WorkspaceId: 'only services in a PAI workspace have one; openeas has no workspaces',
  Source:
    'the deployment source, example dsw (a PAI product); no value is documented for a service created through the API, as all openeas services are',
  GPUCorePercentage: 'only GPU-sharing services have it; openeas has no GPU sharing yet',
  GPUMemory: 'only GPU-sharing services have it; openeas has no GPU sharing yet',
  ExtraData: 'extras such as blue-green deployments; openeas services have none',
  RoleAttrs: 'only queue services (Role Queue) have role attributes; openeas services are Standard',
  WorkloadType: 'only in the TypeScript SDK 7.9 model, with no description, example or documented value; openeas does not invent one',
};
for (const [at, action] of [
  ['.', 'DescribeService'],
  ['.Services[].', 'ListServices'],
  ['.Services[].', 'ListResourceServices'],
] as const) {
  for (const [field, reason] of Object.entries(SERVICE_WITHOUT)) EXCEPTIONS[`${action} ${at}${field}`] = { kind: 'absent', reason };
  if (action !== 'DescribeService') {
    EXCEPTIONS[`${action} .Services[].RequestId`] = {
      kind: 'absent',
      reason: "the Service model doubles as DescribeService's answer; a list item carries no request id",
    };
  }
}
const NO_TENANT = 'openeas machines have no tenant (VPC) address (ListResourceInstances InstanceTenantIp is "")';
const NO_EXTERNAL = 'only instances of services with external (public) access have one; openeas serves no endpoint';
for (const [field, reason] of Object.entries({
  TenantInstanceIP: NO_TENANT,
  TenantHostIP: NO_TENANT,
  ExternalIP: NO_EXTERNAL,
  ExternalInstancePort: NO_EXTERNAL,
  ReplicaName: 'only replica instances (IsReplica true) have one; openeas has no replicas',
}))
  EXCEPTIONS[`ListServiceInstances .Instances[].${field}`] = { kind: 'absent', reason };
Object.assign(EXCEPTIONS, {
  'DescribeServiceEndpoints .Endpoints[].Port': {
    kind: 'absent',
    reason: 'returned only for endpoints on an NLB or Nacos instance; openeas services use the default gateway',
  },
});

/** Fields an answer carries beyond its schema, and why (each is documented in docs/). */
const EXTRA_FIELDS: Record<string, string> = {
  'DecodeDiagnosticMessage .DecodedDiagnosticMessage.DecidingStatement': 'the statement that decided (docs/ram.md, diagnostic messages)',
};
const EXTRAS = new Set(Object.keys(EXTRA_FIELDS));

type Call = () => Promise<ApiResult>;

interface Fixture {
  server: TestServer;
  root: Credentials;
  eas: (
    action: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathname: string,
    extra?: { query?: Record<string, unknown>; body?: Record<string, unknown> },
  ) => Promise<ApiResult>;
  rpc: (version: string, action: string, query?: Record<string, unknown>, creds?: Credentials) => Promise<ApiResult>;
  ids: Record<string, string>;
}

const RAM = '2015-05-01';
const STS = '2015-04-01';
const BSS = '2017-12-14';

/** Builds what every EAS answer needs to be full: a group with log, DLink, labels, machines of both charge types, a cordon. */
async function easRecipes(fx: Fixture): Promise<Array<[string, Call]>> {
  const g = `/api/v2/resources/${REGION}`;
  const svc = `/api/v2/services/${REGION}/conformance`;
  const { ids } = fx;
  const created = await fx.eas('CreateResource', 'POST', '/api/v2/resources', {
    body: {
      ResourceType: 'Dedicated',
      ResourceName: 'conformance',
      EcsInstanceType: 'ecs.gn6i-c4g1.xlarge',
      EcsInstanceCount: 1,
      ChargeType: 'PrePaid',
      AutoRenewal: true,
      SystemDiskSize: 300,
      Zone: 'cn-hangzhou-h',
      Labels: { team: 'a' },
      UsageMode: 'inference',
    },
  });
  ids.group = created.body.ResourceId;
  ids.other = (
    await fx.eas('CreateResource', 'POST', '/api/v2/resources', {
      body: {
        ResourceType: 'SelfManaged',
        ResourceName: 'other',
        SelfManagedResourceOptions: { ExternalClusterId: 'c-1', RoleName: 'r', NodeMatchLabels: { a: 'b' } },
      },
    })
  ).body.ResourceId;
  return [
    ['CreateResource', async () => created],
    [
      'CreateResourceInstances',
      async () => {
        const r = await fx.eas('CreateResourceInstances', 'POST', `${g}/${ids.group}/instances`, {
          body: {
            EcsInstanceType: 'ecs.g6.xlarge',
            EcsInstanceCount: 2,
            ChargeType: 'PostPaid',
            Zone: 'cn-hangzhou-h',
            Labels: { tier: 'gold' },
            UserData: 'echo hi',
          },
        });
        [ids.m1, ids.m2] = r.body.InstanceIds;
        await advance(fx.server.url, 60 * 60);
        return r;
      },
    ],
    [
      'CreateResourceLog',
      () => fx.eas('CreateResourceLog', 'POST', `${g}/${ids.group}/log`, { body: { ProjectName: 'proj', LogStore: 'store' } }),
    ],
    [
      'UpdateResourceDLink',
      async () => {
        const r = await fx.eas('UpdateResourceDLink', 'PUT', `${g}/${ids.group}/dlink`, {
          body: {
            VSwitchId: 'vsw-bp1abcdefghij',
            SecurityGroupId: 'sg-bp1abcdefghij',
            VSwitchIdList: ['vsw-bp2abcdefghij'],
            DestinationCIDRs: '10.0.0.0/8',
          },
        });
        await advance(fx.server.url, 600); // the log and the connection finish setting up
        return r;
      },
    ],
    [
      'CreateService',
      async () => {
        // Three instances of one core: spread puts one on each of the group's three machines.
        const r = await fx.eas('CreateService', 'POST', '/api/v2/services', {
          body: {
            name: 'conformance',
            containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1', port: 8000 }],
            // In a service group (ServiceGroup); no `token`, so openeas generates the AccessToken.
            metadata: { instance: 3, cpu: 1, memory: 1024, resource: ids.group, group: 'conformance_group' },
          },
        });
        await advance(fx.server.url, 60); // every instance starts: Running
        return r;
      },
    ],
    ['UpdateServiceLabel', () => fx.eas('UpdateServiceLabel', 'PUT', `${svc}/label`, { body: { Labels: { team: 'search', gone: 'x' } } })],
    ['DescribeService', () => fx.eas('DescribeService', 'GET', svc)],
    ['ListServices', () => fx.eas('ListServices', 'GET', '/api/v2/services', { query: { PageSize: 10 } })],
    ['ListServiceInstances', () => fx.eas('ListServiceInstances', 'GET', `${svc}/instances`)],
    [
      'UpdateResourceInstance',
      () =>
        fx.eas('UpdateResourceInstance', 'PUT', `${g}/${ids.group}/instances/${ids.m1}`, {
          body: { Action: 'Cordon', Reason: 'maintenance', NewDiskSize: '400' },
        }),
    ],
    [
      'UpdateResourceInstanceLabel',
      () =>
        fx.eas('UpdateResourceInstanceLabel', 'PUT', `${g}/${ids.group}/label`, {
          query: { AllInstances: true },
          body: { Labels: { env: 'prod', gone: 'x' } },
        }),
    ],
    [
      'DeleteResourceInstanceLabel',
      () => fx.eas('DeleteResourceInstanceLabel', 'DELETE', `${g}/${ids.group}/label`, { query: { AllInstances: true, Keys: 'gone' } }),
    ],
    ['UpdateResource', () => fx.eas('UpdateResource', 'PUT', `${g}/${ids.group}`, { body: { ResourceName: 'conformance2' } })],
    ['DescribeResource', () => fx.eas('DescribeResource', 'GET', `${g}/${ids.group}`)],
    ['DescribeResourceLog', () => fx.eas('DescribeResourceLog', 'GET', `${g}/${ids.group}/log`)],
    ['DescribeResourceDLink', () => fx.eas('DescribeResourceDLink', 'GET', `${g}/${ids.group}/dlink`)],
    ['ListResources', () => fx.eas('ListResources', 'GET', '/api/v2/resources', { query: { PageSize: 10 } })],
    ['ListResourceInstances', () => fx.eas('ListResourceInstances', 'GET', `${g}/${ids.group}/instances`, { query: { PageSize: 10 } })],
    ['ListResourceServices', () => fx.eas('ListResourceServices', 'GET', `${g}/${ids.group}/services`)],
    [
      'ListResourceInstanceWorker',
      async () => {
        const list = await fx.eas('ListResourceInstances', 'GET', `${g}/${ids.group}/instances`, { query: { InstanceId: ids.m1 } });
        return fx.eas('ListResourceInstanceWorker', 'GET', `${g}/${ids.group}/instance/${list.body.Instances[0].InstanceName}/workers`);
      },
    ],
    [
      'ScaleService',
      async () => {
        const r = await fx.eas('ScaleService', 'PUT', `${svc}/scale`, { body: { Instance: 4 } });
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    ['StopService', () => fx.eas('StopService', 'PUT', `${svc}/stop`)],
    [
      'StartService',
      async () => {
        const r = await fx.eas('StartService', 'PUT', `${svc}/start`);
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    [
      'UpdateService',
      async () => {
        const r = await fx.eas('UpdateService', 'PUT', svc, {
          body: { containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v2', port: 8000 }] },
        });
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    [
      'UpdateServiceVersion',
      async () => {
        const r = await fx.eas('UpdateServiceVersion', 'PUT', `${svc}/version`, { body: { Version: 1 } });
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    ['ListServiceVersions', () => fx.eas('ListServiceVersions', 'GET', `${svc}/versions`)],
    [
      'RestartService',
      async () => {
        const r = await fx.eas('RestartService', 'PUT', `${svc}/restart`);
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    [
      'DeleteServiceInstances',
      async () => {
        const list = await fx.eas('ListServiceInstances', 'GET', `${svc}/instances`);
        const r = await fx.eas('DeleteServiceInstances', 'DELETE', `${svc}/instances`, {
          query: { InstanceList: list.body.Instances[0].InstanceName, SoftRestart: true, Container: 'worker0' },
        });
        await advance(fx.server.url, 60);
        return r;
      },
    ],
    [
      'CreateServiceCronScaler',
      () =>
        fx.eas('CreateServiceCronScaler', 'POST', `${svc}/cronscaler`, {
          body: { ScaleJobs: [{ Name: 'nightly', Schedule: '0 0 3 * * *', TargetSize: 3, TimeZone: 'Asia/Shanghai' }] },
        }),
    ],
    [
      'UpdateServiceCronScaler',
      async () => {
        // Every minute, except on 31 February (never): the job runs within the next minute.
        const r = await fx.eas('UpdateServiceCronScaler', 'PUT', `${svc}/cronscaler`, {
          body: { ScaleJobs: [{ Name: 'minutely', Schedule: '0 * * * * *', TargetSize: 4 }], ExcludeDates: ['* * * 31 2 *'] },
        });
        await advance(fx.server.url, 90);
        return r;
      },
    ],
    ['DescribeServiceCronScaler', () => fx.eas('DescribeServiceCronScaler', 'GET', `${svc}/cronscaler`)],
    ['DeleteServiceCronScaler', () => fx.eas('DeleteServiceCronScaler', 'DELETE', `${svc}/cronscaler`)],
    [
      'DeleteServiceLabel',
      () => fx.eas('DeleteServiceLabel', 'DELETE', `${svc}/label`, { query: { LabelKeys: JSON.stringify(['gone']) } }),
    ],
    ['DescribeServiceEvent', () => fx.eas('DescribeServiceEvent', 'GET', `${svc}/events`, { query: { PageSize: '50' } })],
    ['DescribeServiceEndpoints', () => fx.eas('DescribeServiceEndpoints', 'GET', `${svc}/endpoints`)],
    [
      'UpdateServiceSafetyLock',
      async () => {
        const r = await fx.eas('UpdateServiceSafetyLock', 'PUT', `${svc}/lock`, { body: { Lock: 'dangerous' } });
        await fx.eas('UpdateServiceSafetyLock', 'PUT', `${svc}/lock`, { body: { Lock: 'none' } });
        return r;
      },
    ],
    ['DeleteService', () => fx.eas('DeleteService', 'DELETE', svc)],
    ['DescribeMachineSpec', () => fx.eas('DescribeMachineSpec', 'GET', '/api/v2/public/instance_types')],
    [
      'MigrateResourceInstance',
      () =>
        fx.eas('MigrateResourceInstance', 'POST', `${g}/${ids.group}/instances/migrate`, {
          body: { InstanceIds: [ids.m2], DestResourceId: ids.other },
        }),
    ],
    ['DeleteResourceLog', () => fx.eas('DeleteResourceLog', 'DELETE', `${g}/${ids.group}/log`)],
    ['DeleteResourceDLink', () => fx.eas('DeleteResourceDLink', 'DELETE', `${g}/${ids.group}/dlink`)],
    [
      'DeleteResourceInstances',
      () => fx.eas('DeleteResourceInstances', 'DELETE', `${g}/${ids.other}/instances`, { query: { InstanceList: ids.m2 } }),
    ],
    [
      'DeleteResource',
      async () => {
        await advance(fx.server.url, 3600);
        return fx.eas('DeleteResource', 'DELETE', `${g}/${ids.other}`);
      },
    ],
  ];
}

/** RAM and STS in an order that builds up state: every entity exists, is attached and listed before it is removed. */
function ramRecipes(fx: Fixture): Array<[string, Call]> {
  const { ids } = fx;
  const account = fx.server.root.accountId;
  const doc = (action: string) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
  const trust = JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${account}:user/alice`] } }],
  });
  const stsAccess = { PolicyType: 'System', PolicyName: 'AliyunSTSAssumeRoleAccess', UserName: 'alice' };
  const user = { UserName: 'alice' };
  const r = (action: string, query: Record<string, unknown> = {}) => fx.rpc(RAM, action, query);
  return [
    [
      'CreateUser',
      () => r('CreateUser', { ...user, DisplayName: 'Alice', Comments: 'c', Email: 'alice@example.com', MobilePhone: '86-18600000000' }),
    ],
    [
      'UpdateUser',
      () =>
        r('UpdateUser', {
          ...user,
          NewDisplayName: 'Alice A',
          NewComments: 'c2',
          NewEmail: 'a@example.com',
          NewMobilePhone: '86-18600000001',
        }),
    ],
    [
      'CreateAccessKey',
      async () => {
        const res = await r('CreateAccessKey', user);
        ids.userKey = res.body.AccessKey.AccessKeyId;
        ids.userSecret = res.body.AccessKey.AccessKeySecret;
        return res;
      },
    ],
    [
      'DecodeDiagnosticMessage',
      async () => {
        // An explicit deny, so the decoded message names the policy that matched.
        await r('CreatePolicy', { PolicyName: 'no-list', PolicyDocument: doc('ram:ListUsers').replace('Allow', 'Deny') });
        await r('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'no-list', ...user });
        const denied = await expectApiError(() =>
          fx.rpc(RAM, 'ListUsers', {}, { accessKeyId: ids.userKey!, accessKeySecret: ids.userSecret! }),
        );
        await r('DetachPolicyFromUser', { PolicyType: 'Custom', PolicyName: 'no-list', ...user });
        await r('DeletePolicy', { PolicyName: 'no-list' });
        return r('DecodeDiagnosticMessage', { EncodedDiagnosticMessage: denied.data.AccessDeniedDetail.EncodedDiagnosticMessage });
      },
    ],
    ['GetUser', () => r('GetUser', user)],
    ['ListUsers', () => r('ListUsers', { MaxItems: 100 })],
    ['ListAccessKeys', () => r('ListAccessKeys', user)],
    ['CreateGroup', () => r('CreateGroup', { GroupName: 'devs', Comments: 'c' })],
    ['UpdateGroup', () => r('UpdateGroup', { GroupName: 'devs', NewComments: 'c2' })],
    ['GetGroup', () => r('GetGroup', { GroupName: 'devs' })],
    ['ListGroups', () => r('ListGroups', { MaxItems: 100 })],
    ['AddUserToGroup', () => r('AddUserToGroup', { GroupName: 'devs', ...user })],
    ['ListGroupsForUser', () => r('ListGroupsForUser', user)],
    ['ListUsersForGroup', () => r('ListUsersForGroup', { GroupName: 'devs', MaxItems: 100 })],
    [
      'CreateRole',
      async () => {
        const res = await r('CreateRole', { RoleName: 'ops', AssumeRolePolicyDocument: trust, Description: 'd', MaxSessionDuration: 7200 });
        ids.roleArn = res.body.Role.Arn;
        return res;
      },
    ],
    [
      'AssumeRole',
      async () => {
        await r('AttachPolicyToUser', stsAccess); // alice may assume roles; the role trusts her
        const alice = { accessKeyId: ids.userKey!, accessKeySecret: ids.userSecret! };
        const res = await fx.rpc(
          STS,
          'AssumeRole',
          { RoleArn: ids.roleArn, RoleSessionName: 'sess', DurationSeconds: 900, Policy: doc('eas:*'), SourceIdentity: 'alice' },
          alice,
        );
        const c = res.body.Credentials;
        ids.stsKey = c.AccessKeyId;
        ids.stsSecret = c.AccessKeySecret;
        ids.stsToken = c.SecurityToken;
        return res;
      },
    ],
    [
      'GetCallerIdentity',
      () =>
        fx.rpc(STS, 'GetCallerIdentity', {}, { accessKeyId: ids.stsKey!, accessKeySecret: ids.stsSecret!, securityToken: ids.stsToken! }),
    ],
    ['UpdateAccessKey', () => r('UpdateAccessKey', { ...user, UserAccessKeyId: ids.userKey, Status: 'Inactive' })],
    [
      'UpdateRole',
      () => r('UpdateRole', { RoleName: 'ops', NewDescription: 'd2', NewMaxSessionDuration: 3600, NewAssumeRolePolicyDocument: trust }),
    ],
    ['GetRole', () => r('GetRole', { RoleName: 'ops' })],
    ['ListRoles', () => r('ListRoles', { MaxItems: 100 })],
    ['CreatePolicy', () => r('CreatePolicy', { PolicyName: 'p1', PolicyDocument: doc('eas:List*'), Description: 'd' })],
    ['CreatePolicyVersion', () => r('CreatePolicyVersion', { PolicyName: 'p1', PolicyDocument: doc('eas:*'), SetAsDefault: false })],
    ['GetPolicy', () => r('GetPolicy', { PolicyName: 'p1', PolicyType: 'Custom' })],
    ['GetPolicyVersion', () => r('GetPolicyVersion', { PolicyName: 'p1', PolicyType: 'Custom', VersionId: 'v2' })],
    ['ListPolicyVersions', () => r('ListPolicyVersions', { PolicyName: 'p1', PolicyType: 'Custom' })],
    ['SetDefaultPolicyVersion', () => r('SetDefaultPolicyVersion', { PolicyName: 'p1', VersionId: 'v2' })],
    ['DeletePolicyVersion', () => r('DeletePolicyVersion', { PolicyName: 'p1', VersionId: 'v1' })],
    ['ListPolicies', () => r('ListPolicies', { PolicyType: 'Custom', MaxItems: 100 })],
    ['AttachPolicyToUser', () => r('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'p1', ...user })],
    ['AttachPolicyToGroup', () => r('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: 'p1', GroupName: 'devs' })],
    ['AttachPolicyToRole', () => r('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: 'p1', RoleName: 'ops' })],
    ['ListPoliciesForUser', () => r('ListPoliciesForUser', user)],
    ['ListPoliciesForGroup', () => r('ListPoliciesForGroup', { GroupName: 'devs' })],
    ['ListPoliciesForRole', () => r('ListPoliciesForRole', { RoleName: 'ops' })],
    ['ListEntitiesForPolicy', () => r('ListEntitiesForPolicy', { PolicyName: 'p1', PolicyType: 'Custom' })],
    ['DetachPolicyFromUser', () => r('DetachPolicyFromUser', { PolicyType: 'Custom', PolicyName: 'p1', ...user })],
    ['DetachPolicyFromGroup', () => r('DetachPolicyFromGroup', { PolicyType: 'Custom', PolicyName: 'p1', GroupName: 'devs' })],
    ['DetachPolicyFromRole', () => r('DetachPolicyFromRole', { PolicyType: 'Custom', PolicyName: 'p1', RoleName: 'ops' })],
    ['DeletePolicy', () => r('DeletePolicy', { PolicyName: 'p1' })],
    ['RemoveUserFromGroup', () => r('RemoveUserFromGroup', { GroupName: 'devs', ...user })],
    ['DeleteAccessKey', () => r('DeleteAccessKey', { ...user, UserAccessKeyId: ids.userKey })],
    ['DeleteGroup', () => r('DeleteGroup', { GroupName: 'devs' })],
    [
      'DeleteUser',
      async () => {
        await r('DetachPolicyFromUser', stsAccess);
        return r('DeleteUser', user);
      },
    ],
    ['DeleteRole', () => r('DeleteRole', { RoleName: 'ops' })],
  ];
}

/** BSS after the EAS scenario: a subscription order and settled pay-as-you-go hours exist. */
function bssRecipes(fx: Fixture): Array<[string, Call]> {
  const { ids } = fx;
  const b = (action: string, query: Record<string, unknown> = {}) => fx.rpc(BSS, action, query);
  return [
    ['QueryAccountBalance', () => b('QueryAccountBalance')],
    [
      'SetRenewal',
      () =>
        b('SetRenewal', {
          InstanceIDs: ids.prepaid,
          RenewalStatus: 'AutoRenewal',
          RenewalPeriod: 1,
          RenewalPeriodUnit: 'M',
          ProductCode: 'eas',
        }),
    ],
    ['RenewInstance', () => b('RenewInstance', { ProductCode: 'eas', InstanceId: ids.prepaid, RenewPeriod: 1 })],
    ['QueryBillOverview', () => b('QueryBillOverview', { BillingCycle: ids.cycle })],
    ['QueryBill', () => b('QueryBill', { BillingCycle: ids.cycle, PageSize: 100 })],
    ['QueryInstanceBill', () => b('QueryInstanceBill', { BillingCycle: ids.cycle, PageSize: 100, IsBillingItem: true })],
    [
      'QueryOrders',
      async () => {
        const res = await b('QueryOrders', { PageSize: 100 });
        // The newest order, the renewal: its OriginalModuleConfig is filled.
        ids.order = res.body.Data.OrderList.Order[0].OrderId;
        return res;
      },
    ],
    ['GetOrderDetail', () => b('GetOrderDetail', { OrderId: ids.order })],
  ];
}

/** Runs recipes in order; every implemented action must have exactly one. */
async function runAll(recipes: Array<[string, Call]>, implemented: string[]): Promise<Map<string, ApiResult>> {
  const have = recipes.map(([a]) => a);
  assert.deepEqual(
    [...new Set(have)].sort(),
    [...implemented].sort(),
    'every implemented operation has one recipe (add one for a new operation)',
  );
  const out = new Map<string, ApiResult>();
  for (const [action, call] of recipes) {
    const res = await call();
    assert.equal(res.statusCode, 200, action);
    out.set(action, res);
  }
  return out;
}

/** The SDK's own deserializer must accept the answer; then every model field is checked present and typed. */
function checkRpc(family: string, mod: Record<string, unknown>, pkg: string, answers: Map<string, ApiResult>, t: Tally): void {
  const examples = modelExamples(pkg);
  for (const [action, res] of answers) {
    const Response = mod[`${action}Response`] as new (m: object) => object;
    const Body = mod[`${action}ResponseBody`];
    assert.ok(Response && Body, `${family} SDK has a model for ${action}`);
    const cast = $dara.cast({ headers: res.headers, statusCode: res.statusCode, body: res.body }, new Response({})) as { body?: unknown };
    assert.ok(cast.body, `${action}: the SDK deserializer produced a body`);
    checkAgainstSchema(action, modelSchema(Body, examples), res.body, t, EXCEPTIONS, EXTRAS);
  }
}

const FIGURES: string[] = [];

for (const engine of ENGINES) {
  describe(`conformance with the official models [${engine.name}]`, () => {
    let fx: Fixture;

    before(async () => {
      const server = await startTestServer(engine, { provisionSeconds: 30, releaseSeconds: 10 });
      const root = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
      const rootClient = easClient({ url: server.url, ...root });
      fx = {
        server,
        root,
        ids: {},
        eas: (action, method, pathname, extra = {}) => callEas(rootClient, { action, method, pathname, ...extra }),
        rpc: (version, action, query = {}, creds) =>
          callRpc(creds ? easClient({ url: server.url, ...creds }) : rootClient, version, action, query),
      };
    });
    after(() => fx.server.close());

    test('EAS: every operation, resource family and services, answers every field of its schema, typed and formatted', async () => {
      const resources = newTally();
      const services = newTally();
      const actions = [
        ...EAS_OPERATIONS.map((o) => o.action),
        ...EXTRA_OPERATIONS.map((o) => o.spec.action),
        ...EAS_SERVICE_OPERATIONS.map((o) => o.action),
      ];
      const answers = await runAll(await easRecipes(fx), actions);
      const unchecked: string[] = [];
      for (const [action, res] of answers) {
        const isService = SERVICE_ACTIONS.has(action);
        const schema = easResponseSchema(isService ? SERVICE_SPEC : SPEC, action);
        if (!schema) {
          unchecked.push(action);
          continue;
        }
        checkAgainstSchema(action, schema, res.body, isService ? services : resources, EXCEPTIONS, EXTRAS);
      }
      FIGURES.push(
        `[${engine.name}] ${figure('EAS resource family', resources)}` +
          `${unchecked.length ? `; no schema in the metadata: ${unchecked.join(', ')}` : ''}`,
        `[${engine.name}] ${figure('EAS services', services)}`,
      );
      assert.deepEqual([...resources.problems, ...services.problems], []);
      assert.deepEqual(unchecked, ['DescribeMachineSpec'], 'only the public machine-spec list has no response schema in the metadata');
    });

    test('RAM and STS: the SDK deserializes every answer, and every model field is present and typed', async () => {
      const ram = newTally();
      const sts = newTally();
      const answers = await runAll(ramRecipes(fx), [...RAM_ACTIONS, ...STS_ACTIONS]);
      const pick = (names: string[]) => new Map([...answers].filter(([a]) => names.includes(a)));
      checkRpc('RAM', $Ram as unknown as Record<string, unknown>, '@alicloud/ram20150501', pick(RAM_ACTIONS), ram);
      checkRpc('STS', $Sts as unknown as Record<string, unknown>, '@alicloud/sts20150401', pick(STS_ACTIONS), sts);
      FIGURES.push(`[${engine.name}] ${figure('RAM', ram)}`, `[${engine.name}] ${figure('STS', sts)}`);
      assert.deepEqual([...ram.problems, ...sts.problems], []);
    });

    test('ActionTrail: LookupEvents answers every field of its metadata schema, typed and formatted', async () => {
      const t = newTally();
      // A write that names a resource, a read, and a failure: the events of all three are looked up.
      await fx.eas('CreateResource', 'POST', '/api/v2/resources', {
        body: { ResourceType: 'SelfManaged', ResourceName: 'audited', SelfManagedResourceOptions: { ExternalClusterId: 'c-2' } },
      });
      await fx.eas('ListResources', 'GET', '/api/v2/resources');
      await expectApiError(() => fx.eas('DescribeResource', 'GET', `/api/v2/resources/${REGION}/eas-r-doesnotexist`));
      const res = await fx.rpc('2020-07-06', 'LookupEvents', { MaxResults: 50 });
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.Events.length >= 3);
      const schema = easResponseSchema(ACTIONTRAIL_SPEC, 'LookupEvents');
      assert.ok(schema, 'the metadata has a response schema');
      checkAgainstSchema('LookupEvents', schema, res.body, t, EXCEPTIONS, EXTRAS);
      FIGURES.push(`[${engine.name}] ${figure('ActionTrail', t)}`);
      assert.deepEqual(t.problems, []);
    });

    test('BSS: the SDK deserializes every answer, and every model field is present, typed and formatted', async () => {
      const t = newTally();
      const now = (await admin(fx.server.url, 'GET', '/clock')).NowMs as number;
      fx.ids.cycle = new Date(now + 8 * 3600_000).toISOString().slice(0, 7); // the default billing time zone, UTC+8
      const list = await fx.eas('ListResourceInstances', 'GET', `/api/v2/resources/${REGION}/${fx.ids.group}/instances`, {
        query: { ChargeType: 'PrePaid' },
      });
      fx.ids.prepaid = list.body.Instances[0].InstanceId;
      const answers = await runAll(
        bssRecipes(fx),
        BSS_OPERATIONS.map((o) => o.action),
      );
      checkRpc('BSS', $Bss as unknown as Record<string, unknown>, '@alicloud/bssopenapi20171214', answers, t);
      FIGURES.push(`[${engine.name}] ${figure('BSS', t)}`);
      assert.deepEqual(t.problems, []);
    });
  });
}

after(() => {
  // The per-family figures (fields present and typed / fields in the schemas).
  for (const line of FIGURES) console.log(`conformance ${line}`);
});
