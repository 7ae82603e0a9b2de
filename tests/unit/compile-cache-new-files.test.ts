import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { UserError } from '../../src/errors.js';
import { compileSnapshot, editAndCompare } from '../support/cache-parity.js';
import { updateProject, writeProject } from '../support/project.js';

/**
 * New and removed properties YAML, singular test and seed files patch the cache entry: their
 * nodes are spliced in where a compile puts them (or out), and what the patch yields is byte for
 * byte what a full compile yields. Anything a patch cannot settle alone compiles the project.
 */
const FILES: Record<string, string> = {
  'seeds/seed_m.csv': 'id\n1\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            data_tests: [not_null]\n',
  'models/a.sql': "{{ config(materialized='table') }}\nselect id, 'x' as status from {{ ref('seed_m') }}",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
  'models/d.sql': "select id from {{ source('raw', 'orders') }}",
  'models/m_schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'tests/t_m.sql': "select * from {{ ref('a') }} where id < 0",
};
const FIXED = { invocationId: 'inv', runStartedAt: new Date(0) };

/** Apply an edit and compare with a compile without the cache; the replaced or added nodes, sorted (undefined: not patched). */
const edit = async (dir: string, what: string, files: Record<string, string>, remove: string[] = []) =>
  (await editAndCompare(dir, what, () => {
    for (const f of remove) rmSync(join(dir, f));
    updateProject(dir, files);
  }))?.map((id) => id.replace(/^(\w+)\.demo\./, '$1:')).sort();

const describes = (model: string, tests = '[not_null]') => `version: 2\nmodels:\n  - name: ${model}\n    description: The ${model} model.\n    columns:\n      - name: id\n        data_tests: ${tests}\n`;

describe('compile cache: a new or removed properties file', () => {
  it('adds its descriptions and tests where a compile puts them (before, between and after other files), and takes them away again', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    // a_schema.yml sorts before m_schema.yml: its tests go before b's, after the last model.
    expect(await edit(dir, 'a file before the others', { 'models/a_schema.yml': describes('a', '[unique, not_null]') })).toEqual(['model:a', 'test:not_null_a_id', 'test:unique_a_id']);
    // z_schema.yml sorts after both: after b's tests, before the source's (tests on sources come last).
    expect(await edit(dir, 'a file after the others', { 'models/z_schema.yml': describes('c') })).toEqual(['model:c', 'test:not_null_c_id']);
    expect(await edit(dir, 'a file between', { 'models/n_schema.yml': describes('d') })).toEqual(['model:d', 'test:not_null_d_id']);
    expect(await edit(dir, 'an empty file', { 'models/e_schema.yml': 'version: 2\n' })).toEqual([]);
    expect(await edit(dir, 'an empty file removed', {}, ['models/e_schema.yml'])).toEqual([]);
    expect(await edit(dir, 'a file with tests removed', {}, ['models/n_schema.yml'])).toEqual(['model:d']);
    expect(await edit(dir, 'the first file removed', {}, ['models/a_schema.yml'])).toEqual(['model:a']);
    expect(await edit(dir, 'a file removed and another added (two runs)', { 'models/n_schema.yml': describes('d') }, ['models/z_schema.yml'])).toBeUndefined();
    expect(await edit(dir, 'a file describing a model without tests', { 'models/o_schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: A.\n' })).toEqual(['model:a']);
    expect(await edit(dir, 'and removed', {}, ['models/o_schema.yml'])).toEqual(['model:a']);
    updateProject(dir, { 'models/leaf.sql': 'select 1 as id' });
    await compileSnapshot(dir);
    expect(await edit(dir, 'a new file describing a model removed with it', { 'models/o_schema.yml': describes('leaf') }, ['models/leaf.sql'])).toBeUndefined();
  });

  it('compiles the project when the new file describes a seed, a source, a missing or already described model, or a config', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    const fallbacks: Array<[string, string]> = [
      ['a seed', 'version: 2\nseeds:\n  - name: seed_m\n    description: S.\n'],
      ['a source', 'version: 2\nsources:\n  - name: raw2\n    tables:\n      - name: t\n'],
      ['a model with no file', describes('nope')],
      ['a YAML config', 'version: 2\nmodels:\n  - name: c\n    config: {materialized: table}\n'],
      ['a warning', 'version: 2\nmodels:\n  - name: c\n    descriptoin: typo\n'],
    ];
    for (const [what, text] of fallbacks) {
      expect(await edit(dir, what, { 'models/x_new.yml': text }), what).toBeUndefined();
      await edit(dir, `${what}: removed`, {}, ['models/x_new.yml']);
    }
    // b is described in m_schema.yml already: the compile reports it.
    updateProject(dir, { 'models/x_new.yml': describes('b') });
    await expect(prepare({ projectDir: dir, ...FIXED })).rejects.toThrow(/twice/);
    rmSync(join(dir, 'models', 'x_new.yml'));
    await compileSnapshot(dir);
    // Two new files gaining one model: the compile reports it too.
    updateProject(dir, { 'models/x1.yml': describes('c'), 'models/x2.yml': 'version: 2\nmodels:\n  - name: c\n    description: again\n' });
    await expect(prepare({ projectDir: dir, ...FIXED })).rejects.toThrow(/twice/);
  });
});

