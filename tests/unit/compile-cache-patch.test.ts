import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare, selectIds, writeCompiledFor } from '../../src/api/prepare.js';
import { UserError } from '../../src/errors.js';
import { updateProject, writeProject } from '../support/project.js';

const FILES: Record<string, string> = {
  'macros/m.sql': "{% macro cents(col) %}({{ col }} / 100.0){% endmacro %}\n{% macro gen(x) %}'{{ x }}'{% endmacro %}\n",
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n',
  'models/stg.sql': "select id, {{ cents('amount') }} as amount, '{{ env_var('PATCH_T', 'x') }}' as t from {{ source('raw', 'orders') }}",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('stg') }}",
  'models/a.sql': "{{ config(materialized='table', tags=['t']) }}\nselect id, amount * {{ var('mult', 2) }} as amount from {{ ref('stg') }}",
  'models/b.sql': "select a.id, {{ gen('k') }} as k from {{ ref('a') }} a join {{ ref('seed_s') }} s on s.id = a.id",
  'models/c.sql': "select * from {{ ref('eph') }}",
  'models/u.sql': "select id from {{ ref('a') }}",
  'models/props.yml': `version: 2
models:
  - name: a
    description: "A"
    columns:
      - name: id
        data_tests: [unique, not_null]
  - name: b
    data_tests:
      - relationships: {column_name: id, to: "ref('a')", field: id}
unit_tests:
  - name: u_keeps_ids
    model: u
    given:
      - input: ref('a')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
`,
  'seeds/seed_s.csv': 'id\n1\n',
  'tests/singular_b.sql': "select * from {{ ref('b') }} where id < 0",
};

const FIXED = { invocationId: 'inv', runStartedAt: new Date(0) };
const unread = (obj: object, key: string) => Object.getOwnPropertyDescriptor(obj, key)?.get !== undefined;

