// The crash test: the real `openeas serve` takes signed creates (and some deletes) from the official
// client, many in flight, while the business clock moves; it is killed with SIGKILL at a random
// moment, started again on the same data, and checked:
//   - every acknowledged write is there (a created machine or group exists; a deleted machine is
//     Deleting or gone), whatever the requests that were cut off did;
//   - every counter equals its rows (group counters, quota usage, metering);
//   - after a clock advance no machine is stuck (all are Ready or CreateFailed).
// Acknowledged = the client received a success answer. Requests cut off by the kill may or may not
// have happened; either is fine, so they are only counted.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { callEas, easClient, type Credentials } from '../support/client.ts';
import { advance } from '../support/admin.ts';
import type { Engine } from '../support/engines.ts';
import { tempDataDir } from '../support/server.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { serve, type Served } from './serve-process.ts';
import { counterProblems, unsettled } from './invariants.ts';
import { seededRandom } from '../support/seeded-random.ts';

const REGION = 'cn-hangzhou';
// Short, so the server's own scheduler provisions and releases machines all through the load.
const PROVISION_SECONDS = 1;
const RELEASE_SECONDS = 1;
const TYPES = ['ecs.g6.large', 'ecs.g6.xlarge', 'ecs.gn6i-c4g1.xlarge'];

export interface CrashOptions {
  engine: Engine;
  kills: number;
  /** Requests in flight during the load (default 16). */
  inFlight?: number;
  seed: number;
  /** The kill comes this long (ms, random between the two) after the first 10–50 acknowledged creates of a round. */
  killAfterMs?: [number, number];
  log?: (line: string) => void;
}

export interface CrashReport {
  engine: string;
  seed: number;
  kills: number;
  acknowledged: { groups: number; machines: number; deletes: number };
  /** Requests without an answer (the kill cut them off, or the client gave up): outcome unknown. */
  cutOff: number;
  cutOffReasons: Record<string, number>;
  /** Answered with an error code (e.g. an order refused for balance), by code. */
  refused: Record<string, number>;
  /** The first few 5xx answers (the server failed a request it should have served). */
  serverErrors: string[];
  /** Acknowledged writes missing after a restart. */
  lost: string[];
  /** Counters that disagree with their rows, and machines stuck after the clock advanced. */
  problems: string[];
  seconds: number;
}

export const random = seededRandom;

interface Machine {
  group: string;
  chargeType: 'PrePaid' | 'PostPaid';
  /** none: never asked; maybe: a delete was cut off; acked: a delete was acknowledged. */
  deleted: 'none' | 'maybe' | 'acked';
}

