import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { compileFixture, compiledOf, thrown } from './compiler-fixture.js';

/** Render one model's SQL through the full compiler and return its compiled code. */
function render(sql: string, macros: Record<string, string> = {}): string {
  return compiledOf(compileFixture({ models: { 'm.sql': sql }, macros }), 'm');
}

describe('jinja compatibility', () => {
  it('knows none/true/false in both cases and the none tests', () => {
    expect(render('{{ none is none }} {{ None is none }} {{ true }} {{ True }} {{ false }} {{ False }}')).toBe('true true true true false false');
    expect(render('{% set x = 1 %}{{ x is none }} {{ x is not none }} {{ none is not none }}')).toBe('false true false');
    expect(render('[{{ none }}]')).toBe('[]');
  });

  it('supports Python dict and list methods', () => {
    expect(render('{% set d = {"a": 1, "b": 2} %}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.get("z", 9) }}{{ d.get("a") }}')).toBe('a=1;b=2;91');
    expect(render('{% set l = [1] %}{% do l.append(2) %}{{ l | join(",") }}')).toBe('1,2');
    expect(render('{{ "Ab".lower() }}{{ "ab".upper() }}|{{ "  x ".strip() }}|{{ "a-b-c".replace("-", "_") }}')).toBe('abAB|x|a_b_c');
  });

  it('{% do %} evaluates for side effects and prints nothing', () => {
    expect(render('{% set l = [] %}[{% do l.append("x") %}]{{ l[0] }}')).toBe('[]x');
  });

  it('namespace() with {% set ns.attr %} survives loop scopes', () => {
    const sql = '{% set ns = namespace(total=0, seen=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{%- set ns.seen = true -%} {{ ns.total }} {{ ns.seen }}';
    expect(render(sql)).toBe('6 true');
  });

  it('tojson and the as_* filters', () => {
    expect(render('{{ {"a": [1, "x", none]} | tojson }}')).toBe('{"a":[1,"x",null]}');
    expect(render('{{ "false" | as_bool }} {{ "yes" | as_bool }} {{ "3" | as_number + 1 }} {{ 5 | as_text }}')).toBe('false true 4 5');
  });

  it('{%- -%} trims whitespace', () => {
    expect(render('a\n  {%- if true -%}\n  b\n  {%- endif -%}\n  c')).toBe('abc');
  });

  it('return() gives a value usable in set, if and expressions', () => {
    const macros = {
      'util.sql': [
        '{% macro cols() %}{{ return(["a", "b"]) }}{% endmacro %}',
        '{% macro no() %}{{ return(false) }}{% endmacro %}',
        '{% macro pick(x) %}{% if x > 1 %}{{ return("big") }}{% endif %}{{ return("small") }}{% endmacro %}',
        '{% macro text() %}plain {{ 1 + 1 }}{% endmacro %}',
      ].join('\n'),
    };
    expect(render('{% set c = cols() %}{{ c | length }} {{ c[1] }}', macros)).toBe('2 b');
    expect(render('{% if no() %}yes{% else %}no{% endif %}', macros)).toBe('no');
    expect(render('{{ pick(5) }} {{ pick(0) }}', macros)).toBe('big small');
    expect(render('{{ text() }}', macros)).toBe('plain 2');
  });

  it('return() inside a macro called from another macro returns to the inner caller only', () => {
    const macros = {
      'a.sql': '{% macro inner() %}{{ return(41) }}{% endmacro %}',
      'b.sql': '{% macro outer() %}{% set v = inner() %}{{ return(v + 1) }}{% endmacro %}',
    };
    expect(render('{{ outer() }}', macros)).toBe('42');
  });

  it('return() outside a macro is a UserError', () => {
    const e = thrown(() => render('select 1\n{{ return(1) }}'));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/outside a macro/);
    expect(e.file).toBe('models/m.sql');
    expect(e.line).toBe(2);
  });

  it('syntax errors point at file and line', () => {
    const e = thrown(() => render('select 1\nfrom x\n{% if %}'));
    expect(e).toBeInstanceOf(UserError);
    expect(e.file).toBe('models/m.sql');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/syntax/);
  });

  it('runtime errors point at file and line', () => {
    const e = thrown(() => render('select 1\n\n  {{ nope() }}'));
    expect(e).toBeInstanceOf(UserError);
    expect(e.file).toBe('models/m.sql');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/nope/);
  });
});
