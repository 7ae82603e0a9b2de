import { describe, expect, it } from 'vitest';
import { createEnvironment, compileNunjucks, renderTemplate } from '../../src/compiler/environment.js';
import { tryFastTemplate } from '../../src/compiler/fast-template.js';
import { UserError } from '../../src/errors.js';

/** The fast path must render exactly what nunjucks renders, errors included. */
function both(source: string, globals: Record<string, unknown> = {}) {
  const env = createEnvironment();
  for (const [k, v] of Object.entries(globals)) env.addGlobal(k, v);
  const fast = tryFastTemplate(env, source, 'models/m.sql');
  const run = (t: { render(ctx?: object): string }) => {
    try {
      return renderTemplate(t as never, 'models/m.sql');
    } catch (e) {
      const u = e as UserError;
      return { error: u instanceof UserError, line: u.line, file: u.file };
    }
  };
  return { fast: fast && run(fast), slow: run(compileNunjucks(env, source, 'models/m.sql')), usedFast: fast !== undefined };
}

describe('fast template path', () => {
  const globals = {
    f: (...args: unknown[]) => JSON.stringify(args),
    obj: { a: { b: 'deep' }, list: [10, 20], s: 'MiXed' },
    nothing: null,
  };
  const sources = [
    'plain text only',
    "select {{ f('a', 1, 2.5, true, none, [1, 'x'], {'k': 'v'}) }}",
    "{{ f('a', k=1, other='two') }} and {{ f() }}",
    '{{ obj.a.b }} {{ obj.list[1] }} {{ obj["a"]["b"] }} {{ obj.s.lower() }} {{ obj.missing }} {{ nothing }} {{ undefined_name }}',
    '{{ True }} {{ False }} {{ None }} {{ null }}',
    "a  \n  {{- 'x' -}}  \n  b",
    "line 1\n{{ f('it''s') }}".replace("''", "\\'"),
    '{{ "esc\\naped" }}',
    'x\n\n  {{ nope() }}',
    'x\n{{ obj.a.b() }}',
  ];
  const loops = [
    "select\n    id,\n    {%- for c in ['amount', 'batch_key'] %}\n    sum({{ c }}) as {{ c }},\n    {%- endfor %}\n    max(x) as x",
    '{% for w in [7, 30, 90] %}w{{ w }}d {% endfor %}',
    "a {%- for x in [1, 2] -%}  \n [{{ x }}]  \n {%- endfor -%}  \n b",
    "{% for x in ['a', 'b'] %}{% for y in [x, 'z'] %}{{ x }}{{ y }},{% endfor %};{% endfor %}",
    '{% for obj in [1] %}{{ obj }}{% endfor %} {{ obj.s }}',
    '{% for x in [] %}never{% endfor %}done',
    "{% for x in [obj.list, f(1)] %}<{{ x }}>{% endfor %}",
    "{% for x in [{'k': 'v'}] %}{{ x.k }}{{ f(x, k=x) }}{% endfor %}",
    "{% for x in [1] %}\nok\n{% endfor %}\n{% for x in [1] %}\n  {{ nope() }}\n{% endfor %}",
    "{%for x in[1,2]%}{{x}}{%endfor%}",
    "{% for x in [nope()] %}{{ x }}{% endfor %}",
  ];
  for (const source of loops) {
    it(`renders loops like nunjucks: ${JSON.stringify(source).slice(0, 50)}`, () => {
      const r = both(source, globals);
      expect(r.usedFast).toBe(true);
      expect(r.fast).toEqual(r.slow);
    });
  }

  it('falls back to nunjucks for loops it does not emulate', () => {
    const env = createEnvironment();
    for (const s of [
      '{% for x in items %}{{ x }}{% endfor %}',
      '{% for k, v in [[1, 2]] %}{{ k }}{% endfor %}',
      '{% for x in [1] %}{{ loop.index }}{% endfor %}',
      '{% for x in [1] %}a{% else %}b{% endfor %}',
      '{% for x in [1][0] %}{% endfor %}',
      '{% for x in [1] %}unclosed',
      'stray {% endfor %}',
      '{% for none in [1] %}{% endfor %}',
      '{% set x = 1 %}',
    ]) {
      expect(tryFastTemplate(env, s, 'm.sql'), s).toBeUndefined();
    }
  });
  for (const source of sources) {
    it(`renders like nunjucks: ${JSON.stringify(source).slice(0, 50)}`, () => {
      const r = both(source, globals);
      expect(r.usedFast).toBe(true);
      expect(r.fast).toEqual(r.slow);
    });
  }

  it('falls back to nunjucks for tags, comments, filters and operators', () => {
    const env = createEnvironment();
    for (const s of ['{% if x %}{% endif %}', '{% raw %}{{ x }}{% endraw %}', '{# c #}', '{{ x | upper }}', '{{ 1 + 2 }}', "{{ 'a' ~ 'b' }}", '{{ x if y }}', '{{ -1 }}', '{{ x is none }}']) {
      expect(tryFastTemplate(env, s, 'm.sql')).toBeUndefined();
    }
  });

  it('reports errors at the line of the expression', () => {
    const r = both('a\nb\n  {{ nope() }}');
    expect(r.fast).toEqual({ error: true, line: 3, file: 'models/m.sql' });
  });
});
