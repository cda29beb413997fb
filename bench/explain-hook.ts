// EXPLAIN (ANALYZE, BUFFERS) of the PostgreSQL statements a server in this process runs, for finding
// a statement that costs more than its rows explain: load it before the bench,
//   node --import tsx --import ./bench/explain-hook.ts bench/pg-statements.ts create
// node-postgres' Client#query is wrapped: the EXPLAIN_NTH-th run (default 3; later runs see bigger
// batches and warm caches) of each statement text matching EXPLAIN_RE (default every insert, update,
// delete and WITH) is first run under EXPLAIN ANALYZE inside a savepoint (or a transaction of its
// own) that is rolled back, then for real; plans are appended to EXPLAIN_OUT (/tmp/explain.txt).
// Found this way: `(jsonb_populate_record(…)).*` calling the function once per column (machines.ts).
import fs from 'node:fs';
import pg from 'pg';

const pattern = new RegExp(process.env.EXPLAIN_RE ?? '^\\s*(insert|update|delete|with)\\b', 'i');
const nth = Number(process.env.EXPLAIN_NTH ?? 3);
const out = process.env.EXPLAIN_OUT ?? '/tmp/explain.txt';
const runs = new Map<string, number>();
type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const proto = pg.Client.prototype as unknown as { query: Query };
const query = proto.query;
let explaining = false;

proto.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string; values?: unknown[] };
  const text = typeof config === 'string' ? config : config?.text;
  const callback = typeof args[args.length - 1] === 'function';
  if (explaining || callback || typeof text !== 'string' || !pattern.test(text)) return query.apply(this, args);
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const n = (runs.get(key) ?? 0) + 1;
  runs.set(key, n);
  if (n !== nth) return query.apply(this, args);
  const values = typeof config === 'string' ? args[1] : config.values;
  const run = (sql: string, v?: unknown) => query.call(this, sql, v) as Promise<pg.QueryResult>;
  return (async () => {
    explaining = true;
    const inTransaction = this.getTransactionStatus() === 'T';
    try {
      await run(inTransaction ? 'savepoint explain_hook' : 'begin');
      try {
        const plan = await run(`explain (analyze, buffers) ${text}`, values);
        fs.appendFileSync(out, `=== run ${n}: ${key}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n\n`);
      } catch (e) {
        fs.appendFileSync(out, `=== run ${n}: ${key}\nEXPLAIN failed: ${(e as Error).message}\n\n`);
      } finally {
        await run(inTransaction ? 'rollback to savepoint explain_hook' : 'rollback');
        if (inTransaction) await run('release savepoint explain_hook');
      }
    } finally {
      explaining = false;
    }
    return query.apply(this, args);
  })();
};
