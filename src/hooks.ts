// Points where other concerns (billing) join the machine lifecycle, inside the same transaction.
// The defaults do nothing; billing installs its own (billing/hooks.ts).
import type { Tx } from './store/database.ts';
import type { InstanceRow } from './engine/instance-lifecycle.ts';
import type { CallContext } from './gateway/context.ts';

export interface Hooks {
  /** Machines were just ordered (still Attaching). May refuse the order by throwing (e.g. payment). */
  machinesOrdered(tx: Tx, ctx: CallContext, rows: InstanceRow[], now: number): Promise<void>;
  /** Machines entered a running state (metering starts). */
  machinesRunning(tx: Tx, rows: InstanceRow[], now: number): Promise<void>;
  /** Machines are about to disappear (metering ends). */
  machinesReleased(tx: Tx, rows: InstanceRow[], now: number): Promise<void>;
}

export const noHooks: Hooks = {
  machinesOrdered: async () => {},
  machinesRunning: async () => {},
  machinesReleased: async () => {},
};
