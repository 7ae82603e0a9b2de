import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { strata } from '../support/cli.js';
import { updateProject, writeProject } from '../support/project.js';


function fileProject(files: Record<string, string>): string {
  return writeProject({
    'profiles.yml': `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n      schema: main\n      threads: 2\n`,
    ...files,
  });
}

async function queryFile(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(path);
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const PIPELINE = {
  'seeds/raw_items.csv': 'id,price\n1,10\n2,-5\n3,7\n',
  'models/staging/stg_items.sql': "select cast(id as integer) as id, cast(price as integer) as price from {{ ref('raw_items') }} where cast(price as integer) >= 0",
  'models/staging/int_doubled.sql': "{{ config(materialized='ephemeral') }}\nselect id, price * 2 as doubled from {{ ref('stg_items') }}",
  'models/marts/fct_items.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('int_doubled') }}",
};

describe('strata build (CLI, DuckDB file)', () => {
  it('builds seeds and models in DAG order, writes artifacts, exits 0', async () => {
    const dir = fileProject(PIPELINE);
    const res = strata(['build', '--project-dir', dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/OK\s+seed\s+"main"\."raw_items"/);
    expect(res.stdout).toMatch(/OK\s+view\s+"main"\."stg_items"/);
    expect(res.stdout).toMatch(/OK\s+table\s+"main"\."fct_items"/);
    expect(res.stdout).not.toContain('int_doubled'); // ephemeral: nothing built
    expect(res.stdout).toMatch(/Done in [\d.]+s\. OK=3 .*ERROR=0 .*TOTAL=3/);

    const rows = await queryFile(join(dir, 'warehouse.duckdb'), 'select id, doubled from main.fct_items order by id');
    expect(rows).toEqual([
      { id: 1, doubled: 20 },
      { id: 3, doubled: 14 },
    ]);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status])).toEqual([
      ['seed.demo.raw_items', 'success'],
      ['model.demo.stg_items', 'success'],
      ['model.demo.fct_items', 'success'],
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.demo.fct_items'].depends_on.nodes).toEqual(['model.demo.int_doubled']);
    expect(manifest.nodes['model.demo.fct_items'].compiled_code).toContain('__strata_ephemeral__int_doubled');
    expect(manifest.parent_map['model.demo.stg_items']).toEqual(['seed.demo.raw_items']);
    expect(existsSync(join(dir, 'target/compiled/demo/models/marts/fct_items.sql'))).toBe(true);
  });

  it('a failing model exits 1, skips its dependents, keeps independent nodes and the old table', async () => {
    const dir = fileProject({
      ...PIPELINE,
      'models/marts/other.sql': "{{ config(materialized='table') }}\nselect 1 as x",
    });
    expect(strata(['build', '--project-dir', dir]).code).toBe(0);
    updateProject(dir, {
      'models/staging/stg_items.sql': 'select no_such_column from {{ ref("raw_items") }}',
    });
    const res = strata(['build', '--project-dir', dir]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/ERROR\s+view\s+"main"\."stg_items"/);
    expect(res.stdout).toMatch(/SKIP\s+table\s+"main"\."fct_items".*upstream stg_items failed/);
    expect(res.stdout).toMatch(/OK\s+table\s+"main"\."other"/);
    expect(res.stdout).not.toMatch(/^\s+at /m); // no stack trace
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    const status = Object.fromEntries(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
    expect(status).toMatchObject({ 'model.demo.stg_items': 'error', 'model.demo.fct_items': 'skipped', 'model.demo.other': 'success' });
    // The table built by the first run is still there, with its rows.
    const rows = await queryFile(join(dir, 'warehouse.duckdb'), 'select count(*)::int as n from main.fct_items');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('--fail-fast stops scheduling after the first failure', () => {
    const dir = fileProject({
      'models/a_bad.sql': 'select * from missing_table',
      'models/b.sql': 'select 1 as x',
      'models/c.sql': "select * from {{ ref('b') }}",
    });
    const res = strata(['run', '--project-dir', dir, '--threads', '1', '--fail-fast']);
    expect(res.code).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    const statuses = results.results.map((r: { status: string }) => r.status);
    expect(statuses).toContain('error');
    expect(statuses.filter((s: string) => s === 'skipped').length).toBeGreaterThanOrEqual(1);
  });

  it('--select limits what is built', () => {
    const dir = fileProject(PIPELINE);
    const res = strata(['build', '--project-dir', dir, '-s', '+stg_items']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('stg_items');
    expect(res.stdout).not.toContain('fct_items');
  });

  it('--log-format json prints one JSON event per line', () => {
    const dir = fileProject(PIPELINE);
    const res = strata(['--log-format', 'json', 'build', '--project-dir', dir]);
    expect(res.code).toBe(0);
    const events = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run_start');
    expect(events.filter((e) => e.type === 'node_done')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'run_end', counts: { OK: 3, ERROR: 0 } });
  });
});
