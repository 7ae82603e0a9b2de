/**
 * Data tests as plan steps, on every warehouse, with hand-built test nodes (no compiler):
 * statuses and thresholds, severity warn vs error gating, skip-downstream on a failing test,
 * multi-parent tests, store_failures, and one-scan batching equivalent to running each test alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { buildBatchQuery } from '../../src/data-tests/batch.js';
import { createAdapter } from '../../src/adapters/registry.js';
import type { Manifest, ManifestNode, NodeConfig } from '../../src/compiler/types.js';
import type { BatchQueryBuilder } from '../../src/data-tests/run-batch.js';
import { TestRun } from '../../src/data-tests/run-test.js';
import { createRunActions } from '../../src/execution/actions.js';
import { executePlan } from '../../src/execution/execute.js';
import { planRun } from '../../src/execution/plan.js';
import { ProjectGraph } from '../../src/graph/graph.js';
import { selectNodes } from '../../src/graph/select.js';
import type { NodeResult } from '../../src/execution/types.js';
import { makeManifest, makeNode, model } from '../support/manifest-fixture.js';
import { ADAPTERS } from '../support/adapters.js';

/** A data test node reading `deps` (first = attached node), selecting failing rows with `sql`. */
type TestExtra = Omit<Partial<ManifestNode>, 'config'> & { config?: Partial<NodeConfig> };

function testNode(name: string, sql: string, deps: string[], extra: TestExtra = {}): ManifestNode {
  const { config, ...rest } = extra;
  const node = makeNode('test', name, { sql, deps, file: `tests/${name}.sql`, config: { severity: 'error', warn_if: '!=0', error_if: '!=0', ...config } });
  return { ...node, test_type: 'data', attached_node: node.depends_on.nodes[0], ...rest };
}

const batchBuilder: BatchQueryBuilder = buildBatchQuery;

async function runAll(adapter: Adapter, manifest: Manifest, options: { batch?: boolean; targetSchema?: string } = {}) {
  const ids = Object.keys(manifest.nodes);
  const plan = planRun(manifest, ids);
  const testRun = new TestRun(manifest, ids, { batch: options.batch, buildBatch: batchBuilder, targetSchema: options.targetSchema });
  const results = await executePlan(plan, { manifest, adapter, projectRoot: '/' }, { threads: 4, failFast: false, fullRefresh: false }, createRunActions(testRun));
  const byName = Object.fromEntries(results.map((r) => [manifest.nodes[r.unique_id]!.name, r])) as Record<string, NodeResult>;
  return { results, byName, testRun, plan };
}

describe('plan: test gating (pure)', () => {
  const a = model('a', { sql: 'select 1 as id' });
  const b = model('b', { sql: 'select 1 as id' });
  const childA = model('child_a', { deps: ['a'] });
  const childAB = model('child_ab', { deps: ['a', 'b'] });
  const tA = testNode('not_null_a_id', 'select 1', ['a']);
  const rel = testNode('relationships_a_b', 'select 1', ['a', 'b']);
  const manifest = makeManifest([a, b, childA, childAB, tA, rel]);
  const plan = planRun(manifest, Object.keys(manifest.nodes));
  const waits = (name: string) => plan.steps.find((s) => s.unique_id.endsWith(`.${name}`))!.waitsFor.sort();

  it('tests wait for every node they read; children wait for their parents\u2019 tests', () => {
    expect(plan.steps.find((s) => s.unique_id === tA.unique_id)!.action).toBe('test');
    expect(waits('not_null_a_id')).toEqual(['model.demo.a']);
    expect(waits('relationships_a_b')).toEqual(['model.demo.a', 'model.demo.b']);
    // child_a does not read b, so the a→b relationships test does not gate it (no false cycle).
    expect(waits('child_a')).toEqual(['model.demo.a', tA.unique_id]);
    expect(waits('child_ab')).toEqual(['model.demo.a', 'model.demo.b', tA.unique_id, rel.unique_id].sort());
  });
});

