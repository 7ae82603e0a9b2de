/**
 * Every generic test's compiled SQL, run alone on every warehouse: passing and failing data,
 * relationships to models and sources, a custom generic test, a singular test, and YAML values
 * that look like SQL staying values.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter, dialectFor } from '../../src/adapters/registry.js';
import type { Manifest } from '../../src/compiler/types.js';
import type { TestDeclaration } from '../../src/project/types.js';
import { ADAPTERS } from '../support/adapters.js';
import { compileFixture, makeProject } from '../unit/compiler-fixture.js';
import { createItems, decl, failures, TRICKY } from './data-tests-sql-fixture.js';

const n = (name: string, test: string, args: Record<string, unknown> = {}): TestDeclaration => decl(test, { ...args, name });

/** Same declarations on every table; names prefixed by the table. */
function tableTests(t: string): { tests: TestDeclaration[]; columns: Array<{ name: string; tests: TestDeclaration[] }> } {
  return {
    tests: [
      n(`${t}_combo`, 'unique_combination_of_columns', { combination_of_columns: ['code'] }),
      n(`${t}_rows`, 'row_count', { max: 3 }),
      n(`${t}_rows_min`, 'row_count', { min: 1, max: 100 }),
      n(`${t}_not_empty`, 'not_empty'),
      n(`${t}_recent`, 'recency', { field: 'ts', max_age: '7 days' }),
      n(`${t}_recent_dp`, 'recency', { column: 'ts', datepart: 'day', interval: 7 }),
      n(`${t}_schema_ok`, 'expected_columns', { columns: { ID: 'INTEGER', status: 'text', amount: 'int4', ts: 'timestamp without time zone', code: 'character varying' } }),
      n(`${t}_schema_names`, 'expected_columns', { columns: ['id', 'parent_id'] }),
      n(`${t}_schema_bad`, 'expected_columns', { columns: { id: 'varchar', missing_col: 'integer', [TRICKY]: 'integer' } }),
    ],
    columns: [
      { name: 'id', tests: [n(`${t}_unique`, 'unique')] },
      { name: 'parent_id', tests: [n(`${t}_rel`, 'relationships', { to: "ref('parents')", field: 'id' })] },
      { name: 'ts', tests: [n(`${t}_future`, 'no_future_timestamps')] },
      { name: 'amount', tests: [n(`${t}_even`, 'is_even'), n(`${t}_gt`, 'greater_than', { value: -5 })] },
    ],
  };
}

const EXPECTED: Record<string, Record<string, number>> = {
  items: { combo: 1, rows: 1, rows_min: 0, not_empty: 0, recent: 0, recent_dp: 0, schema_ok: 0, schema_names: 0, schema_bad: 3, unique: 1, rel: 1, future: 1, even: 2, gt: 0 },
  good: { combo: 0, rows: 0, rows_min: 0, not_empty: 0, recent: 1, recent_dp: 1, schema_ok: 0, schema_names: 0, schema_bad: 3, unique: 0, rel: 0, future: 0, even: 1, gt: 0 },
  empty: { combo: 0, rows: 0, rows_min: 1, not_empty: 1, recent: 1, recent_dp: 1, schema_ok: 0, schema_names: 0, schema_bad: 3, unique: 0, rel: 0, future: 0, even: 0, gt: 0 },
};

