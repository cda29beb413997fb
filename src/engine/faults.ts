// Capacity and injected faults. Stock and faults are rows (shared by every server process);
// the latency faults the gateway consults per request are cached and refreshed on each
// scheduler tick and on every change through the admin API.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Store, Tx } from '../store/database.ts';
import type { FaultsTable, StockTable } from '../store/schema.ts';
import { prepare } from '../store/prepared.ts';

export const NO_STOCK_REASON =
  'OperationDenied.NoStock: The requested resource is sold out in the specified zone; ' +
  'try other types of resources or other regions and zones.';

export type FaultKind = 'CreateFailure' | 'FailureRate' | 'NotReady' | 'Latency' | 'ServiceStartFailure';
export const FAULT_KINDS: readonly FaultKind[] = ['CreateFailure', 'FailureRate', 'NotReady', 'Latency', 'ServiceStartFailure'];

/** Parameters of a fault, as given to the admin API. */
export interface FaultSpec {
  Region?: string;
  Zone?: string;
  InstanceType?: string;
  /** NotReady: the machine. */
  InstanceId?: string;
  /** ServiceStartFailure: the service whose instances fail to start. */
  ServiceName?: string;
  /** Latency: the API action, e.g. CreateResourceInstances ('*' for all). */
  Action?: string;
  /**
   * CreateFailure: how many machines fail (then the fault is used up). Latency: how many calls,
   * ServiceStartFailure: how many instance starts (absent = until cleared).
   */
  Count?: number;
  /** FailureRate: probability 0..1 that a new machine fails. */
  Fraction?: number;
  LatencyMs?: number;
  /**
   * Latency: spend the delay inside the database (PostgreSQL `pg_sleep`, holding a pooled
   * connection like a slow read; a timer on SQLite), so statement timeouts and cancellation apply.
   */
  InDatabase?: boolean;
  /** Reason shown for failed machines, or in the event of an instance that failed to start. */
  Reason?: string;
}

export interface Fault {
  id: string;
  kind: FaultKind;
  spec: FaultSpec;
  remaining: number | null;
  createdAt: number;
}

export interface MachineOutcome {
  ok: boolean;
  reason?: string;
}

function matches(spec: FaultSpec, region: string, zone: string, type: string): boolean {
  return (
    (!spec.Region || spec.Region === region) && (!spec.Zone || spec.Zone === zone) && (!spec.InstanceType || spec.InstanceType === type)
  );
}

/** Every fault, oldest first: the order listFaults answers in (orders read it with their other inputs, eas/machines.ts). */
export const faultsQuery = (db: Db) => db.selectFrom('faults').selectAll().orderBy('created_at').orderBy('id');
const allFaults = prepare<object, FaultsTable>(faultsQuery);

/** A row of the faults table as a Fault. */
export function faultOf(r: FaultsTable): Fault {
  return { id: r.id, kind: r.kind as FaultKind, spec: JSON.parse(r.spec) as FaultSpec, remaining: r.remaining, createdAt: r.created_at };
}

export async function listFaults(db: Store['db'] | Tx): Promise<Fault[]> {
  return (await allFaults.rows(db, {})).map(faultOf);
}

export async function addFault(tx: Tx, kind: FaultKind, spec: FaultSpec, now: number): Promise<Fault> {
  const fault: Fault = { id: `fault-${crypto.randomUUID()}`, kind, spec, remaining: spec.Count ?? null, createdAt: now };
  await tx
    .insertInto('faults')
    .values({ id: fault.id, kind, spec: JSON.stringify(spec), remaining: fault.remaining, created_at: now })
    .execute();
  return fault;
}

/**
 * Takes up to `want` units of a fault with a Count and answers how many it got; the fault goes
 * when its last unit is taken. `known` is the remaining count as read earlier, without a lock:
 * another transaction (or process) may have used units since, so the decrement is guarded
 * (`remaining >= n`). On PostgreSQL the update waits for a transaction holding the row and is
 * then checked against what that one left; when the guard fails the count is read again and a
 * smaller take tried. Two transactions consuming the same fault so never use more than its Count.
 * (On SQLite a transaction holds the write lock from its start, so there is no interleaving.)
 */
async function takeUnits(tx: Tx, id: string, known: number, want: number): Promise<number> {
  let remaining = known;
  for (;;) {
    const n = Math.min(remaining, want);
    if (n <= 0) return 0;
    const after = await tx
      .updateTable('faults')
      .set((eb) => ({ remaining: eb('remaining', '-', n) }))
      .where('id', '=', id)
      .where('remaining', '>=', n)
      .returning('remaining')
      .executeTakeFirst();
    if (after) {
      if ((after.remaining ?? 0) <= 0) await tx.deleteFrom('faults').where('id', '=', id).execute();
      return n;
    }
    const now = await tx.selectFrom('faults').select('remaining').where('id', '=', id).executeTakeFirst();
    remaining = now?.remaining ?? 0; // gone: used up by the other transaction
  }
}

