import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata } from '../support/cli.js';
import { updateProject, writeProject } from '../support/project.js';

const project = writeProject;

const SMALL = {
  'seeds/raw.csv': 'a\n1\n',
  'models/staging/stg.sql': "{{ config(tags=['daily']) }}\nselect * from {{ ref('raw') }}",
  'models/marts/mart.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg') }}",
};

describe('strata ls / compile / debug / clean', () => {
  it('ls prints names, paths and JSON in DAG order', () => {
    const dir = project(SMALL);
    const names = strata(['ls', '--project-dir', dir]);
    expect(names.code).toBe(0);
    expect(names.stdout.trim().split('\n')).toEqual(['demo.raw', 'demo.staging.stg', 'demo.marts.mart']);
    const paths = strata(['ls', '--project-dir', dir, '--output', 'path', '-s', 'tag:daily+']);
    expect(paths.stdout.trim().split('\n')).toEqual(['models/staging/stg.sql', 'models/marts/mart.sql']);
    const json = strata(['ls', '--project-dir', dir, '--output', 'json', '-s', 'mart']);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ unique_id: 'model.demo.mart', materialized: 'table', depends_on: ['model.demo.stg'] });
  });

  it('ls --output with an unknown format exits 2', () => {
    const dir = project(SMALL);
    const res = strata(['ls', '--project-dir', dir, '--output', 'yaml']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown --output 'yaml'");
  });

  it('compile writes SQL without touching the warehouse', () => {
    const dir = writeProject({
      ...SMALL,
      // A warehouse that cannot exist: compile must not connect.
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /nonexistent-dir/x/y.duckdb\n',
    });
    const res = strata(['compile', '--project-dir', dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(existsSync(join(dir, 'target/compiled/demo/models/marts/mart.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target/manifest.json'))).toBe(true);
  });

  it('debug reports the target and a working connection', () => {
    const dir = project(SMALL);
    const res = strata(['debug', '--project-dir', dir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('adapter:  duckdb');
    expect(res.stdout).toMatch(/connection: OK/);
  });

  it('clean removes target/', () => {
    const dir = project(SMALL);
    expect(strata(['compile', '--project-dir', dir]).code).toBe(0);
    expect(existsSync(join(dir, 'target'))).toBe(true);
    const res = strata(['clean', '--project-dir', dir]);
    expect(res.code).toBe(0);
    expect(existsSync(join(dir, 'target'))).toBe(false);
  });

  it('clean needs no profiles.yml, and refuses a clean-target outside the project', () => {
    const dir = project({ 'target/x.txt': 'x' });
    rmSync(join(dir, 'profiles.yml'));
    expect(strata(['clean', '--project-dir', dir]).code).toBe(0);
    expect(existsSync(join(dir, 'target'))).toBe(false);
    updateProject(dir, { 'project.yml': 'name: demo\nclean-targets: [target, ../elsewhere]\n' });
    const res = strata(['clean', '--project-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("clean-targets entry '../elsewhere' is outside the project directory");
  });
});

describe('CLI errors: exit 2, file and line, a hint, no stack trace', () => {
  it('unknown ref names the file, line and closest models', () => {
    const dir = project({ ...SMALL, 'models/marts/bad.sql': "select 1\nfrom {{ ref('stgg') }}" });
    const res = strata(['build', '--project-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('models/marts/bad.sql:2');
    expect(res.stderr).toContain("'stg'");
    expect(res.stderr).not.toMatch(/^\s+at /m);
  });

  it('a cycle prints its path', () => {
    const dir = project({
      'models/a.sql': "select * from {{ ref('b') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    const res = strata(['run', '--project-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/cycle/);
    expect(res.stderr).toMatch(/a → b → a|b → a → b/);
  });

  it('an invalid project.yml names file and line', () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: demo\nmodel-paths: 12\n' });
    const res = strata(['build', '--project-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('project.yml:3');
    expect(res.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unknown command or flag exits 2', () => {
    expect(strata(['buidl']).code).toBe(2);
    expect(strata(['build', '--no-such-flag']).code).toBe(2);
    expect(strata(['run', '--threads', 'zero']).code).toBe(2);
  });

  it('a missing project exits 2 with a hint', () => {
    const res = strata(['build', '--project-dir', '/nonexistent-strata-project']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/project\.yml/);
  });
});