describe('plan and selection: unit tests (pure)', () => {
  const raw = model('raw', { sql: 'select 1 as id' });
  const stg = model('stg', { deps: ['raw'] });
  const unit: ManifestNode = { ...makeNode('unit_test', 'stg_logic', { deps: ['raw'] }), attached_node: stg.unique_id };
  const manifest = makeManifest([raw, stg, unit]);
  const graph = ProjectGraph.fromManifest(manifest);

  it('a model waits for its unit tests; unit tests follow the model they test in selection', () => {
    const plan = planRun(manifest, Object.keys(manifest.nodes));
    const step = (id: string) => plan.steps.find((s) => s.unique_id === id)!;
    expect(step(unit.unique_id)).toEqual({ unique_id: unit.unique_id, action: 'unit_test', waitsFor: ['model.demo.raw'] });
    expect(step(stg.unique_id).waitsFor.sort()).toEqual(['model.demo.raw', unit.unique_id]);
    expect(selectNodes(manifest, graph, { select: ['stg'] }).sort()).toEqual([stg.unique_id, unit.unique_id]);
    expect(selectNodes(manifest, graph, { select: ['raw'] })).toEqual([raw.unique_id]);
  });
});

for (const ad of ADAPTERS) {
  describe.skipIf(!ad.available())(`data test execution: ${ad.name}`, () => {
    let adapter: Adapter;
    const schema = ad.uniqueSchema('dtrun');
    const t = (name: string) => `${adapter.dialect.quoteIdentifier(schema)}.${adapter.dialect.quoteIdentifier(name)}`;
    const base = () => model('base', { schema, materialized: 'table', sql: "select * from (values (1, 'a', 5), (2, 'b', -1), (2, 'b', -2), (3, null, 7), (4, 'x', -3)) as v(id, code, amount)" });
    const on = (name: string, sql: string, extra: TestExtra = {}) =>
      testNode(name, sql.replaceAll('{{base}}', t('base')), ['base'], extra);

    beforeAll(async () => {
      adapter = await createAdapter(ad.target({ schema }));
      await adapter.createSchema(schema);
    });
    afterAll(async () => {
      await adapter.withConnection(async (c) => {
        await c.execute(`drop schema if exists ${adapter.dialect.quoteIdentifier(`${schema}_audit`)} cascade`);
        await c.execute(`drop schema if exists ${adapter.dialect.quoteIdentifier(schema)} cascade`);
      });
      await adapter.close();
    });

    it('statuses follow severity, warn_if and error_if; a broken query is an error', async () => {
      const negatives = 'select * from {{base}} where amount < 0'; // 3 rows
      const manifest = makeManifest([
        base(),
        on('passes', 'select * from {{base}} where id is null'),
        on('fails', negatives),
        on('warns', negatives, { config: { severity: 'warn' } }),
        on('warn_band', negatives, { config: { warn_if: '>1', error_if: '>10' } }),
        on('error_band', negatives, { config: { warn_if: '>1', error_if: '>=3' } }),
        on('below_both', negatives, { config: { warn_if: '>5', error_if: '>5' } }),
        on('warn_sev_ignores_error_if', negatives, { config: { severity: 'WARN', warn_if: '<2', error_if: '>0' } }),
        on('broken', 'select no_such_column from {{base}}'),
      ]);
      const { byName, testRun } = await runAll(adapter, manifest);
      const summary = Object.fromEntries(Object.entries(byName).map(([n, r]) => [n, [r.status, r.failures, r.message.split('\n')[0]]]));
      expect(summary).toMatchObject({
        base: ['success', null, expect.any(String)],
        passes: ['pass', 0, 'PASS'],
        fails: ['fail', 3, 'FAIL 3'],
        warns: ['warn', 3, 'WARN 3'],
        warn_band: ['warn', 3, 'WARN 3'],
        error_band: ['fail', 3, 'FAIL 3'],
        below_both: ['pass', 3, 'PASS'],
        warn_sev_ignores_error_if: ['pass', 3, 'PASS'],
      });
      expect(byName.broken!.status).toBe('error');
      expect(byName.broken!.failures).toBeNull();
      expect(byName.fails!.compiled_code).toContain('amount < 0');
      // Up to 5 sample rows of a failing test are kept for the report.
      const sample = testRun.details.get('test.demo.fails')!.sampleRows;
      expect(sample.map((r) => Number(r.amount)).sort((x, y) => x - y)).toEqual([-3, -2, -1]);
      expect(testRun.details.get('test.demo.passes')!.sampleRows).toEqual([]);
    });

    it('an error-severity failure skips everything downstream; a warning does not', async () => {
      const failing = 'select * from {{base}} where amount < 0';
      const child = model('child', { schema, materialized: 'table', deps: ['base'], sql: `select id from ${t('base')}` });
      const grandchild = model('grandchild', { schema, deps: ['child'], sql: `select id from ${t('child')}` });
      const sibling = model('sibling', { schema, sql: 'select 1 as one' });

      const gated = await runAll(adapter, makeManifest([base(), child, grandchild, sibling, on('gate', failing)]));
      const status = (r: typeof gated) => Object.fromEntries(Object.entries(r.byName).map(([n, x]) => [n, x.status]));
      expect(status(gated)).toEqual({ base: 'success', gate: 'fail', child: 'skipped', grandchild: 'skipped', sibling: 'success' });
      expect(gated.byName.child!.message).toBe('skipped: upstream gate failed');

      const warned = await runAll(adapter, makeManifest([base(), child, grandchild, sibling, on('gate', failing, { config: { severity: 'warn' } })]));
      expect(status(warned)).toEqual({ base: 'success', gate: 'warn', child: 'success', grandchild: 'success', sibling: 'success' });

      const errored = await runAll(adapter, makeManifest([base(), child, grandchild, sibling, on('gate', 'select nope from {{base}}')]));
      expect(status(errored)).toMatchObject({ gate: 'error', child: 'skipped', grandchild: 'skipped' });
    });

    it('store_failures saves the failing rows to <target schema>_audit.<test name>, replacing them', async () => {
      const store = { config: { store_failures: true, severity: 'warn' } };
      const first = await runAll(adapter, makeManifest([base(), on('stored_negatives', 'select id, amount from {{base}} where amount < 0', store)]), { targetSchema: schema });
      expect(first.byName.stored_negatives!.status).toBe('warn');
      const audit = `${adapter.dialect.quoteIdentifier(`${schema}_audit`)}.${adapter.dialect.quoteIdentifier('stored_negatives')}`;
      const read = async () => (await adapter.withConnection((c) => c.query(`select id, amount from ${audit} order by amount`))).rows.map((r) => [Number(r.id), Number(r.amount)]);
      expect(await read()).toEqual([[4, -3], [2, -2], [2, -1]]);
      expect(first.testRun.details.get('test.demo.stored_negatives')!.storedIn).toBe(audit);

      await runAll(adapter, makeManifest([base(), on('stored_negatives', 'select id, amount from {{base}} where amount < -1', store)]), { targetSchema: schema });
      expect(await read()).toEqual([[4, -3], [2, -2]]);
    });

    it('batched tests of one relation give the same results as each test alone, from one query', async () => {
      const col = (c: string) => adapter.dialect.quoteIdentifier(c);
      const batchable = (name: string, predicate: string, extra: TestExtra = {}) =>
        on(name, `select * from {{base}} where ${predicate}`, { column_name: 'amount', batch_predicate: predicate, ...extra });
      const nodes = () => [
        base(),
        batchable('not_null_code', `${col('code')} is null`),
        batchable('negative_amount', `${col('amount')} < 0`, { config: { severity: 'warn' } }),
        batchable('big_amount', `${col('amount')} > 100`),
        batchable('mid_band', `${col('amount')} between -2 and 5`, { config: { warn_if: '>1', error_if: '>3' } }),
        on('unbatched_dupes', `select id from {{base}} group by id having count(*) > 1`),
      ];
      const batched = await runAll(adapter, makeManifest(nodes()));
      const alone = await runAll(adapter, makeManifest(nodes()), { batch: false });
      const view = (r: typeof batched) => r.results.map((x) => [x.unique_id, x.status, x.failures, x.message]);
      expect(view(batched)).toEqual(view(alone));
      expect(view(batched).map((v) => v.slice(1, 3))).toEqual([
        ['success', null],
        ['fail', 1],
        ['warn', 3],
        ['pass', 0],
        ['warn', 3],
        ['fail', 1],
      ]);
      const wasBatched = (r: typeof batched) => [...r.testRun.details.entries()].filter(([, d]) => d.batched).map(([id]) => id).sort();
      expect(wasBatched(batched)).toEqual(['test.demo.big_amount', 'test.demo.mid_band', 'test.demo.negative_amount', 'test.demo.not_null_code']);
      expect(wasBatched(alone)).toEqual([]);
      // Samples come from the test's own query either way.
      expect(batched.testRun.details.get('test.demo.negative_amount')!.sampleRows).toHaveLength(3);
    });
  });
}
