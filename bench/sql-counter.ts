// Counts the SQL statements a server in the bench's own process runs, on either engine:
// better-sqlite3's statement methods and pg's Client#query are wrapped (on PostgreSQL every
// statement is a network round trip, transaction control included; on SQLite a call into the
// library, and the transaction's begin/commit are not counted). Each statement is filed under the
// current `phase` (e.g. the job kind running) and, with `bySql`, under its text.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { cpuMs } from './harness.ts';

export interface SqlCount {
  statements: number;
  ms: number;
  /** PostgreSQL server CPU ms (see counter.serverCpuMs). */
  serverCpuMs: number;
}

export const counter = {
  counting: false,
  /** Also keep counts and times per statement text (first 120 characters). */
  bySql: false,
  phase: '',
  statements: 0,
  /**
   * CPU ms the PostgreSQL server processes spent in the counted statements (read from /proc, so
   * only for a server on this machine; NaN otherwise): unlike wall time, not inflated by other
   * work on a loaded machine.
   */
  serverCpuMs: 0,
  phases: new Map<string, SqlCount>(),
  texts: new Map<string, SqlCount>(),
};

function add(map: Map<string, SqlCount>, key: string, ms: number, serverCpuMs: number): void {
  const c = map.get(key);
  if (c) {
    c.statements += 1;
    c.ms += ms;
    c.serverCpuMs += serverCpuMs;
  } else map.set(key, { statements: 1, ms, serverCpuMs });
}

function note(text: unknown, ms: number, serverCpuMs = 0): void {
  counter.statements += 1;
  counter.serverCpuMs += serverCpuMs;
  add(counter.phases, counter.phase, ms, serverCpuMs);
  if (counter.bySql) add(counter.texts, String(text).replace(/\s+/g, ' ').slice(0, 120), ms, serverCpuMs);
}

/** CPU ms of process `pid` so far, or NaN when it cannot be read (a server on another machine). */
function cpuMsOf(pid: number | undefined): number {
  try {
    return cpuMs(pid!);
  } catch {
    return Number.NaN;
  }
}

let installed = false;

/** Wraps both drivers once (idempotent); counting starts with `counted`. */
export function countStatements(): void {
  if (installed) return;
  installed = true;
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method]!;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!counter.counting) return original.apply(this, args);
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        note(this.source, performance.now() - t0);
      }
    };
  }
  const client = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const query = client.query;
  client.query = function (this: unknown, ...args: unknown[]) {
    const result = query.apply(this, args);
    if (!counter.counting || !(result instanceof Promise)) return result;
    const t0 = performance.now();
    const backend = (this as { processID?: number }).processID;
    const cpu0 = cpuMsOf(backend);
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
    return result.finally(() => note(text, performance.now() - t0, cpuMsOf(backend) - cpu0));
  };
}

/** Runs `fn` with statements counted from zero; the counts stay in `counter` until the next call. */
export async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; statements: number }> {
  counter.statements = 0;
  counter.serverCpuMs = 0;
  counter.phases.clear();
  counter.texts.clear();
  counter.phase = '';
  counter.counting = true;
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, statements: counter.statements };
  } finally {
    counter.counting = false;
  }
}

/** The `n` costliest entries of a count map, one line each: statements, ms (wall), server CPU ms, key. */
export function costliest(map: Map<string, SqlCount>, n: number): string[] {
  return [...map]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, n)
    .map(
      ([key, c]) =>
        `  ${String(c.statements).padStart(7)}\t${c.ms.toFixed(0).padStart(7)} ms\t${c.serverCpuMs ? `${c.serverCpuMs.toFixed(0).padStart(7)} ms server CPU\t` : ''}${key || '(outside jobs)'}`,
    );
}
