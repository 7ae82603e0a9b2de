import { describe, expect, it } from 'vitest';
import { compileFixture, makeProject, thrown } from './compiler-fixture.js';
import type { Project, TestDeclaration } from '../../src/project/types.js';

const decl = (name: string, args: Record<string, unknown> = {}, line = 7): TestDeclaration => ({ name, args, file: 'models/schema.yml', line });

function project(columns: Record<string, TestDeclaration[]>, tableTests: TestDeclaration[] = [], extra: Partial<Parameters<typeof makeProject>[0]> = {}): Project {
  return makeProject({
    models: { 'orders.sql': 'select 1 as id', 'customers.sql': 'select 1 as id', ...(extra.models ?? {}) },
    modelProps: { orders: { tests: tableTests, columns: Object.entries(columns).map(([name, tests]) => ({ name, tests })) } },
    ...extra,
  });
}

describe('data test nodes', () => {
  it('adds a node per declaration with dbt names, metadata, dependencies and maps', () => {
    const m = compileFixture(project({ id: [decl('not_null'), decl('unique')], status: [decl('accepted_values', { values: ['a', 'b'] })], customer_id: [decl('relationships', { to: "ref('customers')", field: 'id' })] }));
    const nn = m.nodes['test.demo.not_null_orders_id']!;
    expect(nn).toMatchObject({ resource_type: 'test', test_type: 'data', column_name: 'id', attached_node: 'model.demo.orders', original_file_path: 'models/schema.yml', line: 7 });
    expect(nn.test_metadata).toEqual({ name: 'not_null', kwargs: { column_name: 'id' } });
    expect(nn.config).toMatchObject({ severity: 'error', warn_if: '!=0', error_if: '!=0', store_failures: false });
    expect(nn.compiled_code).toBe('select * from "main"."orders" where "id" is null');
    expect(nn.batch_predicate).toBe('"id" is null');
    expect(m.nodes['test.demo.accepted_values_orders_status__a__b']!.compiled_code).toContain(`"status" not in ('a', 'b')`);
    const rel = m.nodes['test.demo.relationships_orders_customer_id__id__ref_customers_']!;
    expect(rel.depends_on.nodes).toEqual(['model.demo.customers', 'model.demo.orders']);
    expect(rel.compiled_code).toContain('from "main"."customers"');
    expect(m.child_map['model.demo.customers']).toContain(rel.unique_id);
    expect(m.parent_map[rel.unique_id]).toEqual(rel.depends_on.nodes);
    expect(m.nodes['test.demo.unique_orders_id']!.batch_predicate).toBeUndefined();
  });

  it('reports an unknown test with the closest name at the YAML line', () => {
    const e = thrown(() => compileFixture(project({ id: [decl('not_nul', {}, 12)] })));
    expect(e.message).toContain("unknown test 'not_nul'");
    expect(e).toMatchObject({ file: 'models/schema.yml', line: 12 });
    expect(e.hint).toContain('not_null');
  });
});

