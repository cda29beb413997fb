// The pieces that wire the policy engine into the server: diagnostic messages, the EAS action/ARN
// mapping (and its table in docs/ram.md), and the compiled-policy cache's epoch invalidation
// across two stores sharing one database (two server processes).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { SecretBox } from '../../src/ram/secret-box.ts';
import { decodeDiagnostic, encodeDiagnostic, type DecodedDiagnosticMessage } from '../../src/ram/diagnostic.ts';
import { easAuthorizationMarkdown, easAuthorizationTable } from '../../src/ram/eas-actions.ts';
import { assumedRoleArn, easResourceOf, parseRoleArn, ramResourceArn, roleArn } from '../../src/ram/arn.ts';
import { PolicyCache } from '../../src/ram/authorizer.ts';
import { bumpEpoch, canonicalName } from '../../src/ram/directory.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { createAccount } from '../../src/ram/accounts.ts';
import { tempDataDir } from '../support/server.ts';
import { ENGINES } from '../support/engines.ts';
import { evaluate } from '../../src/ram/policy/evaluate.ts';

const message: DecodedDiagnosticMessage = {
  ExplicitDeny: true,
  NoPermissionPolicyType: 'AccountLevelIdentityBasedPolicy',
  AuthAction: 'eas:DescribeResource',
  AuthResource: 'acs:eas:cn-hangzhou:1234567890123456:resource/eas-r-x',
  AuthPrincipal: { AuthPrincipalType: 'SubUser', AuthPrincipalOwnerId: '1234567890123456', AuthPrincipalDisplayName: '2000000000000001' },
  AuthConditions: [{ ConditionKey: 'acs:SourceIp', ConditionValues: ['127.0.0.1'] }],
  MatchedPolicies: [],
  DecidingStatement: { PolicyName: 'deny-it', PolicyType: 'Custom', PolicyVersion: 'v1', StatementIndex: 0 },
};

describe('diagnostic messages', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  test('round-trip for the account they were issued to', () => {
    const encoded = encodeDiagnostic(box, '1234567890123456', message);
    assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(!encoded.includes('deny-it'), 'opaque');
    assert.deepEqual(decodeDiagnostic(box, '1234567890123456', encoded), message);
  });

  test("refuse another account, another server's key and tampering", () => {
    const encoded = encodeDiagnostic(box, '1234567890123456', message);
    const code = (fn: () => unknown) => assert.throws(fn, (e: { code?: string }) => e.code === 'InvalidParameter.EncodedDiagnosticMessage');
    code(() => decodeDiagnostic(box, '6543210987654321', encoded));
    code(() => decodeDiagnostic(new SecretBox(crypto.randomBytes(32)), '1234567890123456', encoded));
    const bytes = Buffer.from(encoded, 'base64');
    bytes[bytes.length - 3] ^= 1;
    code(() => decodeDiagnostic(box, '1234567890123456', bytes.toString('base64')));
    code(() => decodeDiagnostic(box, '1234567890123456', 'not base64 at all'));
    // Any other sealed text (e.g. an AccessKey secret) is not a diagnostic message.
    code(() => decodeDiagnostic(box, '1234567890123456', Buffer.from(box.encrypt('secret')).toString('base64')));
  });
});

