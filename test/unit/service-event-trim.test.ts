// The trim of a service's events (scheduling/service-events.ts trimEvents), along the table's key
// (service_id, time, id): it keeps the newest `keep`, deletes at most TRIM_BATCH of the oldest a
// run and schedules the next run when it stopped at that bound, leaves other services' events
// alone, and orders events of one instant by id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/database.ts';
import { insertRows } from '../../src/store/prepared.ts';
import { TRIM_BATCH, TRIM_EVENTS_JOB, trimEvents } from '../../src/scheduling/service-events.ts';
import type { JobRow } from '../../src/engine/jobs.ts';
import { ENGINES } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';

const KEEP = 100;

for (const engine of ENGINES) {
  test(`a trim deletes the oldest events beyond the bound, TRIM_BATCH a run [${engine.name}]`, async () => {
    const store = await openStore({ dataDir: tempDataDir(), databaseUrl: await engine.freshDatabaseUrl() });
    try {
      const total = TRIM_BATCH + KEEP + 37;
      // Two events per instant, so the order within an instant (by id) decides which one goes first.
      const event = (service: string, i: number) => ({
        id: `e-${String(total - i).padStart(6, '0')}`,
        service_id: service,
        account_id: '1000000000000001',
        type: 'Normal',
        reason: 'SCALING',
        message: `event ${i}`,
        time: 1_000 + Math.floor(i / 2),
        resource: 'Service',
        instance_name: '',
        version: 1,
      });
      const a = Array.from({ length: total }, (_, i) => event('eas-m-a', i));
      await insertRows(store.db, 'service_events', a);
      await insertRows(store.db, 'service_events', [event('eas-m-b', 0), event('eas-m-b', 1)]);
      const sorted = [...a].sort((x, y) => x.time - y.time || (x.id < y.id ? -1 : 1));
      await store.db
        .insertInto('services')
        .values({
          id: 'eas-m-a',
          account_id: '1000000000000001',
          region: 'cn-hangzhou',
          name: 'trim_a',
          resource_id: 'eas-r-a',
          status: 'Running',
          reason: 'RUNNING',
          message: '',
          config: '{}',
          instance_count: 1,
          cpu: 1,
          memory_mb: 1,
          gpu: 0,
          running_count: 1,
          created_at: 1,
          updated_at: 1,
          current_version: 1,
          latest_version: 1,
          generation: 1,
          safety_lock: 'none',
          cron_scaler: null,
          instance_type: '',
          access_token: 'token',
          service_group: '',
          event_count: total,
        })
        .execute();
      const job = { kind: TRIM_EVENTS_JOB, subject_id: 'eas-m-a', account_id: '1000000000000001' } as JobRow;
      const left = async (service: string) =>
        (
          await store.db.selectFrom('service_events').select('id').where('service_id', '=', service).orderBy('time').orderBy('id').execute()
        ).map((r) => r.id);
      const trimJobs = () => store.db.selectFrom('jobs').select('subject_id').where('kind', '=', TRIM_EVENTS_JOB).execute();

      await store.transaction((tx) => trimEvents(tx, [job], KEEP, 2_000));
      assert.deepEqual(
        await left('eas-m-a'),
        sorted.slice(TRIM_BATCH).map((e) => e.id),
        'the oldest TRIM_BATCH went',
      );
      assert.deepEqual(await trimJobs(), [{ subject_id: 'eas-m-a' }], 'stopped at the bound: another run is due');
      const counted = await store.db.selectFrom('services').select('event_count').where('id', '=', 'eas-m-a').executeTakeFirstOrThrow();
      assert.equal(Number(counted.event_count), total - TRIM_BATCH);

      await store.transaction((tx) => trimEvents(tx, [job], KEEP, 2_000));
      assert.deepEqual(
        await left('eas-m-a'),
        sorted.slice(total - KEEP).map((e) => e.id),
        'the newest KEEP stay',
      );
      assert.equal((await left('eas-m-b')).length, 2, "another service's events stay");
    } finally {
      await store.close();
    }
  });
}
