import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { compileSnapshot, editAndCompare } from '../support/cache-parity.js';
import { updateProject, writeProject } from '../support/project.js';

/**
 * A changed properties YAML file patches the cache entry (cache-patch-yaml.ts) when the graph and
 * every config stay as they were: the models it describes get their new descriptions and columns,
 * its tests are built again. What a patch yields is byte for byte what a full compile yields.
 */
const SCHEMA_A = `version: 2
models:
  - name: a
    description: "Orders, one row per id."
    columns:
      - name: id
        description: Primary key.
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: [open, closed]
  - name: b
    description: "{{ doc('b_doc') }}"
    data_tests:
      - relationships: {column_name: id, to: "ref('a')", field: id}
`;
const SCHEMA_C = `version: 2
models:
  - name: c
    columns:
      - name: id
        data_tests: [not_null]
`;
const FILES: Record<string, string> = {
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n',
  'models/docs.md': '{% docs b_doc %}B, from the docs.{% enddocs %}\n',
  'models/stg.sql': "select id, status from {{ source('raw', 'orders') }}",
  'models/a.sql': "{{ config(materialized='table') }}\nselect id, status from {{ ref('stg') }}",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
  'models/schema_a.yml': SCHEMA_A,
  'models/schema_c.yml': SCHEMA_C,
  'tests/no_negative_ids.sql': "select * from {{ ref('a') }} where id < 0",
};

const FIXED = { invocationId: 'inv', runStartedAt: new Date(0) };

/** Apply an edit and compare with a compile without the cache; returns the replaced nodes as `model:x` / `test:y` (undefined: not patched). */
async function edit(dir: string, what: string, files: Record<string, string>) {
  const changed = await editAndCompare(dir, what, files);
  return changed?.map((id) => id.replace(/^(model|test)\.demo\./, '$1:')).sort();
}

