/**
 * The example project at the repo root builds on every warehouse, and its features are
 * point-in-time correct: recomputed independently from fct_orders, they match exactly.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS, type TestAdapter } from '../support/adapters.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the example project with a profiles.yml for this adapter. */
function copyExample(a: TestAdapter): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-example-'));
  dirs.push(dir);
  for (const entry of ['project.yml', 'models', 'seeds', 'macros']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.sql'))) {
    cpSync(join(ROOT, 'tests', f), join(dir, 'tests', f));
  }
  writeFileSync(join(dir, 'profiles.yml'), a.profilesYml('strata_example', a.uniqueSchema('example')));
  return dir;
}

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`example project on ${a.name}`, () => {
    it('builds cleanly, with point-in-time correct features', async () => {
      const dir = copyExample(a);
      const summary = await build({ projectDir: dir });
      const bad = summary.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped');
      expect(bad).toEqual([]);
      const built = summary.results.filter((r) => r.status === 'success').map((r) => r.unique_id.split('.').at(-1));
      expect(built).toEqual(expect.arrayContaining(['raw_orders', 'raw_customers', 'stg_orders', 'stg_customers', 'fct_orders', 'dim_customers', 'customer_features']));

      const project = await loadProject({ projectDir: dir });
      const s = project.target.schema;
      const adapter = await createAdapter(project.target);
      try {
        const q = async (sql: string) => (await adapter.withConnection((c) => c.query(sql))).rows;
        // The reference's example: a customer's weekly row counts only orders strictly before feature_time.
        const c007 = await q(
          `select orders_7d, orders_30d, revenue_30d, days_since_last_order from "${s}_features"."customer_features"
           where customer_id = 'C007' and cast(feature_time as varchar) = '2025-11-10'`,
        );
        expect(c007).toEqual([{ orders_7d: 2, orders_30d: 4, revenue_30d: 438.97, days_since_last_order: 6 }]);
        // Independent recomputation of orders_30d over every row: no row may count an order at or after feature_time.
        const mismatches = await q(
          `select count(*) as n from "${s}_features"."customer_features" f
           where f.orders_30d <> (
             select count(*) from "${s}_marts"."fct_orders" o
             where o.customer_id = f.customer_id
               and o.order_ts < cast(f.feature_time as timestamp)
               and o.order_ts >= cast(f.feature_time as timestamp) - interval '30 days')`,
        );
        expect(mismatches).toEqual([{ n: 0 }]);
        const staged = await q(`select count(*) as n, count(distinct order_id) as d, min(amount) as lo from "${s}_staging"."stg_orders"`);
        expect(staged[0]!.n).toBe(staged[0]!.d); // deduplicated
        expect(Number(staged[0]!.lo)).toBeGreaterThanOrEqual(0); // no negative amounts
      } finally {
        await adapter.close();
      }
    });
  });
}
