/**
 * Build-level adapter behaviour on every warehouse: Ctrl-C (an aborted signal) cancels the
 * running statement promptly and leaves the previously built relation intact.
 */
import { describe, expect, it } from 'vitest';
import { build, run } from '../../src/index.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS } from '../support/adapters.js';
import { updateProject, writeProject } from '../support/project.js';

/** A table model body that runs for a long time unless cancelled. */
const SLOW_MODEL: Record<string, string> = {
  postgres: 'select 2 as version from (select pg_sleep(30)) as s',
  duckdb: 'select 2 as version from (select sum(a.range * b.range) as s from range(100000000) a, range(100000000) b)',
};


for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`build cancellation: ${a.name}`, () => {
    it('aborting a run cancels the running query and keeps the old table', async () => {
      const dir = writeProject({
        'profiles.yml': a.profilesYml('demo', a.uniqueSchema('cancel')),
        'models/versioned.sql': "{{ config(materialized='table') }}\nselect 1 as version",
      });
      expect((await build({ projectDir: dir })).success).toBe(true);

      updateProject(dir, { 'models/versioned.sql': `{{ config(materialized='table') }}\n${SLOW_MODEL[a.name]}` });
      const controller = new AbortController();
      const pending = run({ projectDir: dir, signal: controller.signal });
      setTimeout(() => controller.abort(), 800);
      const summary = await pending;
      expect(summary.success).toBe(false);
      expect(summary.results.map((r) => r.status)).not.toContain('success');

      const p = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(p.target);
      try {
        const rel = adapter.dialect.renderRelation({ schema: p.target.schema, identifier: 'versioned' });
        const rows = (await adapter.withConnection((c) => c.query(`select version from ${rel}`))).rows;
        expect(rows).toEqual([{ version: 1 }]);
      } finally {
        await adapter.close();
      }
    });
  });
}
