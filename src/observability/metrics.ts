// Prometheus metrics, served as text at GET /_openeas/metrics (behind the admin guard). Each server
// has a registry of its own (tests run many servers in one process). Calls are counted as they
// finish; the state of the world (machines, jobs, money, connections) is read when scraped, each
// with one grouped statement, so a scrape costs the same whatever the number of rows it summarises
// in round trips, and nothing is kept in step with the database by hand.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'kysely';
import { countJobs } from '../engine/jobs.ts';
import type { Services } from '../services.ts';
import type { FinishedCall } from './access-log.ts';

/** A runnable job that has waited longer than this (business time) counts as overdue. */
export const OVERDUE_AFTER_MS = 60_000;

const LOOP_RESOLUTION_MS = 10;
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'product' | 'action' | 'status' | 'code'>;
  readonly #duration: Histogram<'product' | 'action'>;
  readonly #loop: IntervalHistogram;

  constructor(services: Services) {
    const registers = [this.registry];
    this.#calls = new Counter({
      name: 'openeas_api_calls_total',
      help: 'API calls answered, by product, action, HTTP status and error code ("" when it succeeded).',
      labelNames: ['product', 'action', 'status', 'code'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'openeas_api_call_duration_seconds',
      help: 'Time from the request to its answer, by product and action.',
      labelNames: ['product', 'action'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const store = services.store;
    new Gauge({
      name: 'openeas_machines',
      help: 'Machines by region, InstanceStatus and charge type.',
      labelNames: ['region', 'status', 'charge_type'],
      registers,
      async collect() {
        const rows = await store.db
          .selectFrom('instances')
          .select(['region', 'status', 'charge_type', sql<number>`count(*)`.as('n')])
          .groupBy(['region', 'status', 'charge_type'])
          .execute();
        this.reset();
        for (const r of rows) this.set({ region: r.region, status: r.status, charge_type: r.charge_type }, Number(r.n));
      },
    });
    const clock = services.clock;
    const jobs = perScrape(() => {
      const now = clock.now();
      return countJobs(store.db, now, now - OVERDUE_AFTER_MS).then((c) => ({ now, c }));
    });
    new Gauge({
      name: 'openeas_jobs',
      help: `Jobs by state: due (runnable now), overdue (due over ${OVERDUE_AFTER_MS / 1000} s ago), waiting, failed (parked).`,
      labelNames: ['state'],
      registers,
      async collect() {
        const { c } = await jobs();
        for (const state of ['due', 'overdue', 'waiting', 'failed'] as const) this.set({ state }, c[state]);
      },
    });
    new Gauge({
      name: 'openeas_scheduler_lag_seconds',
      help: 'How long the oldest runnable job has been due (business time); 0 when none is due.',
      registers,
      async collect() {
        const { now, c } = await jobs();
        this.set(c.oldestDueAt === undefined ? 0 : Math.max(0, now - c.oldestDueAt) / 1000);
      },
    });
    new Gauge({
      name: 'openeas_billed_cny',
      help: 'Money billed so far (bill items: subscription terms and settled pay-as-you-go hours), CNY, by type.',
      labelNames: ['type'],
      registers,
      async collect() {
        const rows = await store.db
          .selectFrom('bill_items')
          .select(['subscription_type', sql<number>`sum(amount_fen)`.as('fen')])
          .groupBy('subscription_type')
          .execute();
        this.reset();
        for (const r of rows) this.set({ type: r.subscription_type }, Number(r.fen) / 100);
      },
    });
    if (store.usage().connections) {
      new Gauge({
        name: 'openeas_db_pool_connections',
        help: 'PostgreSQL pool connections: total open, idle, and requests waiting for one.',
        labelNames: ['state'],
        registers,
        collect() {
          const c = store.usage().connections!;
          this.set({ state: 'total' }, c.total);
          this.set({ state: 'idle' }, c.idle);
          this.set({ state: 'waiting' }, c.waiting);
        },
      });
    } else {
      new Gauge({
        name: 'openeas_db_queued_transactions',
        help: 'SQLite: transactions waiting for the one connection (the next group commit).',
        registers,
        collect() {
          this.set(store.usage().queuedTransactions ?? 0);
        },
      });
    }
    // Event-loop delay since the previous scrape, named as prom-client's default metrics name it.
    // The histogram's timer fires every 10 ms: what it records beyond that period is the delay.
    this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loop.enable();
    const loop = this.#loop;
    const delay = perScrape(async () => {
      const beyond = (ns: number) => (loop.count === 0 ? 0 : Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) / 1000);
      const sample = { mean: beyond(loop.mean), p99: beyond(loop.percentile(99)), max: beyond(loop.max) };
      loop.reset();
      return sample;
    });
    for (const [stat, help] of [
      ['mean', 'Mean'],
      ['p99', '99th percentile of the'],
      ['max', 'Longest'],
    ] as const) {
      new Gauge({
        name: `nodejs_eventloop_lag_${stat}_seconds`,
        help: `${help} event-loop delay since the previous scrape.`,
        registers,
        async collect() {
          this.set((await delay())[stat]);
        },
      });
    }
  }

  /** Counts a finished API call (admin-plane calls are not counted). */
  record(call: FinishedCall): void {
    if (call.admin || call.console) return;
    this.#calls.inc({ product: call.product, action: call.action, status: String(call.status), code: call.code ?? '' });
    this.#duration.observe({ product: call.product, action: call.action }, call.latencyMs / 1000);
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.#loop.disable();
  }
}

/**
 * A read shared by the gauges of one scrape: prom-client collects every metric at once, so the
 * gauges that show parts of one statement's answer wait for the same promise.
 */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const p = read();
      pending = p;
      const clear = () => {
        if (pending === p) pending = undefined;
      };
      p.then(clear, clear);
    }
    return pending;
  };
}

const byServices = new WeakMap<Services, Metrics>();

/** The metrics of the server that `services` belong to (created with the gateway). */
export function metricsOf(services: Services): Metrics {
  let m = byServices.get(services);
  if (!m) byServices.set(services, (m = new Metrics(services)));
  return m;
}
