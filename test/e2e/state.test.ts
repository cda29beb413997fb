// Controlling state through the admin plane, on servers started with openeas/testing's startOpenEas:
// POST /_openeas/reset (everything, one account), GET /_openeas/state (one document) and
// POST /_openeas/state (it replaces everything), including SQLite → PostgreSQL → same bytes.
// SQLite runs twice: in memory (openeas/testing's default) and as files in a data directory (what
// `openeas serve` runs on: WAL, the checkpointer, the master key in a file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { ENGINES } from '../support/engines.ts';
import { TEST_DEFAULTS, tempDataDir } from '../support/server.ts';
import { callEas, callRpc, easClient, expectApiError, type Credentials } from '../support/client.ts';
import { $Ram, allow, ramClient, REGION, userWithPolicies } from '../support/ram.ts';
import { startOpenEas, type OpenEas, type StartOpenEasOptions, type StateDocument } from '../../src/testing/index.ts';
import { STATE_BODY_LIMIT } from '../../src/admin/state-routes.ts';
import type { Engine } from '../support/engines.ts';

/** An engine as these tests run it: SQLite also in a data directory. */
type Variant = Engine & { label: string; files?: boolean };
const SQLITE_FILES: Variant = { ...ENGINES[0]!, label: 'sqlite files', files: true };
const VARIANTS: Variant[] = [...ENGINES.map((e) => ({ ...e, label: e.name })), SQLITE_FILES];

const start = async (engine: Variant, options: StartOpenEasOptions = {}): Promise<OpenEas> =>
  startOpenEas({
    ...TEST_DEFAULTS,
    databaseUrl: await engine.freshDatabaseUrl(),
    provisionSeconds: 5,
    ...(engine.files ? { dataDir: tempDataDir() } : {}),
    ...options,
  });

const rootOf = (eas: OpenEas): Credentials => ({ accessKeyId: eas.accessKeyId, accessKeySecret: eas.accessKeySecret });

const groupPath = (group: string) => `/api/v2/resources/${REGION}/${group}`;

function api(eas: OpenEas, creds: Credentials = rootOf(eas)) {
  const client = easClient({ url: eas.url, ...creds });
  type Options = { body?: Record<string, unknown>; query?: Record<string, unknown> };
  const call = (action: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathname: string, opts: Options = {}) =>
    callEas(client, { action, method, pathname, ...opts });
  return {
    call,
    groups: async () => (await call('ListResources', 'GET', '/api/v2/resources')).body.Resources as Array<{ ResourceId: string }>,
    dedicated: async (name: string, count = 1) =>
      (
        await call('CreateResource', 'POST', '/api/v2/resources', {
          body: {
            ResourceType: 'Dedicated',
            ResourceName: name,
            EcsInstanceType: 'ecs.c6.xlarge',
            EcsInstanceCount: count,
            ChargeType: 'PostPaid',
            Labels: { team: name },
          },
        })
      ).body as { ResourceId: string; InstanceIds: string[] },
    machines: async (group: string) =>
      (await call('ListResourceInstances', 'GET', `${groupPath(group)}/instances`)).body.Instances as any[],
    cordon: (group: string, id: string) =>
      call('UpdateResourceInstance', 'PUT', `${groupPath(group)}/instances/${id}`, { body: { Action: 'Cordon' } }),
    label: (group: string, id: string, labels: Record<string, string>) =>
      call('UpdateResourceInstanceLabel', 'PUT', `${groupPath(group)}/label`, { query: { InstanceIds: id }, body: { Labels: labels } }),
  };
}

/** The export's bytes, exactly as served. */
async function exportText(eas: OpenEas): Promise<string> {
  const res = await fetch(`${eas.url}/_openeas/state`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-acs-request-id') ?? '', /^[0-9A-F-]{36}$/);
  return res.text();
}

async function importText(eas: OpenEas, body: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${eas.url}/_openeas/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.json() };
}

