/**
 * What a build sends to the warehouse, on every adapter: each schema is created once per run (not
 * once per model), and a table model's own connection runs just two round trips — the build
 * (drop stale tmp + CREATE TABLE AS) and the swap — while the old relation's kind is looked up on
 * another connection. A kind that changed during the build is looked up again and the swap retried.
 * The adapter is real; a Proxy only records which statements ran on which borrowed connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter, Connection, RelationKind } from '../../src/adapters/adapter.js';
import type { Relation } from '../../src/compiler/types.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { executePlan } from '../../src/execution/execute.js';
import { planRun } from '../../src/execution/plan.js';
import { ADAPTERS } from '../support/adapters.js';
import { makeManifest, model } from '../support/manifest-fixture.js';

interface Recorded {
  adapter: Adapter;
  /** Statements per withConnection borrow, in borrow order. */
  borrows: string[][];
  /** Adapter methods called from outside the adapter. */
  calls: string[];
}

/** `real`, recording statements per borrowed connection; `staleKind` (if given) answers kind lookups made without a connection. */
function recording(real: Adapter, staleKind?: (relation: Relation) => RelationKind | undefined): Recorded {
  const borrows: string[][] = [];
  const calls: string[] = [];
  const wrap = (c: Connection): Connection => {
    const log: string[] = [];
    borrows.push(log);
    return { execute: (sql) => (log.push(sql), c.execute(sql)), query: (sql) => (log.push(sql), c.query(sql)) };
  };
  const adapter = new Proxy(real, {
    get(target, prop) {
      if (prop === 'withConnection') return <T>(fn: (c: Connection) => Promise<T>) => target.withConnection((c) => fn(wrap(c)));
      if (prop === 'createSchema' || prop === 'relationKind') {
        return async (...args: unknown[]) => {
          calls.push(`${prop}${args[prop === 'relationKind' ? 1 : 2] === undefined ? '' : ' (on conn)'}`);
          if (prop === 'relationKind' && staleKind && args[1] === undefined) return staleKind(args[0] as Relation);
          return (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { adapter, borrows, calls };
}

for (const ta of ADAPTERS) {
  describe.skipIf(!ta.available())(`build round trips on ${ta.name}`, () => {
    let real: Adapter;
    const s1 = ta.uniqueSchema('rt_a');
    const s2 = ta.uniqueSchema('rt_b');
    beforeAll(async () => {
      real = await createAdapter(ta.target());
    });
    afterAll(async () => {
      for (const s of [s1, s2]) await real.withConnection((c) => c.execute(`drop schema if exists ${real.dialect.quoteIdentifier(s)} cascade`));
      await real.close();
    });
    const rel = (schema: string, identifier: string) => real.dialect.renderRelation({ schema, identifier });
    const q = (sql: string) => real.withConnection((c) => c.query(sql)).then((r) => r.rows);
    const run = async (adapter: Adapter, nodes: ReturnType<typeof model>[]) => {
      const manifest = makeManifest(nodes, ta.name);
      const plan = planRun(manifest, nodes.map((n) => n.unique_id));
      return executePlan(plan, { manifest, adapter, projectRoot: '/' }, { threads: 4, failFast: false, fullRefresh: false });
    };

    it('creates each schema once per run, whatever the number of models in it', async () => {
      const nodes = [
        model('a1', { schema: s1, materialized: 'table', sql: 'select 1 as x' }),
        model('a2', { schema: s1, materialized: 'table', sql: 'select 2 as x' }),
        model('a3', { schema: s1, sql: 'select 3 as x' }),
        model('b1', { schema: s2, materialized: 'table', sql: 'select 4 as x' }),
        model('b2', { schema: s2, sql: `select x + 1 as x from ${rel(s2, 'b1')}`, deps: ['b1'] }),
      ];
      const rec = recording(real);
      const results = await run(rec.adapter, nodes);
      expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success']);
      expect(rec.calls.filter((c) => c.startsWith('createSchema'))).toHaveLength(2);
      expect(await q(`select x from ${rel(s2, 'b2')}`)).toEqual([{ x: 5 }]);
      // A second run creates them again (once each): the memo lives for one run only.
      const again = recording(real);
      await run(again.adapter, nodes);
      expect(again.calls.filter((c) => c.startsWith('createSchema'))).toHaveLength(2);
    });

    it("a table's own connection runs the build and the swap only; the kind lookup runs elsewhere", async () => {
      const first = recording(real);
      await run(first.adapter, [model('t', { schema: s1, materialized: 'table', sql: 'select 1 as x' })]);
      // Rebuild over the table, then over a view of that name: the swap drops the right kind.
      for (const [before, sqlBefore] of [['table', 'select 1 as x'], ['view', 'select 7 as x']] as const) {
        await run(real, [model('t', { schema: s1, materialized: before, sql: sqlBefore })]);
        const rec = recording(real);
        const [result] = await run(rec.adapter, [model('t', { schema: s1, materialized: 'table', sql: 'select 2 as x union all select 3' })]);
        expect(result!.status).toBe('success');
        expect(result!.message).toBe('CREATE TABLE (2 rows)');
        const own = rec.borrows.filter((b) => b.some((sql) => sql.includes('create table')));
        expect(own).toHaveLength(1);
        expect(own[0]).toHaveLength(2);
        expect(own[0]![0]).toMatch(/^drop table if exists .*__strata_tmp.* cascade; create table /);
        expect(own[0]![1]).toMatch(new RegExp(`^begin; drop ${before} if exists .* cascade; alter table .* rename to .*; commit$`));
        expect(rec.calls).toContain('relationKind');
        expect(await q(`select x from ${rel(s1, 't')} order by x`)).toEqual([{ x: 2 }, { x: 3 }]);
      }
    });

    it('a kind that changed during the build is looked up again and the swap retried', async () => {
      await run(real, [model('k', { schema: s1, materialized: 'table', sql: 'select 1 as x' })]);
      // The lookup made during the build answers 'view' (as if the relation changed since): the
      // swap's `drop view` fails and is rolled back, the live lookup says 'table', the retry swaps.
      const rec = recording(real, () => 'view');
      const [result] = await run(rec.adapter, [model('k', { schema: s1, materialized: 'table', sql: 'select 9 as x' })]);
      expect(result!.status).toBe('success');
      expect(rec.calls).toContain('relationKind (on conn)');
      expect(await q(`select x from ${rel(s1, 'k')}`)).toEqual([{ x: 9 }]);
      expect(await real.relationKind({ schema: s1, identifier: 'k__strata_tmp' })).toBeUndefined();
    });
  });
}
