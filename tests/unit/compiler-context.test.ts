import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compileFixture, compiledOf, thrown, type FixtureSpec } from './compiler-fixture.js';

const base: FixtureSpec = {
  models: {
    'staging/stg_orders.sql': 'select * from {{ source("raw", "orders") }}',
    'marts/orders.sql': 'select * from {{ ref("stg_orders") }}',
  },
  seeds: { 'countries.csv': 'code\nNL\n' },
  sources: [{ sourceName: 'raw', name: 'orders', schema: 'raw_data', identifier: 'orders_v2' }],
};

function withModel(name: string, sql: string, extra: Partial<FixtureSpec> = {}): FixtureSpec {
  return { ...base, ...extra, models: { ...base.models, ...extra.models, [name]: sql } };
}

describe('ref and source', () => {
  it('record dependencies in parse mode and resolve relations in execute mode', () => {
    const m = compileFixture(base);
    const orders = m.nodes['model.demo.orders']!;
    expect(orders.compiled_code).toBe('select * from "main"."stg_orders"');
    expect(orders.depends_on.nodes).toEqual(['model.demo.stg_orders']);
    expect(orders.refs).toEqual([{ name: 'stg_orders', line: 1 }]);
    const stg = m.nodes['model.demo.stg_orders']!;
    expect(stg.compiled_code).toBe('select * from "raw_data"."orders_v2"');
    expect(stg.depends_on.nodes).toEqual(['source.demo.raw.orders']);
    expect(stg.sources).toEqual([['raw', 'orders']]);
    expect(m.parent_map['model.demo.orders']).toEqual(['model.demo.stg_orders']);
    expect(m.child_map['source.demo.raw.orders']).toEqual(['model.demo.stg_orders']);
    expect(m.child_map['seed.demo.countries']).toEqual([]);
    expect(m.parent_map['seed.demo.countries']).toEqual([]);
  });

  it('supports the two-argument form and relation attributes', () => {
    const m = compileFixture(withModel('x.sql', "{{ ref('demo', 'stg_orders') }} {{ ref('countries').identifier }} {{ ref('stg_orders').schema }} {{ source('raw','orders').identifier }}"));
    expect(compiledOf(m, 'x')).toBe('"main"."stg_orders" countries main orders_v2');
    expect(m.nodes['model.demo.x']!.depends_on.nodes).toEqual(['model.demo.stg_orders', 'seed.demo.countries', 'source.demo.raw.orders']);
    expect(m.nodes['model.demo.x']!.refs[0]).toEqual({ name: 'stg_orders', package: 'demo', line: 1 });
  });

  it('unknown ref is an error at file:line with the closest names', () => {
    const e = thrown(() => compileFixture(withModel('marts/bad.sql', "select 1\nunion all\nselect * from {{ ref('stg_order') }}")));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/unknown model 'stg_order'/);
    expect(e.file).toBe('models/marts/bad.sql');
    expect(e.line).toBe(3);
    expect(e.hint).toMatch(/'stg_orders'/);
  });

  it('unknown source is an error with the closest source names', () => {
    const e = thrown(() => compileFixture(withModel('bad.sql', "\n{{ source('raw', 'order') }}")));
    expect(e.message).toMatch(/unknown source 'raw.order'/);
    expect(e.line).toBe(2);
    expect(e.hint).toMatch(/raw\.orders/);
  });

  it('a ref to a disabled model says so', () => {
    const spec = withModel('off.sql', "{{ config(enabled=false) }}select 1", { models: { 'uses.sql': "select * from {{ ref('off') }}" } });
    const e = thrown(() => compileFixture(spec));
    expect(e.message).toMatch(/'off', which is disabled/);
    expect(e.file).toBe('models/uses.sql');
    const ok = compileFixture(withModel('off.sql', "{{ config(enabled=false) }}select 1"));
    expect(ok.nodes['model.demo.off']).toBeUndefined();
  });

  it('a model name defined twice names both files', () => {
    const e = thrown(() => compileFixture(withModel('other/orders.sql', 'select 2')));
    expect(e.message).toContain('models/marts/orders.sql');
    expect(e.message).toContain('models/other/orders.sql');
  });
});