describe('compile cache: a changed properties YAML file or singular test', () => {
  it('patches descriptions, columns, test configs and singular tests; anything that changes the node set or a config compiles everything', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'a model description', { 'models/schema_a.yml': SCHEMA_A.replace('one row per id', 'one row per order id') })).toEqual(['model:a']);
    // A line added above the tests: they are built again (their YAML line is part of them).
    const moved = SCHEMA_A.replace('        description: Primary key.\n', '        description: >\n          Primary key,\n          never null.\n');
    const patched = await edit(dir, 'a column description over more lines', { 'models/schema_a.yml': moved });
    expect(patched).toContain('model:a');
    expect(patched).toContain('test:accepted_values_a_status__open__closed');
    expect(patched).toContain('test:relationships_b_id__id__ref_a_');
    expect(await edit(dir, 'a test config', {
      'models/schema_c.yml': SCHEMA_C.replace('data_tests: [not_null]', 'data_tests:\n          - not_null:\n              config: {severity: warn}'),
    })).toEqual(['test:not_null_c_id']);
    expect(await edit(dir, 'two files and a model at once', {
      'models/schema_a.yml': moved.replace('Orders,', 'All orders,'), 'models/schema_c.yml': SCHEMA_C.replace('- name: id', '- name: id\n        description: The id.'),
      'models/c.sql': "select id, 1 as one from {{ ref('b') }}",
    })).toEqual(['model:a', 'model:c', 'test:not_null_c_id']);

    // Singular tests: rendered again from their files, new dependencies included.
    expect(await edit(dir, 'a singular test body', { 'tests/no_negative_ids.sql': "select * from {{ ref('a') }} where id <= 0" })).toEqual(['test:no_negative_ids']);
    expect(await edit(dir, 'a singular test reading another model', {
      'tests/no_negative_ids.sql': "select * from {{ ref('a') }} where id <= 0 and id not in (select id from {{ ref('c') }})",
    })).toEqual(['test:no_negative_ids']);
    expect(await edit(dir, 'a singular test tagged', { 'tests/no_negative_ids.sql': "{{ config(tags=['x']) }}\nselect * from {{ ref('a') }}" })).toBeUndefined();
    expect(await edit(dir, 'a singular test disabled', { 'tests/no_negative_ids.sql': "{{ config(enabled=false) }}\nselect * from {{ ref('a') }}" })).toBeUndefined();
    updateProject(dir, { 'tests/no_negative_ids.sql': FILES['tests/no_negative_ids.sql']! });

    updateProject(dir, { 'models/schema_a.yml': SCHEMA_A, 'models/schema_c.yml': SCHEMA_C });
    await compileSnapshot(dir);
    // Tests added or removed: the file's run of tests is replaced (ids, order, graph as a compile makes them).
    expect(await edit(dir, 'a test added', { 'models/schema_c.yml': SCHEMA_C.replace('[not_null]', '[not_null, unique]') })).toEqual(['test:not_null_c_id', 'test:unique_c_id']);
    expect(await edit(dir, 'a test removed', { 'models/schema_c.yml': SCHEMA_C.replace('[not_null]', '[unique]') })).toEqual(['test:unique_c_id']);
    expect(await edit(dir, 'test arguments (the test name changes)', { 'models/schema_a.yml': SCHEMA_A.replace('[open, closed]', '[open, closed, void]') })).toEqual([
      'test:accepted_values_a_status__open__closed__void', 'test:not_null_a_id', 'test:relationships_b_id__id__ref_a_', 'test:unique_a_id',
    ]);
    // The test now depends on stg instead of a: parent and child maps, graph facts and order follow.
    expect(await edit(dir, 'a relationships target', { 'models/schema_a.yml': SCHEMA_A.replace("to: \"ref('a')\"", "to: \"ref('stg')\"") })).toEqual([
      'test:accepted_values_a_status__open__closed', 'test:not_null_a_id', 'test:relationships_b_id__id__ref_stg_', 'test:unique_a_id',
    ]);
    expect(await edit(dir, 'a test disabled', { 'models/schema_a.yml': SCHEMA_A.replace('[unique, not_null]', '[unique, {not_null: {config: {enabled: false}}}]') })).toEqual([
      'test:accepted_values_a_status__open__closed', 'test:relationships_b_id__id__ref_a_', 'test:unique_a_id',
    ]);

    // A model gaining properties (and tests), then losing them again.
    const withStg = `${SCHEMA_A}  - name: stg\n    description: Staged orders.\n    columns:\n      - name: id\n        data_tests: [not_null]\n`;
    expect(await edit(dir, 'a model gaining its properties', { 'models/schema_a.yml': withStg })).toEqual([
      'model:stg', 'test:accepted_values_a_status__open__closed', 'test:not_null_a_id', 'test:not_null_stg_id', 'test:relationships_b_id__id__ref_a_', 'test:unique_a_id',
    ]);
    expect(await edit(dir, 'a model losing its properties', { 'models/schema_a.yml': SCHEMA_A.slice(0, SCHEMA_A.indexOf('  - name: b')) })).toEqual([
      'model:b', 'model:stg', 'test:accepted_values_a_status__open__closed', 'test:not_null_a_id', 'test:unique_a_id',
    ]);
    await edit(dir, 'properties restored', { 'models/schema_a.yml': SCHEMA_A });

    const base = (await compileSnapshot(dir)).changed; // a plain hit now
    expect(base).toBeUndefined();
    const fallbacks: Array<[string, Record<string, string>]> = [
      ['a YAML config', { 'models/schema_c.yml': SCHEMA_C.replace('  - name: c\n', '  - name: c\n    config: {materialized: table}\n') }],
      ['model-level tags', { 'models/schema_c.yml': SCHEMA_C.replace('  - name: c\n', '  - name: c\n    tags: [t]\n') }],
      ['a sources file', { 'models/sources.yml': FILES['models/sources.yml']!.replace('raw_data', 'raw2') }],
      ['a model described in two files', { 'models/schema_c.yml': `${SCHEMA_C}  - name: b\n    description: again\n` }],
      ['a model gaining a YAML config', { 'models/schema_c.yml': `${SCHEMA_C}  - name: stg\n    config: {materialized: table}\n` }],
    ];
    for (const [what, files] of fallbacks) {
      updateProject(dir, { 'models/schema_a.yml': SCHEMA_A, 'models/schema_c.yml': SCHEMA_C, 'models/sources.yml': FILES['models/sources.yml']! });
      await compileSnapshot(dir);
      if (what === 'a model described in two files') {
        updateProject(dir, files);
        await expect(prepare({ projectDir: dir, ...FIXED }), what).rejects.toThrow(/defined twice|twice|duplicate/i);
        continue;
      }
      expect(await edit(dir, what, files), what).toBeUndefined();
    }
  });

  it('tests added or removed whose names other tests depend on compile everything', async () => {
    // not_null on a.b_id and on a_b.id both make the name not_null_a_b_id: the later one gets a hashed name.
    const one = (extra: string) => `version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n${extra}`;
    const bId = '      - name: b_id\n        data_tests: [not_null]\n';
    const dir = writeProject({
      'models/a.sql': 'select 1 as id, 2 as b_id',
      'models/a_b.sql': "select id from {{ ref('a') }}",
      'models/schema_1.yml': one(''),
      'models/schema_2.yml': 'version: 2\nmodels:\n  - name: a_b\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    await compileSnapshot(dir);
    expect(await edit(dir, 'a name another file has', { 'models/schema_1.yml': one(bId) })).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).nodes as object).filter((id) => id.startsWith('test.demo.not_null_a_b_id_'))).toHaveLength(1);
    expect(await edit(dir, 'a name another test was hashed from', { 'models/schema_1.yml': one('') })).toBeUndefined();
    // A test added that collides with nothing is patched.
    expect(await edit(dir, 'a test added', { 'models/schema_1.yml': one('      - name: b_id\n        data_tests: [unique]\n') })).toEqual(['model:a', 'test:not_null_a_id', 'test:unique_a_b_id']);
  });
});
