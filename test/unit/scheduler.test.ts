// The scheduler runs due work in due order, even when a job schedules new work that falls due
// before other jobs of the same batch, and never runs a job twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/database.ts';
import { Clock } from '../../src/engine/clock.ts';
import { enqueueJobs, Scheduler } from '../../src/engine/scheduler.ts';
import { tempDataDir } from '../support/server.ts';

test('work enqueued by a job runs before later jobs of the same batch', async () => {
  const store = await openStore({ dataDir: tempDataDir() });
  const clock = new Clock(store);
  const scheduler = new Scheduler(store, clock);
  try {
    const ran: string[] = [];
    const t0 = clock.now();
    scheduler.register('first', async (tx, jobs) => {
      for (const j of jobs) ran.push(`first@${j.due_at! - t0}`);
      await enqueueJobs(tx, [{ kind: 'chained', accountId: 'a', subjectId: 's', dueAt: t0 + 20 }], t0);
    });
    scheduler.register('chained', async (_tx, jobs) => {
      for (const j of jobs) ran.push(`chained@${j.due_at! - t0}`);
    });
    scheduler.register('later', async (_tx, jobs) => {
      for (const j of jobs) ran.push(`later@${j.due_at! - t0}`);
    });
    await store.transaction((tx) => enqueueJobs(tx, [
      { kind: 'first', accountId: 'a', subjectId: 's', dueAt: t0 + 10 },
      { kind: 'later', accountId: 'a', subjectId: 's', dueAt: t0 + 30 },
      { kind: 'later', accountId: 'a', subjectId: 's', dueAt: null },
    ], t0));
    assert.equal(await scheduler.advance(100), 3);
    assert.deepEqual(ran, ['first@10', 'chained@20', 'later@30']);
    assert.equal(await scheduler.runDue(), 0, 'nothing runs twice');
    assert.equal(await scheduler.nudge(), 1, 'manual jobs wait for a nudge');
  } finally {
    await scheduler.stop();
    await store.close();
  }
});