describe('var, env_var and the other context members', () => {
  it('var with value, default and missing', () => {
    const m = compileFixture(withModel('v.sql', "{{ var('start') }} {{ var('missing', 'dflt') }} {{ var('n', 1) + 1 }}", { vars: { start: '2024-01-01', n: 5 } }));
    expect(compiledOf(m, 'v')).toBe('2024-01-01 dflt 6');
    const e = thrown(() => compileFixture(withModel('v.sql', "select\n{{ var('strat') }}", { vars: { start: 'x' } })));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/var 'strat'/);
    expect(e.file).toBe('models/v.sql');
    expect(e.line).toBe(2);
    expect(e.hint).toMatch(/'start'/);
  });

  it('env_var with value, default and missing', () => {
    const m = compileFixture(withModel('e.sql', "{{ env_var('HOME_X') }} {{ env_var('NOPE', 'd') }}"), { HOME_X: '/h' });
    expect(compiledOf(m, 'e')).toBe('/h d');
    const e = thrown(() => compileFixture(withModel('e.sql', "{{ env_var('NOPE') }}")));
    expect(e.message).toMatch(/NOPE/);
    expect(e.file).toBe('models/e.sql');
  });

  it('this, target, invocation_id, run_started_at, is_incremental, log', () => {
    const sql = "{{ this }}|{{ this.identifier }}|{{ target.name }} {{ target.type }} {{ target.schema }} {{ target.threads }} {{ target.profile_name }}|{{ invocation_id }}|{{ run_started_at }}|{{ run_started_at.strftime('%Y%m%d') }}|{{ is_incremental() }}|{{ log('hi') }}|";
    const m = compileFixture(withModel('t.sql', `{{ config(alias='tt') }}${sql}`));
    expect(compiledOf(m, 't')).toBe('"main"."tt"|tt|dev duckdb main 4 demo|inv-1|2024-05-06T07:08:09.000Z|20240506|false||');
  });

  it('execute is false while parsing and true while executing', () => {
    const sql = "{% if execute %}{{ ref('stg_orders') }}{% else %}{{ ref('countries') }}{% endif %}";
    const m = compileFixture(withModel('x.sql', sql));
    expect(compiledOf(m, 'x')).toBe('"main"."stg_orders"');
    // dbt semantics: only refs seen while parsing are dependencies.
    expect(m.nodes['model.demo.x']!.depends_on.nodes).toEqual(['seed.demo.countries']);
  });

  it('config.get reads resolved config at execute time', () => {
    const m = compileFixture(withModel('c.sql', "{{ config(materialized='table') }}{{ config.get('materialized') }} {{ config.get('nope', 'd') }}"));
    expect(compiledOf(m, 'c')).toBe('table d');
  });

  it('exceptions.raise_compiler_error is a UserError with the model file', () => {
    const e = thrown(() => compileFixture(withModel('r.sql', "select 1\n{{ exceptions.raise_compiler_error('bad input') }}")));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('bad input');
    expect(e.file).toBe('models/r.sql');
    expect(e.line).toBe(2);
  });

  it('macros see the calling model context (this, ref)', () => {
    const macros = { 'm.sql': "{% macro me() %}{{ this.identifier }} from {{ ref('stg_orders') }}{% endmacro %}" };
    const m = compileFixture({ ...withModel('x.sql', 'select {{ me() }}'), macros });
    expect(compiledOf(m, 'x')).toBe('select x from "main"."stg_orders"');
    expect(m.nodes['model.demo.x']!.depends_on).toEqual({ nodes: ['model.demo.stg_orders'], macros: ['macro.demo.me'] });
  });
});
