/**
 * A build after a one-model SQL edit goes through the compile cache patch and the warehouse gets
 * the edited SQL, on every warehouse; the patched manifest equals a full compile's.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/index.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';

const A = (v: number) => `{{ config(materialized='table') }}\nselect id, ${v} as v from {{ ref('seed_ids') }}`;

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`compile cache patch then build: ${a.name}`, () => {
    it('builds the edited SQL, and the patched manifest is the one a full compile writes', async () => {
      const dir = writeProject({
        'profiles.yml': a.profilesYml('demo', a.uniqueSchema('patch')),
        'seeds/seed_ids.csv': 'id\n1\n2\n',
        'models/a.sql': A(1),
        'models/b.sql': "select id, v * 10 as w from {{ ref('a') }}",
        'models/props.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      });
      const fixed = { projectDir: dir, invocationId: 'inv', runStartedAt: new Date(0) };
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
    });
  });
}