/** Groups with machines and labels, a day of billing, RAM users/policies, stock, a fault, a quota, a second account. */
async function populate(eas: OpenEas): Promise<{ group: string; other: Credentials }> {
  const root = api(eas);
  const { ResourceId: group } = await root.dedicated('state-a', 2);
  await eas.clock.advance(5);
  await eas.clock.advance(24 * 3600);
  const user = await userWithPolicies(eas.server, [allow('eas:*')]);
  const ram = ramClient(eas.server, rootOf(eas));
  await ram.createGroup(new $Ram.CreateGroupRequest({ groupName: 'ops' }));
  await ram.addUserToGroup(new $Ram.AddUserToGroupRequest({ groupName: 'ops', userName: user.userName }));
  await root.call('CreateResourceInstances', 'POST', `/api/v2/resources/${REGION}/${group}/instances`, {
    body: { EcsInstanceType: 'ecs.c6.xlarge', EcsInstanceCount: 1, ChargeType: 'PostPaid', UserData: 'echo "state" # ünïcode' },
  });
  await eas.stock.set({ Region: REGION, InstanceType: 'ecs.g6.large', Available: 3 });
  await eas.faults.add({ Kind: 'CreateFailure', Region: 'cn-beijing', Count: 2 });
  const q = await fetch(`${eas.url}/_openeas/accounts/${eas.accountId}/quota`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Region: REGION, Instances: 50 }),
  });
  assert.equal(q.status, 200);
  const other = await eas.accounts.create();
  await api(eas, other).dedicated('state-b');
  return { group, other };
}

