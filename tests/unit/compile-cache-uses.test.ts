import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { UserError } from '../../src/errors.js';
import { compileSnapshot, editAndCompare } from '../support/cache-parity.js';
import { updateProject, writeProject } from '../support/project.js';

/**
 * A changed macro file or var re-renders exactly the nodes that used it (cache-patch.ts,
 * uses.ts), and what a patch yields is byte for byte what a full compile yields.
 */
const FILES: Record<string, string> = {
  'project.yml': 'name: demo\nprofile: demo\nvars:\n  mult: 2\n  label: L\n  desc: D\n',
  'macros/m.sql': "{% macro cents(col) %}({{ col }} / 100.0){% endmacro %}\n{% macro gen(x) %}'{{ x }}-{{ var('label') }}'{% endmacro %}\n",
  'macros/unused.sql': '{% macro idle() %}1{% endmacro %}\n',
  'macros/tests.sql': '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= {{ limit_value() }}{% endtest %}\n{% macro limit_value() %}0{% endmacro %}\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n',
  'models/stg.sql': "select id, {{ cents('amount') }} as amount from {{ source('raw', 'orders') }}",
  'models/a.sql': "{{ config(materialized='table') }}\nselect id, amount * {{ var('mult') }} as amount from {{ ref('stg') }}",
  'models/b.sql': "select id, {{ gen('k') }} as k from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('a') }}",
  'seeds/s.csv': 'id\n1\n',
  'models/e.sql': "select id, '{{ env_var('USES_E', 'x') }}' as e from {{ ref('s') }}",
  'models/d.sql': "{{ config(materialized=var('d_mat', 'view')) }}\nselect id from {{ ref('c') }}",
  'models/props.yml': `version: 2
models:
  - name: c
    description: "{{ var('desc') }} {{ env_var('USES_DESC', '') }}"
    columns:
      - name: id
        data_tests: [positive]
`,
};

const FIXED = { invocationId: 'inv', runStartedAt: new Date(0) };

/** Apply an edit and compare with a compile without the cache; returns the replaced models by name (undefined: not patched). */
async function edit(dir: string, what: string, files: Record<string, string>, vars?: Record<string, unknown>, env?: Record<string, string>) {
  const changed = await editAndCompare(dir, what, files, { vars, env });
  return changed?.map((id) => id.replace('model.demo.', '')).sort();
}

describe('compile cache: a changed macro file or var re-renders exactly its users', () => {
  it('re-renders the models that called a macro of the changed file, and replaces those whose output changed', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    const m = FILES['macros/m.sql']!;
    // m.sql holds cents (stg) and gen (b): both are rendered again; only stg's SQL changes.
    expect(await edit(dir, 'a macro body', { 'macros/m.sql': m.replace('100.0', '1000.0') })).toEqual(['stg']);
    const both = m.replace('100.0', '10.0').replace("'{{ x }}-", "'{{ x }}~");
    expect(await edit(dir, 'both macros', { 'macros/m.sql': both })).toEqual(['b', 'stg']);
    // A line added above gen moves it: manifest.macros gets its new line.
    expect(await edit(dir, 'a macro moved down a line', { 'macros/m.sql': both.replace('{% endmacro %}\n', '{% endmacro %}\n\n') })).toEqual([]);
    expect(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).toContain('"macro.demo.gen":{"unique_id":"macro.demo.gen","name":"gen","package_name":"demo","original_file_path":"macros/m.sql","line":3');
    expect(await edit(dir, 'a macro nobody calls', { 'macros/unused.sql': '{% macro idle(x) %}2{% endmacro %}\n' })).toEqual([]);
    expect(await edit(dir, 'a model and a macro at once', {
      'macros/m.sql': m.replace('/ 100.0', '/ 10.0'), 'models/c.sql': "select id, 1 as one from {{ ref('a') }}",
    })).toEqual(['b', 'c']);
    // A macro a generic test calls: the tests of its properties file are built again.
    expect(await edit(dir, 'a macro a test calls', { 'macros/tests.sql': FILES['macros/tests.sql']!.replace('%}0{%', '%}-1{%') })).toEqual(['test.demo.positive_c_id']);
    expect(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).toContain('<= -1');
    // A new macro name in a changed file: the whole project.

    expect(await edit(dir, 'a macro added', { 'macros/unused.sql': '{% macro idle(x) %}2{% endmacro %}\n{% macro idle2() %}3{% endmacro %}\n' })).toBeUndefined();
    // A seed's content is data: its node's checksum is all that changes.
    expect(await edit(dir, 'a seed file', { 'seeds/s.csv': 'id\n1\n2\n' })).toEqual(['seed.demo.s']);
    // A new macro file whose macro nothing names: manifest.macros only (compile-cache-new-files.test.ts).
    expect(await edit(dir, 'a macro file added', { 'macros/more.sql': '{% macro other() %}4{% endmacro %}\n' })).toEqual([]);
  });

  it('re-renders the models that read a changed var, directly or through a macro; a var read elsewhere recompiles everything', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    const project = FILES['project.yml']!;
    expect(await edit(dir, 'a var in project.yml', { 'project.yml': project.replace('mult: 2', 'mult: 3') })).toEqual(['a']);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'a.sql'), 'utf8')).toContain('amount * 3');
    expect(await edit(dir, 'a var read in a macro, from --vars', {}, { label: 'M' })).toEqual(['b']);
    expect(await edit(dir, 'a var nobody reads', {}, { label: 'M', spare: 1 })).toEqual([]);
    // config() reading a var: the config changed, so everything.
    expect(await edit(dir, 'a var in config()', {}, { label: 'M', spare: 1, d_mat: 'table' })).toBeUndefined();
    // A description reads desc outside any model's SQL: everything.
    expect(await edit(dir, 'a var in a description', { 'project.yml': project.replace('mult: 2', 'mult: 3').replace('desc: D', 'desc: E') }, { label: 'M', spare: 1, d_mat: 'table' })).toBeUndefined();
    expect(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).toContain('"description":"E"');
  });

  it('an env var change re-renders the models that read it; one read by a description recompiles everything', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'an env var a model reads', {}, undefined, { USES_E: 'y' })).toEqual(['e']);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'e.sql'), 'utf8')).toContain("'y' as e");
    expect(await edit(dir, 'an env var nobody reads', {}, undefined, { USES_E: 'y', OTHER: '1' })).toBeUndefined();
    expect(await edit(dir, 'an env var a description reads', {}, undefined, { USES_E: 'y', USES_DESC: 'z' })).toBeUndefined();
  });

  it('a changed generate_schema_name (used for every relation) recompiles everything; a removed var read by a model is reported', async () => {
    const dir = writeProject({
      ...FILES,
      'macros/schema.sql': '{% macro generate_schema_name(custom, node) %}s1{% endmacro %}\n',
    });
    await compileSnapshot(dir);
    expect(await edit(dir, 'generate_schema_name', { 'macros/schema.sql': '{% macro generate_schema_name(custom, node) %}s2{% endmacro %}\n' })).toBeUndefined();
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'b.sql'), 'utf8')).toContain('"s2"');
    updateProject(dir, { 'project.yml': FILES['project.yml']!.replace('  mult: 2\n', '') });
    const error = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain("required var 'mult' is not set");
  });
});
