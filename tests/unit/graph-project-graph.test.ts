import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ProjectGraph } from '../../src/graph/graph.js';
import { makeManifest, ordersManifest, type FixtureNode } from './graph-fixture.js';

const m = (name: string) => `model.demo.${name}`;

describe('ProjectGraph', () => {
  const graph = ProjectGraph.fromManifest(ordersManifest());

  it('holds nodes and sources with edges parent → child', () => {
    expect(graph.size).toBe(11);
    expect(graph.parents(m('fct_orders'))).toEqual([m('stg_orders'), m('stg_payments')]);
    expect(graph.children('source.demo.raw.orders')).toEqual([m('stg_orders')]);
    expect(graph.children(m('fct_orders'))).toEqual([
      m('customer_features'),
      m('dim_customers'),
      'test.demo.assert_positive_revenue',
      'test.demo.not_null_fct_orders_id',
    ]);
  });

  it('exposes the same DAG as a graphology DirectedGraph', () => {
    expect(graph.graph.order).toBe(11);
    expect(graph.graph.size).toBe(12); // edges
    expect(graph.graph.hasDirectedEdge(m('stg_orders'), m('fct_orders'))).toBe(true);
    expect(graph.graph.inNeighbors(m('fct_orders')).sort()).toEqual([...graph.parents(m('fct_orders'))]);
  });

  it('walks ancestors and descendants with optional depth limits', () => {
    expect([...graph.ancestors(m('dim_customers'))].sort()).toEqual(
      [m('fct_orders'), m('stg_customers'), m('stg_orders'), m('stg_payments'), 'seed.demo.raw_payments',
        'source.demo.raw.customers', 'source.demo.raw.orders'].sort(),
    );
    expect([...graph.ancestors(m('dim_customers'), 1)].sort()).toEqual([m('fct_orders'), m('stg_customers')]);
    expect([...graph.descendants(m('stg_orders'), 1)]).toEqual([m('fct_orders')]);
    expect(graph.descendants(m('stg_orders'), 2)).toEqual(
      new Set([m('fct_orders'), m('customer_features'), m('dim_customers'), 'test.demo.assert_positive_revenue', 'test.demo.not_null_fct_orders_id']),
    );
    expect(graph.descendants(m('customer_features')).size).toBe(0);
    // several starts in one walk
    expect(graph.ancestors([m('stg_orders'), m('stg_customers')])).toEqual(
      new Set(['source.demo.raw.orders', 'source.demo.raw.customers']),
    );
  });

  it('orders topologically, ties broken by unique_id, whatever the input order', () => {
    const order = graph.topoOrder();
    expect(order).toEqual([
      'seed.demo.raw_payments',
      m('stg_payments'),
      'source.demo.raw.customers',
      m('stg_customers'),
      'source.demo.raw.orders',
      m('stg_orders'),
      m('fct_orders'),
      m('dim_customers'),
      m('customer_features'),
      'test.demo.assert_positive_revenue',
      'test.demo.not_null_fct_orders_id',
    ]);
    const entries: FixtureNode[] = [
      { name: 'c', deps: ['a', 'b'] },
      { name: 'b' },
      { name: 'a' },
      { name: 'z' },
      { name: 'd', deps: ['c'] },
    ];
    const forward = ProjectGraph.fromManifest(makeManifest(entries)).topoOrder();
    const backward = ProjectGraph.fromManifest(makeManifest([...entries].reverse())).topoOrder();
    expect(forward).toEqual([m('a'), m('b'), m('c'), m('d'), m('z')]);
    expect(backward).toEqual(forward);
  });

  it('restricts the order to a subset while keeping indirect dependencies in order', () => {
    // z → m → a: selecting only z and a must still put z first although "a" < "z".
    const g = ProjectGraph.fromManifest(makeManifest([{ name: 'z' }, { name: 'm', deps: ['z'] }, { name: 'a', deps: ['m'] }]));
    expect(g.topoOrder(new Set([m('a'), m('z')]))).toEqual([m('z'), m('a')]);
  });

  it('groups nodes into layers by longest distance from a root', () => {
    expect(graph.layers()).toEqual([
      ['seed.demo.raw_payments', 'source.demo.raw.customers', 'source.demo.raw.orders'],
      [m('stg_customers'), m('stg_orders'), m('stg_payments')],
      [m('fct_orders')],
      [m('dim_customers'), 'test.demo.not_null_fct_orders_id'],
      [m('customer_features'), 'test.demo.assert_positive_revenue'],
    ]);
    const models = new Set([m('stg_orders'), m('customer_features')]);
    expect(graph.layers(models)).toEqual([[m('stg_orders')], [m('customer_features')]]);
  });

  it('reports a cycle with the node names in order, the file and the ref line', () => {
    const manifest = makeManifest([
      { name: 'root' },
      { name: 'b', deps: ['root', 'c'], path: 'models/b.sql', refLines: { c: 4 } },
      { name: 'c', deps: ['d'], path: 'models/c.sql' },
      { name: 'd', deps: ['b'], path: 'models/d.sql' },
      { name: 'e', deps: ['d'] },
    ]);
    const g = ProjectGraph.fromManifest(manifest);
    let error: unknown;
    try {
      g.assertAcyclic();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const u = error as UserError;
    expect(u.message).toBe('dependency cycle: b → c → d → b');
    expect(u.file).toBe('models/b.sql');
    expect(u.line).toBe(4);
    expect(u.hint).toBe('remove one of these refs');
    expect(u.format()).toContain('models/b.sql:4: dependency cycle: b → c → d → b');
    // the order itself refuses to exist
    expect(() => g.topoOrder()).toThrow(/dependency cycle: b → c → d → b/);
  });

  it('reports a model that refs itself', () => {
    const g = ProjectGraph.fromManifest(makeManifest([{ name: 'loop', deps: ['loop'] }]));
    expect(() => g.assertAcyclic()).toThrow('dependency cycle: loop → loop');
  });

  it('accepts an acyclic graph', () => {
    expect(() => graph.assertAcyclic()).not.toThrow();
    expect(graph.findCycle()).toBeUndefined();
  });

  it('handles 10,000-node chains and fans without deep recursion', () => {
    const entries: FixtureNode[] = [];
    for (let i = 0; i < 10_000; i++) {
      const name = `n${String(i).padStart(5, '0')}`;
      entries.push({ name, deps: i === 0 ? [] : [`n${String(i - 1).padStart(5, '0')}`] });
    }
    const chain = makeManifest(entries);
    const g = ProjectGraph.fromManifest(chain);
    g.assertAcyclic();
    expect(g.topoOrder()[9_999]).toBe(m('n09999'));
    expect(g.layers()).toHaveLength(10_000);
    expect(g.ancestors(m('n09999')).size).toBe(9_999);
  });
});
