// How log lines look. pino writes one JSON object per line; with `logFormat: 'pretty'` (the default
// on a terminal) a small stream turns each line into one readable line on the way out — in the
// same thread, without pino-pretty or a worker:
//
//   21:52:03.123 INFO  200 eas CreateResourceInstances 12.3ms 1234567890123456 root  9F1C…-…
//   21:52:04.456 WARN  scheduled work failed; retrying later  err={"type":"Error",…}
import type { DestinationStream } from 'pino';

export type LogFormat = 'pretty' | 'json';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };

/** Keys every line has, shown in the fixed part of the pretty line (or left out). */
const FIXED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'requestId', 'access']);
const ACCESS_KEYS = new Set(['product', 'action', 'status', 'code', 'latencyMs', 'accountId', 'principalType', 'principal']);

function clock(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  return d.toISOString().slice(11, 23);
}

function extras(o: Record<string, unknown>, skip: Set<string>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (FIXED.has(k) || skip.has(k) || v === undefined) continue;
    parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.length > 0 ? `  ${parts.join(' ')}` : '';
}

/** One JSON log line as one human-readable line (without the newline); text that is not JSON as it is. */
export function prettyLine(json: string, colour = false): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = Number(o.level);
  const name = (LEVELS[level] ?? String(o.level)).padEnd(5);
  const tag = colour ? `\u001b[${COLOURS[level] ?? '0'}m${name}\u001b[0m` : name;
  const id = typeof o.requestId === 'string' ? `  ${o.requestId}` : '';
  if (o.access === true) {
    const who = o.accountId === undefined ? '-' : `${String(o.accountId)} ${String(o.principal)}`;
    const code = o.code === undefined ? '' : ` ${String(o.code)}`;
    const what = `${String(o.status)}${code} ${String(o.product)} ${String(o.action)} ${String(o.latencyMs)}ms ${who}`;
    return `${clock(o.time)} ${tag} ${what}${id}${extras(o, ACCESS_KEYS)}`;
  }
  return `${clock(o.time)} ${tag} ${String(o.msg ?? '')}${id}${extras(o, new Set())}`;
}

/** A pino destination that writes pretty lines to `out` (stdout by default). */
export function prettyStream(
  out: { write(text: string): unknown } = process.stdout,
  colour = Boolean(process.stdout.isTTY),
): DestinationStream {
  return {
    write(chunk: string) {
      // pino hands over whole lines; a chunk may hold more than one.
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${prettyLine(line, colour)}\n`);
    },
  };
}