describe('ARNs and the EAS action table', () => {
  test('every EAS operation is eas:<ApiName> on its group or service, resource/* for create and list, * for the catalog', async () => {
    const rows = await easAuthorizationTable();
    assert.ok(rows.length >= 28);
    for (const r of rows) {
      assert.equal(r.action, `eas:${r.api}`);
      if (r.api === 'DescribeMachineSpec') assert.equal(r.resource, '*');
      else if (r.path.startsWith('/api/v2/services')) {
        const named = r.api === 'ListServices' ? '*' : '{ServiceName}';
        assert.equal(r.resource, `acs:eas:{regionId}:{accountId}:service/${named}`, r.api);
      } else if (r.path.includes('{ResourceId}')) assert.equal(r.resource, 'acs:eas:{regionId}:{accountId}:resource/{ResourceId}');
      else assert.equal(r.resource, 'acs:eas:{regionId}:{accountId}:resource/*', r.api);
    }
    const create = rows.find((r) => r.api === 'CreateResourceInstances')!;
    assert.equal(create.resource, 'acs:eas:{regionId}:{accountId}:resource/{ResourceId}');
    // Machines enter the destination group, a new service's instances its group: those are authorized too.
    const also: Record<string, string[]> = {
      MigrateResourceInstance: ['acs:eas:{regionId}:{accountId}:resource/{DestResourceId}'],
      CreateService: ['acs:eas:{regionId}:{accountId}:resource/{ResourceId}'],
    };
    for (const r of rows) assert.deepEqual(r.alsoTouches, also[r.api] ?? [], r.api);
  });

  test('docs/ram.md carries the current table (regenerate: node --import tsx scripts/ram-table.ts)', async () => {
    const doc = fs.readFileSync(new URL('../../docs/ram.md', import.meta.url), 'utf8');
    assert.ok(doc.includes(await easAuthorizationMarkdown()), 'docs/ram.md is stale');
  });

  test('RAM ARNs', () => {
    assert.equal(roleArn('1234567890123456', 'EcsAdmin'), 'acs:ram::1234567890123456:role/ecsadmin');
    assert.equal(assumedRoleArn('1234567890123456', 'EcsAdmin', 's1'), 'acs:ram::1234567890123456:role/ecsadmin/s1');
    assert.deepEqual(parseRoleArn('acs:ram::1234567890123456:role/EcsAdmin'), { accountId: '1234567890123456', roleName: 'EcsAdmin' });
    assert.equal(parseRoleArn('acs:ram::123:user/x'), undefined);
    // The grammar: acs, ram and role in any case (the canonical ARN is what gets authorized);
    // nothing around it, an empty region, no session part.
    assert.deepEqual(parseRoleArn('ACS:RAM::123:ROLE/Admin-Role'), { accountId: '123', roleName: 'Admin-Role' });
    for (const bad of [
      ' acs:ram::123:role/a',
      'acs:ram::123:role/a ',
      'acs:ram::123:role/a/',
      'acs:ram::123:role/a/s1',
      'acs:ram:*:123:role/a',
      'acs:ram::123:role/a%2Db',
      'acs:ram::123:role/',
    ]) {
      assert.equal(parseRoleArn(bad), undefined, bad);
    }
    assert.equal(ramResourceArn('1', 'role', 'Admin-Role'), 'acs:ram:*:1:role/admin-role');
    assert.equal(ramResourceArn('1', 'user', undefined), 'acs:ram:*:1:user/*');
    assert.equal(ramResourceArn('1', 'policy', 'p'), 'acs:ram:*:1:policy/p');
    assert.deepEqual(easResourceOf('acs:eas:cn-hangzhou:1:resource/eas-r-a'), { accountId: '1', resourceId: 'eas-r-a' });
    assert.equal(easResourceOf('acs:eas:cn-hangzhou:1:resource/*'), undefined);
  });
});

