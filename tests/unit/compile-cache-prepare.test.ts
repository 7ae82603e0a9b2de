import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StrataEvent } from '../../src/api/events.js';
import { prepare } from '../../src/api/prepare.js';
import { loadProject } from '../../src/project/load.js';
import { removeWrittenProjects, updateProject, writeProject } from '../support/project.js';

afterAll(removeWrittenProjects);

const FILES = {
  'models/a.sql': "select {{ m1('x') }} as x, '{{ env_var('P3_M', 'd') }}' as e from {{ ref('raw') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    descripton: typo\n    columns:\n      - name: x\n        data_tests: [not_null]\n',
  'seeds/raw.csv': 'id,v\n1,a\n',
  'macros/m.sql': '{% macro m1(a) %}upper({{ a }}){% endmacro %}\n',
};

/** prepare() with fixed ids; returns whether the cache served it, its warnings and manifest.json. */
async function run(dir: string, env: Record<string, string | undefined> = {}) {
  const events: StrataEvent[] = [];
  const entry = join(dir, 'target', '.strata-cache', 'index.json');
  const idBefore = entryId(entry);
  const prepared = await prepare({ projectDir: dir, env, invocationId: 'inv', runStartedAt: new Date(0), onEvent: (e) => events.push(e) });
  return {
    hit: idBefore !== undefined && entryId(entry) === idBefore,
    diagnostics: events.filter((e) => e.type === 'diagnostic'),
    manifestJson: readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'),
    prepared,
  };
}

function entryId(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8').split('\n', 1)[0]!) as { id: string }).id;
  } catch {
    return undefined;
  }
}

/** The manifest.json a cache-less prepare writes for the same inputs. */
async function fresh(dir: string, env: Record<string, string | undefined> = {}): Promise<string> {
  rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
  const r = await run(dir, env);
  expect(r.hit).toBe(false);
  return r.manifestJson;
}

describe('compile cache decided before properties are parsed (prepare)', () => {
  it('re-emits the load warnings and writes manifest.json byte for byte as a cache-less compile', async () => {
    const dir = writeProject(FILES);
    const miss = await run(dir);
    expect(miss.hit).toBe(false);
    expect(miss.diagnostics.length).toBeGreaterThan(0);
    expect(JSON.stringify(miss.diagnostics)).toContain('descripton');
    const hit = await run(dir);
    expect(hit.hit).toBe(true);
    expect(hit.diagnostics).toEqual(miss.diagnostics);
    expect(hit.manifestJson).toBe(miss.manifestJson);
    expect(JSON.parse(hit.manifestJson).nodes['model.demo.a'].compiled_code).toBe("select upper(x) as x, 'd' as e from \"main\".\"raw\"");
    // Properties are still there on a hit (parsed on demand), equal to a plain load.
    const loaded = await loadProject({ projectDir: dir, env: {} });
    expect(hit.prepared.project.properties).toEqual(loaded.properties);
    expect(hit.prepared.project.diagnostics).toEqual(loaded.diagnostics);
    expect(await fresh(dir)).toBe(hit.manifestJson);
    // A missing entry body is a miss (compiled again), same bytes.
    rmSync(join(dir, 'target', '.strata-cache', 'nodes.json'));
    const noBody = await run(dir);
    expect(noBody.hit).toBe(false);
    expect(noBody.manifestJson).toBe(miss.manifestJson);
  });

  it('misses on any byte change in a YAML, SQL, CSV file, profiles.yml or an env var read', async () => {
    const profile = (extra: string) =>
      `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n      schema: "{{ env_var('P3_SCHEMA', 'main') }}"\n      threads: 1\n${extra}`;
    const dir = writeProject({ ...FILES, 'profiles.yml': profile('') });
    await run(dir);
    expect((await run(dir)).hit).toBe(true);
    const changes: Array<[string, Record<string, string>]> = [
      ['yaml comment', { 'models/schema.yml': `${FILES['models/schema.yml']}# note\n` }],
      ['yaml fix', { 'models/schema.yml': FILES['models/schema.yml'].replace('descripton', 'description') }],
      ['sql', { 'models/a.sql': `${FILES['models/a.sql']} -- c` }],
      ['csv', { 'seeds/raw.csv': 'id,v\n1,a\n2,b\n' }],
      ['macro', { 'macros/m.sql': '{% macro m1(a) %}lower({{ a }}){% endmacro %}\n' }],
      ['profiles comment', { 'profiles.yml': profile('# note\n') }],
    ];
    for (const [what, files] of changes) {
      updateProject(dir, files);
      const next = await run(dir);
      expect(next.hit, what).toBe(false);
      const again = await run(dir);
      expect(again.hit, what).toBe(true);
      expect(again.manifestJson, what).toBe(next.manifestJson);
      expect(again.diagnostics, what).toEqual(next.diagnostics);
      expect(await fresh(dir), what).toBe(next.manifestJson);
    }
    const last = await run(dir);
    expect(last.diagnostics).toEqual([]);
    // env read by profiles.yml (target schema) and by a model.
    const schema = await run(dir, { P3_SCHEMA: 'other' });
    expect(schema.hit).toBe(false);
    expect(JSON.parse(schema.manifestJson).nodes['model.demo.a'].compiled_code).toContain('"other"."raw"');
    expect((await run(dir, { P3_SCHEMA: 'other' })).hit).toBe(true);
    const model = await run(dir, { P3_SCHEMA: 'other', P3_M: 'set' });
    expect(model.hit).toBe(false);
    expect(JSON.parse(model.manifestJson).nodes['model.demo.a'].compiled_code).toContain("'set' as e");
    expect((await run(dir, { P3_SCHEMA: 'other', P3_M: 'set' })).hit).toBe(true);
    expect(await fresh(dir, { P3_SCHEMA: 'other', P3_M: 'set' })).toBe(model.manifestJson);
  });
});