describe('compile cache: a new or removed singular test file', () => {
  it('adds its node where a compile puts it, depending on what it refs, and takes it away again', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'after the others', { 'tests/t_z.sql': "select * from {{ ref('c') }} where id is null" })).toEqual(['test:t_z']);
    expect(await edit(dir, 'before the others', { 'tests/t_a.sql': "select * from {{ ref('b') }} join {{ source('raw', 'orders') }} using (id)" })).toEqual(['test:t_a']);
    expect(await edit(dir, 'between, in a folder', { 'tests/sub/t_n.sql': "select * from {{ ref('seed_m') }}" })).toEqual(['test:t_n']);
    expect(await edit(dir, 'reading a new model', { 'tests/t_q.sql': "select * from {{ ref('new_m') }}", 'models/new_m.sql': 'select 1 as id' })).toEqual(['model:new_m', 'test:t_q']);
    expect(await edit(dir, 'disabled', { 'tests/t_off.sql': "{{ config(enabled=false) }}\nselect * from {{ ref('a') }}" })).toEqual([]);
    expect(await edit(dir, 'removed', {}, ['tests/t_z.sql'])).toEqual([]);
    expect(await edit(dir, 'renamed (a run that removes and adds)', { 'tests/t_m2.sql': "select * from {{ ref('a') }} where id < 0" }, ['tests/t_m.sql'])).toEqual(['test:t_m2']);
    expect(await edit(dir, 'two removed, one disabled', {}, ['tests/t_off.sql', 'tests/sub/t_n.sql'])).toEqual([]);
    expect(await edit(dir, 'a removed model and the test reading it', {}, ['tests/t_q.sql', 'models/new_m.sql'])).toEqual([]);
  });

  it('is placed before unit tests, or last; names other tests have or were made from compile everything', async () => {
    const unit = 'unit_tests:\n  - name: u1\n    model: b\n    given:\n      - input: ref(\'a\')\n        rows: [{id: 1}]\n    expect: {rows: [{id: 1}]}\n';
    const { 'tests/t_m.sql': _none, ...files } = FILES;
    const dir = writeProject({ ...files, 'models/unit.yml': unit });
    await compileSnapshot(dir);
    expect(await edit(dir, 'the first singular test, before a unit test', { 'tests/t1.sql': "select * from {{ ref('a') }}" })).toEqual(['test:t1']);
    expect(await edit(dir, 'and removed', {}, ['tests/t1.sql'])).toEqual([]);
    updateProject(dir, { 'models/unit.yml': 'version: 2\n' });
    await compileSnapshot(dir);
    expect(await edit(dir, 'the first singular test, last of all', { 'tests/t1.sql': "select * from {{ ref('a') }}" })).toEqual(['test:t1']);
    // unique_b_id is a generic test's name: with a singular test taking it, the generic one is renamed.
    expect(await edit(dir, 'a generic test\'s name', { 'tests/unique_b_id.sql': "select * from {{ ref('b') }}" })).toBeUndefined();
    expect(await edit(dir, 'the generic test\'s hashed name comes back', {}, ['tests/unique_b_id.sql'])).toBeUndefined();
    expect(await edit(dir, 'a disabled test with a generic test\'s name', { 'tests/unique_b_id.sql': "{{ config(enabled=false) }}\nselect 1" })).toBeUndefined();
    expect(await edit(dir, 'reading an unknown model', { 'tests/t2.sql': "select * from {{ ref('nope') }}" }).catch((e: unknown) => e)).toBeInstanceOf(UserError);
  });
});

