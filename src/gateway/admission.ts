// Admission control and load shedding: what keeps the server answering while some callers ask
// for a lot. Two mechanisms, both per process:
//
//   - Expensive API calls (isExpensive) take one of `maxExpensiveInFlight` slots; the rest wait in
//     a bounded queue for at most `queueWaitMs`, else get Throttling (429). Cheap calls, health
//     and the admin plane never wait here.
//   - While the event loop lags more than `maxEventLoopDelayMs` (mean lateness of a 10 ms timer, as
//     @fastify/under-pressure measures it) in two samples running (250 ms each: a single long task,
//     such as start-up or a big clock advance, is not pressure), new API calls get
//     ServiceUnavailable (503) at once; /_openeas (health, admin) is always served.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { apiError } from './errors.ts';
import type { RawInput } from './operation.ts';
import type { CancelSignal } from '../store/cancellation.ts';

/** A list page longer than the default page (100) reads and renders that many more rows. */
const CHEAP_PAGE_SIZE = 100;
/** An order of more machines than this writes that many more rows, labels and jobs. */
const CHEAP_MACHINE_COUNT = 10;
/** Each Label filter key is one more subquery. */
const CHEAP_LABEL_FILTER_KEYS = 5;
/** A body larger than this costs hashing and parsing time in proportion. */
export const CHEAP_BODY_BYTES = 16 * 1024;

function numberParam(raw: RawInput, names: string[]): number {
  const body = raw.body && typeof raw.body === 'object' ? (raw.body as Record<string, unknown>) : {};
  for (const name of names) {
    const v = Number(raw.query[name] ?? body[name]);
    if (Number.isFinite(v)) return v;
  }
  return 0;
}

function labelFilterKeys(raw: RawInput): number {
  const label = raw.query.Label;
  if (!label) return 0;
  try {
    const parsed: unknown = JSON.parse(label);
    return parsed && typeof parsed === 'object' ? Object.keys(parsed).length : 0;
  } catch {
    return 0; // validation reports it
  }
}

/**
 * The rule: a call is expensive when it may read or write many more rows than a default call, or
 * carries a large body — a page over 100 (PageSize, MaxItems), an order of more than 10 machines,
 * more than 5 Label filter keys, or a body over 16 KiB.
 */
export function isExpensive(raw: RawInput, bodyBytes: number): boolean {
  return (
    numberParam(raw, ['PageSize', 'MaxItems', 'MaxResults']) > CHEAP_PAGE_SIZE ||
    numberParam(raw, ['EcsInstanceCount']) > CHEAP_MACHINE_COUNT ||
    labelFilterKeys(raw) > CHEAP_LABEL_FILTER_KEYS ||
    bodyBytes > CHEAP_BODY_BYTES
  );
}

/**
 * A request that announces a big body (Content-Length over 16 KiB): it takes its slot before the
 * body is read (gateway/pipeline.ts), so a flood of big bodies waits in the sockets' buffers
 * instead of being read, hashed and parsed all at once. (A chunked body is admitted once its bytes
 * pass the same size.)
 */
export function announcesBigBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return typeof length === 'string' && Number(length) > CHEAP_BODY_BYTES;
}

export interface AdmissionLimits {
  maxExpensiveInFlight: number;
  queueLength: number;
  queueWaitMs: number;
}

interface Waiter {
  grant(): void;
}

/** Thrown to a queued call whose caller went away: nobody is waiting for the answer. */
export class CallerGone extends Error {
  constructor() {
    super('the caller closed the connection');
  }
}

/** A bounded number of expensive calls in flight, a bounded queue, a bounded wait. */
export class Admission {
  #inFlight = 0;
  readonly #queue: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Waits for a slot; resolves to the function that gives it back (call it exactly once). */
  enter(signal?: CancelSignal): Promise<() => void> {
    if (this.#inFlight < this.limits.maxExpensiveInFlight) {
      this.#inFlight++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.limits.queueLength || this.limits.queueWaitMs === 0) {
      return Promise.reject(apiError('Throttling'));
    }
    return new Promise((resolve, reject) => {
      const leave = (error: Error) => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => leave(new CallerGone());
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      const timer = setTimeout(() => leave(apiError('Throttling')), this.limits.queueWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes to the next in line, or frees up. The hand-over waits for the event loop's
      // next turn: granted synchronously, each next call ran in the previous one's microtasks, so
      // a queue of big pages drained without ever reading a socket (health waited ~0.5 s).
      setImmediate(() => {
        const next = this.#queue.shift(); // taken only now: a waiter that gave up meanwhile has left the queue
        if (next) next.grant();
        else this.#inFlight--;
      });
    };
  }
}

/** Event-loop lag, sampled every `sampleMs`; `underPressure` while the last two samples exceeded the limit. */
export class EventLoopMonitor {
  readonly #histogram: IntervalHistogram | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  #delayMs = 0;
  #previousMs = 0;

  constructor(
    private readonly maxDelayMs: number,
    sampleMs = 250,
    private readonly resolutionMs = 10,
  ) {
    if (maxDelayMs <= 0) return;
    this.#histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#histogram.enable();
    this.#timer = setInterval(() => this.#sample(), sampleMs);
    this.#timer.unref();
  }

  #sample(): void {
    const h = this.#histogram!;
    // The histogram's own timer fires every `resolution` ms; its mean lateness, minus that period.
    this.record(h.count === 0 ? 0 : Math.max(0, h.mean / 1e6 - this.resolutionMs));
    h.reset();
  }

  /** Takes one reading of the loop's delay; pressure needs two readings in a row over the limit. */
  record(delayMs: number): void {
    this.#previousMs = this.#delayMs;
    this.#delayMs = delayMs;
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  get underPressure(): boolean {
    return this.maxDelayMs > 0 && this.#delayMs > this.maxDelayMs && this.#previousMs > this.maxDelayMs;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#histogram?.disable();
  }
}

const byGateway = new WeakMap<FastifyInstance, { admission: Admission; eventLoop: EventLoopMonitor }>();

/** The admission state of a gateway, for operators' and tests' eyes. */
export function admissionOf(app: FastifyInstance): { admission: Admission; eventLoop: EventLoopMonitor } | undefined {
  return byGateway.get(app);
}

/** Creates a gateway's admission control and load shedding (the pipeline applies them). */
export function admissionFor(app: FastifyInstance, limits: AdmissionLimits, maxEventLoopDelayMs: number) {
  const state = { admission: new Admission(limits), eventLoop: new EventLoopMonitor(maxEventLoopDelayMs) };
  byGateway.set(app, state);
  app.addHook('onClose', async () => state.eventLoop.close());
  return state;
}
