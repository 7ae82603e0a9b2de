/**
 * The compile-speed shortcuts (issue 5) give exactly what the general code they replace gives:
 * built-in test templates filled without nunjucks, test identities built around the arguments'
 * canonical JSON, per-folder cached test configs, one-pass macro-call scanning, the char-code lexer.
 */
import { describe, expect, it } from 'vitest';
import { resolveNodeConfig, type FolderConfigCache } from '../../src/compiler/config.js';
import { compileNunjucks, compileTemplate, createEnvironment, renderTemplate } from '../../src/compiler/environment.js';
import { tryFastTemplate } from '../../src/compiler/fast-template.js';
import { macrosCalledIn, type MacroRegistry } from '../../src/compiler/macros.js';
import type { MacroNode } from '../../src/compiler/types.js';
import { identityJson, isEmptyObject } from '../../src/data-tests/generic-node.js';
import { fillTemplate, TEMPLATES } from '../../src/data-tests/generic-tests.js';
import { resolveTestConfig, testFolder, type TestFolder } from '../../src/data-tests/test-config.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { randomValue, rng } from '../support/random.js';
import { compileFixture, makeProject } from './compiler-fixture.js';
import type { TestDeclaration } from '../../src/project/types.js';

describe('built-in test templates filled without nunjucks', () => {
  it('give what nunjucks renders, for every template and awkward string values', () => {
    const env = createEnvironment();
    const values = ['', '"id"', "it's {{ x }}", 'a\nb', '$& $1 \\', '(select * from "m" where a > 1) as strata_subquery'];
    const next = rng(7);
    for (const name of Object.keys(TEMPLATES) as Array<keyof typeof TEMPLATES>) {
      const template = compileNunjucks(env, TEMPLATES[name], 'x.yml');
      const holes = [...TEMPLATES[name].matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!);
      for (let i = 0; i < 20; i++) {
        const vars: Record<string, string> = {};
        for (const h of holes) vars[h] = values[Math.floor(next() * values.length)]!;
        const model = values[Math.floor(next() * values.length)]!;
        expect(fillTemplate(name, vars, model), name).toBe(renderTemplate(template, 'x.yml', { ...vars, model }));
      }
    }
  });

  it('decline (undefined) when a hole has no string value, so nunjucks handles it', () => {
    expect(fillTemplate('unique', {}, 'm')).toBeUndefined();
    expect(fillTemplate('rows', { predicate: 1 as unknown as string }, 'm')).toBeUndefined();
    expect(fillTemplate('not_empty', {}, '"m"')).toBe('select count(*) as row_count from "m" having count(*) = 0');
  });
});

describe('test identity JSON', () => {
  it('takes the empty-arguments shortcut exactly when canonicalJson gives {}', () => {
    class Box {}
    for (const value of [{}, Object.create(null), new Box(), [], { a: undefined }, { 0: 1 }, new Date(0), null, 'x']) {
      if (isEmptyObject(value)) expect(canonicalJson(value)).toBe('{}');
    }
    expect(isEmptyObject({})).toBe(true);
    expect(isEmptyObject({ a: undefined })).toBe(false);
  });

  it('equals canonicalJson of { attached, column, test, args } on random arguments', () => {
    const next = rng(11);
    const shape = {
      leaves: [null, undefined, true, 0, -1.5, 'a"b', 'é\n', new Date(0), "ref('x')"],
      keys: ['values', 'to', 'field', 'b', 'a', '1', '01', 'quote'],
      maxDepth: 3,
      leafBelow: 0.3,
      arrayBelow: 0.5,
    };
    for (let i = 0; i < 2000; i++) {
      const args = randomValue(next, shape);
      const column = next() < 0.3 ? undefined : next() < 0.5 ? 'id' : 'we"ird\n';
      const test = next() < 0.5 ? 'unique' : 'pkg.accepted_values';
      expect(identityJson('model.demo.orders', column, test, args)).toBe(canonicalJson({ attached: 'model.demo.orders', column, test, args }));
    }
  });
});

