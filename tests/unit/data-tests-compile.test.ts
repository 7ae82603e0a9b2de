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
