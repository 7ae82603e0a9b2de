/**
 * A build after a one-model SQL edit, a macro edit, a var change, a test added in YAML or a new
 * singular test file goes through the compile cache patch and the warehouse gets the new SQL (and
 * the new test gates what is downstream), on every warehouse; the patched manifest equals a full
 * compile's.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';

const M = (extra: string) => `{% macro times(col, k) %}({{ col }} * {{ k }}${extra}){% endmacro %}\n`;
const PROPS = 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n';
const A = (v: number) => `{{ config(materialized='table') }}\nselect id, ${v} as v from {{ ref('seed_ids') }}`;

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`compile cache patch then build: ${a.name}`, () => {
    it('builds the edited SQL, and the patched manifest is the one a full compile writes', async () => {
      const dir = writeProject({
        'profiles.yml': a.profilesYml('demo', a.uniqueSchema('patch')),
        'seeds/seed_ids.csv': 'id\n1\n2\n',
        'models/a.sql': A(1),
        'models/b.sql': "select id, v * 10 as w from {{ ref('a') }}",
        'models/props.yml': PROPS,
      });
      const fixed = { projectDir: dir, invocationId: 'inv', runStartedAt: new Date(0) };
      const changed = () => (JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'index.json'), 'utf8').split('\n')[0]!) as { since?: { changed: string[] } }).since?.changed;
      expect((await build(fixed)).success).toBe(true);
      updateProject(dir, { 'models/a.sql': A(2) });
      expect((await build(fixed)).success).toBe(true);
      const header = JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'index.json'), 'utf8').split('\n')[0]!) as { since?: { changed: string[] } };
      expect(header.since?.changed).toEqual(['model.demo.a']);
      const patched = readFileSync(join(dir, 'target', 'manifest.json'), 'utf8');

      const p = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(p.target);
      try {
        const rel = (name: string) => adapter.dialect.renderRelation({ schema: p.target.schema, identifier: name });
        const rows = (await adapter.withConnection((c) => c.query(`select a.id, a.v, b.w from ${rel('a')} a join ${rel('b')} b using (id) order by a.id`))).rows;
        expect(rows.map((r) => [Number(r.id), Number(r.v), Number(r.w)])).toEqual([[1, 2, 20], [2, 2, 20]]);
      } finally {
        await adapter.close();
      }
      rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
      expect((await build(fixed)).success).toBe(true);
      expect(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).toBe(patched);

      // A test added in YAML: spliced into the entry, and run by the build as a gate (a failing one stops b).
      updateProject(dir, { 'models/props.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n      - name: v\n        data_tests: [{accepted_values: {values: [1]}}]\n' });
      const gated = await build(fixed);
      const index = JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'index.json'), 'utf8').split('\n')[0]!) as { since?: { changed: string[] } };
      expect(index.since?.changed).toContain('test.demo.accepted_values_a_v__1');
      const status = Object.fromEntries(gated.results.map((r) => [r.unique_id, r.status]));
      expect(status['test.demo.accepted_values_a_v__1']).toBe('fail');
      expect(status['model.demo.b']).toBe('skipped');

      // A new singular test file (with the YAML test gone): spliced in, and a gate as well; removed, b builds again.
      updateProject(dir, { 'models/props.yml': PROPS, 'tests/v_is_one.sql': "select * from {{ ref('a') }} where v <> 1" });
      const singular = await build(fixed);
      expect(changed()).toContain('test.demo.v_is_one'); // with a (its column v no longer described) and unique_a_id (its file's tests)
      const after = Object.fromEntries(singular.results.map((r) => [r.unique_id, r.status]));
      expect(after['test.demo.v_is_one']).toBe('fail');
      expect(after['test.demo.accepted_values_a_v__1']).toBeUndefined();
      expect(after['model.demo.b']).toBe('skipped');
      rmSync(join(dir, 'tests', 'v_is_one.sql'));
      const again = await build(fixed);
      expect(changed()).toEqual([]);
      expect(again.success).toBe(true);
      expect(again.results.map((r) => r.unique_id)).not.toContain('test.demo.v_is_one');
    });

    it('a macro edit and a --vars change re-render and build exactly the models that use them', async () => {
      const dir = writeProject({
        'profiles.yml': a.profilesYml('demo', a.uniqueSchema('patchuses')),
        'seeds/seed_ids.csv': 'id\n1\n2\n',
        'macros/m.sql': M(''),
        'models/a.sql': "{{ config(materialized='table') }}\nselect id, {{ times('id', var('k', 1)) }} as v from {{ ref('seed_ids') }}",
        'models/b.sql': "select id, v * 10 as w from {{ ref('a') }}",
      });
      const fixed = { projectDir: dir, invocationId: 'inv', runStartedAt: new Date(0) };
      const changed = () => (JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'index.json'), 'utf8').split('\n')[0]!) as { since?: { changed: string[] } }).since?.changed;
      const rows = async () => {
        const p = await loadProject({ projectDir: dir });
        const adapter = await createAdapter(p.target);
        try {
          const rel = (name: string) => adapter.dialect.renderRelation({ schema: p.target.schema, identifier: name });
          const result = await adapter.withConnection((c) => c.query(`select a.id, a.v, b.w from ${rel('a')} a join ${rel('b')} b using (id) order by a.id`));
          return result.rows.map((r) => [Number(r.id), Number(r.v), Number(r.w)]);
        } finally {
          await adapter.close();
        }
      };
      expect((await build(fixed)).success).toBe(true);
      expect(await rows()).toEqual([[1, 1, 10], [2, 2, 20]]);
      updateProject(dir, { 'macros/m.sql': M(' + 100') });
      expect((await build(fixed)).success).toBe(true);
      expect(changed()).toEqual(['model.demo.a']);
      expect(await rows()).toEqual([[1, 101, 1010], [2, 102, 1020]]);
      expect((await build({ ...fixed, vars: { k: 3 } })).success).toBe(true);
      expect(changed()).toEqual(['model.demo.a']);
      expect(await rows()).toEqual([[1, 103, 1030], [2, 106, 1060]]);
      const patched = readFileSync(join(dir, 'target', 'manifest.json'), 'utf8');
      rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
      expect((await build({ ...fixed, vars: { k: 3 } })).success).toBe(true);
      expect(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).toBe(patched);
    });

    it('a new ref goes through the patch and the build runs the model after its new parent', async () => {
      const dir = writeProject({
        'profiles.yml': a.profilesYml('demo', a.uniqueSchema('patchref')),
        'seeds/seed_ids.csv': 'id\n1\n2\n',
        'models/b.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('seed_ids') }}",
        'models/a_first.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      });
      const fixed = { projectDir: dir, invocationId: 'inv', runStartedAt: new Date(0) };
      expect((await build(fixed)).success).toBe(true);
      // b gains a column and a_first (built first until now) reads it: a_first must now run after b.
      updateProject(dir, {
        'models/b.sql': "{{ config(materialized='table') }}\nselect id, id * 7 as w from {{ ref('seed_ids') }}",
        'models/a_first.sql': "{{ config(materialized='table') }}\nselect id, w from {{ ref('b') }}",
      });
      const result = await build(fixed);
      expect(result.success).toBe(true);
      const header = JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'index.json'), 'utf8').split('\n')[0]!) as { since?: { changed: string[] } };
      expect(header.since?.changed.sort()).toEqual(['model.demo.a_first', 'model.demo.b']);
      const p = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(p.target);
      try {
        const rel = adapter.dialect.renderRelation({ schema: p.target.schema, identifier: 'a_first' });
        const rows = (await adapter.withConnection((c) => c.query(`select id, w from ${rel} order by id`))).rows;
        expect(rows.map((r) => [Number(r.id), Number(r.w)])).toEqual([[1, 7], [2, 14]]);
      } finally {
        await adapter.close();
      }
    });
  });
}
