// What must hold in a database whatever happened to the servers using it (crashes, races): every
// counter equals what the rows say. Read straight from the tables, because account quota usage and
// metering are not visible through the API. Each broken rule is one line of the returned list.
// The tables are read in one snapshot: a server still running (its scheduler provisioning a machine)
// would otherwise commit between two reads, and the machine read as Attaching would be counted in
// its group read after (a false alarm of the crash test, seen on PostgreSQL in CI).
import { sql } from 'kysely';
import type { Db, Store } from '../../src/store/database.ts';
import type { ResourcesTable } from '../../src/store/schema.ts';

const RUNNING = new Set(['Ready', 'NotReady']);
/** Machines in these states are settled: nothing is due for them. */
export const STEADY = new Set(['Ready', 'NotReady', 'CreateFailed', 'Stopped']);

type Counters = Pick<
  ResourcesTable,
  'instance_count' | 'prepaid_instance_count' | 'postpaid_instance_count' | 'cpu_count' | 'gpu_count' | 'memory_mb'
>;

const zero = (): Counters => ({
  instance_count: 0,
  prepaid_instance_count: 0,
  postpaid_instance_count: 0,
  cpu_count: 0,
  gpu_count: 0,
  memory_mb: 0,
});

/** Test seam: runs after the snapshot's first read (a test commits a change from elsewhere there). */
export interface SnapshotHooks {
  afterFirstRead?: () => Promise<void>;
}

/**
 * Runs `fn`'s reads on one connection in one read-only snapshot: PostgreSQL's REPEATABLE READ, or a
 * deferred SQLite transaction (WAL: its snapshot is taken at the first read, and writers carry on).
 */