const MACROS = {
  'tests.sql':
    '{% test is_even(model, column_name) %}select * from {{ model }} where {{ column_name }} % 2 <> 0{% endtest %}\n' +
    '{% test greater_than(model, column_name, value) %}select * from {{ model }} where not ({{ column_name }} > {{ value }}){% endtest %}\n',
};

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`generic and singular tests: ${a.name}`, () => {
    let adapter: Adapter;
    let manifest: Manifest;
    const schema = a.uniqueSchema('dtsql');
    const rel = (t: string) => adapter.dialect.renderRelation({ schema, identifier: t });

    beforeAll(async () => {
      adapter = await createAdapter(a.target({ schema }));
      await adapter.createSchema(schema);
      await createItems(adapter, schema);
      await adapter.withConnection(async (c) => {
        await c.execute(`create table ${rel('good')} as select * from ${rel('items')} where id = 1`);
        await c.execute(`create table ${rel('empty')} as select * from ${rel('items')} where 1 = 0`);
      });
      const singular = "select * from {{ ref('items') }} where amount < 0";
      const project = makeProject({
        schema,
        macros: MACROS,
        models: { 'items.sql': 'select 1', 'good.sql': 'select 1', 'empty.sql': 'select 1', 'parents.sql': 'select 1' },
        modelProps: { items: tableTests('items'), good: tableTests('good'), empty: tableTests('empty') },
        sources: [
          { sourceName: 'raw', name: 'items', schema, identifier: 'items', columns: [{ name: 'parent_id', meta: {}, tags: [], line: 9, tests: [n('src_rel', 'relationships', { to: "source('raw', 'parents')", field: 'id' })] }, { name: 'id', meta: {}, tags: [], line: 9, tests: [n('src_nn', 'not_null')] }] },
          { sourceName: 'raw', name: 'parents', schema, identifier: 'parents' },
        ],
      });
      project.files.tests = [{ path: 'tests/assert_no_negative.sql', absPath: '/nowhere/tests/assert_no_negative.sql', relPath: 'assert_no_negative.sql', content: singular, checksum: createHash('sha256').update(singular).digest('hex') }];
      manifest = compileFixture(project, {}, dialectFor(a.name));
    });
    afterAll(async () => {
      await adapter?.close();
    });

    for (const table of Object.keys(EXPECTED)) {
      it(`every generic test on '${table}' counts its failing rows`, async () => {
        const got: Record<string, number> = {};
        for (const key of Object.keys(EXPECTED[table]!)) got[key] = await failures(adapter, manifest.nodes[`test.demo.${table}_${key}`]!.compiled_code!);
        expect(got).toEqual(EXPECTED[table]);
      });
    }

    it('relationships and not_null on sources', async () => {
      const relTest = manifest.nodes['test.demo.src_rel']!;
      expect(relTest.depends_on.nodes).toEqual(['source.demo.raw.items', 'source.demo.raw.parents']);
      expect(relTest.attached_node).toBe('source.demo.raw.items');
      expect(await failures(adapter, relTest.compiled_code!)).toBe(1);
      expect(await failures(adapter, manifest.nodes['test.demo.src_nn']!.compiled_code!)).toBe(1);
    });

    it('a custom generic test gets model, column_name and its arguments', () => {
      const t = manifest.nodes['test.demo.items_gt']!;
      expect(t.test_metadata).toEqual({ name: 'greater_than', kwargs: { value: -5, column_name: 'amount' } });
      expect(t.depends_on.macros).toEqual(['macro.demo.test_greater_than']);
      expect(t.compiled_code).toBe(`select * from ${rel('items')} where not ("amount" > -5)`);
    });

    it('a singular test is rendered like a model and depends on its refs', async () => {
      const t = manifest.nodes['test.demo.assert_no_negative']!;
      expect(t).toMatchObject({ resource_type: 'test', test_type: 'data', original_file_path: 'tests/assert_no_negative.sql' });
      expect(t.depends_on.nodes).toEqual(['model.demo.items']);
      expect(manifest.child_map['model.demo.items']).toContain(t.unique_id);
      expect(await failures(adapter, t.compiled_code!)).toBe(1);
    });

    it('a value with quotes and semicolons is a value, never SQL', async () => {
      const project = makeProject({
        schema,
        models: { 'items.sql': 'select 1' },
        modelProps: { items: { columns: [{ name: 'status', tests: [n('tricky_av', 'accepted_values', { values: [TRICKY, 'a', 'b', 'c', 'A'] })] }, { name: TRICKY, tests: [n('tricky_col', 'not_null')] }] } },
      });
      const m = compileFixture(project, {}, dialectFor(a.name));
      expect(await failures(adapter, m.nodes['test.demo.tricky_av']!.compiled_code!)).toBe(0);
      // A column named like an injection is a (missing) column: the warehouse says so; nothing is dropped.
      await expect(failures(adapter, m.nodes['test.demo.tricky_col']!.compiled_code!)).rejects.toThrow();
      expect(await failures(adapter, `select * from ${rel('items')}`)).toBe(6);
    });
  });
}