/**
 * Decides, when machines are ordered, which of them will come up and which will end in
 * CreateFailed: stock first (NoStock, or a limited number available), then injected faults.
 * `stock` holds the stock rows of the machine type in the region (zone rows and the '*' row), locked
 * when limited; `faults` every fault as read (listFaults): a counted one is used up guarded (takeUnits).
 */
export async function decideOutcomes(
  tx: Tx,
  order: { region: string; zone: string; type: string; count: number; stock: StockTable[]; faults: Fault[] },
): Promise<MachineOutcome[]> {
  const { region, zone, type, count, stock } = order;
  const outcomes: MachineOutcome[] = Array.from({ length: count }, () => ({ ok: true }));
  const failFrom = (start: number, n: number, reason: string) => {
    for (let i = start, done = 0; i < outcomes.length && done < n; i++) {
      if (outcomes[i]!.ok) {
        outcomes[i] = { ok: false, reason };
        done++;
      }
    }
  };

  // A zone-specific row wins over the region-wide '*' row.
  const row = stock.find((s) => s.zone === zone) ?? stock.find((s) => s.zone === '*');
  if (row?.status === 'NoStock') failFrom(0, count, NO_STOCK_REASON);
  else if (row && row.available !== null) {
    const granted = Math.min(row.available, count);
    failFrom(granted, count - granted, NO_STOCK_REASON);
    await tx
      .updateTable('stock')
      .set((eb) => ({ available: eb('available', '-', granted) }))
      .where('region', '=', row.region)
      .where('zone', '=', row.zone)
      .where('instance_type', '=', row.instance_type)
      .execute();
  }

  for (const f of order.faults.filter((f) => matches(f.spec, region, zone, type))) {
    const reason = f.spec.Reason ?? `InjectedFault: machine creation failed (fault ${f.id})`;
    if (f.kind === 'CreateFailure' && (f.remaining ?? 0) > 0) {
      const left = outcomes.filter((o) => o.ok).length;
      failFrom(0, await takeUnits(tx, f.id, f.remaining!, left), reason);
    } else if (f.kind === 'FailureRate') {
      for (let i = 0; i < outcomes.length; i++) {
        if (outcomes[i]!.ok && Math.random() < (f.spec.Fraction ?? 0)) outcomes[i] = { ok: false, reason };
      }
    }
  }
  return outcomes;
}

export const DEFAULT_START_FAILURE =
  'ImagePullBackOff: Back-off pulling image: failed to pull and unpack image: not found (injected fault)';

/**
 * Start failures of service instances: of `starts` (instances whose start job runs now, with their
 * service's name and region), which fail and why. A fault with a Count is used up as it fires.
 */
export async function decideStartFailures(
  tx: Tx,
  starts: ReadonlyArray<{ id: string; service: string; region: string }>,
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  if (starts.length === 0) return failed;
  const faults = (await listFaults(tx)).filter((f) => f.kind === 'ServiceStartFailure');
  for (const f of faults) {
    const hit = starts.filter(
      (st) => !failed.has(st.id) && f.spec.ServiceName === st.service && (!f.spec.Region || f.spec.Region === st.region),
    );
    const n = f.remaining === null ? hit.length : await takeUnits(tx, f.id, f.remaining, hit.length);
    for (const st of hit.slice(0, n)) failed.set(st.id, f.spec.Reason ?? DEFAULT_START_FAILURE);
  }
  return failed;
}

/** The latency faults, cached for the gateway (refreshed by the scheduler tick and admin changes). */
export class LatencyFaults {
  #byAction = new Map<string, number>();
  #inDatabase = new Map<string, number>();

  constructor(private readonly store: Store) {}

  async refresh(): Promise<void> {
    const next = new Map<string, number>();
    const inDatabase = new Map<string, number>();
    for (const f of await listFaults(this.store.db)) {
      if (f.kind !== 'Latency' || f.remaining === 0) continue;
      const action = f.spec.Action ?? '*';
      const map = f.spec.InDatabase ? inDatabase : next;
      map.set(action, (map.get(action) ?? 0) + (f.spec.LatencyMs ?? 0));
    }
    this.#byAction = next;
    this.#inDatabase = inDatabase;
  }

  /** Extra milliseconds to wait before handling `action`. */
  delayFor(action: string): number {
    if (this.#byAction.size === 0) return 0;
    return (this.#byAction.get(action) ?? 0) + (this.#byAction.get('*') ?? 0);
  }

  /**
   * Waits as the latency faults for `action` say: in the gateway, then inside the database, on
   * `db` (the call's, so that its caller going away cancels the wait like any read of the call).
   */
  async delay(action: string, db: Db = this.store.db): Promise<void> {
    const ms = this.delayFor(action);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.#inDatabase.size === 0) return;
    const dbMs = (this.#inDatabase.get(action) ?? 0) + (this.#inDatabase.get('*') ?? 0);
    if (dbMs <= 0) return;
    if (this.store.dialect === 'postgres') await sql`select pg_sleep(${dbMs / 1000})`.execute(db);
    else await new Promise((resolve) => setTimeout(resolve, dbMs));
  }
}