describe('compile cache: a new or removed seed file', () => {
  it('adds its node after the seed before it, read by a new model, and takes an unused one away', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'after the last seed', { 'seeds/seed_z.csv': 'id,v\n1,2\n' })).toEqual(['seed:seed_z']);
    expect(await edit(dir, 'between, with a model reading it', { 'seeds/seed_n.csv': 'id\n3\n', 'models/reads_n.sql': "select * from {{ ref('seed_n') }}" })).toEqual(['model:reads_n', 'seed:seed_n']);
    expect(await edit(dir, 'an edited model reading it', { 'seeds/seed_o.csv': 'id\n4\n', 'models/c.sql': "select id from {{ ref('b') }} union all select id from {{ ref('seed_o') }}" })).toEqual(['model:c', 'seed:seed_o']);
    expect(await edit(dir, 'in a folder, with a project config', {
      'seeds/sub/seed_p.csv': 'id\n5\n', 'project.yml': 'name: demo\nprofile: demo\nseeds:\n  demo:\n    sub:\n      +schema: lookup\n',
    })).toBeUndefined(); // project.yml changed: compiled
    expect(await edit(dir, 'a second one in the folder', { 'seeds/sub/seed_q.csv': 'id\n6\n' })).toEqual(['seed:seed_q']);
    expect(await edit(dir, 'a disabled one', { 'seeds/seed_r.csv': 'id\n', 'project.yml': 'name: demo\nprofile: demo\nseeds:\n  demo:\n    seed_s:\n      +enabled: false\n' })).toBeUndefined();
    expect(await edit(dir, 'disabled by config', { 'seeds/seed_s.csv': 'id\n' })).toEqual([]);
    expect(await edit(dir, 'removed', {}, ['seeds/seed_z.csv'])).toEqual([]);
    expect(await edit(dir, 'removed, disabled', {}, ['seeds/seed_s.csv'])).toEqual([]);
    expect(await edit(dir, 'renamed', { 'seeds/seed_y.csv': 'id,v\n1,2\n' }, ['seeds/seed_r.csv'])).toEqual(['seed:seed_y']);
  });

  it('compiles the project when the new seed sorts first, is named in a properties file, takes a name, or the removed one is read or tested', async () => {
    const dir = writeProject({ ...FILES, 'seeds/seed_t.csv': 'id\n1\n', 'models/t_schema.yml': 'version: 2\nseeds:\n  - name: seed_t\n    columns:\n      - name: id\n        data_tests: [unique]\n' });
    await compileSnapshot(dir);
    expect(await edit(dir, 'first of all nodes', { 'seeds/aaa.csv': 'id\n1\n' })).toBeUndefined();
    expect(await edit(dir, 'named in a properties file', { 'models/u_schema.yml': 'version: 2\nseeds:\n  - name: seed_u\n' })).toBeUndefined();
    expect(await edit(dir, 'and its file', { 'seeds/seed_u.csv': 'id\n1\n' })).toBeUndefined();
    expect(await edit(dir, 'a removed seed with a test', {}, ['seeds/seed_t.csv'])).toBeUndefined();
    updateProject(dir, { 'seeds/b.csv': 'id\n1\n' });
    const error = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect((error as UserError).message).toContain("two resources are named 'b'");
    rmSync(join(dir, 'seeds', 'b.csv'));
    rmSync(join(dir, 'seeds', 'seed_m.csv'));
    const unknown = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect((unknown as UserError).message).toContain("unknown model 'seed_m'");
  });
});

