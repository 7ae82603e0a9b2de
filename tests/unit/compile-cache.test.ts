import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { compileWithCache } from '../../src/compiler/cache-miss.js';
import { compileProject } from '../../src/compiler/compile.js';
import { loadProject } from '../../src/project/load.js';
import { removeWrittenProjects, updateProject, writeProject } from '../support/project.js';

afterAll(removeWrittenProjects);

const PROFILE = (schema: string) => `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n      schema: ${schema}\n      threads: 1\n`;

/** Compile through the cache and without it; the two manifests must be identical, byte for byte. */
async function compileBoth(dir: string, opts: { vars?: Record<string, unknown>; env?: Record<string, string | undefined> } = {}) {
  const project = await loadProject({ projectDir: dir, ...(opts.vars ? { vars: opts.vars } : {}) });
  const dialect = dialectFor(project.target.type, project.target.file);
  const options = { dialect, invocationId: 'inv', runStartedAt: new Date(0), env: opts.env ?? {} };
  const cached = compileWithCache(project, options, join(dir, 'target', '.strata-cache'));
  const fresh = compileProject(project, options);
  expect(JSON.stringify(cached.manifest)).toBe(JSON.stringify(fresh));
  const sql: Record<string, string | undefined> = {};
  for (const n of Object.values(fresh.nodes)) sql[n.name] = n.compiled_code;
  return { hit: cached.hit, sql };
}

/** Names whose compiled SQL differs between two compiles. */
function changed(before: Record<string, string | undefined>, after: Record<string, string | undefined>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
}

describe('compile cache', () => {
  it('serves an unchanged project from the cache and never serves stale SQL', async () => {
    const dir = writeProject({
      'models/a.sql': "select {{ m1('x') }} as x from {{ ref('b') }}",
      'models/b.sql': "{% for c in ['p', 'q'] %}select '{{ c }}' as c union all {% endfor %}select 'r'",
      'models/c.sql': "select {{ var('v', 1) }} as v, '{{ env_var('P1_X', 'dflt') }}' as e -- {{ this }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: c\n        data_tests: [not_null]\n',
      'macros/m.sql': '{% macro m1(a) %}upper({{ a }}){% endmacro %}\n{% macro m2(a) %}lower({{ a }}){% endmacro %}\n',
    });
    let prev = await compileBoth(dir);
    expect(prev.hit).toBe(false);
    const step = async (expectChanged: string[], opts: Parameters<typeof compileBoth>[1] = {}) => {
      const next = await compileBoth(dir, opts);
      expect(next.hit).toBe(false);
      if (process.env.P1_DEBUG) console.log(JSON.stringify([prev.sql, next.sql]));
      expect(changed(prev.sql, next.sql)).toEqual(expectChanged);
      const again = await compileBoth(dir, opts);
      expect(again.hit).toBe(true);
      expect(again.sql).toEqual(next.sql);
      prev = next;
    };
    expect((await compileBoth(dir)).hit).toBe(true);

    updateProject(dir, { 'models/a.sql': "select {{ m1('y') }} as x from {{ ref('b') }}" });
    await step(['a']);
    updateProject(dir, { 'macros/m.sql': '{% macro m1(a) %}trim({{ a }}){% endmacro %}\n{% macro m2(a) %}lower({{ a }}){% endmacro %}\n' });
    await step(['a']);
    updateProject(dir, { 'macros/m.sql': '{% macro m1(a) %}trim({{ a }}){% endmacro %}\n{% macro m2(a) %}LOWER({{ a }}){% endmacro %}\n' });
    await step([]);
    await step(['c'], { vars: { v: 2 } });
    await step([], { vars: { v: 2, unused: 3 } });
    await step(['c'], { vars: { v: 2, unused: 3 }, env: { P1_X: 'set' } });
    updateProject(dir, { 'profiles.yml': PROFILE('other') });
    await step(['a', 'c', 'not_null_b_c'], { vars: { v: 2, unused: 3 }, env: { P1_X: 'set' } });
    updateProject(dir, { 'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    config:\n      alias: bee\n    columns:\n      - name: c\n        data_tests: [not_null]\n' });
    await step(['a', 'not_null_b_c'], { vars: { v: 2, unused: 3 }, env: { P1_X: 'set' } });
    updateProject(dir, { 'project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    +schema: extra\n' });
    await step(['a', 'c', 'not_null_b_c'], { vars: { v: 2, unused: 3 }, env: { P1_X: 'set' } });
    expect(prev.sql.a).toBe('select trim(y) as x from "other_extra"."bee"');
  });

  it('does not reuse an entry when an env_var the compile read has changed', async () => {
    const dir = writeProject({ 'models/a.sql': "select '{{ env_var('P1_Y', 'd') }}' as e" });
    expect((await compileBoth(dir, { env: { P1_Y: '1' } })).hit).toBe(false);
    expect((await compileBoth(dir, { env: { P1_Y: '1', OTHER: 'x' } })).hit).toBe(true);
    const changedEnv = await compileBoth(dir, { env: { P1_Y: '2' } });
    expect(changedEnv.hit).toBe(false);
    expect(changedEnv.sql.a).toBe("select '2' as e");
    expect((await compileBoth(dir, {})).sql.a).toBe("select 'd' as e");
  });

  it('never caches projects that use run_started_at or invocation_id', async () => {
    const dir = writeProject({ 'models/a.sql': "select '{{ invocation_id }}' as i" });
    expect((await compileBoth(dir)).hit).toBe(false);
    expect((await compileBoth(dir)).hit).toBe(false);
  });

  it('does not cache a failing compile', async () => {
    const dir = writeProject({ 'models/a.sql': "select * from {{ ref('nope') }}" });
    await expect(compileBoth(dir)).rejects.toThrow(/unknown model 'nope'/);
    await expect(compileBoth(dir)).rejects.toThrow(/unknown model 'nope'/);
  });
});

describe('cache key', () => {
  it('changes with properties held in Maps when the project has no property file list', async () => {
    const { cacheKey } = await import('../../src/compiler/cache.js');
    const { makeProject, fixtureDialect } = await import('./compiler-fixture.js');
    const dialect = fixtureDialect();
    const a = makeProject({ models: { 'm.sql': 'select 1' }, modelProps: { m: { config: { alias: 'x' } } } });
    const b = makeProject({ models: { 'm.sql': 'select 1' }, modelProps: { m: { config: { alias: 'y' } } } });
    delete a.files.propertyFiles;
    delete b.files.propertyFiles;
    expect(cacheKey(a, { dialect })).not.toBe(cacheKey(b, { dialect }));
    expect(cacheKey(a, { dialect })).toBe(cacheKey(makeProjectAgain(), { dialect }));
    function makeProjectAgain() {
      const p = makeProject({ models: { 'm.sql': 'select 1' }, modelProps: { m: { config: { alias: 'x' } } } });
      delete p.files.propertyFiles;
      return p;
    }
  });
});