/** What `strata compile` leaves behind, and whether the stored entry served it (patched or hit) rather than a full compile. */
async function compileRun(dir: string, env: Record<string, string> = {}) {
  const p = await prepare({ projectDir: dir, env, ...FIXED });
  const served = unread(p.manifest, 'nodes');
  writeCompiledFor(p, selectIds(p, {}, ['model', 'seed', 'test', 'unit_test']));
  // The compiled files as this run left them.
  const files = Object.fromEntries(['a', 'b', 'stg', 'c', 'u'].map((m) => [m, readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', `${m}.sql`), 'utf8')]));
  return { served, manifestJson: readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'), inMemory: JSON.stringify(p.manifest), files, order: p.facts.order };
}

/** The same with no cache at all. */
async function fresh(dir: string, env: Record<string, string> = {}) {
  rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
  const r = await compileRun(dir, env);
  expect(r.served).toBe(false);
  return r;
}

describe('compile cache patch: only model SQL changed', () => {
  it('patches exactly what a full compile gives, and compiles everything when more than a model body changed', async () => {
    const dir = writeProject(FILES);
    expect((await compileRun(dir)).served).toBe(false);
    const edits: Array<[string, Record<string, string>, boolean]> = [
      ['a table model body', { 'models/a.sql': FILES['models/a.sql']!.replace('amount *', 'amount + 1 *') }, true],
      ['a ref moved to another line', { 'models/b.sql': FILES['models/b.sql']!.replace(' from ', '\n\nfrom ') }, true],
      ['two models at once', { 'models/stg.sql': `${FILES['models/stg.sql']} where id > 0`, 'models/b.sql': "select a.id, {{ gen('q') }} as k from {{ ref('a') }} a join {{ ref('seed_s') }} s on s.id = a.id" }, true],
      ['a new ref', { 'models/b.sql': "select * from {{ ref('a') }} join {{ ref('stg') }} using (id)" }, true],
      ['a ref removed', { 'models/b.sql': "select * from {{ ref('stg') }}" }, true],
      // b now runs after c: the stored topological order changes.
      ['a new ref to a model built later', { 'models/b.sql': "select * from {{ ref('stg') }} join {{ ref('c') }} using (id)" }, true],
      ['a source added', { 'models/a.sql': `${FILES['models/a.sql']!} union all select id, 0 from {{ source('raw', 'orders') }}` }, true],
      ['a new ref to an ephemeral model', { 'models/b.sql': "select * from {{ ref('eph') }}" }, false],
      ['config() arguments in another order', { 'models/a.sql': FILES['models/a.sql']!.replace("materialized='table', tags=['t']", "tags=['t'], materialized='table'") }, false],
      ['a config() change', { 'models/a.sql': FILES['models/a.sql']!.replace("tags=['t']", "tags=['t', 'n']") }, false],
      ['the ephemeral model', { 'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id, 1 as one from {{ ref('stg') }}" }, false],
      ['a model reading an ephemeral one', { 'models/c.sql': 'select id from {{ ref(\'eph\') }}' }, false],
      ['a model with a unit test', { 'models/u.sql': "select id, 1 as x from {{ ref('a') }}" }, false],
      ['a YAML file', { 'models/props.yml': FILES['models/props.yml']!.replace('description: "A"', 'description: "AA"') }, false],
      ['a macro (its users are rendered again: compile-cache-uses)', { 'macros/m.sql': FILES['macros/m.sql']!.replace('100.0', '1000.0') }, true],
      ['a body again after fallbacks', { 'models/a.sql': FILES['models/a.sql']!.replace("tags=['t']", "tags=['t', 'n']").replace('amount *', 'amount - 1 *') }, true],
      ['a new model file', { 'models/n.sql': 'select 1 as id' }, true],
    ];
    for (const [what, files, patched] of edits) {
      updateProject(dir, files);
      const run = await compileRun(dir);
      expect(run.served, what).toBe(patched);
      const expected = await fresh(dir);
      expect(run.manifestJson, what).toBe(expected.manifestJson);
      expect(run.inMemory, what).toBe(expected.inMemory);
      expect(run.files, what).toEqual(expected.files);
      expect(run.order, what).toEqual(expected.order);
      // The patched (or freshly stored) entry is a plain hit next time.
      expect((await compileRun(dir)).served, what).toBe(true);
    }
  });

  it('an env var change re-renders its readers; an error in the edited model goes through the full compile', async () => {
    const dir = writeProject(FILES);
    await compileRun(dir);
    updateProject(dir, { 'models/stg.sql': `${FILES['models/stg.sql']} -- edited` });
    // stg reads PATCH_T: it is rendered again (it changed anyway); so is any other reader.
    const changedEnv = await compileRun(dir, { PATCH_T: 'y' });
    expect(changedEnv.served).toBe(true);
    expect(changedEnv.manifestJson).toBe((await fresh(dir, { PATCH_T: 'y' })).manifestJson);
    expect(changedEnv.manifestJson).toContain("'y' as t");
    updateProject(dir, { 'models/a.sql': "{{ config(materialized='table', tags=['t']) }}\nselect {{ no_such_macro() }} from {{ ref('stg') }}" });
    const error = await prepare({ projectDir: dir, env: { PATCH_T: 'y' }, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(String((error as UserError).message)).toContain('no_such_macro');
    updateProject(dir, { 'models/a.sql': FILES['models/a.sql']! });
    const fixed = await compileRun(dir, { PATCH_T: 'y' });
    expect(fixed.manifestJson).toBe((await fresh(dir, { PATCH_T: 'y' })).manifestJson);
  });

  it('a new ref that closes a cycle is reported as a full compile reports it', async () => {
    const dir = writeProject(FILES);
    await compileRun(dir);
    updateProject(dir, { 'models/stg.sql': `${FILES['models/stg.sql']!} where id in (select id from {{ ref('b') }})` });
    const error = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/cycle/);
    // The entry was not replaced: fixing the edit is a plain hit again.
    updateProject(dir, { 'models/stg.sql': FILES['models/stg.sql']! });
    expect((await compileRun(dir)).served).toBe(true);
  });
});
