// The operator's view of due work: GET /_openeas/jobs lists jobs by state and kind, a job that
// keeps failing shows up as Failed with its last error, and POST /_openeas/jobs/retry runs it again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../support/engines.ts';
import { startTestServer } from '../support/server.ts';
import { admin, advance } from '../support/admin.ts';
import { enqueueJobs } from '../../src/engine/jobs.ts';

async function adminError(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; code: string }> {
  const res = await fetch(`${baseUrl}/_openeas${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, code: ((await res.json()) as { Code: string }).Code };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`admin jobs [${engine.name}]`, () => {
    test('a failing job is listed as Waiting, then Failed with its error, and runs again when retried', async () => {
      const server = await startTestServer(engine, { jobMaxAttempts: 2, jobRetrySeconds: 3600 });
      try {
        // A kind whose work fails until "fixed" (as after an operator repairs what it needs),
        // and a kind only a newer server knows (as in a rolling upgrade).
        let broken = true;
        let runs = 0;
        server.services.scheduler.register('test.export', async () => {
          runs++;
          if (broken) throw new Error('bucket unreachable');
        });
        const now = server.services.clock.now();
        await server.services.store.transaction((tx) =>
          enqueueJobs(
            tx,
            [
              { kind: 'test.export', accountId: server.root.accountId, subjectId: 'exp-1', dueAt: now, payload: { bucket: 'b' } },
              { kind: 'newer.kind', accountId: server.root.accountId, subjectId: 'x-1', dueAt: now },
            ],
            now,
          ),
        );

        await advance(server.url, 1);
        const waiting = await admin(server.url, 'GET', '/jobs?State=Waiting&Kind=test.export');
        assert.equal(waiting.TotalCount, 1);
        const [job] = waiting.Jobs;
        assert.equal(job.State, 'Waiting');
        assert.equal(job.Attempts, 1);
        assert.equal(job.LastError, 'Error: bucket unreachable');
        assert.match(job.DueTime, ISO);
        assert.deepEqual(job.Payload, { bucket: 'b' });

        await advance(server.url, 3600);
        const failed = await admin(server.url, 'GET', '/jobs?State=Failed');
        assert.deepEqual(
          failed.Jobs.map((j: any) => [j.Id, j.State, j.Attempts]),
          [[job.Id, 'Failed', 2]],
        );
        assert.match(failed.Jobs[0].FailedTime, ISO);
        await advance(server.url, 86_400);
        assert.equal(runs, 2, 'parked: not run again');

        const due = await admin(server.url, 'GET', '/jobs?State=Due');
        assert.deepEqual(
          due.Jobs.map((j: any) => j.Kind),
          ['newer.kind'],
          'a kind this server does not know is kept, due',
        );
        const all = await admin(server.url, 'GET', '/jobs?PageSize=1&PageNumber=2');
        assert.equal(all.TotalCount, 2);
        assert.equal(all.Jobs.length, 1);

        assert.deepEqual(await adminError(server.url, 'GET', '/jobs?State=Stuck'), { status: 400, code: 'InvalidParameter' });
        assert.deepEqual(await adminError(server.url, 'GET', '/jobs?PageSize=0'), { status: 400, code: 'InvalidParameter' });
        assert.deepEqual(await adminError(server.url, 'GET', '/jobs?PageNumber=1000001'), { status: 400, code: 'InvalidParameter' });
        assert.deepEqual(await adminError(server.url, 'POST', '/jobs/retry', {}), { status: 400, code: 'MissingParameter' });
        assert.deepEqual(await adminError(server.url, 'POST', '/jobs/retry', { JobIds: [due.Jobs[0].Id] }), {
          status: 400,
          code: 'InvalidParameter',
        });

        broken = false;
        const retried = await admin(server.url, 'POST', '/jobs/retry', { JobIds: [job.Id] });
        assert.equal(retried.Retried, 1);
        assert.equal(runs, 3);
        assert.equal((await admin(server.url, 'GET', '/jobs?State=Failed')).TotalCount, 0);
        assert.equal((await admin(server.url, 'GET', '/jobs?Kind=test.export')).TotalCount, 0, 'done once it succeeds');
        assert.equal((await admin(server.url, 'POST', '/jobs/retry', { All: true })).Retried, 0);
      } finally {
        await server.close();
      }
    });
  });
}
