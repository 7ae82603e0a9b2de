import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { compileSnapshot, editAndCompare } from '../support/cache-parity.js';
import { UserError } from '../../src/errors.js';
import { updateProject, writeProject } from '../support/project.js';

/**
 * A new model file is added to the stored cache entry (cache-patch-render.ts newModel): its node
 * goes where a compile puts it, with the graph, summaries and order a compile makes; anything a
 * patch cannot settle alone compiles the project.
 */
const FILES: Record<string, string> = {
  'seeds/seed_s.csv': 'id\n1\n',
  'models/b_orders.sql': "select id from {{ ref('seed_s') }}",
  'models/d_items.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('b_orders') }}",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id",
  'models/props.yml': 'version: 2\nmodels:\n  - name: d_items\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: f_later\n    description: a model not written yet\n',
};
const FIXED = { invocationId: 'inv', runStartedAt: new Date(0) };

const edit = (dir: string, what: string, files: Record<string, string>) => editAndCompare(dir, what, files);

describe('compile cache: a new or removed model file', () => {
  it('is added where a compile puts it: between models, first among models, and with a model edited to read it', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'between two models', { 'models/c_new.sql': "select id from {{ ref('b_orders') }}" })).toEqual(['model.demo.c_new']);
    expect(await edit(dir, 'before every model', { 'models/a_first.sql': 'select 2 as id' })).toEqual(['model.demo.a_first']);
    expect(await edit(dir, 'read by an edited model', {
      'models/c2_new.sql': "select id from {{ ref('a_first') }}",
      'models/d_items.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('b_orders') }} union all select id from {{ ref('c2_new') }}",
    })).toEqual(['model.demo.d_items', 'model.demo.c2_new']);
    expect(await edit(dir, 'disabled', { 'models/e_off.sql': "{{ config(enabled=false) }}\nselect 1 as id" })).toEqual([]);
    // Several at once, one reading another that comes later in file order, two side by side.
    expect((await edit(dir, 'three new models', {
      'models/c3_reads_g.sql': "select id from {{ ref('g_base') }}",
      'models/g_base.sql': "select id from {{ ref('b_orders') }}",
      'models/g_base2.sql': 'select 5 as id',
    }))?.sort()).toEqual(['model.demo.c3_reads_g', 'model.demo.g_base', 'model.demo.g_base2']);
  });

  it('compiles the project when the new model is described in YAML, ephemeral, reads an ephemeral model, or takes a name', async () => {
    const dir = writeProject(FILES);
    await compileSnapshot(dir);
    expect(await edit(dir, 'described in YAML already', { 'models/f_later.sql': 'select 1 as id' })).toBeUndefined();
    expect(await edit(dir, 'ephemeral', { 'models/g_eph.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id" })).toBeUndefined();
    expect(await edit(dir, 'reading an ephemeral model', { 'models/h_reads.sql': "select * from {{ ref('eph') }}" })).toBeUndefined();
    updateProject(dir, { 'models/seed_s.sql': 'select 1 as id' });
    const error = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain("two resources are named 'seed_s'");
  });

  it('a removed model file takes its node away when nothing depends on it; a renamed one moves', async () => {
    const dir = writeProject({ ...FILES, 'models/c_leaf.sql': "select id from {{ ref('b_orders') }}", 'models/z_leaf.sql': 'select 3 as id' });
    await compileSnapshot(dir);
    rmSync(join(dir, 'models', 'c_leaf.sql'));
    expect(await edit(dir, 'a leaf removed', {})).toEqual([]);
    rmSync(join(dir, 'models', 'z_leaf.sql'));
    expect(await edit(dir, 'a leaf renamed', { 'models/a_leaf.sql': 'select 3 as id' })).toEqual(['model.demo.a_leaf']);
    // Renamed in place (the new file sorts where the old one was): one run removes and adds.
    rmSync(join(dir, 'models', 'a_leaf.sql'));
    expect(await edit(dir, 'a leaf renamed in place', { 'models/a_leaf2.sql': 'select 4 as id' })).toEqual(['model.demo.a_leaf2']);
    // The new name sorts first: the new node takes the removed one's place (one run removes and adds).
    rmSync(join(dir, 'models', 'a_leaf2.sql'));
    expect(await edit(dir, 'a leaf renamed to sort first', { 'models/a_aaa.sql': 'select 4 as id' })).toEqual(['model.demo.a_aaa']);
    // d_items reads b_orders: the compile reports it.
    rmSync(join(dir, 'models', 'b_orders.sql'));
    const error = await prepare({ projectDir: dir, ...FIXED }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain("unknown model 'b_orders'");
    updateProject(dir, { 'models/b_orders.sql': FILES['models/b_orders.sql']! });
    // d_items has a test on it: the compile decides (here: the test's model is gone, so is the test).
    rmSync(join(dir, 'models', 'd_items.sql'));
    expect(await edit(dir, 'a model with a test removed', {})).toBeUndefined();
  });
});
