/** `strata source freshness` through the real bin: output, exit codes 0 / 1 / 2, sources.json. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { ADAPTERS } from '../support/adapters.js';
import { strata } from '../support/cli.js';
import { updateProject, writeProject } from '../support/project.js';


const yml = (schema: string, errorAfter: string) => `sources:
  - name: raw
    schema: ${schema}
    tables:
      - name: events
        loaded_at_field: loaded_at
        freshness:
          warn_after: {count: 1, period: hour}
          error_after: ${errorAfter}
`;

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`strata source freshness on ${a.name}`, () => {
    it('exits 0 when fresh or only warn, 1 at error level, 2 on bad criteria', async () => {
      const schema = a.uniqueSchema('clifresh');
      const dir = writeProject({ 'profiles.yml': a.profilesYml('demo', schema), 'models/sources.yml': yml(schema, '{count: 1, period: day}') });
      const project = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(project.target);
      try {
        await adapter.withConnection(async (c) => {
          await c.execute(`create schema if not exists "${schema}"`);
          await c.execute(`create table "${schema}".events as select cast(current_timestamp - interval '3 hours' as timestamp) as loaded_at`);
        });
      } finally {
        await adapter.close();
      }
      const warn = strata(['source', 'freshness', '--project-dir', dir]);
      expect(warn.stderr).toBe('');
      expect(warn.code).toBe(0);
      expect(warn.stdout).toMatch(/WARN\s+freshness of raw\.events/);
      expect(existsSync(join(dir, 'target', 'sources.json'))).toBe(true);

      updateProject(dir, { 'models/sources.yml': yml(schema, '{count: 2, period: hour}') });
      const error = strata(['source', 'freshness', '--project-dir', dir, '-s', 'source:raw']);
      expect(error.code).toBe(1);
      expect(error.stdout).toMatch(/ERROR STALE\s+freshness of raw\.events/);

      updateProject(dir, { 'models/sources.yml': yml(schema, '{count: 2, period: fortnight}') });
      const bad = strata(['source', 'freshness', '--project-dir', dir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('models/sources.yml');
      expect(bad.stderr).toContain('period');
    });
  });
}
