// Due work of the machine lifecycle: a machine's provisioning finishing (Attaching → Ready or
// CreateFailed) and a released machine disappearing (Deleting → gone).
import { isPostgres, type Tx } from '../store/database.ts';
import type { JobRow, Scheduler } from './scheduler.ts';
import { removeInstances, transitionInstances, type InstanceRow } from './instance-lifecycle.ts';
import type { Hooks } from '../hooks.ts';
import { pushTo } from '../collections.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import { groupsOfMachineJobs } from './group-locks.ts';

export const PROVISION_JOB = 'instance.provision';
export const RELEASE_JOB = 'instance.release';

/** The machines, locked until the job's transaction ends (PostgreSQL): a concurrent delete waits for it, or it for the delete. */
async function loadInstances(tx: Tx, ids: string[]): Promise<Map<string, InstanceRow>> {
  const rows: InstanceRow[] = [];
  await forIdChunks(tx, ids, async (c) =>
    rows.push(
      ...(await tx
        .selectFrom('instances')
        .selectAll()
        .where(inIds(tx, 'id', c))
        .$if(isPostgres(tx), (q) => q.forUpdate())
        .execute()),
    ),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

const dueOf = (jobs: JobRow[]) => Math.max(...jobs.map((j) => j.due_at ?? 0));

export function registerMachineJobs(scheduler: Scheduler, hooks: Hooks): void {
  scheduler.register(
    PROVISION_JOB,
    async (tx, jobs) => {
      const now = dueOf(jobs);
      const rows = await loadInstances(
        tx,
        jobs.map((j) => j.subject_id),
      );
      const ready: InstanceRow[] = [];
      const failed = new Map<string, InstanceRow[]>();
      for (const job of jobs) {
        const row = rows.get(job.subject_id);
        if (!row || row.health !== 'Attaching') continue; // deleted or moved on meanwhile
        const outcome = JSON.parse(job.payload) as { ok: boolean; reason?: string };
        if (outcome.ok) ready.push(row);
        else pushTo(failed, outcome.reason ?? '', row);
      }
      const { moved } = await transitionInstances(tx, ready, 'Ready', now);
      for (const [reason, list] of failed) await transitionInstances(tx, list, 'CreateFailed', now, { failureReason: reason || null });
      await hooks.machinesRunning(tx, moved, now);
    },
    groupsOfMachineJobs,
  );

  scheduler.register(
    RELEASE_JOB,
    async (tx, jobs) => {
      const now = dueOf(jobs);
      const rows = await loadInstances(
        tx,
        jobs.map((j) => j.subject_id),
      );
      const gone = [...rows.values()].filter((r) => r.health === 'Deleting');
      await hooks.machinesReleased(tx, gone, now);
      await removeInstances(tx, gone, now);
    },
    groupsOfMachineJobs,
  );
}