for (const engine of VARIANTS) {
  describe(`state control [${engine.label}]`, () => {
    let eas: OpenEas;
    before(async () => {
      eas = await start(engine);
    });
    after(() => eas.stop());

    test('reset brings back the first start: data, accounts, stock, faults and clock gone; the root key keeps working', async () => {
      const firstStart = await exportText(eas);
      const { other } = await populate(eas);
      assert.notEqual(await exportText(eas), firstStart);
      await eas.reset();
      assert.equal(await exportText(eas), firstStart, "the state is byte for byte the first start's");
      assert.deepEqual(await api(eas).groups(), []);
      const clock = await (await fetch(`${eas.url}/_openeas/clock`)).json();
      assert.equal(clock.OffsetMs, 0);
      assert.ok(Math.abs(eas.clock.now().getTime() - Date.now()) < 60_000);
      const gone = await expectApiError(() => api(eas, other).groups());
      assert.equal(gone.code, 'InvalidAccessKeyId.NotFound');
      const users = await callRpc(easClient({ url: eas.url, ...rootOf(eas) }), '2015-05-01', 'ListUsers');
      assert.deepEqual(users.body.Users.User, []);
      // A fresh start of the work: creating again works, with IP addresses and counters from the beginning.
      const { ResourceId } = await api(eas).dedicated('after-reset');
      await eas.clock.advance(5);
      assert.equal((await api(eas).machines(ResourceId))[0].InstanceStatus, 'Ready');
    });

    test('resetting one account removes its data only; its key keeps working', async () => {
      await eas.reset();
      const mine = await api(eas).dedicated('keep-me');
      const other = await eas.accounts.create();
      await api(eas, other).dedicated('drop-me');
      await eas.clock.advance(600);
      const before = eas.clock.now().getTime();
      await eas.reset({ accountId: other.accountId });
      const doc = JSON.parse(await exportText(eas)) as StateDocument;
      assert.deepEqual(await api(eas, other).groups(), []);
      assert.deepEqual(
        (await api(eas).groups()).map((g) => g.ResourceId),
        [mine.ResourceId],
      );
      assert.ok(eas.clock.now().getTime() >= before, "the clock is everyone's: an account reset leaves it");
      const accountCol = (t: string) => doc.Tables[t]!.Columns.indexOf('account_id');
      for (const table of ['resources', 'instances', 'orders', 'jobs', 'metered_intervals', 'account_usage', 'audit_events']) {
        assert.ok(!doc.Tables[table]!.Rows.some((r) => r[accountCol(table)] === other.accountId), `${table} keeps nothing of the account`);
      }
      assert.ok(
        doc.Tables.audit_events!.Rows.some((r) => r[accountCol('audit_events')] === eas.accountId),
        'the other accounts keep their events',
      );
      const unknown = await eas.reset({ accountId: '1234567890123456' }).catch((e) => e);
      assert.equal(unknown.code, 'InvalidParameter');
    });

    test('export then import into a fresh server gives the same bytes, and the credentials of the export work there', async () => {
      await eas.reset();
      await populate(eas);
      const text = await exportText(eas);
      const doc = JSON.parse(text) as StateDocument;
      for (const table of [
        'access_keys',
        'account_quotas',
        'account_usage',
        'accounts',
        'audit_event_resources',
        'audit_events',
        'bill_items',
        'billing_accounts',
        'faults',
        'instance_labels',
        'instances',
        'ip_pools',
        'jobs',
        'metered_intervals',
        'ram_attachments',
        'ram_group_members',
        'ram_groups',
        'ram_policies',
        'ram_policy_versions',
        'ram_users',
        'resources',
        'settings',
        'stock',
        'user_data',
      ]) {
        assert.ok(doc.Tables[table]!.Rows.length > 0, `${table} holds rows in this round trip`);
      }

      const key = crypto.randomBytes(32).toString('hex');
      const a = await start(engine, { masterKey: key });
      const b = await start(engine, { masterKey: key });
      try {
        const source = await importText(a, text); // a different master key than `eas`: refused below, so go through `a`
        assert.equal(source.status, 400);
        assert.equal(source.body.Code, 'InvalidState.MasterKey');
        // `a` builds the same kind of state under the shared key, and `b` (just started) takes it.
        const built = await populate(a);
        const exported = await exportText(a);
        const imported = await importText(b, exported);
        assert.equal(imported.status, 200, JSON.stringify(imported.body));
        assert.equal(imported.body.RootAccountId, a.accountId);
        assert.equal(await exportText(b), exported);
        // b now answers with a's state and a's credentials; its own first root key is gone.
        assert.deepEqual((await api(b, rootOf(a)).groups()).length, 1);
        assert.equal((await api(b, built.other).groups()).length, 1);
        assert.equal((await expectApiError(() => api(b).groups())).code, 'InvalidAccessKeyId.NotFound');
        await b.clock.advance(3600); // jobs and billing carry on from the imported state
      } finally {
        await a.stop();
        await b.stop();
      }
    });

    test('imports refuse a bad document with 400 and change nothing', async () => {
      await eas.reset();
      await populate(eas);
      const text = await exportText(eas);
      const good = JSON.parse(text);
      const mutate = (fn: (d: any) => void) => {
        const d = structuredClone(good);
        fn(d);
        return JSON.stringify(d);
      };
      const idCol = good.Tables.resources.Columns.indexOf('id');
      const cases: Array<[string, string, RegExp]> = [
        ['[]', 'InvalidBody.NotObject', /object/],
        [mutate((d) => (d.Format = 'other')), 'InvalidState.Document', /Format/],
        [mutate((d) => (d.Schema = '0001_foundation')), 'InvalidState.Schema', /0001_foundation/],
        [mutate((d) => delete d.Tables.instances), 'InvalidState.Document', /missing tables: instances/],
        [mutate((d) => (d.Tables.extra = { Columns: [], Rows: [] })), 'InvalidState.Document', /unknown tables: extra/],
        [mutate((d) => d.Tables.resources.Columns.reverse()), 'InvalidState.Document', /columns/],
        [mutate((d) => (d.Tables.resources.Rows[0][idCol] = 7)), 'InvalidState.Document', /resources, row 0, column id/],
        [mutate((d) => d.Tables.resources.Rows.push([...d.Tables.resources.Rows[0]])), 'InvalidState.Document', /resources/],
        [
          mutate((d) => (d.Tables.instances.Rows[0][d.Tables.instances.Columns.indexOf('resource_id')] = 'eas-r-nowhere')),
          'InvalidState.Document',
          /instances/,
        ],
        [
          mutate((d) => (d.Tables.settings.Rows = d.Tables.settings.Rows.filter((r: string[]) => r[0] !== 'root_account_id'))),
          'InvalidState.Document',
          /root account/,
        ],
      ];
      for (const [body, code, message] of cases) {
        const res = await importText(eas, body);
        assert.equal(res.status, 400, body.slice(0, 80));
        assert.equal(res.body.Code, code, JSON.stringify(res.body));
        assert.match(res.body.Message, message);
      }
      assert.equal(await exportText(eas), text, 'nothing changed');
    });

    test('POST /_openeas/state takes documents over the API body limit, up to its own', async () => {
      await eas.reset();
      const doc = JSON.parse(await exportText(eas));
      doc.Tables.settings.Rows.push(['test.padding', 'x'.repeat(300 * 1024)]);
      doc.Tables.settings.Rows.sort((a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1));
      const res = await importText(eas, JSON.stringify(doc));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // Past the import's own limit the answer comes from the Content-Length alone.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          `${eas.url}/_openeas/state`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': String(STATE_BODY_LIMIT + 1) },
          },
          (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('{');
      });
      assert.equal(status, 413);
      await eas.reset();
    });

    test('after an import, lists and RAM decisions show the imported state, not what this process cached', async () => {
      await eas.reset();
      const root = api(eas);
      const {
        ResourceId: group,
        InstanceIds: [id],
      } = await root.dedicated('cache', 1);
      await eas.clock.advance(5);
      const user = await userWithPolicies(eas.server, [allow('eas:*')]);
      assert.equal((await root.machines(group))[0].InstanceStatus, 'Ready');
      assert.equal((await api(eas, user).groups()).length, 1);
      const snapshot = await exportText(eas);

      // Versions move on: the machine cordoned (and rendered so), the user's policy detached (and judged so).
      await root.cordon(group, id!);
      assert.equal((await root.machines(group))[0].InstanceStatus, 'Ready-SchedulingDisabled');
      const ram = ramClient(eas.server, rootOf(eas));
      const attached = { policyType: 'Custom', policyName: user.policyNames[0], userName: user.userName };
      await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest(attached));
      assert.equal((await expectApiError(() => api(eas, user).groups())).statusCode, 403);

      assert.equal((await importText(eas, snapshot)).status, 200);
      // The same machine version now stands for different content: a label instead of a cordon.
      await root.label(group, id!, { after: 'import' });
      const [machine] = await root.machines(group);
      assert.equal(machine.InstanceStatus, 'Ready');
      assert.equal(machine.Labels.find((l: any) => l.LabelKey === 'after')?.LabelValue, 'import');
      assert.equal((await api(eas, user).groups()).length, 1, 'the imported policy attachment decides at once');
    });
  });
}