describe('compiled-policy cache', () => {
  const dataDir = tempDataDir();
  const stores: Store[] = [];
  after(async () => {
    for (const s of stores) await s.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('is reused while the epoch stands and reloaded, in every process, once a change bumps it', async () => {
    // PostgreSQL when the test database is configured, else one SQLite file; either way two
    // stores (connection pools) on one database, as two server processes would have.
    const pg = ENGINES.find((e) => e.name === 'postgres');
    const databaseUrl = pg ? await pg.freshDatabaseUrl() : undefined;
    const a = await openStore({ dataDir, databaseUrl });
    stores.push(a);
    const b = await openStore({ dataDir, databaseUrl });
    stores.push(b);
    const box = new SecretBox(crypto.randomBytes(32));
    const { accountId } = await createAccount(a, box, {}, Date.now());
    const now = Date.now();
    await a.transaction(async (tx) => {
      await tx
        .insertInto('ram_users')
        .values({
          id: 'u1',
          account_id: accountId,
          name: 'alice',
          name_lower: 'alice',
          display_name: 'alice',
          comments: '',
          email: '',
          mobile_phone: '',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto('ram_attachments')
        .values({
          account_id: accountId,
          principal_type: 'User',
          principal_id: 'u1',
          policy_type: 'System',
          policy_name_lower: 'aliyunpaieasreadonlyaccess',
          attached_at: now,
        })
        .execute();
      await bumpEpoch(tx, accountId);
    });
    const cacheA = new PolicyCache();
    const cacheB = new PolicyCache();
    const principal = { type: 'User' as const, id: 'u1' };
    const judgeWith = async (cache: PolicyCache, store: Store) =>
      evaluate((await cache.get(store.db, accountId, principal)).policies, {
        action: 'eas:ListResources',
        resource: '*',
        conditionValues: {},
      }).decision;

    assert.equal(await judgeWith(cacheA, a), 'Allow');
    assert.equal(await judgeWith(cacheB, b), 'Allow');
    assert.equal(await judgeWith(cacheA, a), 'Allow');
    assert.equal(cacheA.loads, 1, 'unchanged epoch: no reload');

    // Process B detaches the policy; process A must notice on its next request.
    await b.transaction(async (tx) => {
      await tx.deleteFrom('ram_attachments').where('principal_id', '=', 'u1').execute();
      await bumpEpoch(tx, accountId);
    });
    assert.equal(await judgeWith(cacheA, a), 'ImplicitDeny');
    assert.equal(cacheA.loads, 2);
    assert.equal(await judgeWith(cacheB, b), 'ImplicitDeny');
  });
});

describe('policy cache epoch TTL', () => {
  test("another process's change is seen once the TTL passes; a local invalidate is immediate", async () => {
    const store = await openStore({ dataDir: tempDataDir() });
    try {
      let now = 1_000_000;
      const cache = new PolicyCache({ epochTtlMs: 1000, now: () => now });
      const accountId = '1000000000000077';
      const principal = { type: 'User' as const, id: 'u-1' };
      await cache.get(store.db, accountId, principal);
      assert.equal(cache.loads, 1);
      await store.transaction((tx) => bumpEpoch(tx, accountId));
      now += 500;
      await cache.get(store.db, accountId, principal);
      assert.equal(cache.loads, 1, 'within the TTL the cached epoch is trusted');
      now += 600;
      await cache.get(store.db, accountId, principal);
      assert.equal(cache.loads, 2, 'after the TTL the new epoch is read and policies reload');
      cache.invalidate(accountId);
      await cache.get(store.db, accountId, principal);
      assert.equal(cache.loads, 3, 'a local change is seen at once');
    } finally {
      await store.close();
    }
  });
});

describe('remembered decisions', () => {
  test('no crafted value makes two different questions read the same', async () => {
    const { questionOf } = await import('../../src/ram/authorizer.ts');
    const request = { action: 'eas:CreateResourceInstances', resource: 'acs:eas:cn-hangzhou:1:resource/eas-r-x' };
    const honest = questionOf(request, undefined, { 'acs:RequestTag/a': 'x', 'acs:RequestTag/b': 'y' }, false);
    const crafted = [
      { 'acs:RequestTag/a': 'x\u0000acs:RequestTag/b\u0001y' },
      { 'acs:RequestTag/a': 'x"acs:RequestTag/b""y' },
      { 'acs:RequestTag/a': 'x","acs:RequestTag/b":"y' },
    ];
    for (const values of crafted) assert.notEqual(questionOf(request, undefined, values, false), honest);
    // Time is part of the question only when a policy tests it.
    const at = (t: string) => ({ 'acs:SourceIp': '10.0.0.1', 'acs:CurrentTime': t });
    assert.equal(
      questionOf(request, undefined, at('2026-01-01T00:00:00Z'), false),
      questionOf(request, undefined, at('2027-01-01T00:00:00Z'), false),
    );
    assert.notEqual(
      questionOf(request, undefined, at('2026-01-01T00:00:00Z'), true),
      questionOf(request, undefined, at('2027-01-01T00:00:00Z'), true),
    );
    assert.notEqual(questionOf(request, 'session-a', at('t'), false), questionOf(request, 'session-b', at('t'), false));
  });
});

describe('canonical names of RAM resources', () => {
  const dataDir = tempDataDir();
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('a spelled name is authorized as the stored entity it reaches, or trimmed and lower-cased when none', async () => {
    const store = await openStore({ dataDir });
    try {
      const box = new SecretBox(crypto.randomBytes(32));
      const { accountId } = await createAccount(store, box, {}, Date.now());
      const now = Date.now();
      await store.transaction(async (tx) => {
        await tx
          .insertInto('ram_users')
          .values({
            id: 'u1',
            account_id: accountId,
            name: 'Kate',
            name_lower: 'kate',
            display_name: 'Kate',
            comments: '',
            email: '',
            mobile_phone: '',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await tx
          .insertInto('ram_roles')
          .values({
            id: 'r1',
            account_id: accountId,
            name: 'Admin-Role',
            name_lower: 'admin-role',
            description: '',
            trust_policy: '{}',
            max_session_duration: 3600,
            created_at: now,
            updated_at: now,
          })
          .execute();
      });
      const cases: Array<[Parameters<typeof canonicalName>[2], string, string]> = [
        ['user', 'KATE', 'Kate'],
        ['user', ' kate ', 'Kate'],
        // U+212A KELVIN SIGN lower-cases to "k": the look-up reaches Kate, so the resource must name her.
        ['user', '\u212Aate', 'Kate'],
        ['user', 'Nobody ', 'nobody'],
        ['user', 'kate/', 'kate/'],
        ['role', 'ADMIN-ROLE', 'admin-role'],
        ['policy', 'administratoraccess', 'AdministratorAccess'],
        ['group', 'Ghosts', 'ghosts'],
      ];
      for (const [kind, spelled, canonical] of cases)
        assert.equal(await canonicalName(store.db, accountId, kind, spelled), canonical, `${kind} ${JSON.stringify(spelled)}`);
    } finally {
      await store.close();
    }
  });
});
