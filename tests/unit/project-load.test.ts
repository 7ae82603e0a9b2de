import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';

function project(files: Record<string, string>, options?: { name?: string }): string {
  return writeProject(files, options);
}

async function loadError(projectDir: string, options: Record<string, unknown> = {}): Promise<UserError> {
  try {
    await loadProject({ projectDir, env: {}, ...options });
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected loadProject to throw');
}

describe('loadProject: project file', () => {
  it('applies defaults for paths, profile and target', async () => {
    const dir = project({ 'models/a.sql': 'select 1' });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.root).toBe(dir);
    expect(p.config).toMatchObject({
      file: 'project.yml',
      name: 'demo',
      profile: 'demo',
      modelPaths: ['models'],
      seedPaths: ['seeds'],
      macroPaths: ['macros'],
      testPaths: ['tests'],
      snapshotPaths: ['snapshots'],
      docsPaths: [],
      targetPath: 'target',
      cleanTargets: ['target'],
      vars: {},
      models: {},
      onRunStart: [],
    });
    expect(p.target).toMatchObject({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: ':memory:' });
    expect(p.files.models.map((f) => f.path)).toEqual(['models/a.sql']);
    expect(p.diagnostics).toEqual([]);
  });

  it('falls back to dbt_project.yml and keeps config trees raw', async () => {
    const dir = project({
      'project.yml': '',
      'dbt_project.yml': [
        'name: shop',
        'profile: demo',
        'config-version: 2',
        "model-paths: ['transform/']",
        'on-run-start: "create schema if not exists x"',
        'models:',
        '  shop:',
        '    +materialized: view',
        '    marts:',
        '      materialized: table',
        '      +tags: [nightly]',
      ].join('\n'),
      'transform/b.sql': 'select 2',
    });
    // project.yml wins when present; remove it to exercise the fallback
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'project.yml'));
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.config.file).toBe('dbt_project.yml');
    expect(p.config.name).toBe('shop');
    expect(p.config.modelPaths).toEqual(['transform']);
    expect(p.config.onRunStart).toEqual(['create schema if not exists x']);
    expect(p.config.models).toEqual({ shop: { '+materialized': 'view', marts: { materialized: 'table', '+tags': ['nightly'] } } });
    expect(p.files.models.map((f) => [f.path, f.relPath])).toEqual([['transform/b.sql', 'b.sql']]);
  });

  it('says where it looked when there is no project file', async () => {
    const dir = project({});
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'project.yml'));
    const err = await loadError(dir);
    expect(err.message).toMatch(/no project\.yml or dbt_project\.yml/);
    expect(err.hint).toMatch(/--project-dir/);
  });

  it('reports YAML syntax errors with file:line:column', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: demo\nvars:\n  a: [1, 2\n' });
    const err = await loadError(dir);
    expect(err.file).toBe('project.yml');
    expect(err.line).toBeGreaterThanOrEqual(4);
    expect(err.column).toBeTypeOf('number');
    expect(err.format()).toMatch(/^project\.yml:\d+:\d+: invalid YAML/);
  });

  it('reports duplicate keys as YAML errors', async () => {
    const err = await loadError(project({ 'project.yml': 'name: demo\nprofile: demo\nname: other\n' }));
    expect(err.message).toMatch(/unique/);
    expect([err.file, err.line, err.column]).toEqual(['project.yml', 3, 1]);
  });

  it('reports schema errors at the offending value with what was expected', async () => {
    const err = await loadError(project({ 'project.yml': "name: demo\nprofile: demo\nmodel-paths: models\n" }));
    expect(err.message).toBe("'model-paths' must be a list, got a string");
    expect([err.file, err.line, err.column]).toEqual(['project.yml', 3, 14]);

    const err2 = await loadError(project({ 'project.yml': 'profile: demo\n' }));
    expect(err2.message).toMatch(/missing required key 'name'/);

    const err3 = await loadError(project({ 'project.yml': "name: demo\nprofile: demo\nmodels:\n  demo:\n    staging:\n      +enabled: 'yes'\n" }));
    expect(err3.message).toBe("'models.demo.staging.+enabled' must be a boolean, got a string");
    expect([err3.line, err3.column]).toEqual([6, 17]);
  });

  it('warns about unknown keys, naming the closest known key', async () => {
    const dir = project({
      'project.yml': 'name: demo\nprofile: demo\nmodel-path: [models]\nmodels:\n  demo:\n    +materialised: table\n    +my_custom: 1\n',
    });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.diagnostics).toHaveLength(2);
    expect(p.diagnostics[0]).toEqual({
      level: 'warn',
      file: 'project.yml',
      line: 3,
      column: 1,
      message: "unknown key 'model-path'",
      hint: "did you mean 'model-paths'?",
    });
    expect(p.diagnostics[1]).toMatchObject({ line: 6, column: 5, message: "unknown config '+materialised'", hint: "did you mean '+materialized'?" });
    // the unknown key does not replace the default
    expect(p.config.modelPaths).toEqual(['models']);
  });
});