describe('data test declarations: config and errors', () => {
  it('merges project.yml data_tests folder config under the declaration', () => {
    const p = project({ id: [decl('not_null', { severity: 'WARN', tags: ['t1'] }), decl('unique', { config: { warn_if: '> 10', where: 'id > 0', limit: 5 } })] });
    p.config.dataTests = { '+tags': ['dq'], demo: { '+severity': 'warn', '+store_failures': true } };
    const m = compileFixture(p);
    const nn = m.nodes['test.demo.not_null_orders_id']!;
    expect(nn.config).toMatchObject({ severity: 'warn', store_failures: true });
    expect(nn.tags).toEqual(['dq', 't1']);
    expect(nn.fqn).toEqual(['demo', 'not_null_orders_id']);
    const u = m.nodes['test.demo.unique_orders_id']!;
    expect(u.config).toMatchObject({ severity: 'warn', warn_if: '>10', where: 'id > 0', limit: 5 });
    expect(u.compiled_code).toBe(
      'select * from (select "id" as unique_field, count(*) as n_records from (select * from "main"."orders" where id > 0) as strata_subquery ' +
        'where "id" is not null group by "id" having count(*) > 1) as strata_limited limit 5',
    );
    expect(m.nodes['test.demo.unique_orders_id']!.relation).toEqual({ schema: 'main_audit', identifier: 'unique_orders_id' });
  });

  it('folds where into the batch predicate', () => {
    const m = compileFixture(project({ status: [decl('accepted_values', { values: ["O'Brien"], where: 'id > 1' })] }));
    const t = Object.values(m.nodes).find((x) => x.resource_type === 'test')!;
    expect(t.batch_predicate).toBe(`(id > 1) and ("status" is not null and "status" not in ('O''Brien'))`);
  });

  it('leaves out disabled tests and tests of disabled models', () => {
    const p = project({ id: [decl('not_null', { enabled: false }), decl('unique')] });
    p.config.models = { demo: { orders: { '+enabled': false } } };
    expect(Object.values(compileFixture(p).nodes).filter((x) => x.resource_type === 'test')).toEqual([]);
    const m = compileFixture(project({ id: [decl('not_null', { config: { enabled: false } }), decl('unique')] }));
    expect(Object.keys(m.nodes).filter((id) => id.startsWith('test.'))).toEqual(['test.demo.unique_orders_id']);
  });

  it.each([
    ['accepted_values', {}, "needs the argument 'values'"],
    ['accepted_values', { values: [] }, 'non-empty list'],
    ['accepted_values', { values: ['x; drop'], quote: false }, 'quote: false'],
    ['relationships', { to: "ref('customers')" }, "needs the argument 'field'"],
    ['relationships', { to: "ref('custmers')", field: 'id' }, "unknown model 'custmers'"],
    ['accepted_range', {}, "needs 'min_value' or 'max_value'"],
    ['not_null', { severity: 'fatal' }, "severity must be 'error' or 'warn'"],
    ['not_null', { warn_if: 'lots' }, 'warn_if must be a comparison'],
    ['not_null', { error_if: '>= x' }, 'error_if must be a comparison'],
    ['not_null', { limit: -1 }, 'limit must be a non-negative integer'],
    ['recency', { field: 'ts', max_age: 'soon' }, "max_age must look like '7 days'"],
    ['recency', { field: 'ts', datepart: 'fortnight', interval: 1 }, "unknown datepart 'fortnight'"],
  ])('%s %j → UserError at the declaration', (name, args, message) => {
    const e = thrown(() => compileFixture(project({ id: [decl(name, args, 21)] })));
    expect(e.name).toBe('UserError');
    expect(e.message).toContain(message);
    expect(e).toMatchObject({ file: 'models/schema.yml', line: 21 });
  });

  it('rejects a table-level test under a column and a column test without a column', () => {
    expect(thrown(() => compileFixture(project({ id: [decl('row_count', { min: 1 })] }))).message).toContain('tests a whole table');
    expect(thrown(() => compileFixture(project({}, [decl('not_null')]))).message).toContain('tests a column');
    const m = compileFixture(project({}, [decl('not_null', { column_name: 'id' })]));
    expect(m.nodes['test.demo.not_null_orders_id']!.column_name).toBe('id');
  });
});

describe('data test names', () => {
  it('gives duplicates a deterministic hash suffix and long names a hashed cut', () => {
    const build = () => compileFixture(project({ id: [decl('not_null', {}, 3), decl('not_null', { severity: 'warn' }, 4), decl('accepted_values', { values: Array.from({ length: 20 }, (_, i) => `value_${i}`) })] }));
    const names = Object.keys(build().nodes).filter((id) => id.startsWith('test.'));
    expect(names).toEqual(Object.keys(build().nodes).filter((id) => id.startsWith('test.')));
    expect(names[0]).toBe('test.demo.not_null_orders_id');
    expect(names[1]).toMatch(/^test\.demo\.not_null_orders_id_[0-9a-f]{10}$/);
    const long = names[2]!.slice('test.demo.'.length);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^accepted_values_orders_id__val_[0-9a-f]+$/);
  });

  it('uses the name override and rejects a name used twice', () => {
    const m = compileFixture(project({ id: [decl('not_null', { name: 'ids_present' })] }));
    expect(m.nodes['test.demo.ids_present']!.test_metadata!.name).toBe('not_null');
    const e = thrown(() => compileFixture(project({ id: [decl('not_null', { name: 'x' }), decl('unique', { name: 'x' }, 9)] })));
    expect(e).toMatchObject({ message: "two tests are named 'x'", line: 9 });
  });

  it('names source tests source_<source>_<table> and records a namespace', () => {
    const m = compileFixture(makeProject({ sources: [{ sourceName: 'raw', name: 'orders', tests: [decl('dbt_utils.not_empty')], columns: [{ name: 'id', meta: {}, tags: [], line: 3, tests: [decl('not_null')] }] }] }));
    expect(m.nodes['test.demo.not_null_source_raw_orders_id']!.attached_node).toBe('source.demo.raw.orders');
    expect(m.nodes['test.demo.not_empty_source_raw_orders']!.test_metadata).toEqual({ name: 'not_empty', namespace: 'dbt_utils', kwargs: {} });
    expect(m.child_map['source.demo.raw.orders']).toHaveLength(2);
  });
});
