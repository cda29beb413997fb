// The one way to change machine rows. Every update bumps `version`, which is what a cached
// rendering of a machine (eas/instance-views.ts) is checked against; an update that forgot the
// bump would let lists show stale machines, so nothing else may write `updateTable('instances')`
// (test/unit/store.test.ts holds the code to that).
import { sql, type UpdateObject } from 'kysely';
import { isPostgres, type Db, type Tx } from './database.ts';
import type { Schema } from './schema.ts';
import { pushTo } from '../collections.ts';
import { forIdChunks, forRowChunks, inIds, valuesOf } from './id-lists.ts';
import { prepare } from './prepared.ts';

export function updateInstances(db: Db | Tx, values: UpdateObject<Schema, 'instances'>) {
  return db
    .updateTable('instances')
    .set(values)
    .set((eb) => ({ version: eb('version', '+', 1) }));
}

/**
 * Sets each machine's own expiry (renewals: every machine keeps its own day of the month), stamped
 * `updatedAt` (a batch of renewals holds several due times). PostgreSQL takes them all in one
 * statement (id, expiry and time arrays, unnested); SQLite, one statement per distinct expiry and
 * time — machines bought together share one.
 */
export async function setExpiries(
  db: Db | Tx,
  expiries: ReadonlyArray<{ id: string; expiredAt: number; updatedAt: number }>,
): Promise<void> {
  if (expiries.length === 0) return;
  if (isPostgres(db)) {
    await sql`update instances set expired_at = v.expired_at, updated_at = v.updated_at, version = version + 1
      from (select unnest(${expiries.map((e) => e.id)}::text[]) as id,
                   unnest(${expiries.map((e) => e.expiredAt)}::bigint[]) as expired_at,
                   unnest(${expiries.map((e) => e.updatedAt)}::bigint[]) as updated_at) v
      where instances.id = v.id`.execute(db);
    return;
  }
  const byExpiry = new Map<string, string[]>();
  for (const e of expiries) pushTo(byExpiry, `${e.expiredAt}/${e.updatedAt}`, e.id);
  for (const [key, ids] of byExpiry) {
    const [expiredAt, updatedAt] = key.split('/').map(Number) as [number, number];
    await forIdChunks(db, ids, (c) =>
      updateInstances(db, { expired_at: expiredAt, updated_at: updatedAt })
        .where(inIds(db, 'id', c))
        .execute(),
    );
  }
}

/** Usage added to one machine (negative to give it back): cores, memory, GPUs, workers. */
export interface MachineUsageDelta {
  id: string;
  cpu: number;
  memoryMb: number;
  gpu: number;
  workers: number;
}

/**
 * Adds usage to machines (placement's counters) and bumps their versions: one statement for all
 * of them (a chunk of hundreds on SQLite), not one per machine.
 */
export async function addMachineUsage(db: Db | Tx, deltas: readonly MachineUsageDelta[], now: number): Promise<void> {
  if (deltas.length === 1) {
    const d = deltas[0]!;
    await addOneMachineUsage.execute(db, { id: d.id, cpu: d.cpu, memory: d.memoryMb, gpu: d.gpu, workers: d.workers, now });
    return;
  }
  await forRowChunks(db, deltas, (chunk) => {
    const rows = chunk.map((d) => [d.id, d.cpu, d.memoryMb, d.gpu, d.workers]);
    return sql`with d(id, d_cpu, d_memory, d_gpu, d_workers) as materialized (${valuesOf(db, ['text', 'integer', 'integer', 'integer', 'integer'], rows)})
      update instances set cpu_used = cpu_used + d.d_cpu, memory_used_mb = memory_used_mb + d.d_memory,
        gpu_used = gpu_used + d.d_gpu, worker_count = worker_count + d.d_workers, updated_at = ${now}, version = version + 1
      from d where instances.id = d.id`.execute(db);
  });
}

/** addMachineUsage of one machine (a service of one instance), prepared once. */
const addOneMachineUsage = prepare<{ id: string; cpu: number; memory: number; gpu: number; workers: number; now: number }, never>((db, p) =>
  updateInstances(db, {
    cpu_used: sql`cpu_used + ${p.cpu}`,
    memory_used_mb: sql`memory_used_mb + ${p.memory}`,
    gpu_used: sql`gpu_used + ${p.gpu}`,
    worker_count: sql`worker_count + ${p.workers}`,
    updated_at: p.now,
  }).where('id', '=', p.id),
);