describe('test configs cached per folder', () => {
  const tree = {
    '+tags': ['dq'],
    '+meta': { owner: 'a' },
    demo: {
      '+severity': 'warn',
      staging: { '+store_failures': true, '+tags': 'stg', special_test: { '+severity': 'error', '+limit': 3 } },
      marts: { '+where': 'id > 0', '+meta': { owner: 'b', team: 'x' } },
      tags: { '+limit': 1 },
    },
  };
  const fqns = [
    ['demo', 'a_test'], ['demo', 'staging', 'a_test'], ['demo', 'staging', 'special_test'], ['demo', 'staging', 'b_test'],
    ['demo', 'marts', 'a_test'], ['demo', 'marts', 'deep', 'a_test'], ['demo', 'tags', 'a_test'], ['other', 'x'], ['demo', 'staging', 'a_test'],
  ];

  it('equal a fresh resolution (same keys in the same order), and share nothing mutable', () => {
    const project = makeProject({});
    project.config.dataTests = tree;
    const folders = new Map<string, TestFolder>();
    const folderOf = (fqn: string[]) => {
      const key = fqn.slice(0, -1).join('/');
      if (!folders.has(key)) folders.set(key, testFolder(project, fqn.slice(0, -1)));
      return folders.get(key)!;
    };
    const at = { file: 'models/schema.yml', line: 1 };
    for (const fqn of fqns) {
      const cached = resolveTestConfig(project, fqn, {}, at, folderOf(fqn));
      const fresh = resolveTestConfig(project, fqn, {}, at);
      expect(JSON.stringify(cached), fqn.join('.')).toBe(JSON.stringify(fresh));
      cached.tags.push('mutated');
      cached.meta.mutated = true;
      cached.where = 'changed';
    }
    for (const fqn of fqns) expect(JSON.stringify(resolveTestConfig(project, fqn, {}, at, folderOf(fqn)))).toBe(JSON.stringify(resolveTestConfig(project, fqn, {}, at)));
    // A declaration with config of its own is resolved fresh.
    expect(resolveTestConfig(project, ['demo', 'a_test'], { severity: 'error' }, at, folderOf(['demo', 'a_test'])).severity).toBe('error');
  });

  it('still report an invalid folder config at the declaration', () => {
    const project = makeProject({});
    project.config.dataTests = { '+severity': 'loud' };
    const folder = testFolder(project, ['demo']);
    for (const line of [3, 9]) expect(() => resolveTestConfig(project, ['demo', 't'], {}, { file: 'm.yml', line }, folder)).toThrow(/severity must be/);
  });
});

describe('macrosCalledIn', () => {
  /** The general scan it replaces: every identifier before `(`, kept when it names a macro. */
  const reference = (raw: string, registry: MacroRegistry): string[] => {
    const found = new Set<string>();
    for (const m of raw.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const node = registry.nodes.get(m[1]!);
      if (node) found.add(node.unique_id);
    }
    return [...found].sort();
  };

  it('finds the same calls as the general identifier scan on random text', () => {
    const names = ['a', 'ab', 'abc', 'b_1', 'cents_to_dollars', 'test_unique', '_x'];
    const registry: MacroRegistry = { nodes: new Map(names.map((n) => [n, { unique_id: `macro.demo.${n}` } as MacroNode])), functions: new Map() };
    const pieces = [...names, 'x', '1', '.', ' ', '\n', '(', ')', 'é', '{{ ', ' }}', 'sum', '_', 'ab1', '  (', '\t('];
    const next = rng(5);
    for (let i = 0; i < 3000; i++) {
      let raw = '';
      for (let j = Math.floor(next() * 12); j > 0; j--) raw += pieces[Math.floor(next() * pieces.length)];
      expect(macrosCalledIn(raw, registry), JSON.stringify(raw)).toEqual(reference(raw, registry));
    }
    expect(macrosCalledIn('select 1', { nodes: new Map(), functions: new Map() })).toEqual([]);
  });
});

describe('fast template lexer', () => {
  it('renders numbers, strings and escapes like nunjucks, and declines what it does not lex', () => {
    const env = createEnvironment();
    env.addGlobal('f', (...args: unknown[]) => JSON.stringify(args));
    const same = ["{{ f(1, 22.5, 3, '', 'a\\'b', \"q\\\"\", 'tab\\tnl\\n', 'back\\\\slash', '\\x') }}", '{{f(a_1,_b)}}', '{{ f( 007 ) }}', '{{ f(1.5) }}{{ f(10) }}'];
    for (const source of same) {
      const fast = compileTemplate(env, source, 'm.sql');
      expect(fast.constructor.name, source).toBe('FastTemplate');
      expect(renderTemplate(fast, 'm.sql'), source).toBe(renderTemplate(compileNunjucks(env, source, 'm.sql'), 'm.sql'));
    }
    for (const source of ['{{ 1a }}', '{{ é }}', "{{ 'open }}", '{{ a + b }}', '{{ f(__proto__=1) }}', '{{ a | upper }}']) {
      expect(tryFastTemplate(env, source, 'm.sql'), source).toBeUndefined();
    }
  });
});

describe('fast template parse cache (one per environment)', () => {
  it('renders every template like nunjucks when tag texts repeat across templates and scopes', () => {
    const globals = { c: 'GLOBAL', f: (...args: unknown[]) => JSON.stringify(args), g: (s: string) => `<${s}>` };
    const templates = [
      '{{ c }}|{% for c in [1, 2] %}{{ c }}{% endfor %}|{{ c }}',
      '{% for c in [3] %}{{ c }}{% endfor %}{{ c }}',
      "a {{ f('x') -}}   b {{ f('x') }} c {{- f('x') }}",
      "{% for x in ['%}'] %}[{{ x }}]{% endfor %}",
      "{{ g('}}') }} {{ g('a') }}",
      "{{ g('}}') }}",
      '{%- for c in [1] -%} {{ c }} {%- endfor %}\n{{ c }}',
      "{% for c in ['a'] %}{% for d in [c, 'b'] %}{{ c }}{{ d }}{% endfor %}{% endfor %}",
      '{{ loop }}',
      '{% for x in [1] %}{{ loop }}{% endfor %}',
    ];
    const next = rng(3);
    const env = createEnvironment();
    for (const [k, v] of Object.entries(globals)) env.addGlobal(k, v);
    for (let round = 0; round < 40; round++) {
      const source = templates[Math.floor(next() * templates.length)]!;
      const expected = renderTemplate(compileNunjucks(env, source, 'm.sql'), 'm.sql');
      expect(renderTemplate(compileTemplate(env, source, 'm.sql'), 'm.sql'), source).toBe(expected);
    }
    expect(tryFastTemplate(env, '{% for x in [1] %}{{ loop }}{% endfor %}', 'm.sql')).toBeUndefined();
    expect(tryFastTemplate(env, '{{ loop }}', 'm.sql')).toBeDefined();
  });
});

