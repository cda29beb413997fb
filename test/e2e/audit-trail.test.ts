// The audit trail through ActionTrail's own API: every authenticated call (EAS, RAM, STS, BSS;
// allowed, denied, failed) is an event, and LookupEvents (2020-07-06, RPC, through the official
// client's callApi) answers "who created these GPU machines?" with lookup attributes, a time
// window and NextToken paging, for the caller's account only and with secrets never stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callRpc, easClient, expectApiError, type Credentials } from '../support/client.ts';
import { admin, advance } from '../support/admin.ts';
import { $Ram, $Sts, allow, eas, ramClient, REGION, rootCredentials, stsClient, uniqueName, userWithPolicies } from '../support/ram.ts';

const GPU_MACHINES = { EcsInstanceType: 'ecs.gn6i-c4g1.xlarge', EcsInstanceCount: 2, ChargeType: 'PostPaid' };

type Attribute = { Key: string; Value: string };
type Lookup = {
  LookupAttribute?: Attribute[];
  MaxResults?: string;
  NextToken?: string;
  StartTime?: string;
  EndTime?: string;
  Direction?: string;
};

for (const engine of ENGINES) {
  describe(`audit trail [${engine.name}]`, () => {
    let server: TestServer;
    let root: Credentials;
    let operator: Awaited<ReturnType<typeof userWithPolicies>>;
    let rootGroup: string;
    let rootMachines: string[];
    let operatorGroup: string;
    let operatorMachines: string[];

    const lookup = (creds: Credentials, query: Lookup = {}) =>
      callRpc(easClient({ url: server.url, ...creds }), '2020-07-06', 'LookupEvents', query);
    const lookupAll = async (creds: Credentials, query: Lookup) => {
      const events: any[] = [];
      for (let token: string | undefined, pages = 0; ; pages++) {
        const r = await lookup(creds, { ...query, ...(token ? { NextToken: token } : {}) });
        events.push(...r.body.Events);
        token = r.body.NextToken;
        if (!token || pages > 50) return events;
      }
    };
    const by = (Key: string, Value: string): Lookup => ({ LookupAttribute: [{ Key, Value }] });
    const byTwo = (k1: string, v1: string, k2: string, v2: string): Lookup => ({
      LookupAttribute: [
        { Key: k1, Value: v1 },
        { Key: k2, Value: v2 },
      ],
    });
    const createMachines = async (creds: Credentials, group: string, body: Record<string, unknown> = GPU_MACHINES) =>
      (await eas(server, creds).call('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, { body })).body;
    const dedicatedGroup = async (api: ReturnType<typeof eas>) =>
      (await api.call('CreateResource', 'POST', '/api/v2/resources', { body: { ResourceType: 'Dedicated', ...GPU_MACHINES } })).body;

    before(async () => {
      server = await startTestServer(engine, { progression: 'immediate' });
      root = rootCredentials(server);
      operator = await userWithPolicies(server, [allow('eas:*')]);
      const byRoot = await dedicatedGroup(eas(server, root));
      rootGroup = byRoot.ResourceId;
      rootMachines = (await createMachines(root, rootGroup)).InstanceIds;
      operatorGroup = (await eas(server, operator).createGroup('operators')).body.ResourceId;
      operatorMachines = (await createMachines(operator, rootGroup)).InstanceIds;
    });
    after(() => server.close());

    test('answers "who created these GPU machines?" by ResourceName: the root, and a RAM user by name and key', async () => {
      const naming = (await lookup(root, by('ResourceName', rootMachines[0]!))).body.Events;
      const [created] = naming.filter((e: any) => e.eventName === 'CreateResourceInstances');
      assert.equal(created.userIdentity.type, 'root-account');
      assert.equal(created.userIdentity.userName, 'root');
      assert.equal(created.userIdentity.accountId, server.root.accountId);
      assert.equal(created.userIdentity.accessKeyId, root.accessKeyId);
      assert.equal(created.eventRW, 'Write');
      assert.equal(created.eventType, 'ApiCall');
      assert.equal(created.eventCategory, 'Management');
      assert.equal(created.serviceName, 'Eas');
      assert.equal(created.apiVersion, '2021-07-01');
      assert.equal(created.acsRegion, REGION);
      assert.equal(created.errorCode, '');
      assert.match(created.eventId, /^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      assert.match(created.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(created.requestId, /^[0-9A-F-]{36}$/);
      assert.match(created.sourceIpAddress, /127\.0\.0\.1/);
      assert.match(created.userAgent, /AlibabaCloud/);
      assert.deepEqual(created.referencedResources['ACS::EAS::Instance'].sort(), [...rootMachines].sort());
      assert.deepEqual(created.referencedResources['ACS::EAS::Resource'], [rootGroup]);
      assert.equal(created.resourceType, 'ACS::EAS::Resource;ACS::EAS::Instance');
      assert.equal(created.requestParameters.EcsInstanceType, GPU_MACHINES.EcsInstanceType);
      assert.deepEqual(created.responseElements.InstanceIds, rootMachines);

      const [theirs] = (await lookup(root, by('ResourceName', operatorMachines[1]!))).body.Events;
      assert.equal(theirs.eventName, 'CreateResourceInstances');
      assert.equal(theirs.userIdentity.type, 'ram-user');
      assert.equal(theirs.userIdentity.userName, operator.userName);
      assert.equal(theirs.userIdentity.accessKeyId, operator.accessKeyId);
      assert.match(theirs.userIdentity.principalId, /^\d+$/);
      // The group they made: found by its id, by the user's name and by their AccessKey.
      const group = (await lookup(root, by('ResourceName', operatorGroup))).body.Events;
      assert.deepEqual(
        group.map((e: any) => e.eventName),
        ['CreateResource'],
      );
      const byUser = await lookupAll(root, by('User', operator.userName));
      assert.deepEqual(byUser.map((e: any) => e.eventName).sort(), ['CreateResource', 'CreateResourceInstances']);
      const byKey = await lookupAll(root, by('EventAccessKeyId', operator.accessKeyId));
      assert.deepEqual(byKey.map((e: any) => e.eventId).sort(), byUser.map((e: any) => e.eventId).sort());
    });

    test('denied and failed calls are events with the error the caller got; reads are Read events', async () => {
      const reader = await userWithPolicies(server, [allow('eas:DescribeResource')]);
      const denied = await expectApiError(() => eas(server, reader).deleteGroup(rootGroup));
      assert.equal(denied.code, 'Forbidden.RAM');
      const missing = await expectApiError(() => eas(server, reader).describe('eas-r-doesnotexist000000'));
      assert.equal(missing.code, 'InvalidResource.NotFound');
      const events = await lookupAll(root, by('User', reader.userName));
      const deleted = events.find((e) => e.eventName === 'DeleteResource');
      assert.equal(deleted.errorCode, 'Forbidden.RAM');
      assert.equal(deleted.errorMessage, denied.data.Message);
      assert.equal(deleted.requestId, denied.data.RequestId);
      assert.deepEqual(deleted.referencedResources, { 'ACS::EAS::Resource': [rootGroup] });
      assert.equal(deleted.responseElements, undefined);
      const described = events.find((e) => e.eventName === 'DescribeResource');
      assert.equal(described.errorCode, 'InvalidResource.NotFound');
      assert.equal(described.eventRW, 'Read');
      // Found by the failed call's resource too.
      const byName = (await lookup(root, by('ResourceName', rootGroup))).body.Events.map((e: any) => e.eventName);
      assert.ok(byName.includes('DeleteResource') && byName.includes('CreateResource'));
    });

    test('a call that fails authentication is not recorded: nobody can be held to it', async () => {
      const impostor = { accessKeyId: operator.accessKeyId, accessKeySecret: 'wrong' };
      const forged = await expectApiError(() => eas(server, impostor).listResources());
      assert.equal(forged.code, 'SignatureDoesNotMatch');
      const events = await lookupAll(root, { ...by('EventAccessKeyId', operator.accessKeyId) });
      assert.ok(events.every((e) => e.requestId !== forged.data.RequestId));
      const stored = await server.services.store.db
        .selectFrom('audit_events')
        .select('event_id')
        .where('event', 'like', `%${forged.data.RequestId}%`)
        .execute();
      assert.deepEqual(stored, []);
    });

    test("an assumed role's calls name the role session; RAM and STS calls are global events", async () => {
      const ram = ramClient(server, root);
      const caller = await userWithPolicies(server, []);
      const account = server.root.accountId;
      const policyType = 'System';
      const userName = caller.userName;
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyType, policyName: 'AliyunSTSAssumeRoleAccess', userName }));
      const roleName = uniqueName('auditor-role');
      const principal = { RAM: [`acs:ram::${account}:user/${caller.userName}`] };
      const trust = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }] };
      await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify(trust) }));
      await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyType, policyName: 'AliyunPAIEASFullAccess', roleName }));
      const request = new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${account}:role/${roleName}`, roleSessionName: 'night-shift' });
      const assumed = await stsClient(server, caller).assumeRole(request);
      const c = assumed.body!.credentials!;
      const session = { accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! };
      const group = (await eas(server, session).createGroup('by-role')).body.ResourceId;

      const [created] = (await lookup(root, by('ResourceName', group))).body.Events;
      assert.equal(created.userIdentity.type, 'assumed-role');
      assert.equal(created.userIdentity.userName, `${roleName}:night-shift`);
      assert.equal(created.userIdentity.accessKeyId, c.accessKeyId);
      assert.match(created.userIdentity.principalId, /^\d+:night-shift$/);
      assert.equal(created.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
      const byRole = await lookupAll(root, by('RoleName', roleName));
      assert.deepEqual(
        byRole.map((e) => e.eventName),
        ['CreateResource'],
      );

      const [assumeRole] = (await lookup(root, byTwo('ServiceName', 'Sts', 'User', caller.userName))).body.Events;
      assert.equal(assumeRole.eventName, 'AssumeRole');
      assert.equal(assumeRole.isGlobal, true);
      assert.deepEqual(assumeRole.referencedResources, { 'ACS::RAM::Role': [roleName.toLowerCase()] });
      const [attach] = (await lookup(root, byTwo('ResourceName', roleName, 'EventName', 'AttachPolicyToRole'))).body.Events;
      assert.equal(attach.serviceName, 'Ram');
      assert.match(attach.resourceType, /^ACS::RAM::Role(;|$)/);
    });

    test('secrets are never stored: signatures, tokens, AccessKey secrets, passwords, UserData, service tokens', async () => {
      const ram = ramClient(server, root);
      const name = uniqueName('keyholder');
      await ram.createUser(new $Ram.CreateUserRequest({ userName: name }));
      const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: name }))).body!.accessKey!;
      const userData = `#!/bin/sh\nexport DB_PASSWORD=${'s3cr3t'.repeat(4)}\n`;
      await createMachines(root, rootGroup, { ...GPU_MACHINES, EcsInstanceCount: 1, UserData: userData });
      // An RPC-signed call (Signature in the query), with a parameter named like a password.
      const rpcClient = easClient({ url: server.url, ...root, signatureAlgorithm: 'v2' });
      assert.equal((await callRpc(rpcClient, '2015-05-01', 'GetUser', { UserName: name, Password: 'hunter2-pass' })).statusCode, 200);
      const rows = await server.services.store.db.selectFrom('audit_events').select('event').execute();
      const everything = rows.map((r) => r.event).join('\n');
      for (const secret of [key.accessKeySecret!, root.accessKeySecret, 's3cr3t', 'hunter2-pass']) {
        assert.ok(!everything.includes(secret), `stored events contain ${secret.slice(0, 4)}…`);
      }
      const [createKey] = (await lookup(root, byTwo('ServiceName', 'Ram', 'EventName', 'CreateAccessKey'))).body.Events;
      assert.equal(createKey.responseElements.AccessKey.AccessKeyId, key.accessKeyId);
      assert.equal(createKey.responseElements.AccessKey.AccessKeySecret, undefined);
      const [getUser] = (await lookup(root, by('EventName', 'GetUser'))).body.Events;
      assert.equal(getUser.requestParameters.UserName, name);
      assert.equal(getUser.requestParameters.Password, undefined);
      assert.equal(getUser.requestParameters.Signature, undefined);
      const [withUserData] = (await lookup(root, by('ResourceName', rootGroup))).body.Events;
      assert.equal(withUserData.requestParameters.UserData, `[omitted: ${userData.length} characters]`);
      // A service's invocation token: the one its JSON sets, and the one openeas generates.
      const api = eas(server, root);
      const service = (name: string, extra: Record<string, unknown> = {}) => ({
        name,
        containers: [{ image: 'registry.cn-hangzhou.aliyuncs.com/eas/echo:v1' }],
        metadata: { cpu: 1, memory: 1024, resource: rootGroup },
        ...extra,
      });
      await api.call('CreateService', 'POST', '/api/v2/services', { body: service('audit_tok', { token: 'chosen-token-audit-77' }) });
      await api.call('UpdateService', 'PUT', `/api/v2/services/${REGION}/audit_tok`, { body: { token: 'rotated-token-audit-88' } });
      await api.call('CreateService', 'POST', '/api/v2/services', { body: service('audit_gen') });
      const generated = (await api.call('DescribeService', 'GET', `/api/v2/services/${REGION}/audit_gen`)).body.AccessToken;
      assert.ok(generated);
      const [createSvc] = (await lookup(root, byTwo('EventName', 'CreateService', 'ResourceName', 'audit_tok'))).body.Events;
      assert.equal(createSvc.requestParameters.name, 'audit_tok');
      assert.equal(createSvc.requestParameters.token, undefined);
      const after = await server.services.store.db.selectFrom('audit_events').select('event').execute();
      for (const token of ['chosen-token-audit-77', 'rotated-token-audit-88', generated]) {
        assert.ok(!after.some((r) => r.event.includes(token)), `stored events contain the service token ${token.slice(0, 4)}…`);
      }
    });

    test('pages with NextToken: newest first, each event once, the token bound to the query and the account', async () => {
      const api = eas(server, operator);
      for (let i = 0; i < 5; i++) await api.describe(operatorGroup);
      const first = await lookup(root, { ...by('EventName', 'DescribeResource'), MaxResults: '2' });
      assert.equal(first.body.Events.length, 2);
      assert.ok(first.body.NextToken);
      const all = await lookupAll(root, { ...by('EventName', 'DescribeResource'), MaxResults: '2' });
      assert.ok(all.length >= 6);
      assert.equal(new Set(all.map((e) => e.eventId)).size, all.length);
      const times = all.map((e) => e.eventId);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      const forward = await lookupAll(root, { ...by('EventName', 'DescribeResource'), MaxResults: '3', Direction: 'FORWARD' });
      assert.deepEqual(
        forward.map((e) => e.eventId),
        [...times].reverse(),
      );
      // The last page carries no token.
      const last = await lookup(root, { ...by('EventName', 'DescribeResource'), MaxResults: '50' });
      assert.equal(last.body.NextToken, undefined);

      const token = first.body.NextToken as string;
      const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const bad of [tampered, 'not-a-token', Buffer.from('{"k":"x"}').toString('base64url')]) {
        const err = await expectApiError(() => lookup(root, { ...by('EventName', 'DescribeResource'), MaxResults: '2', NextToken: bad }));
        assert.equal(err.code, 'InvalidNextToken');
        assert.equal(err.statusCode, 400);
      }
      const otherQuery = await expectApiError(() => lookup(root, { ...by('EventName', 'CreateResource'), NextToken: token }));
      assert.equal(otherQuery.code, 'InvalidNextToken');
    });

    test('lookup attributes: keys, combinations, values; MaxResults and Direction bounds', async () => {
      const rw = await lookupAll(root, { ...by('EventRW', 'Write'), MaxResults: '50' });
      assert.ok(rw.length > 0 && rw.every((e) => e.eventRW === 'Write'));
      const byId = (await lookup(root, by('EventId', rw[0].eventId))).body.Events;
      assert.deepEqual(
        byId.map((e: any) => e.eventId),
        [rw[0].eventId],
      );
      const apiCalls = (await lookup(root, by('EventType', 'ApiCall'))).body.Events;
      assert.ok(apiCalls.length > 0);
      assert.deepEqual((await lookup(root, by('EventType', 'ConsoleSignin'))).body.Events, []);
      const instances = (await lookup(root, by('ResourceType', 'ACS::EAS::Instance'))).body.Events;
      assert.ok(instances.some((e: any) => e.eventName === 'CreateResourceInstances'));
      assert.deepEqual((await lookup(root, by('SourceIpAddress', '192.0.2.1'))).body.Events, []);
      // The same key twice: the second applies.
      const twice = (await lookup(root, byTwo('EventName', 'Nothing', 'EventName', 'CreateResource'))).body.Events;
      assert.ok(twice.length > 0 && twice.every((e: any) => e.eventName === 'CreateResource'));

      const invalid: Lookup[] = [
        by('UserName', 'root'),
        by('Bogus', 'x'),
        by('EventName', ''),
        byTwo('EventName', 'CreateResource', 'User', 'root'),
      ];
      for (const q of invalid) {
        assert.equal((await expectApiError(() => lookup(root, q))).code, 'InvalidLookupAttributesException', JSON.stringify(q));
      }
      for (const MaxResults of ['0', '51', 'ten', '-1']) {
        const err = await expectApiError(() => lookup(root, { MaxResults }));
        assert.equal(err.code, 'InvalidParameterValue');
      }
      assert.equal((await lookup(root, { MaxResults: '1' })).body.Events.length, 1);
      assert.equal((await lookup(root, { MaxResults: '50' })).body.Events.length <= 50, true);
      assert.equal((await expectApiError(() => lookup(root, { Direction: 'SIDEWAYS' }))).code, 'InvalidParameterValue');
    });

    test('the time window: default 7 days, both ends or neither, at most 30 days, not in the future', async () => {
      const r = await lookup(root, by('EventName', 'CreateResource'));
      const now = Date.now();
      assert.ok(Math.abs(Date.parse(r.body.EndTime) - now) < 120_000);
      assert.ok(Math.abs(Date.parse(r.body.EndTime) - Date.parse(r.body.StartTime) - 7 * 86_400_000) < 2000);
      const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';
      const creates = by('EventName', 'CreateResource');
      const inWindow = await lookup(root, { ...creates, StartTime: iso(now - 3600_000), EndTime: iso(now + 60_000) });
      assert.ok(inWindow.body.Events.length >= 2);
      const earlier = await lookup(root, { ...creates, StartTime: iso(now - 7200_000), EndTime: iso(now - 3600_000) });
      assert.deepEqual(earlier.body.Events, []);
      const cases: Array<[Lookup, string]> = [
        [{ StartTime: iso(now - 3600_000) }, 'LookupEventsParameterError'],
        [{ StartTime: 'yesterday', EndTime: iso(now) }, 'InvalidParameterStartTime'],
        [{ StartTime: iso(now - 3600_000), EndTime: '2020-13-45T99:00:00Z' }, 'InvalidParameterEndTime'],
        [{ StartTime: iso(now), EndTime: iso(now - 60_000) }, 'InvalidParameterCombination'],
        [{ StartTime: iso(now - 31 * 86_400_000), EndTime: iso(now) }, 'InvalidParameterDateOutOfRange'],
        [{ StartTime: iso(now + 3600_000), EndTime: iso(now + 7200_000) }, 'InvalidParameterStartTimeExceedsCurrent'],
        [{ StartTime: iso(now - 91 * 86_400_000), EndTime: iso(now - 89 * 86_400_000) }, 'InvalidParameterStartTimeOutOfDate'],
      ];
      for (const [q, code] of cases) assert.equal((await expectApiError(() => lookup(root, q))).code, code, JSON.stringify(q));
    });

    test('accounts see only their own events', async () => {
      const other = await admin(server.url, 'POST', '/accounts', {});
      const theirs = { accessKeyId: other.AccessKeyId, accessKeySecret: other.AccessKeySecret };
      await eas(server, theirs).listResources();
      const seen = await lookupAll(theirs, { MaxResults: '50' });
      assert.ok(seen.length >= 1);
      assert.ok(seen.every((e) => e.userIdentity.accountId === other.AccountId));
      assert.deepEqual((await lookup(theirs, by('ResourceName', rootGroup))).body.Events, []);
      assert.deepEqual((await lookup(theirs, by('User', operator.userName))).body.Events, []);
      const mine = await lookup(root, { ...by('EventName', 'DescribeResource'), MaxResults: '1' });
      const borrowed = { ...by('EventName', 'DescribeResource'), MaxResults: '1', NextToken: mine.body.NextToken };
      const err = await expectApiError(() => lookup(theirs, borrowed));
      assert.equal(err.code, 'InvalidNextToken');
    });

    test('RAM decides who may call LookupEvents (actiontrail:LookupEvents); a denial is NoPermission with AccessDeniedDetail', async () => {
      const err = await expectApiError(() => lookup(operator));
      assert.equal(err.code, 'NoPermission');
      assert.equal(err.statusCode, 403);
      assert.equal(err.data.AccessDeniedDetail.AuthAction, 'actiontrail:LookupEvents');
      const auditor = await userWithPolicies(server, [allow('actiontrail:LookupEvents')]);
      const r = await lookup(auditor, by('User', operator.userName));
      assert.ok(r.body.Events.some((e: any) => e.eventName === 'LookupEvents' && e.errorCode === 'NoPermission'));
      const own = (await lookup(auditor, by('User', auditor.userName))).body.Events;
      assert.equal(own[0].eventName, 'LookupEvents');
      assert.equal(own[0].serviceName, 'Actiontrail');
      assert.equal(own[0].eventRW, 'Read');
    });

    test('events older than the retention are deleted (business time)', async () => {
      const count = async () =>
        Number(
          (
            await server.services.store.db
              .selectFrom('audit_events')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.ok((await count()) > 10);
      const resourceRows = async () =>
        (await server.services.store.db.selectFrom('audit_event_resources').select('event_id').execute()).length;
      assert.ok((await resourceRows()) > 4, 'the events name resources');
      await advance(server.url, 91 * 86_400);
      await eas(server, root).listResources(); // any call writes, and sweeps what has expired
      await lookup(root); // writes what is pending
      await lookup(root);
      assert.ok((await count()) <= 3, 'only the calls made after the clock moved are left');
      const orphans = await server.services.store.db
        .selectFrom('audit_event_resources')
        .select('event_id')
        .where('event_id', 'not in', (eb) => eb.selectFrom('audit_events').select('event_id'))
        .execute();
      assert.deepEqual(orphans, [], 'the resource rows of deleted events are deleted with them');
      assert.ok((await resourceRows()) <= 3);
    });
  });
}

