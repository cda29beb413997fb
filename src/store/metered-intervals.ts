// Pay-as-you-go metering rows (metered_intervals): one open interval (end_at null) per metered
// subject while it runs — a machine, or a public-pool service instance. Both end the same way.
import type { Tx } from './database.ts';
import { forIdChunks, inIds } from './id-lists.ts';

/** Ends the open metering interval of each subject at `now` (subjects not metered are no-ops). */
export async function endMetering(tx: Tx, subjectIds: string[], now: number): Promise<void> {
  await forIdChunks(tx, subjectIds, (c) =>
    tx
      .updateTable('metered_intervals')
      .set({ end_at: now })
      .where(inIds(tx, 'instance_id', c))
      .where('end_at', 'is', null)
      .execute(),
  );
}
