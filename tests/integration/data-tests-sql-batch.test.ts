/**
 * The one-scan batch gives, for every batchable test type, with and without `where` and `limit`,
 * the same failure count as the test's own compiled query, on every warehouse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter, dialectFor } from '../../src/adapters/registry.js';
import type { Manifest, ManifestNode } from '../../src/compiler/types.js';
import { batchPredicate, buildBatchQuery } from '../../src/data-tests/batch.js';
import { ADAPTERS } from '../support/adapters.js';
import { compileFixture, makeProject } from '../unit/compiler-fixture.js';
import { createItems, decl, failures, TRICKY } from './data-tests-sql-fixture.js';

const COLUMN_TESTS = {
  id: [decl('not_null'), decl('not_null', { where: 'amount > 0', name: 'nn_id_positive' }), decl('accepted_range', { min_value: 1, max_value: 3, limit: 1, name: 'range_id_limited' })],
  status: [
    decl('not_null', { where: "code = 'x'", name: 'nn_status_x' }),
    decl('accepted_values', { values: ['a', 'b', TRICKY] }),
    decl('accepted_values', { values: ['a', 'b'], where: 'id is not null', name: 'av_status_where' }),
  ],
  amount: [
    decl('accepted_values', { values: [5, 50, 100], quote: false }),
    decl('accepted_range', { min_value: 0, max_value: 50 }),
    decl('accepted_range', { min_value: 0, max_value: 50, inclusive: false, name: 'range_exclusive' }),
    decl('accepted_range', { max: 10, where: "status <> 'a'", name: 'range_max_where' }),
    decl('expression_is_true', { expression: '>= 0', where: 'status is not null', name: 'amount_non_negative_where' }),
  ],
  ts: [decl('no_future_timestamps'), decl('accepted_range', { min_value: '2020-01-02', name: 'ts_after' }), decl('no_future_timestamps', { where: 'id > 2', name: 'nft_where' })],
};
const TABLE_TESTS = [decl('expression_is_true', { expression: 'amount >= 0 or code is null' }), decl('expression_is_true', { expression: 'amount < 60', where: 'ts is not null', name: 'expr_where' })];

/** Expected failure counts, to make sure the comparison is not vacuous. */
const EXPECTED: Record<string, number> = {
  not_null_items_id: 1,
  nn_id_positive: 1,
  range_id_limited: 1,
  nn_status_x: 0,
  [`accepted_values_items_status__a__b__it_s_drop_table_items_`]: 2,
  av_status_where: 2,
  accepted_values_items_amount__false__5__50__100: 3,
  accepted_range_items_amount__50__0: 2,
  range_exclusive: 4,
  range_max_where: 2,
  amount_non_negative_where: 0,
  no_future_timestamps_items_ts: 1,
  ts_after: 1,
  nft_where: 1,
  expr_where: 1,
};

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`one-scan batch: ${a.name}`, () => {
    let adapter: Adapter;
    let manifest: Manifest;
    const schema = a.uniqueSchema('dtbatch');

    beforeAll(async () => {
      adapter = await createAdapter(a.target({ schema }));
      await adapter.createSchema(schema);
      await createItems(adapter, schema);
      const project = makeProject({
        schema,
        models: { 'items.sql': 'select 1 as id' },
        modelProps: { items: { tests: TABLE_TESTS, columns: Object.entries(COLUMN_TESTS).map(([name, tests]) => ({ name, tests })) } },
      });
      manifest = compileFixture(project, {}, dialectFor(a.name));
    });
    afterAll(async () => {
      await adapter?.close();
    });

    const tests = (): ManifestNode[] => Object.values(manifest.nodes).filter((n) => n.resource_type === 'test');

    it('every declared test is batchable and has the expected failures alone', async () => {
      const all = tests();
      expect(all).toHaveLength(Object.values(COLUMN_TESTS).flat().length + TABLE_TESTS.length);
      for (const t of all) expect(batchPredicate(t), t.name).toBeDefined();
      const alone: Record<string, number> = {};
      for (const t of all) alone[t.name] = await failures(adapter, t.compiled_code!);
      for (const [name, n] of Object.entries(EXPECTED)) expect(alone[name], name).toBe(n);
    });

    it('one scan counts exactly what each test counts alone', async () => {
      const all = tests();
      const { sql, aliases } = buildBatchQuery(adapter.dialect, adapter.dialect.renderRelation({ schema, identifier: 'items' }), all);
      expect(sql.match(/ from /g)).toHaveLength(1);
      const res = await adapter.withConnection((c) => c.query(sql));
      const row = res.rows[0]!;
      for (const t of all) {
        expect(Number(row[aliases.get(t.unique_id)!]), t.name).toBe(await failures(adapter, t.compiled_code!));
      }
    });

    it('set-based tests have no batch predicate', () => {
      const project = makeProject({
        schema,
        models: { 'items.sql': 'select 1 as id' },
        modelProps: { items: { tests: [decl('row_count', { min: 1 }), decl('not_empty')], columns: [{ name: 'id', tests: [decl('unique')] }] } },
      });
      const m = compileFixture(project, {}, dialectFor(a.name));
      const all = Object.values(m.nodes).filter((n) => n.resource_type === 'test');
      expect(all).toHaveLength(3);
      for (const t of all) expect(batchPredicate(t)).toBeUndefined();
      expect(() => buildBatchQuery(adapter.dialect, 'x', all)).toThrow(/no batch predicate/);
    });
  });
}
