// Bounded history of a service, through the official client on every engine: the oldest events
// beyond OPENEAS_SERVICE_EVENTS_PER_SERVICE are deleted (a trim job scheduled as they are written),
// ListServiceVersions keeps the latest OPENEAS_SERVICE_VERSIONS_PER_SERVICE versions, and
// DeleteService leaves no event, version or pending trim of the service behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { callEas, easClient, expectApiError } from '../support/client.ts';
import { advance } from '../support/admin.ts';
import { openStore } from '../../src/store/database.ts';
import { TRIM_STEP } from '../../src/scheduling/service-events.ts';

const REGION = 'cn-hangzhou';
const KEEP_EVENTS = 100;
const KEEP_VERSIONS = 3;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const svcPath = (name: string, tail = '') => `/api/v2/services/${REGION}/${name}${tail}`;
const image = (v: number) => `registry.cn-hangzhou.aliyuncs.com/eas/echo:v${v}`;

/** A server and how a test calls it. */
function harness(start: () => Promise<TestServer>) {
  let server: TestServer;
  let client: ReturnType<typeof easClient>;
  before(async () => {
    server = await start();
    client = easClient({ url: server.url, accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! });
  });
  after(() => server.close());
  const eas = (action: string, method: Method, pathname: string, extra: { query?: Record<string, unknown>; body?: unknown } = {}) =>
    callEas(client, { action, method, pathname, ...(extra as { body?: Record<string, unknown> }) });
  const events = async (name: string) =>
    (await eas('DescribeServiceEvent', 'GET', svcPath(name, '/events'), { query: { PageSize: 1000 } })).body as {
      TotalCount: number;
      Events: Array<{ Reason: string; Message: string }>;
    };
  /** Rows of the service's events, versions and jobs straight from the database. */
  const stored = async (serviceName: string) => {
    const store = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl, migrate: false });
    try {
      const s = await store.db.selectFrom('services').select(['id', 'event_count']).where('name', '=', serviceName).executeTakeFirst();
      const id = s?.id ?? (await store.db.selectFrom('service_events').select('service_id').executeTakeFirst())?.service_id ?? '';
      const count = async (table: 'service_events' | 'service_versions') =>
        Number(
          (
            await store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('service_id', '=', id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const jobs = await store.db.selectFrom('jobs').select('kind').where('subject_id', '=', id).execute();
      return { id, counter: s?.event_count, events: await count('service_events'), versions: await count('service_versions'), jobs };
    } finally {
      await store.close();
    }
  };

  /** A Dedicated group of `count` PostPaid machines of `type`, provisioned by moving the clock `seconds`. */
  const newGroup = async (type: string, count: number, seconds: number) => {
    const body = { ResourceType: 'Dedicated', EcsInstanceType: type, EcsInstanceCount: count, ChargeType: 'PostPaid' };
    const group = (await eas('CreateResource', 'POST', '/api/v2/resources', { body })).body.ResourceId as string;
    await advance(server.url, seconds);
    return group;
  };
  const createService = (name: string, group: string, metadata: { instance: number; cpu: number; memory: number }) =>
    eas('CreateService', 'POST', '/api/v2/services', {
      body: { name, containers: [{ image: image(1), port: 8000 }], metadata: { ...metadata, resource: group } },
    });
  return { eas, events, stored, newGroup, createService, server: () => server };
}

for (const engine of ENGINES) {
  describe(`service events and versions retention [${engine.name}]`, () => {
    const {
      eas,
      events,
      stored,
      newGroup,
      createService,
      server: running,
    } = harness(() =>
      startTestServer(engine, { progression: 'immediate', serviceEventsPerService: KEEP_EVENTS, serviceVersionsPerService: KEEP_VERSIONS }),
    );

    test('events beyond the bound are deleted oldest first; versions beyond it too; DeleteService leaves nothing', async () => {
      const group = await newGroup('ecs.g6.xlarge', 2, 0);
      await createService('keep_a', group, { instance: 1, cpu: 1, memory: 1024 });
      const first = (await events('keep_a')).Events[0]!;
      assert.equal(first.Reason, 'CREATING');
      // Scaling out and in writes several events each time: far more than the bound.
      for (let i = 0; i < 40; i++) {
        await eas('ScaleService', 'PUT', svcPath('keep_a', '/scale'), { body: { Instance: 3 } });
        await eas('ScaleService', 'PUT', svcPath('keep_a', '/scale'), { body: { Instance: 1 } });
      }
      await advance(running().url, 0); // the trim jobs run
      let db = await stored('keep_a');
      assert.ok(db.events >= KEEP_EVENTS && db.events < KEEP_EVENTS + TRIM_STEP, `${db.events} events kept`);
      assert.equal(db.counter, db.events, 'the counter follows the rows');
      const log = await events('keep_a');
      assert.equal(log.TotalCount, db.events);
      assert.notEqual(log.Events[0]!.Reason, 'CREATING', 'the oldest went');
      assert.match(JSON.parse(log.Events.at(-1)!.Message).message, /scal|Running|Started|Killing/i, 'the newest stay');

      // Versions: each new image is a version; only the latest KEEP_VERSIONS stay, rollback within them.
      for (let v = 2; v <= 6; v++) {
        await eas('UpdateService', 'PUT', svcPath('keep_a'), { body: { containers: [{ image: image(v), port: 8000 }] } });
        await advance(running().url, 0);
      }
      const versions = (await eas('ListServiceVersions', 'GET', svcPath('keep_a', '/versions'))).body;
      assert.equal(versions.TotalCount, KEEP_VERSIONS);
      assert.deepEqual(
        versions.Versions.map((v: any) => v.ImageId),
        [6, 5, 4],
      );
      const gone = await expectApiError(() => eas('UpdateServiceVersion', 'PUT', svcPath('keep_a', '/version'), { body: { Version: 3 } }));
      assert.equal(gone.code, 'InvalidParameter');
      await eas('UpdateServiceVersion', 'PUT', svcPath('keep_a', '/version'), { body: { Version: 4 } });
      assert.equal((await eas('DescribeService', 'GET', svcPath('keep_a'))).body.CurrentVersion, 4);

      db = await stored('keep_a');
      await eas('DeleteService', 'DELETE', svcPath('keep_a'));
      const store = await openStore({ dataDir: running().dataDir, databaseUrl: running().databaseUrl, migrate: false });
      try {
        for (const table of ['service_events', 'service_versions', 'jobs'] as const) {
          const left = await store.db
            .selectFrom(table)
            .selectAll()
            .where(table === 'jobs' ? 'subject_id' : 'service_id', '=', db.id)
            .execute();
          assert.deepEqual(left, [], `${table} of the deleted service`);
        }
      } finally {
        await store.close();
      }
    });
  });

  // Instances start an hour after they are placed, so that only the trim a CreateService schedules
  // can bring its events under the bound (later events would schedule trims of their own).
  describe(`a new service's events counted with its row [${engine.name}]`, () => {
    const h = harness(() =>
      startTestServer(engine, {
        progression: 'time',
        provisionSeconds: 60,
        serviceStartSeconds: 3600,
        serviceEventsPerService: KEEP_EVENTS,
      }),
    );

    test('a service created with more events than the bound: its row counts them, and they are trimmed', async () => {
      // 4 × 31 usable cores: 110 instances of 1 core are placed at once, and CreateService writes
      // 112 events (CREATING, a Scheduled per instance, PENDING) with the service's row, counted in it.
      // Its trim is due at once, so the scheduler may run it before any read here: what is checked
      // is the state after it. Only the create can have scheduled it (the instances start an hour
      // later), and only a row that counted the 112 events ends with its counter on the rows.
      const group = await h.newGroup('ecs.c6.8xlarge', 4, 60);
      await h.createService('keep_many', group, { instance: 110, cpu: 1, memory: 256 });
      await advance(h.server().url, 0);
      const db = await h.stored('keep_many');
      assert.equal(db.events, KEEP_EVENTS, 'trimmed to the bound: the create scheduled the trim');
      assert.equal(db.counter, KEEP_EVENTS, 'the counter follows the rows');
      assert.equal(db.jobs.filter((j) => j.kind === 'service.events.trim').length, 0, 'no trim left pending');
      assert.equal((await h.events('keep_many')).TotalCount, KEEP_EVENTS);
    });
  });
}
