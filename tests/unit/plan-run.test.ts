import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { planRun } from '../../src/execution/plan.js';
import { idOf, makeManifest, makeNode, model, seedNode } from '../support/manifest-fixture.js';

const s = (name: string) => idOf(name, 'seed');
const m = (name: string) => idOf(name);

describe('planRun', () => {
  // raw (seed) → stg (view) → eph1 (ephemeral) → eph2 (ephemeral) → mart (table)
  //                    other (table) ───────────────────────────────↗
  const manifest = makeManifest([
    seedNode('raw'),
    model('stg', { deps: [s('raw')] }),
    model('other', { materialized: 'table' }),
    model('eph1', { materialized: 'ephemeral', deps: ['stg'] }),
    model('eph2', { materialized: 'ephemeral', deps: ['eph1'] }),
    model('mart', { materialized: 'table', deps: ['eph2', 'other'] }),
    makeNode('test', 'not_null_mart_id', { deps: ['mart'] }),
  ]);
  const all = [s('raw'), m('stg'), m('other'), m('eph1'), m('eph2'), m('mart'), 'test.demo.not_null_mart_id'];

  it('makes one step per non-ephemeral node with its action, and puts ephemerals in noop', () => {
    const plan = planRun(manifest, all);
    expect(plan.steps.map((st) => [st.unique_id, st.action])).toEqual([
      [s('raw'), 'seed'],
      [m('stg'), 'view'],
      [m('other'), 'table'],
      [m('mart'), 'table'],
      ['test.demo.not_null_mart_id', 'test'],
    ]);
    expect(plan.noop).toEqual([m('eph1'), m('eph2')]);
  });

  it('waits for selected parents, looking through ephemeral chains', () => {
    const plan = planRun(manifest, all);
    const waits = Object.fromEntries(plan.steps.map((st) => [st.unique_id, [...st.waitsFor].sort()]));
    expect(waits[m('stg')]).toEqual([s('raw')]);
    expect(waits[m('mart')]).toEqual([m('other'), m('stg')]);
    expect(waits[s('raw')]).toEqual([]);
  });

  it('looks through unselected ephemerals and ignores unselected built parents', () => {
    const plan = planRun(manifest, [m('stg'), m('mart')]);
    expect(plan.noop).toEqual([]);
    const mart = plan.steps.find((st) => st.unique_id === m('mart'))!;
    expect(mart.waitsFor).toEqual([m('stg')]); // other is not selected: it already exists
    expect(plan.steps.find((st) => st.unique_id === m('stg'))!.waitsFor).toEqual([]); // raw not selected
  });

  it('filters by resource type', () => {
    const plan = planRun(manifest, all, { resourceTypes: ['model'] });
    expect(plan.steps.map((st) => st.unique_id)).toEqual([m('stg'), m('other'), m('mart')]);
    expect(plan.steps[0]!.waitsFor).toEqual([]); // the seed is not part of a `run`
  });

  it('ignores unknown ids and duplicates', () => {
    const plan = planRun(manifest, [m('stg'), 'model.demo.ghost', m('stg')]);
    expect(plan.steps.map((st) => st.unique_id)).toEqual([m('stg')]);
  });

  it('rejects an unknown materialization with a UserError naming the file', () => {
    const bad = makeManifest([model('x', { materialized: 'incremantal', sql: 'select 1' })]);
    expect(() => planRun(bad, [m('x')])).toThrow(UserError);
    expect(() => planRun(bad, [m('x')])).toThrow(/unknown materialization 'incremantal'/);
  });

  it('resolves a wide diamond of ephemerals once (memoized), in linear time', () => {
    // 2,000 ephemerals each depending on the previous one and on a shared table; a child of all.
    const nodes = [model('base', { materialized: 'table' })];
    for (let i = 0; i < 2000; i++) {
      nodes.push(model(`e${i}`, { materialized: 'ephemeral', deps: i === 0 ? ['base'] : [`e${i - 1}`, 'base'] }));
    }
    nodes.push(model('top', { deps: Array.from({ length: 2000 }, (_, i) => `e${i}`) }));
    const big = makeManifest(nodes);
    const plan = planRun(big, nodes.map((n) => n.unique_id));
    expect(plan.steps.map((st) => st.unique_id)).toEqual([m('base'), m('top')]);
    expect(plan.steps[1]!.waitsFor).toEqual([m('base')]);
    expect(plan.noop).toHaveLength(2000);
  });
});
