/**
 * `strata build` on DuckDB loads @duckdb/node-api through `require` (src/adapters/duckdb/duckdb-driver.ts),
 * never as an ES module: an ES import makes Node scan the package's ~60 re-exported CommonJS files
 * for named exports, 100-250 ms per process (bench/README.md, "Build overhead"). Checked on the real
 * bin with an `--import` hook that records every ES module loaded and, at exit, require.cache. No timings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbTestAdapter } from '../support/adapters.js';
import { writeProject } from '../support/project.js';

const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));
const hookDir = mkdtempSync(join(tmpdir(), 'strata-driver-load-'));
afterAll(() => rmSync(hookDir, { recursive: true, force: true }));
writeFileSync(
  join(hookDir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.STRATA_LOAD_LOG, 'esm ' + url + '\\n');
  return next(url, context);
}
`,
);
writeFileSync(
  join(hookDir, 'register.mjs'),
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hooks.mjs', import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.STRATA_LOAD_LOG, Object.keys(cache).map((f) => 'cjs ' + f).join('\\n') + '\\n'));
`,
);

describe('DuckDB driver loading', () => {
  it('strata build requires @duckdb/node-api (CommonJS) and never imports it as an ES module', () => {
    const dir = writeProject({
      'profiles.yml': duckdbTestAdapter.profilesYml('demo', 'main'),
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as x",
      'models/b.sql': "select x + 1 as y from {{ ref('a') }}",
    });
    const log = join(hookDir, 'log');
    writeFileSync(log, '');
    const res = spawnSync(process.execPath, ['--import', pathToFileURL(join(hookDir, 'register.mjs')).href, BIN, 'build', '--project-dir', dir], {
      env: { ...process.env, NO_COLOR: '1', STRATA_LOAD_LOG: log },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('CREATE TABLE');
    const lines = readFileSync(log, 'utf8').split('\n');
    const driver = (kind: string) => lines.filter((l) => l.startsWith(kind) && l.includes('node_modules/@duckdb/node-api/'));
    expect(driver('cjs ').length).toBeGreaterThan(0);
    expect(driver('esm ')).toEqual([]);
    // The driver module itself is Strata's, loaded as ESM like every other module.
    expect(lines.some((l) => l.startsWith('esm ') && l.endsWith('/dist/adapters/duckdb/duckdb-driver.js'))).toBe(true);
  });
});