describe('loadProject: vars', () => {
  const files = { 'project.yml': 'name: demo\nprofile: demo\nvars:\n  start: "2024-01-01"\n  days: 7\n' };

  it('merges --vars as YAML over project vars', async () => {
    const p = await loadProject({ projectDir: project(files), env: {}, vars: '{days: 30, region: eu}' });
    expect(p.vars).toEqual({ start: '2024-01-01', days: 30, region: 'eu' });
  });

  it('accepts JSON strings and objects', async () => {
    const dir = project(files);
    expect((await loadProject({ projectDir: dir, env: {}, vars: '{"days": 1}' })).vars.days).toBe(1);
    expect((await loadProject({ projectDir: dir, env: {}, vars: { start: 'x' } })).vars).toEqual({ start: 'x', days: 7 });
  });

  it('rejects invalid --vars', async () => {
    const dir = project(files);
    expect((await loadError(dir, { vars: '{days: [1' })).message).toMatch(/^--vars is not valid YAML: /);
    expect((await loadError(dir, { vars: '[1, 2]' })).message).toMatch(/--vars must be a mapping/);
  });
});

describe('loadProject: files', () => {
  it('discovers every kind of file, sorted, skipping dotfiles, node_modules and target', async () => {
    const dir = project({
      'project.yml': "name: demo\nprofile: demo\ndocs-paths: [docs, models]\nmodel-paths: [models, '.']\n",
      'models/b.sql': 'select 2',
      'models/a/z.sql': 'select 1',
      'models/a/overview.md': '{% docs x %}x{% enddocs %}',
      'models/.hidden.sql': 'select 0',
      'models/.dir/x.sql': 'select 0',
      'models/node_modules/x.sql': 'select 0',
      'models/schema.yml': 'version: 2\n',
      'seeds/raw.csv': 'id\n1\n',
      'seeds/raw.txt': 'ignored',
      'macros/m.sql': '{% macro m() %}1{% endmacro %}',
      'tests/singular.sql': 'select 1 where false',
      'snapshots/s.sql': '{% snapshot s %}{% endsnapshot %}',
      'docs/more.md': '{% docs y %}y{% enddocs %}',
      'target/compiled/x.sql': 'select 0',
      'top.sql': 'select 3',
    });
    const p = await loadProject({ projectDir: dir, env: {} });
    const paths = (list: Array<{ path: string }>) => list.map((f) => f.path);
    // models/ walked once as model path, '.' walks everything else (not target/)
    expect(paths(p.files.models)).toContain('models/a/z.sql');
    expect(paths(p.files.models)).toContain('top.sql');
    expect(paths(p.files.models).some((x) => x.includes('target/') || x.includes('.hidden') || x.includes('node_modules'))).toBe(false);
    expect(paths(p.files.seeds)).toEqual(['seeds/raw.csv']);
    expect(paths(p.files.macros)).toEqual(['macros/m.sql']);
    expect(paths(p.files.tests)).toEqual(['tests/singular.sql']);
    expect(paths(p.files.snapshots)).toEqual(['snapshots/s.sql']);
    expect(paths(p.files.docs)).toEqual(['docs/more.md', 'models/a/overview.md']);
    expect(p.files.propertyFiles?.map((f) => f.path)).toContain('models/schema.yml');
    const z = p.files.models.find((f) => f.path === 'models/a/z.sql')!;
    expect(z.relPath).toBe('a/z.sql');
    expect(z.content).toBe('select 1');
    expect(z.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(z.absPath).toBe(join(dir, 'models/a/z.sql'));
    const sorted = [...paths(p.files.models)].sort();
    expect(paths(p.files.models)).toEqual(sorted);
  });

  it('tolerates missing resource folders', async () => {
    const dir = project({});
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', 'only.sql'), 'select 1');
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.files.seeds).toEqual([]);
    expect(p.files.models).toHaveLength(1);
  });
});
