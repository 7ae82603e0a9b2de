/** `strata test` and `strata build` with tests through the real bin: exit codes, output, reports, JUnit, JSON logs. */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strata } from '../support/cli.js';
import { updateProject, writeProject } from '../support/project.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PROFILE = `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n      schema: main\n      threads: 2\n`;

function fileProject(files: Record<string, string>): string {
  return writeProject({ 'profiles.yml': PROFILE, ...files });
}

const FILES = {
  'seeds/raw_items.csv': 'id,kind\n1,a\n2,b\n2,zz\n',
  'models/items.sql': "select cast(id as integer) as id, kind from {{ ref('raw_items') }}",
  'models/items_summary.sql': "select count(*) as n from {{ ref('items') }}",
  'models/schema.yml': `version: 2
models:
  - name: items
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: kind
        data_tests:
          - accepted_values: {values: [a, b], config: {severity: warn}}
`,
};

describe('strata test (CLI)', () => {
  it('exits 1 when a test fails, 0 when only warnings; prints test lines, summary and report path', () => {
    const dir = fileProject(FILES);
    expect(strata(['build', '--project-dir', dir, '--exclude', 'resource_type:test']).code).toBe(0);

    const res = strata(['test', '--project-dir', dir]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL 1 unique_items_id/);
    expect(res.stdout).toMatch(/PASS not_null_items_id/);
    expect(res.stdout).toMatch(/WARN 1 accepted_values_items_kind__a__b/);
    expect(res.stdout).toMatch(/PASS=1 WARN=1 .*FAIL=1/);
    expect(res.stdout).toMatch(/Validation failed:\n\s+error: id has duplicate values \(1 row\)\n\s+warn:\s+kind has values outside the accepted list \(a, b\) \(1 row\)/);
    expect(res.stdout).toMatch(/Validation report: .*target\/reports\/.+\.json/);
    expect(res.stdout).not.toMatch(/OK\s+view/); // nothing is built by `test`
    expect(res.stderr).toMatch(/1 node failed/);

    const warnOnly = strata(['test', '--project-dir', dir, '--select', 'test_name:accepted_values']);
    expect(warnOnly.code).toBe(0);
    expect(warnOnly.stdout).toMatch(/WARN 1 accepted_values_items_kind__a__b/);

    const byModel = strata(['test', '--project-dir', dir, '--select', 'items', '--exclude', 'test_name:unique']);
    expect(byModel.code).toBe(0);
    expect(byModel.stdout).toMatch(/Running 2 nodes/);

    const reports = readdirSync(join(dir, 'target', 'reports'));
    expect(reports.length).toBe(4); // one per build/test invocation
  });

  it('exits 2 for an invalid threshold; build gates downstream and writes JUnit XML', () => {
    const dir = fileProject(FILES);
    const bad = fileProject({ ...FILES, 'models/schema.yml': FILES['models/schema.yml'].replace('[unique, not_null]', "[{unique: {config: {error_if: 'lots'}}}]") });
    const invalid = strata(['test', '--project-dir', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/error_if/);

    const junit = join(dir, 'reports', 'junit.xml');
    const res = strata(['build', '--project-dir', dir, '--junit-xml', junit]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/SKIP\s+view\s+"main"\."items_summary".*skipped: upstream unique_items_id failed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toMatch(/<testcase classname="test\.[^"]*" name="unique_items_id"[^>]*>\s*<failure message="FAIL 1"/);

    updateProject(dir, { 'seeds/raw_items.csv': 'id,kind\n1,a\n2,b\n' });
    const fixed = strata(['build', '--project-dir', dir, '--junit-xml', junit]);
    expect(fixed.code).toBe(0);
    expect(readFileSync(junit, 'utf8')).not.toContain('<failure');
  });

  it('--log-format json prints test results with their failures', () => {
    const dir = fileProject(FILES);
    const res = strata(['--log-format', 'json', 'build', '--project-dir', dir]);
    expect(res.code).toBe(1);
    const events = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const done = events.filter((e) => e.type === 'node_done' && e.resourceType === 'test');
    expect(done.map((e) => [e.name, e.result.status, e.result.failures]).sort()).toEqual([
      ['accepted_values_items_kind__a__b', 'warn', 1],
      ['not_null_items_id', 'pass', 0],
      ['unique_items_id', 'fail', 1],
    ]);
    const end = events.find((e) => e.type === 'run_end')!;
    expect(end.counts).toMatchObject({ PASS: 1, WARN: 1, FAIL: 1 });
    expect(existsSync(end.report_path)).toBe(true);
  });

  it('the example project builds green (exit 0) with its raw-layer warnings', () => {
    const dir = writeProject({ 'profiles.yml': PROFILE.replace('demo:', 'strata_example:') }, { name: 'strata_example' });
    cpSync(join(ROOT, 'project.yml'), join(dir, 'project.yml'));
    for (const folder of ['models', 'seeds', 'macros']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
    mkdirSync(join(dir, 'tests'));
    for (const f of readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.sql'))) cpSync(join(ROOT, 'tests', f), join(dir, 'tests', f));
    const res = strata(['build', '--project-dir', dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/WARN \d+ unique_raw_orders_order_id/);
    expect(res.stdout).toMatch(/PASS unique_stg_orders_order_id/);
    expect(res.stdout).toMatch(/FAIL=0/);
  });
});
