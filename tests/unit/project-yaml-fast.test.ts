import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFastYaml } from '../../src/project/yaml-fast.js';
import { parseYamlFile, type YamlPath } from '../../src/project/yaml-file.js';
import { UserError } from '../../src/errors.js';

/** The reference: the full `yaml` parser as parseYamlFile used it before the fast path. */
function reference(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: -1 }) as unknown);
}

/** Every path to a value inside `data`. */
function paths(data: unknown, prefix: YamlPath = []): YamlPath[] {
  if (data === null || typeof data !== 'object') return [];
  const out: YamlPath[] = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  for (const [k, v] of entries) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

/** Same data and, for every path, the same value and key positions as the full parser. */
function expectParity(text: string): void {
  const fast = parseYamlFile(text, 'f.yml');
  const want = reference(text);
  expect(fast.data).toEqual(want);
  // A copy of the text the fast path cannot take (an alias at the end) goes through the full parser.
  const full = parseYamlFile(`${text}\n__ref: &a x\n__use: *a\n`, 'f.yml');
  for (const p of paths(want)) {
    expect([p, fast.locate(p)]).toEqual([p, full.locate(p)]);
    expect([p, fast.locateKey(p)]).toEqual([p, full.locateKey(p)]);
  }
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

const PLAIN = `version: 2
# a comment
models:
  - name: orders   # trailing comment
    description: "Orders, one row per id: \\"quoted\\""
    config: {materialized: table, tags: [a, 'b c'], enabled: true}
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: ['a', "b", c-d, 1, 2.5, -3, null, ~, True]
          - relationships: {to: "ref('x')", field: id}
    meta:
      owner: it's me
      empty:
      list:
      - x
      - y
  - name: b
    tests:
      -
        unique:
          column_name: id
`;

describe('fast YAML path', () => {
  it('matches the full parser on data and every position (plain subset)', () => {
    expect(parseFastYaml(PLAIN)).toBeDefined();
    expectParity(PLAIN);
  });

  it('matches the full parser on every YAML file of the example project', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = [...yamlFiles(join(root, 'models')), ...yamlFiles(join(root, 'seeds')), join(root, 'project.yml'), join(root, 'profiles.yml')];
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expectParity(readFileSync(f, 'utf8'));
  });

  it.each([
    ['anchors', 'a: &x 1\nb: *x\n'],
    ['block scalar', 'a: >\n  folded\n  text\nb: 1\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['multi-line flow', 'a: [1,\n  2]\n'],
    ['tags', 'a: !!str 1\n'],
    ['hex and inf', 'a: 0x1f\nb: .inf\n'],
    ['document marker', '---\na: 1\n'],
    ['odd escapes', 'a: "\\x41"\n'],
    ['numeric keys', '1: a\n'],
    ['merge keys', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
  ])('leaves %s to the full parser, with the same data', (_name, text) => {
    expect(parseFastYaml(text)).toBeUndefined();
    expect(parseYamlFile(text, 'f.yml').data).toEqual(reference(text));
  });

  it('still reports duplicate keys and syntax errors with file:line:column', () => {
    const thrown = (text: string): UserError => {
      try {
        parseYamlFile(text, 'x.yml');
      } catch (err) {
        return err as UserError;
      }
      throw new Error('expected an error');
    };
    expect(thrown('a: 1\nb: 2\na: 3\n')).toMatchObject({ file: 'x.yml', line: 3, column: 1 });
    expect(thrown('a: [1, 2\nb: 3\n')).toBeInstanceOf(UserError);
    // Not a string '-': the full parser rejects a sequence indicator after a key.
    expect(thrown('a: -\nb: 1\n')).toMatchObject({ file: 'x.yml', line: 1 });
    expect(thrown('a: [1, 2\nb: 3\n')).toMatchObject({ file: 'x.yml', line: expect.any(Number) });
  });

  it('an empty value or a missing path is located by the full parser', () => {
    const f = parseYamlFile('a:\n  b:\n  c: 1\n', 'f.yml');
    const full = parseYamlFile('a:\n  b:\n  c: 1\nz: &q 1\n', 'f.yml');
    expect(f.locate(['a', 'b'])).toEqual(full.locate(['a', 'b']));
    expect(f.locate(['a', 'missing'])).toEqual(full.locate(['a', 'missing']));
    expect(f.locate([])).toEqual(full.locate([]));
  });
});

/** Deterministic random documents in and around the subset (LCG, fixed seed). */
function randomDocs(count: number): string[] {
  let seed = 7;
  const r = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const scalars = ['a', 'b c', "'q'", '"d\\"q"', '1', '-2', '3.5', '1e3', 'null', '~', 'true', 'False', '', '-', 'x # c', 'a:b', 'a: b', '[1, 2]', '{k: v}', '[a, {b: c}]', '[]', '{}', "'it''s'", '"x\\ty"', '0x1f', '.5', '+1', '007', 'yes', '2024-01-01', '# c', 'http://x', '[a, b', '{a: 1, a: 2}', "'", 'k:', '@x', '- a', '-1.5e-3', 'a #b', "''", '""', '"a" # c'];
  const keys = ['name', 'k', '"q k"', "'s'", 'a b', '+schema', '1', 'null', 'x', 'name'];
  const gen = (depth: number, ind: number): string => {
    const pad = ' '.repeat(ind);
    let out = '';
    const seq = r() < 0.4;
    for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
      const head = seq ? `${pad}- ` : `${pad}${pick(keys)}:`;
      if (depth > 0 && r() < 0.5) {
        if (seq && r() < 0.5) out += head + gen(depth - 1, ind + 2).slice(ind + 2);
        else out += `${seq ? `${pad}-` : head}\n${gen(depth - 1, ind + (r() < 0.8 ? 2 : r() < 0.5 ? 0 : 4))}`;
      } else out += `${seq ? head : `${head} `}${pick(scalars)}\n`;
      if (r() < 0.1) out += `${pad}# comment\n`;
    }
    return out;
  };
  return Array.from({ length: count }, () => gen(3, 0));
}

describe('fast YAML path on random documents', () => {
  it('accepts only valid YAML, with the same data and positions as the full parser', () => {
    let fastCount = 0;
    for (const text of randomDocs(4000)) {
      if (!parseFastYaml(text)) continue;
      fastCount++;
      const doc = parseDocument(text);
      expect([text, doc.errors.length]).toEqual([text, 0]);
      const fast = parseYamlFile(text, 'f.yml');
      expect(fast.data).toEqual(doc.toJS({ maxAliasCount: -1 }));
      // '---' sends the same document (one line lower) through the full parser.
      const full = parseYamlFile(`---\n${text}`, 'f.yml');
      const up = (l: { line?: number }) => ({ ...l, line: (l.line ?? 0) - 1 });
      for (const p of paths(fast.data)) {
        expect([text, p, fast.locate(p), fast.locateKey(p)]).toEqual([text, p, up(full.locate(p)), up(full.locateKey(p))]);
      }
    }
    expect(fastCount).toBeGreaterThan(500);
  });
});
