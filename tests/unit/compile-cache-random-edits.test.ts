/**
 * The compile cache never serves stale output: over a seeded random sequence of edits to a
 * generated project (bench/generate.mjs: layers, macros, vars, Jinja loops, properties with tests,
 * seeds; model, properties, singular test, seed and macro files added and removed), each compile
 * through the cache — a hit, a patch or a full compile — yields byte for byte what a compile
 * without the cache yields: manifest.json, the in-memory manifest, the stored summaries, graph
 * facts and build order, and the compiled files.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM without types (the bench generator)
import { generate } from '../../bench/generate.mjs';
import { compileSnapshot, editAndCompare } from '../support/cache-parity.js';
import { rng } from '../support/random.js';

const root = mkdtempSync(join(tmpdir(), 'strata-random-edits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Model files by layer, and the properties file of each folder. */
function layout(dir: string) {
  const layers: Record<string, string[]> = {};
  const yamls: string[] = [];
  for (const layer of readdirSync(join(dir, 'models'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
    for (const group of readdirSync(join(dir, 'models', layer))) {
      for (const f of readdirSync(join(dir, 'models', layer, group))) {
        const path = join('models', layer, group, f);
        if (f.endsWith('.sql')) (layers[layer] ??= []).push(path);
        else if (f.endsWith('.yml')) yamls.push(path);
      }
    }
  }
  return { layers, yamls };
}

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.sql$/, '');

describe('compile cache: a random sequence of edits never yields stale output', () => {
  it('matches a compile without the cache after each of 80 edits (seeded)', async () => {
    const dir = join(root, 'p');
    generate(60, dir, 7);
    const next = rng(20261123);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const { layers, yamls } = layout(dir);
    const added: string[] = [];
    /** Models a properties file describes (a second one would be an error), and the files, seeds and singular tests added. */
    const documented = new Set<string>();
    const propsAdded: Array<[string, string]> = [];
    const seedsAdded: string[] = [];
    const testsAdded: string[] = [];
    const macrosAdded: string[] = [];
    let step = 0;
    const edits: Array<[string, () => void]> = [
      ['model body', () => appendFileSync(join(dir, pick(Object.values(layers).flat())), `\n-- edit ${step}`)],
      ['new ref to a staging model', () => {
        const target = pick([...layers.marts!, ...layers.features!]);
        appendFileSync(join(dir, target), `\n-- also {{ ref('${nameOf(pick(layers.staging!))}') }}`);
      }],
      ['macro body', () => appendFileSync(join(dir, 'macros', 'utils.sql'), `\n{# edit ${step} #}`)],
      ['macro output', () => {
        const file = join(dir, 'macros', 'utils.sql');
        writeFileSync(file, readFileSync(file, 'utf8').replace(/\/ 100(\.0*)?,/, `/ 100.${'0'.repeat(step % 5)},`));
      }],
      ['var', () => {
        const file = join(dir, 'project.yml');
        writeFileSync(file, readFileSync(file, 'utf8').replace(/feature_version: \d+/, `feature_version: ${step}`));
      }],
      ['description', () => {
        const file = join(dir, pick(yamls));
        writeFileSync(file, readFileSync(file, 'utf8').replace(/one row per id\.( \(\d+\))?/, `one row per id. (${step})`));
      }],
      ['test removed', () => {
        const file = join(dir, pick(yamls));
        writeFileSync(file, readFileSync(file, 'utf8').replace('data_tests: [unique, not_null]', 'data_tests: [not_null]'));
      }],
      ['test added', () => {
        const file = join(dir, pick(yamls));
        writeFileSync(file, readFileSync(file, 'utf8').replace('data_tests: [not_null]', 'data_tests: [unique, not_null]'));
      }],
      ['new model', () => {
        const path = join('models', 'marts', 'group_0000', `zz_new_${step}.sql`);
        writeFileSync(join(dir, path), `select * from {{ ref('${nameOf(pick(layers.staging!))}') }}`);
        added.push(path);
      }],
      ['two new models, one reading the other', () => {
        const first = join('models', 'intermediate', 'group_0000', `zz_pair_${step}_a.sql`);
        const second = join('models', 'intermediate', 'group_0000', `zz_pair_${step}_b.sql`);
        writeFileSync(join(dir, first), `select * from {{ ref('zz_pair_${step}_b') }}`);
        writeFileSync(join(dir, second), `select * from {{ ref('${nameOf(pick(layers.staging!))}') }}`);
        added.push(second, first);
      }],
      ['model documented', () => {
        const path = added[added.length - 1];
        const file = join(dir, 'models', 'marts', 'group_0000', '_schema.yml');
        if (path && !documented.has(nameOf(path))) {
          documented.add(nameOf(path));
          appendFileSync(file, `  - name: ${nameOf(path)}\n    description: added at step ${step}\n    columns:\n      - name: id\n        data_tests: [not_null]\n`);
        }
      }],
      ['removed model', () => {
        const path = added.pop();
        if (path) rmSync(join(dir, path));
      }],
      ['seed', () => appendFileSync(join(dir, 'seeds', pick(readdirSync(join(dir, 'seeds')).filter((f) => f.endsWith('.csv')))), `${900 + step},active,1,2024-01-01\n`)],
      ['new properties file', () => {
        const path = added.find((p) => !documented.has(nameOf(p)));
        if (!path) return;
        const file = join(path.slice(0, path.lastIndexOf('/')), `_props_${step}.yml`);
        writeFileSync(join(dir, file), `version: 2\nmodels:\n  - name: ${nameOf(path)}\n    description: own file ${step}\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n`);
        documented.add(nameOf(path));
        propsAdded.push([file, nameOf(path)]);
      }],
      ['properties file removed', () => {
        const found = propsAdded.pop();
        if (!found) return;
        rmSync(join(dir, found[0]));
        documented.delete(found[1]);
      }],
      ['new singular test', () => {
        const path = join('tests', pick(['', 'sub/']), `t_${step}.sql`);
        mkdirSync(join(dir, 'tests', 'sub'), { recursive: true });
        writeFileSync(join(dir, path), `select * from {{ ref('${nameOf(pick(Object.values(layers).flat()))}') }} where id < 0`);
        testsAdded.push(path);
      }],
      ['singular test removed', () => {
        const path = testsAdded.splice(Math.floor(next() * testsAdded.length), 1)[0];
        if (path) rmSync(join(dir, path));
      }],
      ['new seed', () => {
        const path = join('seeds', `zz_seed_${step}.csv`);
        writeFileSync(join(dir, path), `id,status\n${step},open\n`);
        seedsAdded.push(path);
      }],
      ['new macro file', () => {
        const path = join('macros', `zz_m_${step}.sql`);
        writeFileSync(join(dir, path), `{% macro zz_twice_${step}(x) %}({{ x }} * 2){% endmacro %}\n`);
        macrosAdded.push(path);
      }],
      ['macro file removed', () => {
        const path = macrosAdded.shift();
        if (path) rmSync(join(dir, path));
      }],
      ['seed removed', () => {
        const path = seedsAdded.shift();
        if (path) rmSync(join(dir, path));
      }],
    ];
    await compileSnapshot(dir);
    let patched = 0;
    const kinds = new Map<string, number>();
    for (step = 1; step <= 80; step++) {
      const [what, apply] = pick(edits);
      if ((await editAndCompare(dir, `step ${step}: ${what}`, apply)) !== undefined) {
        patched += 1;
        kinds.set(what, (kinds.get(what) ?? 0) + 1);
      }
      expect(existsSync(join(dir, 'target', '.strata-cache', 'index.json'))).toBe(true);
    }
    // The sequence exercises the patch, not only full compiles.
    expect(patched, JSON.stringify([...kinds])).toBeGreaterThanOrEqual(60);
    // Every kind of file added or removed went through the patch at least once.
    for (const kind of ['new properties file', 'properties file removed', 'new singular test', 'singular test removed', 'new seed', 'seed removed', 'new macro file', 'macro file removed']) {
      expect(kinds.get(kind), kind).toBeGreaterThan(0);
    }
  }, 240_000);
});