for (const engine of ENGINES) {
  test(`a ResourceType page (types read from whole records) also stops after a bounded amount of record text [${engine.name}]`, async () => {
    // Records may be large (8,192 characters of parameters alone): with the scan limit at 100 the
    // walk reads at most 100 × 2,048 characters of records for one page.
    const server = await startTestServer(engine, { auditLookupScanLimit: 100 });
    try {
      const root = rootCredentials(server);
      const api = eas(server, root);
      const group = (await api.createGroup('padded')).body.ResourceId as string;
      const pad = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`Pad${i}`, String(i).repeat(1000)]));
      // 40 events of about 8,500 characters each: 340,000 characters, 41 events in all (under the scan limit).
      for (let i = 0; i < 40; i++) {
        await api.call('UpdateResource', 'PUT', `/api/v2/resources/${REGION}/${group}`, { body: pad }).catch(() => {});
      }
      const pages: any[] = [];
      for (let token: string | undefined; pages.length < 20; ) {
        const r = await callRpc(easClient({ url: server.url, ...root }), '2020-07-06', 'LookupEvents', {
          LookupAttribute: [{ Key: 'ResourceType', Value: 'ACS::RAM::User' }],
          MaxResults: '50',
          ...(token ? { NextToken: token } : {}),
        });
        pages.push(r.body);
        token = r.body.NextToken;
        if (!token) break;
      }
      assert.ok(pages.length >= 2, `${pages.length} pages: the first ends early with a NextToken`);
      assert.equal(pages.at(-1).NextToken, undefined, 'and the pages end');
      assert.deepEqual(
        pages.flatMap((p) => p.Events),
        [],
      );
      // The same walk for a type the events name finds every one of them across its pages.
      const found: any[] = [];
      for (let token: string | undefined; ; ) {
        const r = await callRpc(easClient({ url: server.url, ...root }), '2020-07-06', 'LookupEvents', {
          LookupAttribute: [{ Key: 'ResourceType', Value: 'ACS::EAS::Resource' }],
          MaxResults: '50',
          ...(token ? { NextToken: token } : {}),
        });
        found.push(...r.body.Events);
        token = r.body.NextToken;
        if (!token) break;
      }
      assert.equal(found.filter((e) => e.eventName === 'UpdateResource').length, 40);
    } finally {
      await server.close();
    }
  });
}

