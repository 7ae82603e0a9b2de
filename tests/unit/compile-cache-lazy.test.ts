import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { list } from '../../src/api/list.js';
import { prepare, selectIds, writeCompiledFor, type Prepared } from '../../src/api/prepare.js';
import { readHeader } from '../../src/compiler/cache-entry.js';
import { selectWithReport } from '../../src/graph/select.js';
import { updateProject, writeProject } from '../support/project.js';

const FILES = {
  'models/a.sql': "{{ config(tags=['x']) }} select {{ m1('id') }} as id from {{ ref('raw') }}",
  'models/b.sql': "select id from {{ ref('a') }} where id > {{ var('min', 0) }}",
  'models/c.sql': "{{ config(materialized='ephemeral') }} select id from {{ ref('b') }}",
  'models/d.sql': "select * from {{ ref('c') }} join {{ ref('a') }} using (id)",
  'models/schema.yml':
    'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n  - name: d\n    data_tests:\n      - dbt_utils_like_rows: {}\n',
  'macros/rows.sql': '{% test dbt_utils_like_rows(model) %}select * from {{ model }} where 1 = 0{% endtest %}',
  'seeds/raw.csv': 'id\n1\n2\n',
  'macros/m.sql': '{% macro m1(a) %}cast({{ a }} as integer){% endmacro %}\n',
};

const CACHE = (dir: string) => join(dir, 'target', '.strata-cache');
const prep = (dir: string) => prepare({ projectDir: dir, env: {}, invocationId: 'inv', runStartedAt: new Date(0) });
/** Whether `key` of `obj` is still an unread lazy property. */
const unread = (obj: object, key: string) => Object.getOwnPropertyDescriptor(obj, key)?.get !== undefined;

/** What `strata compile` does after prepare. */
function compileAll(p: Prepared): string[] {
  const ids = selectIds(p, {}, ['model', 'seed', 'snapshot', 'test', 'unit_test']);
  writeCompiledFor(p, ids);
  return ids;
}