describe('compile cache: a new or removed macro file', () => {
  const M = (name: string) => `{% macro ${name}(x) %}({{ x }} + 1){% endmacro %}\n`;
  it('updates manifest.macros when no other file names its macros; models edited or added with it may call them', async () => {
    const dir = writeProject({ ...FILES, 'macros/m.sql': M('plus_one') });
    await compileSnapshot(dir);
    expect(await edit(dir, 'a new file', { 'macros/n.sql': M('plus_two') })).toEqual([]);
    expect(await edit(dir, 'a new file and a model calling it', {
      'macros/o.sql': M('plus_three'), 'models/c.sql': "select {{ plus_three('id') }} as id from {{ ref('b') }}",
    })).toEqual(['model:c']);
    expect(await edit(dir, 'a new file and a new model and test calling it', {
      'macros/p.sql': M('plus_four'), 'models/e.sql': "select {{ plus_four('1') }} as id", 'tests/t_p.sql': "select {{ plus_four('1') }} as id where false",
    })).toEqual(['model:e', 'test:t_p']);
    expect(await edit(dir, 'an unused file removed', {}, ['macros/n.sql'])).toEqual([]);
    expect(await edit(dir, 'a file removed with the model that called it', {}, ['macros/p.sql', 'models/e.sql', 'tests/t_p.sql'])).toEqual([]);
    expect(await edit(dir, 'a file removed and another added', { 'macros/q.sql': M('plus_five') }, ['macros/m.sql'])).toEqual([]);
  });

  it('compiles the project when a name is looked up by Strata, named elsewhere, used, taken or moved', async () => {
    const dir = writeProject({ ...FILES, 'macros/m.sql': M('plus_one'), 'models/f.sql': "select {% if later is defined %}{{ later('1') }}{% else %}1{% endif %} as id" });
    await compileSnapshot(dir);
    const fallbacks: Array<[string, Record<string, string>]> = [
      ['a name a model checks', { 'macros/n.sql': M('later') }],
      ['a generic test', { 'macros/n.sql': '{% test positive(model, column_name) %}select 1 where false{% endtest %}\n' }],
      ['a dispatched name', { 'macros/n.sql': M('default__later') }],
      ['generate_schema_name', { 'macros/n.sql': '{% macro generate_schema_name(custom, node) %}other{% endmacro %}\n' }],
      ['a name in a description', { 'macros/n.sql': M('plus_six'), 'models/m_schema.yml': `${FILES['models/m_schema.yml']!}    description: "{{ plus_six }}"\n` }],
      ['a macro moved to a new file', { 'macros/n.sql': M('plus_one'), 'macros/m.sql': '' }],
    ];
    for (const [what, files] of fallbacks) {
      expect(await edit(dir, what, files), what).toBeUndefined();
      rmSync(join(dir, 'macros', 'n.sql'));
      updateProject(dir, { 'macros/m.sql': M('plus_one'), 'models/m_schema.yml': FILES['models/m_schema.yml']! });
      await compileSnapshot(dir);
    }
    updateProject(dir, { 'models/c.sql': "select {{ plus_one('id') }} as id from {{ ref('b') }}" });
    await compileSnapshot(dir);
    rmSync(join(dir, 'macros', 'm.sql'));
    await expect(prepare({ projectDir: dir, ...FIXED }), 'a used file removed').rejects.toThrow(/plus_one/);
    updateProject(dir, { 'macros/m.sql': M('plus_one'), 'macros/n.sql': M('plus_one') });
    await expect(prepare({ projectDir: dir, ...FIXED }), 'a name taken').rejects.toThrow(/defined twice/);
  });
});