describe('test shapes (declarations sharing a test, column and arguments)', () => {
  const decl = (name: string, args: Record<string, unknown> = {}, line = 7): TestDeclaration => ({ name, args, file: 'models/schema.yml', line });
  /** The same declarations on every model, with variations that must not leak from one test to another. */
  const columns = () => [
    { name: 'id', tests: [decl('unique'), decl('not_null', { where: 'id > 0' }), decl('accepted_range', { min_value: 0, config: { severity: 'warn' } })] },
    { name: 'status', tests: [decl('accepted_values', { values: ['a', 'b'] }), decl('accepted_values', { values: [1, 2], quote: false }), decl('not_null', { column_name: 'status' })] },
    { name: 'day', tests: [decl('accepted_values', { values: [new Date(0)] }), decl('accepted_values', { values: ['1970-01-01T00:00:00.000Z'] })] },
    { name: 'customer_id', tests: [decl('relationships', { to: "ref('customers')", field: 'id' }), decl('relationships', { to: 'raw.customers', field: 'id' })] },
  ];
  const tableTests = () => [decl('expected_columns', { columns: ['id', 'status'] }), decl('row_count', { min: 1 }), decl('not_null', { column_name: 'id' })];
  const spec = (names: string[]) => makeProject({
    models: Object.fromEntries([...names.map((n) => [`${n}.sql`, 'select 1 as id']), ['customers.sql', 'select 1 as id']]),
    modelProps: Object.fromEntries(names.map((n) => [n, { tests: tableTests(), columns: columns() }])),
  });

  it('give each test the node it gets when compiled alone', () => {
    const names = ['orders', 'returns', 'refunds'];
    const together = compileFixture(spec(names));
    for (const name of names) {
      const alone = compileFixture(spec([name]));
      const ids = Object.keys(alone.nodes).filter((id) => id.startsWith('test.'));
      expect(ids.length).toBeGreaterThan(10);
      for (const id of ids) expect(JSON.stringify(together.nodes[id]), id).toBe(JSON.stringify(alone.nodes[id]));
    }
    const day = Object.values(together.nodes).filter((n) => n.attached_node === 'model.demo.orders' && n.column_name === 'day');
    expect(day.map((n) => n.compiled_code)).toEqual([expect.stringContaining("'1970-01-01')"), expect.stringContaining("'1970-01-01T00:00:00.000Z')")]);
    expect(together.nodes['test.demo.expected_columns_returns__id__status']!.compiled_code).toContain("'returns'");
  });
});

describe('node configs with the folder walk cached', () => {
  it('equal a fresh resolution for models and seeds, folders named like nodes included, and share nothing mutable', () => {
    const project = makeProject({
      modelsConfig: {
        '+tags': ['all'], '+meta': { a: 1 },
        demo: { '+materialized': 'table', staging: { '+schema': 'stg', '+tags': 'stg', special: { '+alias': 'sp', '+tags': ['own'] }, deep: { '+enabled': false } }, tags: { '+x': 1 } },
      },
      seedsConfig: { demo: { '+delimiter': ';', lookup: { '+column_types': { id: 'int' } } } },
    });
    const cases: Array<['model' | 'seed', string[]]> = [
      ['model', ['demo', 'staging', 'orders']], ['model', ['demo', 'staging', 'special']], ['model', ['demo', 'staging', 'deep', 'x']],
      ['model', ['demo', 'marts', 'orders']], ['model', ['demo', 'tags', 'x']], ['model', ['demo', 'x']], ['model', ['other', 'x']],
      ['seed', ['demo', 'lookup']], ['seed', ['demo', 'countries']], ['model', ['demo', 'staging', 'orders']],
    ];
    const cache: FolderConfigCache = new Map();
    const yaml = { tags: ['y'], meta: { b: 2 } };
    const inline = { materialized: 'view', tags: ['i'] };
    for (let round = 0; round < 2; round++) {
      for (const [type, fqn] of cases) {
        const cached = resolveNodeConfig(project, type, fqn, yaml, inline, cache);
        expect(JSON.stringify(cached), fqn.join('.')).toBe(JSON.stringify(resolveNodeConfig(project, type, fqn, yaml, inline)));
        cached.tags.push('mutated');
        cached.meta.mutated = true;
        cached.pre_hook.push('x');
      }
    }
  });
});
