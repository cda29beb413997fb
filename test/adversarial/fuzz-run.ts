// Runs the fuzzer against a fresh server on one engine: sets up real ids with the official client,
// sends the cases (every `core` case first, then a seeded sample of the rest, admin cases that steer
// the clock last), and reports 5xx answers, answers over the time limit, and envelope violations.
import { startTestServer } from '../support/server.ts';
import type { Engine } from '../support/engines.ts';
import { callEas, callRpc, easClient } from '../support/client.ts';
import { admin } from '../support/admin.ts';
import { allCases, type Case, type Fixture } from './fuzz-cases.ts';
import { rng, seededStrings, shuffle } from './fuzz-values.ts';
import { codeOf, problemsOf, sendRaw, sendSigned, type Answer, type Credentials } from './fuzz-wire.ts';

export interface FuzzOptions {
  engine: Engine;
  /** How many requests at most; every case when absent. */
  budget?: number;
  seed: number;
  /** Seeded random strings added to every string parameter (the long run's extra values). */
  randomStrings?: number;
  slowMs?: number;
  log?: (line: string) => void;
}

export interface Finding {
  target: string;
  status: number;
  code?: string;
  ms: number;
  problems: string[];
}

export interface FuzzReport {
  engine: string;
  tried: number;
  serverErrors: Finding[];
  envelopeViolations: Finding[];
  slow: Finding[];
  /** Answers that stopped at the signature check: high would mean the fuzzer no longer reaches handlers. */
  signatureRejected: number;
  elapsedMs: number;
}

async function setUp(url: string, creds: Credentials): Promise<Fixture> {
  const client = easClient({ url, ...creds });
  const region = 'cn-hangzhou';
  const created = await callEas(client, {
    action: 'CreateResource',
    method: 'POST',
    pathname: '/api/v2/resources',
    body: {
      ResourceType: 'Dedicated',
      ResourceName: 'fuzz',
      EcsInstanceType: 'ecs.c6.xlarge',
      EcsInstanceCount: 2,
      ChargeType: 'PostPaid',
    },
  });
  await admin(url, 'POST', '/clock/advance', { seconds: 10 });
  const ram = (action: string, query: Record<string, unknown>) => callRpc(client, '2015-05-01', action, query);
  await ram('CreateUser', { UserName: 'fuzz-user' });
  await ram('CreateGroup', { GroupName: 'fuzz-group' });
  await ram('CreatePolicy', {
    PolicyName: 'fuzz-policy',
    PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
  });
  const identity = await callRpc(client, '2015-04-01', 'GetCallerIdentity');
  const accountId = String(identity.body.AccountId);
  await ram('CreateRole', {
    RoleName: 'fuzz-role',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } }],
    }),
  });
  const clock = await admin(url, 'GET', '/clock');
  return {
    region,
    resourceId: created.body.ResourceId,
    instanceId: created.body.InstanceIds[0],
    accountId,
    userName: 'fuzz-user',
    billingCycle: String(clock.Now).slice(0, 7),
  };
}

function plan(cases: Case[], seed: number, budget: number | undefined): Case[] {
  const random = rng(seed);
  const steering = cases.filter((c) => c.kind === 'admin' && c.steering);
  const rest = cases.filter((c) => !(c.kind === 'admin' && c.steering));
  const ordered = [
    ...shuffle(
      rest.filter((c) => c.core),
      random,
    ),
    ...shuffle(
      rest.filter((c) => !c.core),
      random,
    ),
  ];
  if (budget === undefined || budget >= cases.length) return [...ordered, ...steering];
  return ordered.slice(0, budget);
}

async function sendCase(c: Case, base: URL, creds: Credentials, f: Fixture): Promise<Answer> {
  switch (c.kind) {
    case 'signed':
      return sendSigned(base, creds, c.request(f));
    case 'admin': {
      const body = c.body === undefined ? undefined : Buffer.from(c.body);
      const head = [
        `${c.method} ${c.path(f)} HTTP/1.1`,
        `Host: ${base.host}`,
        'Connection: close',
        'Content-Type: application/json',
        `Content-Length: ${body?.length ?? 0}`,
      ];
      return sendRaw(base, `${head.join('\r\n')}\r\n\r\n${body?.toString('utf8') ?? ''}`);
    }
    case 'raw':
      return sendRaw(base, c.text(base.host, f));
  }
}

/** Total number of cases for these options (what a full run sends). */
export function caseCount(opts: Pick<FuzzOptions, 'seed' | 'randomStrings'>): number {
  return allCases(seededStrings(opts.seed, opts.randomStrings ?? 0)).length;
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const slowMs = opts.slowMs ?? 1000;
  const started = performance.now();
  const server = await startTestServer(opts.engine);
  const report: FuzzReport = {
    engine: opts.engine.name,
    tried: 0,
    serverErrors: [],
    envelopeViolations: [],
    slow: [],
    signatureRejected: 0,
    elapsedMs: 0,
  };
  try {
    const creds = { accessKeyId: server.root.accessKeyId, accessKeySecret: server.root.accessKeySecret! };
    const base = new URL(server.url);
    const fixture = await setUp(server.url, creds);
    const cases = plan(allCases(seededStrings(opts.seed, opts.randomStrings ?? 0)), opts.seed, opts.budget);
    for (const c of cases) {
      let answer: Answer;
      try {
        answer = await sendCase(c, base, creds, fixture);
      } catch (e) {
        report.tried++;
        report.envelopeViolations.push({ target: c.target, status: 0, ms: 0, problems: [`no answer: ${(e as Error).message}`] });
        continue;
      }
      report.tried++;
      const finding: Finding = {
        target: c.target,
        status: answer.status,
        code: codeOf(answer),
        ms: Math.round(answer.ms),
        problems: problemsOf(answer),
      };
      if (finding.code === 'SignatureDoesNotMatch') report.signatureRejected++;
      if (answer.status >= 500) report.serverErrors.push(finding);
      else if (finding.problems.length > 0) report.envelopeViolations.push(finding);
      if (answer.ms > slowMs) {
        // Two retries: a shared, loaded machine can stall any single request; a slow answer is slow every time.
        let best = answer.ms;
        for (let i = 0; i < 2 && best > slowMs; i++)
          best = Math.min(best, (await sendCase(c, base, creds, fixture).catch(() => undefined))?.ms ?? best);
        if (best > slowMs) report.slow.push({ ...finding, ms: Math.round(best) });
      }
      if (finding.problems.length > 0)
        opts.log?.(`${report.engine}: ${c.target} → ${answer.status} ${finding.code ?? ''} ${finding.problems.join('; ')}`);
    }
  } finally {
    await server.close();
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}
