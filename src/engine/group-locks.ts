// The lock order on PostgreSQL: resource groups first, in id order; only then machines, quotas
// (account_usage), IP pools and balances. Request handlers lock the one group they address before
// anything else — CreateResourceInstances too, only late: it reads and inserts without locks and
// takes group, quota and IP pool in one statement just before its commit (eas/machines.ts) — so any
// transaction that may touch several groups (a batch of due jobs, a migration) takes all of its
// groups up front, sorted: two transactions then never wait for each other in a cycle.
// SQLite has one writer at a time and needs none of this.
import { isPostgres, type Tx } from '../store/database.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';
import type { JobRow } from './jobs.ts';

/** Locks the groups `ids` (duplicates and unknown ids are fine) in id order, until the transaction ends. */
export async function lockGroups(tx: Tx, ids: Iterable<string>): Promise<void> {
  if (!isPostgres(tx)) return;
  const sorted = [...new Set(ids)].sort();
  // Chunks are taken in ascending order, each locked `order by id`: the order holds across chunks.
  await forIdChunks(tx, sorted, (c) =>
    tx
      .selectFrom('resources')
      .select('id')
      .where(inIds(tx, 'id', c))
      .orderBy('id')
      .forUpdate()
      .execute(),
  );
}

/** Tables whose rows belong to one group (`resource_id`): machines, services, service instances. */
type GroupedTable = 'instances' | 'services' | 'service_instances';

/** The groups of the jobs' subjects, rows of `table` (their `subject_id` is a row id). */
export function groupsOfSubjects(table: GroupedTable) {
  return async (tx: Tx, jobs: JobRow[]): Promise<string[]> => {
    const groups: string[] = [];
    await forIdChunks(
      tx,
      jobs.map((j) => j.subject_id),
      async (c) => {
        const rows = await tx
          .selectFrom(table)
          .select('resource_id')
          .distinct()
          .where(inIds(tx, 'id', c))
          .execute();
        for (const r of rows) groups.push(r.resource_id);
      },
    );
    return groups;
  };
}

/** The groups of the machines the jobs are about (the subject is a machine id). */
export const groupsOfMachineJobs = groupsOfSubjects('instances');

/** Every group of the jobs' accounts (account-wide work, e.g. stopping an overdue account's machines). */
export async function groupsOfAccountJobs(tx: Tx, jobs: JobRow[]): Promise<string[]> {
  const groups: string[] = [];
  await forIdChunks(tx, [...new Set(jobs.map((j) => j.account_id))], async (c) => {
    for (const r of await tx
      .selectFrom('resources')
      .select('id')
      .where(inIds(tx, 'account_id', c))
      .execute())
      groups.push(r.id);
  });
  return groups;
}

/** The groups themselves (the subject is a group id). */
export async function groupsOfGroupJobs(_tx: Tx, jobs: JobRow[]): Promise<string[]> {
  return jobs.map((j) => j.subject_id);
}
