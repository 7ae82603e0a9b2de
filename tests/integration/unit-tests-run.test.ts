/** Unit tests run on the real warehouse (DuckDB and PostgreSQL) with inputs substituted. */
import { describe, expect, it } from 'vitest';
import { createAdapter, dialectFor } from '../../src/adapters/registry.js';
import { compileProject } from '../../src/compiler/compile.js';
import { runUnitTest } from '../../src/data-tests/unit-run.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS, type TestAdapter } from '../support/adapters.js';
import { writeProject } from '../support/project.js';


const FILES = {
  'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: customers\n',
  'models/orders.sql': 'select 1 as id, 10 as amount, 1 as customer_id',
  'models/revenue.sql': `{{ config(materialized='incremental') }}
select c.name, sum(o.amount) * {{ var('fx', 1) }} as revenue, count(*) as orders, max(o.day) as last_day
from {{ ref('orders') }} o
join {{ source('raw', 'customers') }} c on c.id = o.customer_id
{% if is_incremental() %}where o.amount > 0{% endif %}
group by c.name
`,
};

const GIVEN = `    given:
      - input: ref('orders')
        rows:
          - {id: 1, amount: 10.5, customer_id: 1, day: 2024-01-02}
          - {id: 2, amount: -3, customer_id: 1, day: 2024-01-05}
          - {id: 3, amount: 4, customer_id: 2, day: 2024-01-01}
      - input: source('raw', 'customers')
        format: csv
        rows: |
          id,name
          1,O'Brien
          2,"Smith; drop table x"
`;

async function runAll(a: TestAdapter, unitTests: string) {
  const dir = writeProject({ ...FILES, 'profiles.yml': a.profilesYml('demo', a.uniqueSchema('unit')), 'models/unit.yml': `unit_tests:\n${unitTests}` });
  const project = await loadProject({ projectDir: dir });
  const manifest = compileProject(project, { dialect: dialectFor(project.target.type, project.target.file), invocationId: 'i', runStartedAt: new Date() });
  const adapter = await createAdapter(project.target);
  try {
    const out: Record<string, Awaited<ReturnType<typeof runUnitTest>>> = {};
    for (const node of Object.values(manifest.nodes)) {
      if (node.resource_type === 'unit_test') out[node.name] = await adapter.withConnection((c) => runUnitTest(node, c));
    }
    return out;
  } finally {
    await adapter.close();
  }
}

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`unit tests on ${a.name}`, () => {
    it('passes with given ref and source (dict and csv), order-insensitive, on the expected columns only', async () => {
      const r = await runAll(a, `  - name: sums
    model: revenue
${GIVEN}    expect:
      rows:
        - {name: "Smith; drop table x", revenue: 4, last_day: 2024-01-01}
        - {name: "O'Brien", revenue: 7.5, last_day: 2024-01-05}
`);
      expect(r.sums).toEqual({ status: 'pass', failures: 0, message: 'PASS' });
    });

    it('fails with a row diff (+ expected, - actual)', async () => {
      const r = await runAll(a, `  - name: wrong
    model: revenue
${GIVEN}    expect:
      format: csv
      rows: |
        name,orders
        O'Brien,2
        Smith; drop table x,2
`);
      expect(r.wrong!.status).toBe('fail');
      expect(r.wrong!.failures).toBe(2);
      expect(r.wrong!.message).toContain('+ name="Smith; drop table x", orders=2');
      expect(r.wrong!.message).toContain('- name="Smith; drop table x", orders=1');
      expect(r.wrong!.message).not.toContain("O'Brien");
    });

    it('vars and is_incremental overrides change the rendered model', async () => {
      const r = await runAll(a, `  - name: incremental
    model: revenue
    overrides:
      vars: {fx: 2}
      macros: {is_incremental: true}
${GIVEN}    expect:
      rows:
        - {name: "O'Brien", revenue: 21, orders: 1}
        - {name: "Smith; drop table x", revenue: 8, orders: 1}
`);
      expect(r.incremental).toMatchObject({ status: 'pass' });
    });

    it('an expected column the model lacks fails naming it; empty expectations match empty output', async () => {
      const r = await runAll(a, `  - name: nocol
    model: revenue
${GIVEN}    expect:
      rows: [{name: x, margin: 1}]
  - name: empty
    model: orders
    expect:
      rows: []
`);
      expect(r.nocol!.status).toBe('fail');
      expect(r.nocol!.message).toContain('margin not in the model');
      expect(r.empty!.status).toBe('fail'); // orders returns one row; none expected
      expect(r.empty!.message).toContain('- ');
    });
  });
}

describe('unit tests through strata test', () => {
  it('runs as unit_test steps, selectable with test_type:unit, failing the run with a diff', async () => {
    const { test } = await import('../../src/api/test.js');
    const dir = writeProject({
      'models/orders.sql': 'select 1 as id, 10 as amount',
      'models/total.sql': "select sum(amount) as total from {{ ref('orders') }}",
      'models/unit.yml': "unit_tests:\n  - name: sums\n    model: total\n    given:\n      - input: ref('orders')\n        rows: [{amount: 2}, {amount: 3}]\n    expect:\n      rows: [{total: 6}]\n",
    });
    const summary = await test({ projectDir: dir, select: ['test_type:unit'] });
    expect(summary.results.map((r) => [r.unique_id, r.status, r.failures])).toEqual([['unit_test.demo.total.sums', 'fail', 2]]);
    expect(summary.results[0]!.message).toContain('+ total=6');
    expect(summary.results[0]!.message).toContain('- total=5');
    expect(summary.success).toBe(false);
  });
});
