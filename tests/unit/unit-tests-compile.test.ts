/** Unit test declarations → manifest nodes: inputs substituted as CTEs, overrides, YAML errors at file:line. */
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { compileProject, compileWithRenderer } from '../../src/compiler/compile.js';
import { UserError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';


const MODEL = `{{ config(materialized='table') }}
select o.id, o.amount * {{ var('mult', 1) }} as amount, c.name
from {{ ref('orders') }} o join {{ source('raw', 'customers') }} c on c.id = o.id
{% if is_incremental() %}where o.id > 1{% endif %}
`;
const SOURCES = `sources:\n  - name: raw\n    tables:\n      - name: customers\n`;

async function compileFiles(files: Record<string, string>) {
  const dir = writeProject({ 'models/orders.sql': 'select 1 as id, 10 as amount', 'models/big.sql': MODEL, 'models/sources.yml': SOURCES, ...files });
  const project = await loadProject({ projectDir: dir });
  return compileWithRenderer(project, { dialect: dialectFor('duckdb', 'profiles.yml'), invocationId: 'i', runStartedAt: new Date(0) });
}

async function compileError(files: Record<string, string>): Promise<UserError> {
  try {
    await compileFiles(files);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('unit test nodes', () => {
  it('renders the model with each input as a CTE over quoted fixture rows, with overrides', async () => {
    const { manifest } = await compileFiles({
      'models/props.yml': `unit_tests:
  - name: t1
    model: big
    overrides:
      vars: {mult: 2}
      macros: {is_incremental: true}
    given:
      - input: ref('orders')
        rows: [{id: 1, amount: 5}, {id: 2, amount: 7}]
      - input: source('raw', 'customers')
        format: csv
        rows: |
          id,name
          1,"a, b"
          2,O'Brien; drop table x
    expect:
      rows: [{id: 2, amount: 14}]
`,
    });
    const node = manifest.nodes['unit_test.demo.big.t1']!;
    expect(node.resource_type).toBe('unit_test');
    expect(node.test_type).toBe('unit');
    expect(node.attached_node).toBe('model.demo.big');
    expect(node.depends_on.nodes).toEqual(['model.demo.orders', 'source.demo.raw.customers']);
    expect(manifest.child_map['model.demo.orders']).toContain('unit_test.demo.big.t1');
    const sql = node.compiled_code!;
    expect(sql).toMatch(/^\s*with __strata_input__orders as \(/);
    expect(sql).toContain('__strata_input__raw__customers as (');
    expect(sql).toContain(`'O''Brien; drop table x' as "name"`);
    expect(sql).toContain('o.amount * 2');
    expect(sql).toContain('where o.id > 1');
    expect(sql).not.toContain('"main"."orders"');
    expect(node.expect).toEqual({ columns: ['id', 'amount'], rows: [{ id: 2, amount: 14 }] });
    // The model itself still compiles against the real relations.
    expect(manifest.nodes['model.demo.big']!.compiled_code).toContain('"main"."orders"');
    expect(manifest.nodes['model.demo.big']!.compiled_code).not.toContain('where o.id > 1');
  });

  it('renderNodeWith substitutes only the given inputs and keeps the rest', async () => {
    const { renderNodeWith } = await compileFiles({});
    const sql = renderNodeWith('model.demo.big', { refs: { 'model.demo.orders': 'select * from "main"."orders" where id < 5' } });
    expect(sql).toContain('with __strata_input__orders as (\nselect * from "main"."orders" where id < 5\n)');
    expect(sql).toContain('"raw"."customers"');
  });

  it('a missing input names it, at the unit test', async () => {
    const e = await compileError({
      'models/props.yml': `unit_tests:\n  - name: t1\n    model: big\n    given:\n      - input: ref('orders')\n        rows: [{id: 1}]\n    expect: {rows: []}\n`,
    });
    expect(e.message).toContain("source('raw', 'customers'), which is not given");
    expect([e.file, e.line]).toEqual(['models/props.yml', 2]);
  });

  it('an input the model does not render is not required', async () => {
    const { manifest } = await compileFiles({
      'models/inc.sql': "select 1 as id {% if is_incremental() %} from {{ ref('orders') }}{% endif %}",
      'models/props.yml': 'unit_tests:\n  - name: t\n    model: inc\n    expect: {rows: [{id: 1}]}\n',
    });
    expect(manifest.nodes['unit_test.demo.inc.t']!.compiled_code).toContain('select 1 as id');
  });

  it('unknown model, unknown input and malformed given are UserErrors at file:line', async () => {
    const unknown = await compileError({ 'models/props.yml': 'unit_tests:\n  - name: t\n    model: bigg\n    expect: {rows: []}\n' });
    expect(unknown.message).toContain("unknown model 'bigg'");
    expect(unknown.hint).toContain("'big'");
    expect(unknown.line).toBe(2);
    const input = await compileError({ 'models/props.yml': "unit_tests:\n  - name: t\n    model: big\n    given:\n      - input: ref('order')\n        rows: []\n    expect: {rows: []}\n" });
    expect(input.message).toContain("unknown input ref('order')");
    expect(input.hint).toContain("ref('orders')");
    const malformed = await compileError({ 'models/props.yml': "unit_tests:\n  - name: t\n    model: big\n    given:\n      - input: ref('orders')\n        rows: [1, 2]\n    expect: {rows: []}\n" });
    expect(malformed.message).toContain('row 1 is not a mapping');
    expect(malformed.file).toBe('models/props.yml');
    const noExpect = await compileError({ 'models/props.yml': 'unit_tests:\n  - name: t\n    model: orders\n' });
    expect(noExpect.message).toContain('expect');
  });

  it('compileProject is compileWithRenderer().manifest', async () => {
    const dir = writeProject({ 'models/a.sql': 'select 1 as x' });
    const project = await loadProject({ projectDir: dir });
    const m = compileProject(project, { dialect: dialectFor('duckdb', 'p'), invocationId: 'i', runStartedAt: new Date(0) });
    expect(Object.keys(m.nodes)).toEqual(['model.demo.a']);
  });
});
