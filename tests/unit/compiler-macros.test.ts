import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compileFixture, compiledOf, fixtureDialect, thrown } from './compiler-fixture.js';

describe('macros', () => {
  const macros = {
    'cents.sql': '{% macro cents_to_dollars(col, scale=2) -%}\n  round({{ col }} / 100.0, {{ scale }})\n{%- endmacro %}',
    'wrap.sql': '\n\n{% macro dollars(col) %}{{ cents_to_dollars(col) }} as {{ col }}_usd{% endmacro %}',
    'tests.sql': '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}',
  };

  it('are callable from models and from macros in other files; recorded with line and arguments', () => {
    const m = compileFixture({ models: { 'a.sql': 'select {{ dollars("amount") }}' }, macros });
    expect(compiledOf(m, 'a')).toBe('select round(amount / 100.0, 2) as amount_usd');
    expect(m.macros['macro.demo.cents_to_dollars']).toMatchObject({ name: 'cents_to_dollars', original_file_path: 'macros/cents.sql', line: 1, arguments: ['col', 'scale'] });
    expect(m.macros['macro.demo.dollars']!.line).toBe(3);
    expect(m.nodes['model.demo.a']!.depends_on.macros).toEqual(['macro.demo.dollars']);
  });

  it('records {% test %} blocks as test_<name> macros', () => {
    const m = compileFixture({ models: { 'a.sql': "{{ test_positive('t', 'x') }}" }, macros });
    expect(m.macros['macro.demo.test_positive']!.arguments).toEqual(['model', 'column_name']);
    expect(compiledOf(m, 'a')).toBe('select * from t where x < 0');
  });

  it('a macro defined twice names both files', () => {
    const e = thrown(() => compileFixture({ macros: { 'a.sql': '{% macro x() %}{% endmacro %}', 'b.sql': '\n{% macro x() %}{% endmacro %}' } }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toContain('macros/a.sql:1');
    expect(e.file).toBe('macros/b.sql');
    expect(e.line).toBe(2);
  });

  it('adapter.dispatch prefers <adapter>__name, then default__name', () => {
    const dispatchMacros = {
      'd.sql': [
        "{% macro concat(a, b) %}{{ return(adapter.dispatch('concat')(a, b)) }}{% endmacro %}",
        '{% macro default__concat(a, b) %}concat({{ a }}, {{ b }}){% endmacro %}',
        '{% macro duckdb__concat(a, b) %}{{ a }} || {{ b }}{% endmacro %}',
      ].join('\n'),
    };
    const spec = { models: { 'a.sql': "select {{ concat('x', 'y') }}" }, macros: dispatchMacros };
    expect(compiledOf(compileFixture(spec), 'a')).toBe('select x || y');
    expect(compiledOf(compileFixture(spec, {}, fixtureDialect('postgres')), 'a')).toBe('select concat(x, y)');
    const e = thrown(() => compileFixture({ models: { 'a.sql': "{{ adapter.dispatch('nothing')() }}" } }));
    expect(e.message).toMatch(/default__nothing/);
    expect(e.file).toBe('models/a.sql');
  });

  it('generate_schema_name: default rule and project override', () => {
    const models = { 'a.sql': "{{ config(schema='marts') }}select 1", 'b.sql': 'select * from {{ ref("a") }}' };
    const plain = compileFixture({ models, schema: 'dev' });
    expect(plain.nodes['model.demo.a']!.relation.schema).toBe('dev_marts');
    expect(plain.nodes['model.demo.b']!.relation.schema).toBe('dev');
    const override = {
      'schema.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}{%- endmacro %}',
    };
    const custom = compileFixture({ models, schema: 'dev', macros: override });
    expect(custom.nodes['model.demo.a']!.relation.schema).toBe('marts');
    expect(custom.nodes['model.demo.b']!.relation.schema).toBe('dev');
    expect(custom.nodes['model.demo.b']!.compiled_code).toBe('select * from "marts"."a"');
  });
});

describe('docs blocks', () => {
  const docs = { 'docs.md': '# Docs\n{% docs orders_doc %}\nOne row per **order**.\n{% enddocs %}\n' };

  it('doc() renders in descriptions and models; blocks are in the manifest', () => {
    const m = compileFixture({
      models: { 'orders.sql': "select '{{ doc(\"orders_doc\") }}' as d" },
      docs,
      modelProps: { orders: { description: '{{ doc("orders_doc") }}', columns: [{ name: 'id', description: 'Id. {{ doc("orders_doc") }}' }] } },
    });
    const node = m.nodes['model.demo.orders']!;
    expect(node.description).toBe('One row per **order**.');
    expect(node.columns.id!.description).toBe('Id. One row per **order**.');
    expect(node.compiled_code).toBe("select 'One row per **order**.' as d");
    expect(m.docs['doc.demo.orders_doc']).toEqual({ unique_id: 'doc.demo.orders_doc', name: 'orders_doc', block_contents: 'One row per **order**.', original_file_path: 'models/docs.md' });
  });

  it('unknown doc is a UserError with the closest names', () => {
    const e = thrown(() => compileFixture({ models: { 'o.sql': "{{ doc('order_doc') }}" }, docs }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/unknown docs block 'order_doc'/);
    expect(e.hint).toMatch(/orders_doc/);
    expect(e.file).toBe('models/o.sql');
  });
});