describe("SQLite in a data directory and the other engines take each other's documents", () => {
  for (const target of VARIANTS.filter((v) => !v.files)) {
    test(`SQLite files → export → ${target.label} import → export is byte-identical, audit events included`, async () => {
      const key = crypto.randomBytes(32).toString('hex');
      const files = await start(SQLITE_FILES, { masterKey: key });
      const other = await start(target, { masterKey: key });
      try {
        await populate(files);
        const text = await exportText(files);
        assert.ok((JSON.parse(text) as StateDocument).Tables.audit_events!.Rows.length > 5);
        const res = await importText(other, text);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(await exportText(other), text);
        // And back: the other engine's export goes into a data directory unchanged.
        const again = await start(SQLITE_FILES, { masterKey: key });
        try {
          assert.equal((await importText(again, text)).status, 200);
          assert.equal(await exportText(again), text);
        } finally {
          await again.stop();
        }
      } finally {
        await files.stop();
        await other.stop();
      }
    });
  }

  test('an import whose audit events name an account the document lacks is refused and changes nothing', async () => {
    for (const variant of [ENGINES[0]!, SQLITE_FILES]) {
      const eas = await start({ label: variant.name, ...variant });
      try {
        await api(eas).groups();
        const doc = JSON.parse(await exportText(eas)) as StateDocument;
        const events = doc.Tables.audit_events!;
        const row = [...events.Rows[0]!];
        row[events.Columns.indexOf('account_id')] = '1999999999999999';
        row[events.Columns.indexOf('event_id')] = '00000000-0000-7000-8000-000000000000';
        events.Rows.unshift(row);
        const before = await exportText(eas);
        const res = await importText(eas, JSON.stringify(doc));
        assert.equal(res.status, 400, `${variant.name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.Code, 'InvalidState.Document');
        assert.match(res.body.Message, /audit_events/);
        assert.equal(await exportText(eas), before, 'nothing changed');
      } finally {
        await eas.stop();
      }
    }
  });
});

describe('state documents move between engines', { skip: ENGINES.length < 2 && 'PostgreSQL leg not enabled' }, () => {
  test('SQLite → export → PostgreSQL import → export is byte-identical', async () => {
    const key = crypto.randomBytes(32).toString('hex');
    const sqlite = await start(VARIANTS[0]!, { masterKey: key });
    const postgres = await start(VARIANTS[1]!, { masterKey: key });
    try {
      await populate(sqlite);
      const text = await exportText(sqlite);
      const res = await importText(postgres, text);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(await exportText(postgres), text);
      assert.equal((await api(postgres, rootOf(sqlite)).groups()).length, 1);
    } finally {
      await sqlite.stop();
      await postgres.stop();
    }
  });
});
