// Points where other concerns (billing) join the machine lifecycle, inside the same transaction.
// The defaults do nothing; billing installs its own (billing/hooks.ts).
import type { Tx } from './store/database.ts';
import type { InstanceRow } from './engine/instance-lifecycle.ts';
import type { CallContext } from './gateway/context.ts';

export interface Hooks {
  /**
   * Machines are about to be ordered (rows complete but for their IPs, nothing shared locked yet):
   * refusals that need no lock (e.g. a minimum balance), checked before the order takes shared rows.
   */
  machinesOrdering(tx: Tx, ctx: CallContext, rows: InstanceRow[], now: number): Promise<void>;
  /** Machines were just ordered (still Attaching). May refuse the order by throwing (e.g. payment). */
  machinesOrdered(tx: Tx, ctx: CallContext, rows: InstanceRow[], now: number): Promise<void>;
  /** Machines entered a running state (metering starts). */
  machinesRunning(tx: Tx, rows: InstanceRow[], now: number): Promise<void>;
  /** Machines are about to disappear (metering ends). */
  machinesReleased(tx: Tx, rows: InstanceRow[], now: number): Promise<void>;
}

export const noHooks: Hooks = {
  machinesOrdering: async () => {},
  machinesOrdered: async () => {},
  machinesRunning: async () => {},
  machinesReleased: async () => {},
};
