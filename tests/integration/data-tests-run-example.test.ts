/**
 * The example project's tests on every warehouse: the build is green with the raw layer's
 * warnings in the validation report, and the staging tests WOULD catch the raw mess if staging
 * stopped cleaning it (stg_orders replaced by a pass-through → failures, downstream skipped).
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { ADAPTERS, type TestAdapter } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A copy of the example project (project.yml, models, seeds, macros, singular tests) in a temp dir. */
function exampleCopy(a: TestAdapter): string {
  const dir = writeProject({ 'profiles.yml': a.profilesYml('strata_example', a.uniqueSchema('example')) }, { name: 'strata_example' });
  cpSync(join(ROOT, 'project.yml'), join(dir, 'project.yml'));
  for (const folder of ['models', 'seeds', 'macros']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.sql'))) cpSync(join(ROOT, 'tests', f), join(dir, 'tests', f));
  return dir;
}

const PASS_THROUGH = `{{ config(materialized='view') }}
-- staging that stopped cleaning: every raw row, re-deliveries, bad timestamps and refunds included
select order_id, customer_id, order_ts, cast(order_ts as date) as order_date, amount, category, status, updated_at
from {{ ref('int_orders_cast') }}
`;

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`example project tests: ${a.name}`, () => {
    it('builds green; the raw mess shows as warnings; staging tests catch it when staging stops cleaning', async () => {
      const dir = exampleCopy(a);
      const green = await build({ projectDir: dir });
      const bad = green.results.filter((r) => r.status !== 'success' && r.status !== 'pass' && r.status !== 'warn');
      expect(bad).toEqual([]);
      expect(green.success).toBe(true);
      const report = green.report!;
      expect(report.validation_passed).toBe(true);
      expect(report.summary.fail).toBe(0);
      expect(report.summary.pass).toBeGreaterThan(30);
      // Every warning is about the raw layer, in the reference report's words.
      expect(report.failures.every((f) => f.node?.startsWith('seed.') && f.status === 'warn')).toBe(true);
      expect(report.warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^order_id has duplicate values \(\d+ rows\)$/),
          expect.stringMatching(/^amount has negative values \(\d+ rows\)$/),
          expect.stringMatching(/^order_ts has invalid timestamps \(\d+ rows\)$/),
        ]),
      );

      updateProject(dir, { 'models/staging/stg_orders.sql': PASS_THROUGH });
      const broken = await build({ projectDir: dir });
      expect(broken.success).toBe(false);
      const status = Object.fromEntries(broken.results.map((r) => [r.unique_id.split('.').pop(), r.status]));
      expect(status).toMatchObject({
        stg_orders: 'success',
        unique_stg_orders_order_id: 'fail',
        accepted_range_stg_orders_amount__0: 'fail',
        not_null_stg_orders_order_ts: 'fail',
        not_null_stg_orders_amount: 'fail',
        fct_orders: 'skipped',
        dim_customers: 'skipped',
        customer_features: 'skipped',
        stg_customers: 'success',
      });
      const failed = broken.report!;
      expect(failed.validation_passed).toBe(false);
      expect(failed.errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^order_id has duplicate values \(\d+ rows?\)$/),
          expect.stringMatching(/^amount has negative values \(\d+ rows?\)$/),
          expect.stringMatching(/^order_ts has null values \(\d+ rows?\)$/),
        ]),
      );
      const dupes = failed.failures.find((f) => f.test === 'unique_stg_orders_order_id')!;
      expect(dupes).toMatchObject({ node: 'model.strata_example.stg_orders', column: 'order_id', status: 'fail', severity: 'error' });
      expect(dupes.failing_rows).toBeGreaterThan(0);
      expect(dupes.sample_rows.length).toBeGreaterThan(0);
      expect(dupes.sample_rows.length).toBeLessThanOrEqual(5);
    });
  });
}