export async function crashTest(opts: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const rnd = random(opts.seed);
  const log = opts.log ?? (() => {});
  const [killMin, killMax] = opts.killAfterMs ?? [0, 500];
  const report: CrashReport = {
    engine: opts.engine.name,
    seed: opts.seed,
    kills: 0,
    acknowledged: { groups: 0, machines: 0, deletes: 0 },
    cutOff: 0,
    cutOffReasons: {},
    refused: {},
    serverErrors: [],
    lost: [],
    problems: [],
    seconds: 0,
  };
  const dataDir = tempDataDir();
  const databaseUrl = await opts.engine.freshDatabaseUrl();
  const env = { OPENEAS_PROVISION_SECONDS: String(PROVISION_SECONDS), OPENEAS_RELEASE_SECONDS: String(RELEASE_SECONDS) };
  const groups = new Set<string>();
  const machines = new Map<string, Machine>();

  let server: Served | undefined = await serve({ dataDir, databaseUrl, env });
  // One reader for the checks, kept across the kills (the server migrated the schema; no migration here).
  let store: Store | undefined;
  try {
    store = await openStore({ dataDir, databaseUrl, migrate: false });
    const creds: Credentials = { accessKeyId: server.created!.accessKeyId, accessKeySecret: server.created!.accessKeySecret };
    const first = easClient({ url: server.url, ...creds });
    for (let i = 0; i < 4; i++) groups.add(await createGroup(first));

    for (let round = 1; round <= opts.kills; round++) {
      const url = server.url;
      const client = easClient({ url, ...creds });
      let stopped = false;
      let answers = 0;
      const acked = () => answers;
      const answered = (e: unknown) => typeof (e as { statusCode?: unknown }).statusCode === 'number';
      const note = (e: unknown) => {
        if (answered(e)) {
          const code = String((e as { code: unknown }).code);
          report.refused[code] = (report.refused[code] ?? 0) + 1;
          if (Number((e as { statusCode: unknown }).statusCode) >= 500 && report.serverErrors.length < 10) {
            report.serverErrors.push(`${code}: ${String((e as { message?: unknown }).message).slice(0, 300)}`);
          }
        } else {
          report.cutOff += 1;
          // The kind of failure and the operation, without ids, so the summary stays a few lines.
          const reason = String((e as { message?: unknown }).message ?? e)
            .replace(/ http\S*\/(resources|instances)\b\S*/, ' …/$1')
            .replace(/\d+/g, 'N')
            .slice(0, 80);
          report.cutOffReasons[reason] = (report.cutOffReasons[reason] ?? 0) + 1;
        }
      };
      const one = async () => {
        const r = rnd();
        const groupList = [...groups];
        const group = groupList[Math.floor(rnd() * groupList.length)]!;
        if (r < 0.05) {
          try {
            groups.add(await createGroup(client));
          } catch (e) {
            note(e);
          }
        } else if (r < 0.2) {
          // Release one or two acknowledged pay-as-you-go machines of one group.
          const deletable = [...machines].filter(([, m]) => m.deleted === 'none' && m.chargeType === 'PostPaid');
          if (deletable.length === 0) return;
          const [, pick] = deletable[Math.floor(rnd() * deletable.length)]!;
          const group = pick.group;
          const candidates = deletable.filter(([, m]) => m.group === group).slice(0, 1 + Math.floor(rnd() * 2));
          const ids = candidates.map(([id]) => id);
          for (const [, m] of candidates) m.deleted = 'maybe';
          try {
            await callEas(client, {
              action: 'DeleteResourceInstances',
              method: 'DELETE',
              pathname: `/api/v2/resources/${REGION}/${group}/instances`,
              query: { InstanceList: ids.join(',') },
            });
            for (const [, m] of candidates) m.deleted = 'acked';
            report.acknowledged.deletes += ids.length;
          } catch (e) {
            note(e);
            // Refused with an answer: nothing happened, the machines stay ours to check.
            if (answered(e)) for (const [, m] of candidates) m.deleted = 'none';
          }
        } else {
          const chargeType = rnd() < 0.2 ? 'PrePaid' : 'PostPaid';
          const type = chargeType === 'PrePaid' ? 'ecs.g6.large' : TYPES[Math.floor(rnd() * TYPES.length)]!;
          try {
            const res = await callEas(client, {
              action: 'CreateResourceInstances',
              method: 'POST',
              pathname: `/api/v2/resources/${REGION}/${group}/instances`,
              body: { EcsInstanceType: type, EcsInstanceCount: 1 + Math.floor(rnd() * 3), ChargeType: chargeType },
            });
            for (const id of res.body.InstanceIds as string[]) machines.set(id, { group, chargeType, deleted: 'none' });
            answers += 1;
          } catch (e) {
            note(e);
          }
        }
      };
      const worker = async () => {
        while (!stopped) await one();
      };
      // The business clock moves all through the load, so provisioning and releases run (and get cut off) too.
      const ticker = async () => {
        while (!stopped) await advance(url, 1).catch(() => {});
      };
      const t0 = Date.now();
      const load = Promise.all([...Array.from({ length: opts.inFlight ?? 16 }, worker), ticker()]);
      // Kill once the load is flowing (a fresh process answers its first requests slowly), at a random moment.
      const target = acked() + 10 + Math.floor(rnd() * 40);
      for (const deadline = Date.now() + 30_000; acked() < target && Date.now() < deadline; ) await sleep(10);
      await sleep(killMin + Math.floor(rnd() * (killMax - killMin)));
      stopped = true;
      await server.kill();
      // Errors the server logged (pino level 50+) explain any 5xx answer.
      for (const line of server
        .output()
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l))
        .slice(0, 3)) {
        if (report.serverErrors.length < 10) report.serverErrors.push(`server log: ${line.slice(0, 600)}`);
      }
      report.kills += 1;
      await load;
      server = undefined;
      const t1 = Date.now();
      server = await serve({ dataDir, databaseUrl, env });
      const t2 = Date.now();
      const lostBefore = report.lost.length;
      await checkPresence(server.url, creds, groups, machines, report);
      await checkCounters(store, report, `after kill ${round}`);
      // Then time passes: everything due runs, nothing may stay Attaching or Deleting.
      await advance(server.url, Math.max(PROVISION_SECONDS, RELEASE_SECONDS) + 1);
      await checkSettled(store, report, `after kill ${round}`);
      await checkCounters(store, report, `after kill ${round} and a clock advance`);
      const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
      log(
        `[${opts.engine.name}] kill ${round}/${opts.kills}: ${machines.size} machines acknowledged so far, ${report.cutOff} requests cut off, ` +
          `${report.lost.length - lostBefore} lost this round (load ${secs(t0, t1)} s, restart ${secs(t1, t2)} s, checks ${secs(t2, Date.now())} s)`,
      );
    }
  } finally {
    await store?.close();
    await server?.stop();
    // Only SQLite keeps its data here; a PostgreSQL run used its own schema.
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  report.acknowledged.groups = groups.size;
  report.acknowledged.machines = machines.size;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

async function createGroup(client: ReturnType<typeof easClient>): Promise<string> {
  const r = await callEas(client, {
    action: 'CreateResource',
    method: 'POST',
    pathname: '/api/v2/resources',
    body: { ResourceType: 'SelfManaged', SelfManagedResourceOptions: { ExternalClusterId: 'c' } },
  });
  return r.body.ResourceId;
}

/** Every acknowledged group and machine is listed; an acknowledged delete is Deleting or gone. */
async function checkPresence(
  url: string,
  creds: Credentials,
  groups: Set<string>,
  machines: Map<string, Machine>,
  report: CrashReport,
): Promise<void> {
  const client = easClient({ url, ...creds });
  const listed = new Set<string>();
  for (let page = 1; ; page++) {
    const r = await callEas(client, {
      action: 'ListResources',
      method: 'GET',
      pathname: '/api/v2/resources',
      query: { PageNumber: page, PageSize: 1000 },
    });
    for (const g of r.body.Resources) listed.add(g.ResourceId);
    if (r.body.Resources.length < 1000) break;
  }
  for (const g of groups) if (!listed.has(g)) report.lost.push(`group ${g} (acknowledged CreateResource)`);
  const status = new Map<string, string>();
  for (const g of groups) {
    if (!listed.has(g)) continue;
    for (let page = 1; ; page++) {
      const r = await callEas(client, {
        action: 'ListResourceInstances',
        method: 'GET',
        pathname: `/api/v2/resources/${REGION}/${g}/instances`,
        query: { PageNumber: page, PageSize: 1000 },
      });
      for (const m of r.body.Instances) status.set(m.InstanceId, m.InstanceStatus);
      if (r.body.Instances.length < 1000) break;
    }
  }
  for (const [id, m] of machines) {
    const s = status.get(id);
    if (m.deleted === 'none' && (s === undefined || s === 'Deleting'))
      report.lost.push(`machine ${id} (acknowledged create) is ${s ?? 'missing'}`);
    if (m.deleted === 'acked' && s !== undefined && s !== 'Deleting') report.lost.push(`machine ${id} (acknowledged delete) is ${s}`);
    // A cut-off delete either happened (Deleting or gone) or not (the machine is ours again).
    if (m.deleted === 'maybe') m.deleted = s === undefined || s === 'Deleting' ? 'acked' : 'none';
  }
}

async function checkCounters(store: Store, report: CrashReport, when: string): Promise<void> {
  const problems = await counterProblems(store);
  report.problems.push(...problems.map((p) => `${when}: ${p}`));
}

async function checkSettled(store: Store, report: CrashReport, when: string): Promise<void> {
  const stuck = await unsettled(store);
  report.problems.push(...stuck.slice(0, 20).map((m) => `${when}: machine ${m.id} is still ${m.health} after the clock advanced`));
  if (stuck.length > 20) report.problems.push(`${when}: … and ${stuck.length - 20} more machines not settled`);
}

export function summary(r: CrashReport): string {
  return (
    `[${r.engine}] seed ${r.seed}: ${r.kills} kills in ${r.seconds.toFixed(1)} s; acknowledged ${r.acknowledged.machines} machines, ` +
    `${r.acknowledged.groups} groups, ${r.acknowledged.deletes} deletes; ${r.cutOff} requests cut off ${JSON.stringify(r.cutOffReasons)}; ` +
    `refused ${JSON.stringify(r.refused)}; lost ${r.lost.length}; counter/stuck problems ${r.problems.length}`
  );
}