describe('compile cache: a hit reads nodes only when asked', () => {
  it('an unchanged compile parses no node, and every node read later equals a fresh compile', async () => {
    const dir = writeProject(FILES);
    const miss = await prep(dir);
    const missIds = compileAll(miss);
    const hit = await prep(dir);
    expect(unread(hit.manifest, 'nodes')).toBe(true);
    expect(compileAll(hit)).toEqual(missIds);
    // Graph, selection and the compiled-file check ran on the index alone.
    expect(unread(hit.manifest, 'nodes')).toBe(true);
    expect(unread(hit.manifest, 'parent_map')).toBe(true);
    // Reading settles each node as plain data equal to the fresh compile's.
    expect(JSON.stringify(hit.manifest)).toBe(JSON.stringify(miss.manifest));
    expect(unread(hit.manifest, 'nodes')).toBe(false);
    const nodes = hit.manifest.nodes;
    expect(Object.keys(nodes)).toEqual(Object.keys(miss.manifest.nodes));
    expect(unread(nodes, 'model.demo.a')).toBe(false);
    // Nodes stay assignable, like any plain record.
    nodes['model.demo.a'] = { ...nodes['model.demo.a']!, name: 'renamed' };
    expect(nodes['model.demo.a']!.name).toBe('renamed');
  });

  it('a deleted compiled file is written again on a hit, reading only its node', async () => {
    const dir = writeProject(FILES);
    compileAll(await prep(dir));
    const file = join(dir, 'target', 'compiled', 'demo', 'models', 'd.sql');
    const sql = readFileSync(file, 'utf8');
    rmSync(file);
    const hit = await prep(dir);
    compileAll(hit);
    expect(readFileSync(file, 'utf8')).toBe(sql);
    expect(sql).toContain('__strata_ephemeral__c');
    const nodes = hit.manifest.nodes;
    expect(unread(nodes, 'model.demo.d')).toBe(false);
    expect(unread(nodes, 'model.demo.a')).toBe(true);
  });

  it('selectors give the same ids on a hit as on a fresh compile', async () => {
    const dir = writeProject(FILES);
    const miss = await prep(dir);
    const hit = await prep(dir);
    expect(unread(hit.manifest, 'nodes')).toBe(true);
    const cases = [
      { select: ['tag:x+'] },
      { select: ['+d'], exclude: ['a'] },
      { select: ['test_type:generic'] },
      { select: ['path:models/b.sql', 'resource_type:seed'] },
      { select: ['a'], indirectSelection: 'cautious' as const },
      { exclude: ['d+'] },
      { select: ['nomatch'] },
    ];
    for (const options of cases) {
      const expected = selectWithReport(miss.manifest, miss.graph, options);
      expect(selectWithReport(hit.manifest, hit.graph, options), JSON.stringify(options)).toEqual(expected);
      // With the entry's node summaries, as prepare passes them.
      expect(selectWithReport(hit.manifest, hit.graph, { ...options, summaries: () => hit.facts.summaries }), JSON.stringify(options)).toEqual(expected);
    }
  });

  it('ls and name/tag/fqn selection on a hit read no node', async () => {
    const dir = writeProject(FILES);
    const missList = await list({ projectDir: dir, env: {}, select: ['tag:x+'] });
    const missAll = await list({ projectDir: dir, env: {} });
    const hit = await prep(dir);
    for (const select of [['tag:x+'], ['a+'], ['demo.d'], ['d', 'tag:nothing']]) {
      selectIds(hit, { select }, ['model', 'seed', 'test']);
    }
    expect(unread(hit.manifest, 'nodes')).toBe(true);
    expect(await list({ projectDir: dir, env: {}, select: ['tag:x+'] })).toEqual(missList);
    expect(await list({ projectDir: dir, env: {} })).toEqual(missAll);
    expect(missAll.find((n) => n.name === 'a')).toMatchObject({ tags: ['x'], materialized: 'view', relation: '"main"."a"', fqn: ['demo', 'a'] });
    expect(missAll.find((n) => n.name === 'c')?.relation).toBeUndefined();
  });

  it('a body that belongs to another entry is a miss, never mixed-up nodes', async () => {
    const dir = writeProject(FILES);
    await prep(dir);
    const body = join(CACHE(dir), 'nodes.json');
    copyFileSync(body, `${body}.saved`);
    // Same length, other bytes: only the id in the body tells the entries apart.
    updateProject(dir, { 'models/b.sql': FILES['models/b.sql'].replace('id > ', 'id < ') });
    const changed = await prep(dir);
    const expected = JSON.stringify(changed.manifest);
    copyFileSync(`${body}.saved`, body);
    const torn = await prep(dir);
    expect(unread(torn.manifest, 'nodes')).toBe(false); // compiled afresh: plain data
    expect(JSON.stringify(torn.manifest)).toBe(expected);
    expect(torn.manifest.nodes['model.demo.b']!.compiled_code).toContain('id < 0');
    expect(existsSync(join(CACHE(dir), 'index.json'))).toBe(true);
  });

  it('index.json lines are read through the descriptor the header was read with, and a torn index is a miss', async () => {
    const dir = writeProject(FILES);
    const miss = await prep(dir);
    const index = join(CACHE(dir), 'index.json');
    const found = readHeader(CACHE(dir))!;
    const stored = readFileSync(index, 'utf8');
    // The lines are the file's, between the header and the trailer.
    const lines = stored.split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[5]!.trimEnd())).toHaveLength(5);
    // Replaced by another entry (a changed var): the lines still come from the file read first.
    updateProject(dir, { 'models/b.sql': FILES['models/b.sql'].replace('id > ', 'id >= ') });
    const changed = await prep(dir);
    expect(readFileSync(index, 'utf8')).not.toBe(stored);
    for (const n of [1, 2, 3, 4]) expect(found.rest.text(n)).toBe(lines[n]);
    expect(found.rest.text(1)).toBe(lines[1]); // read once, kept
    // Torn (cut short, or its trailer's offsets off): a miss, compiled afresh with the same result.
    const now = readFileSync(index, 'utf8');
    const cut = now.lastIndexOf('\n') + 1;
    const starts = JSON.parse(now.slice(cut)) as number[];
    const offBy = (i: number) => `${now.slice(0, cut)}${JSON.stringify(starts.map((at, j) => (j === i ? at + 1 : at))).padEnd(now.length - cut)}`;
    for (const torn of [now.slice(0, -40), now.slice(0, cut - 1), ...[0, 1, 2, 3, 4].map(offBy)]) {
      writeFileSync(index, torn);
      expect(readHeader(CACHE(dir))).toBeUndefined();
      const again = await prep(dir);
      expect(unread(again.manifest, 'nodes')).toBe(false); // compiled afresh: plain data
      expect(JSON.stringify(again.manifest)).toBe(JSON.stringify(changed.manifest));
    }
    expect(JSON.stringify(miss.manifest)).not.toBe(JSON.stringify(changed.manifest));
  });
});
