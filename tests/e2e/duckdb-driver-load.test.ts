/**
 * `strata build` on DuckDB loads @duckdb/node-api through `require` (src/adapters/duckdb/duckdb-driver.ts),
 * never as an ES module: an ES import makes Node scan the package's ~60 re-exported CommonJS files
 * for named exports, 100-250 ms per process (bench/README.md, "Build overhead"). Checked on the real
 * bin with an `--import` hook that records every ES module loaded and, at exit, require.cache. No timings.
 */
import { describe, expect, it } from 'vitest';
import { duckdbTestAdapter } from '../support/adapters.js';
import { loadLogger } from '../support/load-log.js';
import { writeProject } from '../support/project.js';

const run = loadLogger();

describe('DuckDB driver loading', () => {
  it('strata build requires @duckdb/node-api (CommonJS) and never imports it as an ES module', () => {
    const dir = writeProject({
      'profiles.yml': duckdbTestAdapter.profilesYml('demo', 'main'),
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as x",
      'models/b.sql': "select x + 1 as y from {{ ref('a') }}",
    });
    const res = run(['build', '--project-dir', dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('CREATE TABLE');
    const driver = (kind: string) => res.loads.filter((l) => l.kind === kind && l.where.includes('node_modules/@duckdb/node-api/'));
    expect(driver('cjs').length).toBeGreaterThan(0);
    expect(driver('esm')).toEqual([]);
    // The driver module itself is Strata's, loaded as ESM like every other module.
    expect(res.loads.some((l) => l.kind === 'esm' && l.where.endsWith('/dist/adapters/duckdb/duckdb-driver.js'))).toBe(true);
  });
});
