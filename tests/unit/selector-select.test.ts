import { describe, expect, it } from 'vitest';
import type { Manifest, ResourceType } from '../../src/compiler/types.js';
import { UserError } from '../../src/errors.js';
import { ProjectGraph } from '../../src/graph/graph.js';
import { selectNodes, selectWithReport, type SelectOptions } from '../../src/graph/select.js';
import { makeManifest, ordersManifest, type FixtureNode } from './graph-fixture.js';

const MODELS: ResourceType[] = ['model'];

function selector(manifest: Manifest) {
  const graph = ProjectGraph.fromManifest(manifest);
  const names = (ids: string[]) => ids.map((id) => graph.member(id)!.name);
  return {
    /** Names of the selected nodes, in order. */
    sel: (select: string | string[] | undefined, options: Omit<SelectOptions, 'select'> = {}) =>
      names(selectNodes(manifest, graph, { select: typeof select === 'string' ? [select] : select, ...options })),
    report: (options: SelectOptions) => selectWithReport(manifest, graph, options),
  };
}

const { sel, report } = selector(ordersManifest());

describe('selectNodes: methods', () => {
  it('selects everything but sources when nothing is given, in topological order', () => {
    expect(sel(undefined)).toEqual([
      'raw_payments',
      'stg_payments',
      'stg_customers',
      'stg_orders',
      'fct_orders',
      'dim_customers',
      'customer_features',
      'assert_positive_revenue',
      'not_null_fct_orders_id',
    ]);
  });

  it('selects by name', () => {
    expect(sel('stg_orders')).toEqual(['stg_orders']);
    expect(sel('name:stg_*', { resourceTypes: MODELS })).toEqual(['stg_payments', 'stg_customers', 'stg_orders']);
  });

  it('selects by tag, with wildcards', () => {
    expect(sel('tag:nightly', { resourceTypes: MODELS })).toEqual(['stg_orders', 'fct_orders']);
    expect(sel('tag:night*', { resourceTypes: MODELS })).toEqual(['stg_orders', 'fct_orders']);
  });

  it('selects by path: a folder, a file, a glob, or a bare path', () => {
    expect(sel('path:models/staging')).toEqual(['stg_payments', 'stg_customers', 'stg_orders']);
    expect(sel('path:./models/staging/')).toEqual(['stg_payments', 'stg_customers', 'stg_orders']);
    expect(sel('path:models/marts/fct_orders.sql', { resourceTypes: MODELS })).toEqual(['fct_orders']);
    expect(sel('models/marts', { resourceTypes: MODELS })).toEqual(['fct_orders', 'dim_customers']);
    expect(sel('path:models/*/dim_*', { resourceTypes: MODELS })).toEqual(['dim_customers']);
    // a folder name prefix is not a folder
    expect(sel('path:models/stag')).toEqual([]);
  });

  it('selects by file name, with or without extension', () => {
    expect(sel('file:fct_orders.sql', { resourceTypes: MODELS })).toEqual(['fct_orders']);
    expect(sel('fct_orders.sql', { resourceTypes: MODELS })).toEqual(['fct_orders']);
    expect(sel('file:dim_customers', { indirectSelection: 'empty' })).toEqual(['dim_customers']);
  });

  it('selects by config values, nested keys and list members', () => {
    expect(sel('config.materialized:table', { resourceTypes: MODELS })).toEqual(['fct_orders', 'dim_customers']);
    expect(sel('config.materialized:incr*')).toEqual(['customer_features']);
    expect(sel('config.grants:analyst')).toEqual(['customer_features']);
    expect(sel('config.meta.owner:ml')).toEqual(['customer_features']);
    expect(sel('config.enabled:true', { resourceTypes: ['seed'] })).toEqual(['raw_payments']);
    expect(() => sel('config:table')).toThrow(/needs a config key/);
  });

  it('selects by resource_type and rejects unknown types', () => {
    expect(sel('resource_type:seed')).toEqual(['raw_payments']);
    expect(sel('resource_type:test')).toEqual(['assert_positive_revenue', 'not_null_fct_orders_id']);
    expect(() => sel('resource_type:modle')).toThrow(UserError);
    try {
      sel('resource_type:modle');
    } catch (e) {
      expect((e as UserError).hint).toBe("did you mean 'model'?");
    }
  });

  it('matches fqn wildcards with or without the project name, and folder prefixes', () => {
    expect(sel('staging.*')).toEqual(['stg_payments', 'stg_customers', 'stg_orders']);
    expect(sel('demo.marts.*', { resourceTypes: MODELS })).toEqual(['fct_orders', 'dim_customers']);
    expect(sel('fqn:marts', { resourceTypes: MODELS })).toEqual(['fct_orders', 'dim_customers']);
    expect(sel('staging.stg_orders')).toEqual(['stg_orders']);
    expect(sel('stg_*')).toEqual(['stg_payments', 'stg_customers', 'stg_orders']);
    // eager indirect selection brings the test reading dim_customers along
    expect(sel('*.dim_*')).toEqual(['dim_customers', 'assert_positive_revenue']);
    expect(sel('demo', { resourceTypes: MODELS })).toHaveLength(6);
  });

  it('selects sources by source name or source.table', () => {
    const withSources: ResourceType[] = ['source', 'model'];
    expect(sel('source:raw', { resourceTypes: withSources })).toEqual(['customers', 'orders']);
    expect(sel('source:raw.orders', { resourceTypes: withSources })).toEqual(['orders']);
    expect(sel('source:demo.raw.cust*', { resourceTypes: withSources })).toEqual(['customers']);
    expect(sel('source:raw.orders+', { resourceTypes: MODELS })).toEqual([
      'stg_orders',
      'fct_orders',
      'dim_customers',
      'customer_features',
    ]);
    // matched (so not reported), but sources are not run by default
    expect(report({ select: ['source:raw.orders'] })).toEqual({ ids: [], unmatched: [] });
  });

  it('selects by package, test type and test name', () => {
    expect(sel('package:this', { resourceTypes: ['seed'] })).toEqual(['raw_payments']);
    expect(sel('package:other')).toEqual([]);
    expect(sel('test_type:generic')).toEqual(['not_null_fct_orders_id']);
    expect(sel('test_type:singular')).toEqual(['assert_positive_revenue']);
    expect(sel('test_type:data')).toEqual(['assert_positive_revenue', 'not_null_fct_orders_id']);
    expect(sel('test_type:unit')).toEqual([]);
    expect(sel('test_name:not_null')).toEqual(['not_null_fct_orders_id']);
  });

  it('rejects an unknown method naming the closest one', () => {
    let error: unknown;
    try {
      sel('tagg:nightly');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe("selector 'tagg:nightly': unknown selector method 'tagg'");
    expect((error as UserError).hint).toBe("did you mean 'tag'?");
  });

  it('accepts extra methods from the caller', () => {
    const methods = { state: () => ['model.demo.dim_customers'] };
    expect(sel('state:modified+', { methods, resourceTypes: MODELS })).toEqual(['dim_customers', 'customer_features']);
  });
});

describe('selectNodes: graph operators', () => {
  it('adds ancestors with +name and descendants with name+', () => {
    expect(sel('+fct_orders', { resourceTypes: ['model', 'seed'] })).toEqual([
      'raw_payments',
      'stg_payments',
      'stg_orders',
      'fct_orders',
    ]);
    expect(sel('dim_customers+', { resourceTypes: MODELS })).toEqual(['dim_customers', 'customer_features']);
  });

  it('limits depth with N+name+M', () => {
    expect(sel('1+dim_customers+1', { resourceTypes: MODELS })).toEqual([
      'stg_customers',
      'fct_orders',
      'dim_customers',
      'customer_features',
    ]);
    expect(sel('2+customer_features', { resourceTypes: MODELS })).toEqual([
      'stg_payments',
      'stg_customers',
      'stg_orders',
      'fct_orders',
      'dim_customers',
      'customer_features',
    ]);
    expect(sel('1+customer_features', { resourceTypes: MODELS })).toEqual(['fct_orders', 'dim_customers', 'customer_features']);
  });

  it('selects with @: the node, its descendants and all their ancestors', () => {
    const entries: FixtureNode[] = [
      { name: 'events', type: 'source', source: 'app' },
      { name: 'a', deps: ['app.events'] },
      { name: 'other' },
      { name: 'b', deps: ['a', 'other'] },
      { name: 'c', deps: ['b'] },
      { name: 'unrelated' },
      { name: 'q', deps: ['unrelated'] },
    ];
    const s = selector(makeManifest(entries));
    expect(s.sel('a+')).toEqual(['a', 'b', 'c']);
    expect(s.sel('@a')).toEqual(['other', 'a', 'b', 'c']);
    expect(s.sel('@a', { resourceTypes: ['model', 'source'] })).toEqual(['other', 'events', 'a', 'b', 'c']);
    expect(s.sel('@b')).toEqual(['other', 'a', 'b', 'c']);
    expect(s.sel('@c')).toEqual(['other', 'a', 'b', 'c']);
  });

  it('adds tests attached to selected nodes (eager), or not (cautious, empty)', () => {
    expect(sel('fct_orders')).toEqual(['fct_orders', 'assert_positive_revenue', 'not_null_fct_orders_id']);
    expect(sel('fct_orders', { indirectSelection: 'cautious' })).toEqual(['fct_orders', 'not_null_fct_orders_id']);
    expect(sel('fct_orders', { indirectSelection: 'empty' })).toEqual(['fct_orders']);
    expect(sel('fct_orders dim_customers', { indirectSelection: 'cautious' })).toEqual([
      'fct_orders',
      'dim_customers',
      'assert_positive_revenue',
      'not_null_fct_orders_id',
    ]);
  });
});

describe('selectNodes: set operations', () => {
  it('unions space-separated tokens and separate arguments', () => {
    expect(sel('tag:nightly stg_customers', { resourceTypes: MODELS })).toEqual(['stg_customers', 'stg_orders', 'fct_orders']);
    expect(sel(['stg_customers', 'stg_orders'])).toEqual(['stg_customers', 'stg_orders']);
  });

  it('intersects comma-joined tokens', () => {
    expect(sel('tag:staging,tag:nightly')).toEqual(['stg_orders']);
    expect(sel('+customer_features,config.materialized:table')).toEqual([
      'fct_orders',
      'dim_customers',
      'assert_positive_revenue',
      'not_null_fct_orders_id',
    ]);
    expect(sel('tag:staging,tag:nightly,path:models/marts')).toEqual([]);
  });

  it('removes --exclude, including tests that read excluded nodes', () => {
    expect(sel('staging.*', { exclude: ['stg_payments'] })).toEqual(['stg_customers', 'stg_orders']);
    expect(sel(undefined, { exclude: ['tag:nightly resource_type:seed'] })).toEqual([
      'stg_payments',
      'stg_customers',
      'dim_customers',
      'customer_features',
    ]);
    expect(sel('+dim_customers', { exclude: ['+stg_orders'], resourceTypes: MODELS })).toEqual([
      'stg_payments',
      'stg_customers',
      'fct_orders',
      'dim_customers',
    ]);
  });

  it('reports selector parts that match nothing instead of failing', () => {
    expect(report({ select: ['nope tag:missing,stg_orders stg_orders'], exclude: ['ghost+'] })).toEqual({
      ids: ['model.demo.stg_orders'],
      unmatched: ['nope', 'tag:missing', 'ghost+'],
    });
  });

  it('never selects disabled nodes', () => {
    const s = selector(makeManifest([{ name: 'on' }, { name: 'off', deps: ['on'], config: { enabled: false } }]));
    expect(s.sel(undefined)).toEqual(['on']);
    expect(s.sel('on+')).toEqual(['on']);
    expect(s.report({ select: ['off'] }).unmatched).toEqual(['off']);
  });
});

describe('selectNodes: scale', () => {
  it('selects correctly from 10,000 nodes (speed is measured in bench/)', () => {
    const entries: FixtureNode[] = [];
    for (let i = 0; i < 10_000; i++) {
      const deps = i === 0 ? [] : [`n${i - 1}`, ...(i > 100 ? [`n${i - 100}`] : [])];
      entries.push({ name: `n${i}`, deps, tags: i % 10 === 0 ? ['tenth'] : [], path: `models/f${i % 50}/n${i}.sql` });
    }
    const s = selector(makeManifest(entries));
    const ids = s.report({ select: ['@n5000 tag:tenth,path:models/f10 2+n20+3 f1.*'], exclude: ['n9999'] }).ids;
    expect(ids).toHaveLength(9_999);
    expect(s.sel('tag:tenth,path:models/f10')).toHaveLength(200);
  });
});
