// A page of ListResourceInstances is one string of `id:version` keys (eas/handlers/instances.ts
// pageQuery). On SQLite its aggregate has no ORDER BY of its own: it relies on SQLite reading the
// page's subquery as a co-routine, in the subquery's order. These tests fail if that ever changes:
// the plan must scan the page itself, and the keys must come out in the order each sort asks for.
// The common page is read from an index holding each machine's version (migration 0023).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { openStore } from '../../src/store/database.ts';
import { insertRows } from '../../src/store/prepared.ts';
import { pageQuery, type SortColumn } from '../../src/eas/handlers/instances.ts';
import { seededRandom } from '../support/seeded-random.ts';

const SORTS: SortColumn[] = ['created_at', 'expired_at', 'cpu_used', 'gpu_used', 'memory_used_mb'];

test('SQLite: a page of machines is joined in its own order, every sort, filtered or not', async () => {
  const store = await openStore({ dataDir: '', ephemeral: true });
  try {
    const db = store.db;
    const columns = await sql<{ name: string; type: string; notnull: number; dflt_value: unknown }>`pragma table_info(instances)`.execute(
      db,
    );
    const random = seededRandom(11);
    const now = Date.parse('2026-12-01T00:00:00Z');
    // Every column filled by its type; the ones a page sorts on vary, with ties (by time, then id).
    const machines = Array.from({ length: 240 }, (_, i) => {
      const row: Record<string, unknown> = {};
      for (const c of columns.rows) row[c.name] = c.notnull === 0 ? null : /int/i.test(c.type) ? 0 : 'x';
      return Object.assign(row, {
        id: `eas-i-${String(1000 + Math.floor(random() * 9000)).padStart(9, '0')}${String(i).padStart(9, '0')}`,
        account_id: '1000000000000001',
        resource_id: i % 3 === 0 ? 'eas-r-other' : 'eas-r-group',
        region: 'cn-hangzhou',
        ip: `10.0.${i >> 8}.${i & 255}`,
        status: i % 4 === 0 ? 'Ready' : 'NotReady',
        created_at: now + Math.floor(random() * 40) * 1000,
        expired_at: i % 5 === 0 ? null : now + Math.floor(random() * 10) * 86_400_000,
        cpu_used: Math.floor(random() * 4),
        gpu_used: Math.floor(random() * 2),
        memory_used_mb: Math.floor(random() * 3) * 1024,
        version: 1 + Math.floor(random() * 9),
      });
    });
    await sql`pragma foreign_keys = off`.execute(db); // machines of groups this test does not make
    await insertRows(db, 'instances', machines as never);
    const compare = (sort: SortColumn, order: 'asc' | 'desc') => (a: Record<string, any>, b: Record<string, any>) => {
      const keys = sort === 'created_at' ? ['created_at', 'id'] : [sort, 'created_at', 'id'];
      for (const k of keys) {
        // SQLite sorts NULL first ascending, last descending.
        const x = a[k] === null ? -Infinity : a[k];
        const y = b[k] === null ? -Infinity : b[k];
        if (x !== y) return (x < y ? -1 : 1) * (order === 'asc' ? 1 : -1);
      }
      return 0;
    };
    for (const sort of SORTS) {
      for (const order of ['asc', 'desc'] as const) {
        for (const filtered of [false, true]) {
          const base = db
            .selectFrom('instances')
            .where('resource_id', '=', 'eas-r-group')
            .$if(filtered, (q) => q.where('status', '=', 'NotReady'));
          const query = pageQuery(db, base, sort, order, 40, 20).compile();
          const plan = await db.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
          );
          const steps = plan.rows.map((r) => r.detail);
          const what = `${sort} ${order}${filtered ? ', filtered' : ''}: ${steps.join(' | ')}`;
          assert.ok(steps.includes('SCAN page'), what);
          assert.ok(!steps.some((s) => /TEMP B-TREE FOR (group_concat|string_agg)/i.test(s)), what);
          // The common page (newest first, no filter) never visits the machines' rows (migration 0023).
          if (sort === 'created_at' && !filtered)
            assert.ok(
              steps.some((s) => s.includes('COVERING INDEX instances_group_created')),
              what,
            );
          const expected = machines
            .filter((m) => m.resource_id === 'eas-r-group' && (!filtered || m.status === 'NotReady'))
            .sort(compare(sort, order))
            .slice(20, 60)
            .map((m) => `${m.id}:${m.version}`)
            .join(',');
          const got = (await db.executeQuery<{ keys: string | null }>(query)).rows[0]?.keys;
          assert.equal(got, expected, what);
        }
      }
    }
  } finally {
    await store.close();
  }
});
