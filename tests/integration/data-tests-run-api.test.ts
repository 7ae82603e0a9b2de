/**
 * `build` and `test` with compiled data tests on every warehouse: gating in build, test
 * selection, run_results per test, the validation report, JUnit XML, batching equivalence.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, test } from '../../src/index.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import type { ValidationReport } from '../../src/data-tests/report.js';
import { ADAPTERS, type TestAdapter } from '../support/adapters.js';
import { writeProject } from '../support/project.js';


function project(a: TestAdapter, files: Record<string, string>): string {
  return writeProject({ 'profiles.yml': a.profilesYml('demo', a.uniqueSchema('dtapi')), ...files });
}

const FILES = {
  'seeds/raw_orders.csv': 'order_id,status,amount\n1,placed,10\n2,placed,-5\n2,shipped,7\n3,lost,3\n4,placed,\n',
  'models/stg_orders.sql': "select order_id, status, amount from {{ ref('raw_orders') }}",
  'models/fct_orders.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }}",
  'models/fct_summary.sql': "select count(*) as n from {{ ref('fct_orders') }}",
  'models/other.sql': 'select 1 as one',
  'models/schema.yml': `version: 2
models:
  - name: stg_orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values: {values: [placed, shipped], config: {severity: warn}}
      - name: amount
        data_tests:
          - accepted_range: {min_value: 0}
          - not_null: {config: {warn_if: '>5', error_if: '>5'}}
`,
  'tests/no_order_zero.sql': "select * from {{ ref('stg_orders') }} where order_id = 0",
};

/** Minimal XML well-formedness check: balanced tags, quoted attributes, no raw & or <. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    for (const attr of (m[3] ?? '').matchAll(/="([^"]*)"/g)) expect(attr[1]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`data tests through the API: ${a.name}`, () => {
    it('build runs each node then its tests; a failing test skips downstream; report and JUnit are written', async () => {
      const dir = project(a, FILES);
      const junit = join(dir, 'out', 'junit.xml');
      const summary = await build({ projectDir: dir, junitXml: junit, invocationId: 'run-1' });
      expect(summary.success).toBe(false);
      const byName = Object.fromEntries(summary.results.map((r) => [r.unique_id.split('.').pop(), r]));
      const status = (n: string) => byName[n]?.status;
      expect(status('raw_orders')).toBe('success');
      expect(status('stg_orders')).toBe('success');
      expect(status('unique_stg_orders_order_id')).toBe('fail');
      expect(byName.unique_stg_orders_order_id!.failures).toBe(1);
      expect(byName.unique_stg_orders_order_id!.message).toBe('FAIL 1');
      expect(status('accepted_range_stg_orders_amount__0')).toBe('fail');
      expect(status('accepted_values_stg_orders_status__placed__shipped')).toBe('warn');
      expect(byName.accepted_values_stg_orders_status__placed__shipped!.failures).toBe(1);
      expect(status('not_null_stg_orders_amount')).toBe('pass'); // 1 null, thresholds >5
      expect(status('not_null_stg_orders_order_id')).toBe('pass');
      expect(status('no_order_zero')).toBe('pass');
      // Downstream of the failing tests: skipped, naming a failed test. Unrelated: built.
      expect(status('fct_orders')).toBe('skipped');
      expect(byName.fct_orders!.message).toMatch(/^skipped: upstream (unique_stg_orders_order_id|accepted_range_stg_orders_amount__0) failed$/);
      expect(status('fct_summary')).toBe('skipped');
      expect(status('other')).toBe('success');

      // run_results.json: a result per test with status, failures, compiled SQL and timing.
      const rr = JSON.parse(readFileSync(summary.runResultsPath, 'utf8')) as { results: Array<Record<string, unknown>> };
      const unique = rr.results.find((r) => r.unique_id === 'test.demo.unique_stg_orders_order_id')!;
      expect(unique).toMatchObject({ status: 'fail', failures: 1 });
      expect(String(unique.compiled_code)).toMatch(/order_id/);
      expect((unique.timing as unknown[]).length).toBe(1);

      // The validation report.
      expect(summary.reportPath).toBe(join(dir, 'target', 'reports', 'run-1.json'));
      const report = JSON.parse(readFileSync(summary.reportPath!, 'utf8')) as ValidationReport;
      expect(report.run_id).toBe('run-1');
      expect(report.validation_passed).toBe(false);
      expect(report.summary).toMatchObject({ pass: 3, warn: 1, fail: 2, error: 0 });
      expect(report.errors.sort()).toEqual(['amount has negative values (1 row)', 'order_id has duplicate values (1 row)']);
      expect(report.warnings).toEqual(['status has values outside the accepted list (placed, shipped) (1 row)']);
      const range = report.failures.find((f) => f.test === 'accepted_range_stg_orders_amount__0')!;
      expect(range).toMatchObject({ node: 'model.demo.stg_orders', column: 'amount', test_type: 'accepted_range', severity: 'error', status: 'fail', failing_rows: 1 });
      expect(range.sample_rows.map((r) => Number(r.amount))).toEqual([-5]);
      expect(range.compiled_sql).toContain('amount');
      const warn = report.failures.find((f) => f.status === 'warn')!;
      expect(warn.severity).toBe('warn');
      expect(warn.sample_rows.map((r) => r.status)).toEqual(['lost']);

      // JUnit XML.
      const xml = readFileSync(junit, 'utf8');
      assertWellFormedXml(xml);
      expect(xml).toContain('<testsuite name="strata build"');
      expect(xml).toMatch(/<testcase classname="test\.[^"]*" name="unique_stg_orders_order_id"[^>]*>\s*<failure message="FAIL 1"/);
      expect(xml).toMatch(/name="fct_orders"[^>]*>\s*<skipped/);
      expect((xml.match(/<failure /g) ?? []).length).toBe(2);
    });

    it('test runs only the selected tests against what is built; selection by model, test_type and test_name', async () => {
      const dir = project(a, FILES);
      // Nothing built yet: every test errors, and nothing is built by `test`.
      const cold = await test({ projectDir: dir, select: ['test_name:not_null'] });
      expect(cold.results.every((r) => r.status === 'error')).toBe(true);
      expect(cold.report!.validation_passed).toBe(false);
      expect(cold.report!.errors[0]).toMatch(/could not run/);

      await build({ projectDir: dir, exclude: ['resource_type:test'] });
      const names = (s: Awaited<ReturnType<typeof test>>) => s.results.map((r) => r.unique_id.split('.').pop()).sort();
      const all = await test({ projectDir: dir });
      expect(all.results.every((r) => r.unique_id.startsWith('test.'))).toBe(true);
      expect(all.results).toHaveLength(6);
      expect(all.success).toBe(false);

      const onlyNotNull = await test({ projectDir: dir, select: ['test_name:not_null'] });
      expect(names(onlyNotNull)).toEqual(['not_null_stg_orders_amount', 'not_null_stg_orders_order_id']);
      expect(onlyNotNull.success).toBe(true);
      expect(onlyNotNull.report!.validation_passed).toBe(true);

      const byModel = await test({ projectDir: dir, select: ['stg_orders'] });
      expect(names(byModel)).toEqual(names(all));
      const data = await test({ projectDir: dir, select: ['test_type:data'] });
      expect(names(data)).toEqual(names(all));
      const singular = await test({ projectDir: dir, select: ['test_type:singular'] });
      expect(names(singular)).toEqual(['no_order_zero']);
      // A warning alone does not fail the run.
      const warnOnly = await test({ projectDir: dir, select: ['test_name:accepted_values'] });
      expect(warnOnly.results.map((r) => r.status)).toEqual(['warn']);
      expect(warnOnly.success).toBe(true);
      expect(warnOnly.report!.validation_passed).toBe(true);
    });

    it('store_failures saves a compiled test\u2019s failing rows in <schema>_audit', async () => {
      const dir = project(a, {
        ...FILES,
        'models/schema.yml': FILES['models/schema.yml'].replace(
          '- accepted_range: {min_value: 0}',
          '- accepted_range: {min_value: 0, config: {store_failures: true}}',
        ),
      });
      const summary = await build({ projectDir: dir });
      expect(summary.results.find((r) => r.unique_id.endsWith('accepted_range_stg_orders_amount__0'))!.status).toBe('fail');
      const p = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(p.target);
      try {
        const audit = adapter.dialect.renderRelation({ schema: `${p.target.schema}_audit`, identifier: 'accepted_range_stg_orders_amount__0' });
        const rows = (await adapter.withConnection((c) => c.query(`select order_id, amount from ${audit}`))).rows;
        expect(rows.map((r) => [Number(r.order_id), Number(r.amount)])).toEqual([[2, -5]]);
      } finally {
        await adapter.close();
      }
    });

    it('one scan per model gives the same results as each test alone', async () => {
      const dir = project(a, FILES);
      await build({ projectDir: dir, exclude: ['resource_type:test'] });
      const view = (s: Awaited<ReturnType<typeof test>>) => s.results.map((r) => [r.unique_id, r.status, r.failures, r.message]);
      // Batching forced on: the default follows the warehouse (prefersBatchedTests).
      const batched = await test({ projectDir: dir, batchTests: true });
      const alone = await test({ projectDir: dir, batchTests: false });
      expect(view(batched)).toEqual(view(alone));
      expect(view(batched).filter((v) => v[1] !== 'pass').length).toBe(3);
      expect(existsSync(batched.reportPath!)).toBe(true);
    });
  });
}
