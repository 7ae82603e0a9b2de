/** `source freshness` on DuckDB and PostgreSQL: pass / warn / error, filter, missing table, sources.json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { loadProject } from '../../src/project/load.js';
import { sourceFreshness } from '../../src/sources/freshness.js';
import { ADAPTERS } from '../support/adapters.js';
import { writeProject } from '../support/project.js';


const sourcesYml = (schema: string) => `sources:
  - name: raw
    schema: ${schema}
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: stale_warn
      - name: stale_error
      - name: filtered
        freshness:
          warn_after: {count: 1, period: hour}
          filter: "kind = 'old'"
      - name: missing
      - name: unchecked
        freshness: null
`;

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`source freshness on ${a.name}`, () => {
    it('gives pass / warn / error by age, applies filter, reports a missing table, writes sources.json', async () => {
      const schema = a.uniqueSchema('fresh');
      const dir = writeProject({ 'profiles.yml': a.profilesYml('demo', schema), 'models/sources.yml': sourcesYml(schema) });
      const project = await loadProject({ projectDir: dir });
      const adapter = await createAdapter(project.target);
      const ts = (ago: string) => `cast(current_timestamp - interval '${ago}' as timestamp)`;
      try {
        await adapter.withConnection(async (c) => {
          await c.execute(`create schema if not exists "${schema}"`);
          await c.execute(`create table "${schema}".fresh as select ${ts('5 minutes')} as loaded_at`);
          await c.execute(`create table "${schema}".stale_warn as select ${ts('3 hours')} as loaded_at`);
          await c.execute(`create table "${schema}".stale_error as select ${ts('2 days')} as loaded_at`);
          await c.execute(`create table "${schema}".filtered as select ${ts('5 minutes')} as loaded_at, 'new' as kind union all select ${ts('5 hours')}, 'old'`);
          await c.execute(`create table "${schema}".unchecked as select ${ts('9 days')} as loaded_at`);
        });
      } finally {
        await adapter.close();
      }
      const summary = await sourceFreshness({ projectDir: dir });
      const byName = Object.fromEntries(summary.results.map((r) => [r.name, r]));
      expect(Object.keys(byName).sort()).toEqual(['raw.filtered', 'raw.fresh', 'raw.missing', 'raw.stale_error', 'raw.stale_warn']);
      expect(byName['raw.fresh']!.status).toBe('pass');
      expect(byName['raw.fresh']!.max_loaded_at_time_ago_in_s).toBeGreaterThan(200);
      expect(byName['raw.fresh']!.max_loaded_at_time_ago_in_s).toBeLessThan(3600);
      expect(byName['raw.stale_warn']!.status).toBe('warn');
      expect(byName['raw.stale_error']!.status).toBe('error');
      expect(byName['raw.filtered']!.status).toBe('warn');
      expect(byName['raw.filtered']!.criteria.filter).toBe("kind = 'old'");
      expect(byName['raw.missing']!.status).toBe('runtime error');
      expect(byName['raw.missing']!.error).toBeTruthy();
      expect(summary.success).toBe(false);
      const artifact = JSON.parse(readFileSync(summary.path, 'utf8'));
      expect(artifact.metadata.dbt_schema_version).toContain('sources');
      const fresh = artifact.results.find((r: { unique_id: string }) => r.unique_id === 'source.demo.raw.fresh');
      expect(fresh).toMatchObject({ status: 'pass', criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null } });
      expect(fresh.max_loaded_at).toBeTruthy();
      expect(fresh.snapshotted_at).toBeTruthy();

      const selected = await sourceFreshness({ projectDir: dir, select: ['source:raw.fresh'] });
      expect(selected.results.map((r) => [r.name, r.status])).toEqual([['raw.fresh', 'pass']]);
      expect(selected.success).toBe(true);
    });
  });
}