test('with OPENEAS_AUDIT_TRAIL=false nothing is recorded, and LookupEvents still answers', async () => {
  const server = await startTestServer(ENGINES[0]!, { auditTrail: false });
  try {
    const root = rootCredentials(server);
    await eas(server, root).listResources();
    await eas(server, root).createGroup('unrecorded');
    const r = await callRpc(easClient({ url: server.url, ...root }), '2020-07-06', 'LookupEvents', {});
    assert.deepEqual(r.body.Events, []);
    const stored = await server.services.store.db.selectFrom('audit_events').select('event_id').execute();
    assert.deepEqual(stored, []);
  } finally {
    await server.close();
  }
});

for (const engine of ENGINES) {
  test(`a LookupEvents page reads at most OPENEAS_AUDIT_LOOKUP_SCAN_LIMIT events: a filter that matches little ends pages early, and NextToken goes on from there [${engine.name}]`, async () => {
    // Without the bound, SourceIpAddress=<an address that made no call> read every event of the
    // window for one page (1,000,000 events: 0.4 s with the database held).
    const server = await startTestServer(engine, { auditLookupScanLimit: 100 });
    try {
      const root = rootCredentials(server);
      const api = eas(server, root);
      const group = (await api.createGroup('walked')).body.ResourceId as string;
      for (let i = 0; i < 25; i++) await Promise.all(Array.from({ length: 10 }, () => api.describe(group)));
      const lookupPages = async (LookupAttribute: Array<{ Key: string; Value: string }>) => {
        const pages: any[] = [];
        for (let token: string | undefined; pages.length < 20; ) {
          const r = await callRpc(easClient({ url: server.url, ...root }), '2020-07-06', 'LookupEvents', {
            LookupAttribute,
            MaxResults: '50',
            ...(token ? { NextToken: token } : {}),
          });
          pages.push(r.body);
          token = r.body.NextToken;
          if (!token) return pages;
        }
        assert.fail('NextToken never ended');
      };
      // 252 events (the group, 250 describes, and the first lookup's own, which is after the window):
      // no event matches; each page walks at most 100 and ends with a token, the last without.
      const none = await lookupPages([{ Key: 'SourceIpAddress', Value: '10.9.9.9' }]);
      assert.ok(none.length >= 3, `${none.length} pages`);
      assert.deepEqual(
        none.flatMap((p) => p.Events),
        [],
      );
      // The one Write event, the group's creation, is the oldest: found after pages that walked the
      // describes (the account's events; the group's resource rows) and found nothing.
      for (const LookupAttribute of [
        [{ Key: 'EventRW', Value: 'Write' }],
        [
          { Key: 'ResourceName', Value: group },
          { Key: 'EventName', Value: 'CreateResource' },
        ],
      ]) {
        const pages = await lookupPages(LookupAttribute);
        const found = pages.flatMap((p) => p.Events);
        assert.deepEqual(
          found.map((e: any) => e.eventName),
          ['CreateResource'],
          JSON.stringify(LookupAttribute),
        );
        assert.ok(pages.length >= 3, `${pages.length} pages for ${JSON.stringify(LookupAttribute)}`);
        assert.ok(pages.every((p) => p.Events.length <= 50));
      }
      // A name and its type: the group's 251 events (its creation and the describes), a wrong type none.
      const ofGroup = (type: string) =>
        lookupPages([
          { Key: 'ResourceName', Value: group },
          { Key: 'ResourceType', Value: type },
        ]);
      assert.equal((await ofGroup('ACS::EAS::Resource')).flatMap((p) => p.Events).length, 251);
      assert.deepEqual(
        (await ofGroup('ACS::EAS::Instance')).flatMap((p) => p.Events),
        [],
      );
      // ServiceName and ResourceType alone have no index either (their values are few): they walk
      // the account's events, a type read from each stored record.
      assert.deepEqual(
        (await lookupPages([{ Key: 'ServiceName', Value: 'Sts' }])).flatMap((p) => p.Events),
        [],
      );
      assert.equal((await lookupPages([{ Key: 'ServiceName', Value: 'Eas' }])).flatMap((p) => p.Events).length, 251);
      assert.deepEqual(
        (await lookupPages([{ Key: 'ResourceType', Value: 'ACS::RAM::User' }])).flatMap((p) => p.Events),
        [],
      );
      const typed = (await lookupPages([{ Key: 'ResourceType', Value: 'ACS::EAS::Resource' }])).flatMap((p) => p.Events);
      assert.equal(typed.length, 251);
      assert.ok(typed.every((e: any) => e.resourceType.split(';').includes('ACS::EAS::Resource')));
      // A filter every event passes fills pages as before: every describe, once each, newest first.
      const reads = (await lookupPages([{ Key: 'EventName', Value: 'DescribeResource' }])).flatMap((p) => p.Events);
      assert.equal(reads.length, 250);
      assert.equal(new Set(reads.map((e: any) => e.eventId)).size, 250);
      const ids = reads.map((e: any) => e.eventId as string);
      assert.deepEqual(ids, [...ids].sort().reverse());
    } finally {
      await server.close();
    }
  });
}
