/** The build/run/seed API end to end on every warehouse (DuckDB and a real PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { build, run, seed } from '../../src/index.js';
import type { StrataEvent } from '../../src/api/events.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS, type TestAdapter } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';


function project(a: TestAdapter, files: Record<string, string>): string {
  return writeProject({ 'profiles.yml': a.profilesYml('demo', a.uniqueSchema('build')), ...files });
}

async function query(dir: string, sql: (schema: string) => string): Promise<Record<string, unknown>[]> {
  const p = await loadProject({ projectDir: dir });
  const adapter = await createAdapter(p.target);
  try {
    return (await adapter.withConnection((c) => c.query(sql(p.target.schema)))).rows;
  } finally {
    await adapter.close();
  }
}

const LAYERS = {
  'project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    marts:\n      +materialized: table\n      +tags: [mart]\n',
  'seeds/raw_orders.csv': 'order_id,amount\n1,10.5\n2,-3\n3,4\n',
  'models/staging/stg_orders.sql': "select order_id, amount from {{ ref('raw_orders') }} where amount >= 0",
  'models/marts/fct_revenue.sql': "select count(*) as orders, sum(amount) as revenue from {{ ref('stg_orders') }}",
};

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`build on ${a.name}`, () => {
    it('builds layer by layer with folder config, and reports events in DAG order', async () => {
      const dir = project(a, LAYERS);
      const events: StrataEvent[] = [];
      const summary = await build({ projectDir: dir, onEvent: (e) => events.push(e) });
      expect(summary.success).toBe(true);
      expect(summary.results.map((r) => [r.unique_id, r.status])).toEqual([
        ['seed.demo.raw_orders', 'success'],
        ['model.demo.stg_orders', 'success'],
        ['model.demo.fct_revenue', 'success'],
      ]);
      const done = events.filter((e) => e.type === 'node_done').map((e) => (e as { action: string }).action);
      expect(done).toEqual(['seed', 'view', 'table']);
      const rows = await query(dir, (s) => `select orders, revenue from "${s}"."fct_revenue"`);
      expect(rows).toEqual([{ orders: 2, revenue: 14.5 }]);
      // Rebuilding is idempotent.
      expect((await build({ projectDir: dir })).success).toBe(true);
      expect(await query(dir, (s) => `select orders from "${s}"."fct_revenue"`)).toEqual([{ orders: 2 }]);
    });

    it('a failing rebuild leaves the previous table intact and skips only downstream', async () => {
      const dir = project(a, {
        ...LAYERS,
        'models/marts/fct_top.sql': "select * from {{ ref('fct_revenue') }}",
        'models/marts/independent.sql': 'select 1 as one',
      });
      expect((await build({ projectDir: dir })).success).toBe(true);
      updateProject(dir, { 'models/marts/fct_revenue.sql': "select count(*) as orders, sum(nope) as revenue from {{ ref('stg_orders') }}" });
      const summary = await run({ projectDir: dir });
      expect(summary.success).toBe(false);
      const status = Object.fromEntries(summary.results.map((r) => [r.unique_id, r.status]));
      expect(status).toEqual({
        'model.demo.stg_orders': 'success',
        'model.demo.fct_revenue': 'error',
        'model.demo.fct_top': 'skipped',
        'model.demo.independent': 'success',
      });
      expect(summary.results.find((r) => r.unique_id === 'model.demo.fct_top')!.message).toContain('fct_revenue');
      expect(await query(dir, (s) => `select orders from "${s}"."fct_revenue"`)).toEqual([{ orders: 2 }]);
    });

    it('seed honours column_types and --select', async () => {
      const dir = project(a, {
        ...LAYERS,
        'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: raw_orders\n    config:\n      column_types:\n        order_id: varchar(10)\n',
      });
      const summary = await seed({ projectDir: dir });
      expect(summary.results.map((r) => r.unique_id)).toEqual(['seed.demo.raw_orders']);
      expect(summary.results[0]!.adapter_response.rows_affected).toBe(3);
      const rows = await query(dir, (s) => `select order_id from "${s}"."raw_orders" order by order_id`);
      expect(rows).toEqual([{ order_id: '1' }, { order_id: '2' }, { order_id: '3' }]);
      const selected = await build({ projectDir: dir, select: ['tag:mart'] });
      expect(selected.results.map((r) => r.unique_id)).toEqual(['model.demo.fct_revenue']);
      // stg_orders was never built, so the mart fails on its missing input.
      expect(selected.results[0]!.status).toBe('error');
    });

    it('switches a relation between view and table', async () => {
      const dir = project(a, { 'models/m.sql': 'select 1 as x' });
      expect((await run({ projectDir: dir })).success).toBe(true);
      updateProject(dir, { 'models/m.sql': "{{ config(materialized='table') }}\nselect 2 as x" });
      expect((await run({ projectDir: dir })).success).toBe(true);
      expect(await query(dir, (s) => `select x from "${s}"."m"`)).toEqual([{ x: 2 }]);
      updateProject(dir, { 'models/m.sql': 'select 3 as x' });
      expect((await run({ projectDir: dir })).success).toBe(true);
      expect(await query(dir, (s) => `select x from "${s}"."m"`)).toEqual([{ x: 3 }]);
    });
  });
}