async function inOneSnapshot<T>(store: Store, fn: (db: Db) => Promise<T>): Promise<T> {
  return store.db.connection().execute(async (db) => {
    await sql.raw(store.dialect === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin deferred').execute(db);
    try {
      return await fn(db);
    } finally {
      await sql.raw('rollback').execute(db);
    }
  });
}

export async function counterProblems(store: Store, hooks: SnapshotHooks = {}): Promise<string[]> {
  return inOneSnapshot(store, (db) => counterProblemsIn(db, hooks));
}

async function counterProblemsIn(db: Db, hooks: SnapshotHooks): Promise<string[]> {
  const problems: string[] = [];
  const machines = await db
    .selectFrom('instances')
    .select(['id', 'account_id', 'region', 'resource_id', 'charge_type', 'health', 'cpu', 'gpu', 'memory_mb'])
    .execute();
  await hooks.afterFirstRead?.();
  const groups = await db
    .selectFrom('resources')
    .select(['id', 'instance_count', 'prepaid_instance_count', 'postpaid_instance_count', 'cpu_count', 'gpu_count', 'memory_mb'])
    .execute();
  const usage = await db.selectFrom('account_usage').selectAll().execute();
  const open = await db.selectFrom('metered_intervals').select('instance_id').where('end_at', 'is', null).execute();

  // Group counters: InstanceCount, PrePaid/PostPaid counts over every machine; CPU, GPU, memory over running ones.
  const expected = new Map<string, Counters>();
  for (const m of machines) {
    const c = expected.get(m.resource_id) ?? zero();
    c.instance_count += 1;
    if (m.charge_type === 'PrePaid') c.prepaid_instance_count += 1;
    else c.postpaid_instance_count += 1;
    if (RUNNING.has(m.health)) {
      c.cpu_count += Number(m.cpu);
      c.gpu_count += Number(m.gpu);
      c.memory_mb += Number(m.memory_mb);
    }
    expected.set(m.resource_id, c);
  }
  for (const g of groups) {
    const want = expected.get(g.id) ?? zero();
    for (const key of Object.keys(want) as (keyof Counters)[]) {
      if (Number(g[key]) !== want[key]) problems.push(`group ${g.id}: ${key} is ${g[key]}, its machines say ${want[key]}`);
    }
    expected.delete(g.id);
  }
  for (const id of expected.keys()) problems.push(`machines belong to group ${id}, which does not exist`);

  // Quota usage per account and region: every machine that exists, whatever its state.
  const used = new Map<string, { instances: number; vcpus: number; gpus: number }>();
  for (const m of machines) {
    const key = `${m.account_id}/${m.region}`;
    const u = used.get(key) ?? { instances: 0, vcpus: 0, gpus: 0 };
    u.instances += 1;
    u.vcpus += Number(m.cpu);
    u.gpus += Number(m.gpu);
    used.set(key, u);
  }
  for (const row of usage) {
    const key = `${row.account_id}/${row.region}`;
    const want = used.get(key) ?? { instances: 0, vcpus: 0, gpus: 0 };
    for (const k of ['instances', 'vcpus', 'gpus'] as const) {
      if (Number(row[k]) !== want[k]) problems.push(`quota usage ${key}: ${k} is ${row[k]}, the machines say ${want[k]}`);
    }
    used.delete(key);
  }
  for (const key of used.keys()) problems.push(`quota usage ${key}: no usage row, yet machines exist`);

  // Metering: a running pay-as-you-go machine has exactly one open interval; nothing else has one.
  const openCount = new Map<string, number>();
  for (const o of open) openCount.set(o.instance_id, (openCount.get(o.instance_id) ?? 0) + 1);
  for (const m of machines) {
    const want = m.charge_type === 'PostPaid' && RUNNING.has(m.health) ? 1 : 0;
    const have = openCount.get(m.id) ?? 0;
    if (have !== want) problems.push(`machine ${m.id} (${m.charge_type}, ${m.health}): ${have} open metered intervals, expected ${want}`);
    openCount.delete(m.id);
  }
  for (const id of openCount.keys()) problems.push(`an open metered interval for machine ${id}, which no longer exists`);
  problems.push(...(await serviceProblemsIn(db)));
  problems.push(...(await billProblemsIn(db)));
  return problems;
}

/**
 * QueryBill's records and QueryInstanceBill's lines hold exactly the sums of their bill items, and
 * the counts of lines per cycle and billing method are the lines'.
 */
async function billProblemsIn(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const compare = (what: string, have: Map<string, string>, want: Map<string, string>) => {
    for (const [key, sums] of want)
      if (have.get(key) !== sums) problems.push(`${what} ${key}: ${have.get(key) ?? 'missing'}, its items say ${sums}`);
    for (const key of have.keys()) if (!want.has(key)) problems.push(`${what} ${key} has no bill items`);
  };
  const keyed = (rows: Array<Record<string, unknown>>, key: string[], sums: string[]) =>
    new Map(rows.map((r) => [key.map((k) => r[k]).join('/'), sums.map((k) => Number(r[k])).join(' ')]));
  const lineKey = ['account_id', 'billing_cycle', 'instance_id', 'subscription_type'];
  const recordKey = ['account_id', 'billing_cycle', 'record_id', 'subscription_type'];
  const itemLines = await db
    .selectFrom('bill_items')
    .select([
      ...(lineKey as ['account_id']),
      (eb) => eb.fn.sum('amount_fen').as('amount_fen'),
      (eb) => eb.fn.sum('usage_ms').as('usage_ms'),
      (eb) => eb.fn.countAll().as('item_count'),
    ])
    .groupBy(lineKey as ['account_id'])
    .execute();
  const lines = await db.selectFrom('bill_lines').selectAll().execute();
  const lineSums = ['amount_fen', 'usage_ms', 'item_count'];
  compare('bill line', keyed(lines, lineKey, lineSums), keyed(itemLines, lineKey, lineSums));
  const countKey = ['account_id', 'billing_cycle', 'subscription_type'];
  const lineCounts = await db
    .selectFrom('bill_lines')
    .select([
      ...(countKey as ['account_id']),
      (eb) => eb.fn.countAll().as('lines'),
      (eb) => eb.fn.sum(eb.case().when('amount_fen', '<>', 0).then(1).else(0).end()).as('charged_lines'),
    ])
    .groupBy(countKey as ['account_id'])
    .execute();
  const counts = await db.selectFrom('bill_line_counts').selectAll().execute();
  compare('bill line count', keyed(counts, countKey, ['lines', 'charged_lines']), keyed(lineCounts, countKey, ['lines', 'charged_lines']));
  const itemRecords = await db
    .selectFrom('bill_items')
    .select([...(recordKey as ['account_id']), (eb) => eb.fn.sum('amount_fen').as('amount_fen')])
    .groupBy(recordKey as ['account_id'])
    .execute();
  const records = await db.selectFrom('bill_records').selectAll().execute();
  compare('bill record', keyed(records, recordKey, ['amount_fen']), keyed(itemRecords, recordKey, ['amount_fen']));
  return problems;
}

export async function serviceProblems(store: Store): Promise<string[]> {
  return inOneSnapshot(store, serviceProblemsIn);
}

async function serviceProblemsIn(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const machines = await db
    .selectFrom('instances')
    .select(['id', 'resource_id', 'health', 'cpu', 'gpu', 'memory_mb', 'cpu_used', 'gpu_used', 'memory_used_mb', 'worker_count'])
    .execute();
  const groups = await db.selectFrom('resources').select(['id', 'cpu_used', 'gpu_used', 'memory_used_mb', 'service_count']).execute();
  const services = await db.selectFrom('services').select(['id', 'resource_id', 'running_count']).execute();
  const workers = await db
    .selectFrom('service_instances')
    .select(['id', 'service_id', 'resource_id', 'machine_id', 'status', 'cpu', 'gpu', 'memory_mb'])
    .execute();
  type Use = { cpu: number; gpu: number; memory: number; count: number };
  const use = (m: Map<string, Use>, k: string): Use => {
    let u = m.get(k);
    if (!u) m.set(k, (u = { cpu: 0, gpu: 0, memory: 0, count: 0 }));
    return u;
  };
  const byMachine = new Map<string, Use>();
  const byGroup = new Map<string, Use>();
  const running = new Map<string, number>();
  const machineOf = new Map(machines.map((m) => [m.id, m]));
  for (const w of workers) {
    if (w.status === 'Running') running.set(w.service_id, (running.get(w.service_id) ?? 0) + 1);
    if (w.resource_id === 'public-pool') {
      // The public pool has no machine rows: a placed instance carries the pool's node in its zone.
      if (w.machine_id !== null && !w.machine_id.startsWith('public-pool:')) problems.push(`public instance ${w.id} is on ${w.machine_id}`);
      if (w.machine_id === null && w.status !== 'Pending') problems.push(`instance ${w.id} is ${w.status} without capacity`);
      continue;
    }
    if (w.machine_id === null) {
      if (w.status !== 'Pending') problems.push(`instance ${w.id} is ${w.status} without a machine`);
      continue;
    }
    const m = machineOf.get(w.machine_id);
    if (!m) problems.push(`instance ${w.id} is on machine ${w.machine_id}, which does not exist`);
    else if (m.resource_id !== w.resource_id) problems.push(`instance ${w.id} is on machine ${m.id} of another group`);
    else if (m.health !== 'Ready') problems.push(`instance ${w.id} is on machine ${m.id}, which is ${m.health}`);
    for (const u of [use(byMachine, w.machine_id), use(byGroup, w.resource_id)]) {
      u.cpu += Number(w.cpu);
      u.gpu += Number(w.gpu);
      u.memory += Number(w.memory_mb);
      u.count += 1;
    }
  }
  for (const m of machines) {
    const u = use(byMachine, m.id);
    const have = { cpu: Number(m.cpu_used), gpu: Number(m.gpu_used), memory: Number(m.memory_used_mb), count: Number(m.worker_count) };
    if (JSON.stringify(have) !== JSON.stringify(u))
      problems.push(`machine ${m.id}: usage ${JSON.stringify(have)}, its instances say ${JSON.stringify(u)}`);
    if (u.cpu > Number(m.cpu) - 1 || u.gpu > Number(m.gpu) || u.memory > Number(m.memory_mb))
      problems.push(`machine ${m.id} is overcommitted: ${JSON.stringify(u)}`);
  }
  const serviceCount = new Map<string, number>();
  for (const s of services) {
    serviceCount.set(s.resource_id, (serviceCount.get(s.resource_id) ?? 0) + 1);
    if (Number(s.running_count) !== (running.get(s.id) ?? 0))
      problems.push(`service ${s.id}: running_count ${s.running_count}, rows say ${running.get(s.id) ?? 0}`);
  }
  for (const g of groups) {
    const u = use(byGroup, g.id);
    const have = { cpu: Number(g.cpu_used), gpu: Number(g.gpu_used), memory: Number(g.memory_used_mb) };
    if (JSON.stringify(have) !== JSON.stringify({ cpu: u.cpu, gpu: u.gpu, memory: u.memory })) {
      problems.push(`group ${g.id}: usage ${JSON.stringify(have)}, its instances say ${JSON.stringify(u)}`);
    }
    if (Number(g.service_count) !== (serviceCount.get(g.id) ?? 0))
      problems.push(`group ${g.id}: ServiceCount ${g.service_count}, rows say ${serviceCount.get(g.id) ?? 0}`);
  }
  return problems;
}

/** Machines not in a steady state (what a clock advance should have settled). */
export async function unsettled(store: Store): Promise<{ id: string; health: string }[]> {
  const rows = await store.db.selectFrom('instances').select(['id', 'health']).execute();
  return rows.filter((r) => !STEADY.has(r.health));
}
