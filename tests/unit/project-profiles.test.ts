import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';

function project(files: Record<string, string>): string {
  return writeProject(files);
}
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-profiles-'));
  return dir;
}

async function loadError(projectDir: string, options: Record<string, unknown> = {}): Promise<UserError> {
  try {
    await loadProject({ projectDir, env: { HOME: '/nonexistent-home' }, ...options });
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected loadProject to throw');
}

const duckdbProfile = (extra = '') =>
  `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: local/dev.duckdb\n${extra}    prod:\n      type: duckdb\n      path: /abs/prod.duckdb\n      schema: analytics\n      threads: 8\n`;

describe('profiles.yml lookup', () => {
  it('prefers --profiles-dir over the project dir', async () => {
    const dir = project({ 'profiles.yml': duckdbProfile() });
    const other = tempDir();
    writeFileSync(join(other, 'profiles.yml'), 'demo:\n  target: ci\n  outputs:\n    ci:\n      type: duckdb\n      path: ":memory:"\n');
    const p = await loadProject({ projectDir: dir, profilesDir: other, env: {} });
    expect(p.target.name).toBe('ci');
    expect(p.target.file).toBe(join(other, 'profiles.yml'));
  });

  it('falls back to the project dir, then ~/.strata', async () => {
    const dir = project({ 'profiles.yml': duckdbProfile() });
    const emptyProfilesDir = tempDir();
    const p = await loadProject({ projectDir: dir, profilesDir: emptyProfilesDir, env: {} });
    expect(p.target.file).toBe(join(dir, 'profiles.yml'));

    const home = tempDir();
    mkdirSync(join(home, '.strata'));
    writeFileSync(join(home, '.strata', 'profiles.yml'), 'demo:\n  outputs:\n    only:\n      type: duckdb\n');
    rmSync(join(dir, 'profiles.yml'));
    const q = await loadProject({ projectDir: dir, env: { HOME: home } });
    expect(q.target.name).toBe('only'); // a single output needs no `target:`
  });

  it('lists the places it looked when there is no profiles.yml', async () => {
    const dir = project({});
    rmSync(join(dir, 'profiles.yml'));
    const err = await loadError(dir, { profilesDir: '/tmp/nowhere-strata' });
    expect(err.message).toBe('profiles.yml not found');
    expect(err.hint).toContain('/tmp/nowhere-strata');
    expect(err.hint).toContain(dir);
    expect(err.hint).toContain(join('/nonexistent-home', '.strata'));
  });

  it('names the closest profile and target when they do not exist', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: dmeo\n', 'profiles.yml': duckdbProfile() });
    const err = await loadError(dir);
    expect(err.message).toBe("profile 'dmeo' not found in profiles.yml");
    expect(err.hint).toBe("did you mean 'demo'?");

    const err2 = await loadError(project({ 'profiles.yml': duckdbProfile() }), { target: 'prd' });
    expect(err2.message).toBe("target 'prd' not found in profile 'demo'");
    expect(err2.hint).toBe("did you mean 'prod'?");
    expect(err2.file).toBe('profiles.yml');
  });
});

describe('profile targets', () => {
  it('resolves a relative duckdb path against the project dir and applies defaults', async () => {
    const dir = project({ 'profiles.yml': duckdbProfile() });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.target).toMatchObject({ profile: 'demo', name: 'dev', type: 'duckdb', schema: 'main', threads: 1 });
    expect(p.target.path).toBe(join(dir, 'local/dev.duckdb'));
    expect(p.target.extra).toEqual({});
  });

  it('defaults the duckdb path to strata.duckdb in the project dir', async () => {
    const dir = project({ 'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n' });
    expect((await loadProject({ projectDir: dir, env: {} })).target.path).toBe(join(dir, 'strata.duckdb'));
  });

  it('lets --target and --threads override the profile', async () => {
    const dir = project({ 'profiles.yml': duckdbProfile() });
    const p = await loadProject({ projectDir: dir, env: {}, target: 'prod' });
    expect(p.target).toMatchObject({ name: 'prod', path: '/abs/prod.duckdb', schema: 'analytics', threads: 8 });
    const q = await loadProject({ projectDir: dir, env: {}, target: 'prod', threads: 3 });
    expect(q.target.threads).toBe(3);
  });

  it('renders env_var with and without defaults, coercing numeric fields', async () => {
    const dir = project({
      'profiles.yml': [
        'demo:',
        '  target: pg',
        '  outputs:',
        '    pg:',
        '      type: postgres',
        "      host: \"{{ env_var('PG_HOST') }}\"",
        "      user: \"{{ env_var('PG_USER', 'strata') }}\"",
        "      password: \"{{ env_var('PG_PASSWORD') }}\"",
        "      threads: \"{{ env_var('PG_THREADS', '4') | as_number }}\"",
        '      database: warehouse',
        '      keepalives_idle: 5',
      ].join('\n'),
    });
    const p = await loadProject({ projectDir: dir, env: { PG_HOST: 'db.local', PG_PASSWORD: 's3cret' } });
    expect(p.target).toMatchObject({
      type: 'postgres',
      host: 'db.local',
      user: 'strata',
      password: 's3cret',
      threads: 4,
      port: 5432,
      schema: 'public',
      dbname: 'warehouse',
      database: 'warehouse',
    });
    expect(p.target.extra).toEqual({ keepalives_idle: 5 });
  });

  it('reports a missing env var at its line without leaking other values', async () => {
    const dir = project({
      'profiles.yml': "demo:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      password: s3cret-value\n      host: \"{{ env_var('PG_HOST') }}\"\n",
    });
    const err = await loadError(dir);
    expect(err.message).toBe("environment variable 'PG_HOST' is not set");
    expect([err.file, err.line]).toEqual(['profiles.yml', 7]);
    expect(err.format()).not.toContain('s3cret');
  });

  it('only renders the selected target', async () => {
    const dir = project({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n    prod:\n      type: postgres\n      password: \"{{ env_var('PROD_PW') }}\"\n",
    });
    await expect(loadProject({ projectDir: dir, env: {} })).resolves.toBeDefined();
  });

  it('validates the output with file:line:column and warns on likely typos only', async () => {
    const err = await loadError(project({ 'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      threads: many\n' }));
    expect(err.message).toBe("'demo.outputs.dev.threads' must be an integer, got a string");
    expect([err.file, err.line, err.column]).toEqual(['profiles.yml', 6, 16]);

    const dir = project({
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      schmea: raw\n      extensions: [httpfs]\n      custom_setting: 1\n',
    });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.diagnostics.map((d) => d.hint)).toEqual(["did you mean 'schema'?"]);
    expect(p.target.extra).toEqual({ schmea: 'raw', extensions: ['httpfs'], custom_setting: 1 });
  });

  it('rejects an unknown warehouse type with the closest one', async () => {
    const err = await loadError(project({ 'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckbd\n' }));
    expect(err.message).toBe("unknown warehouse type 'duckbd'");
    expect(err.hint).toBe("did you mean 'duckdb'?");
    expect(err.line).toBe(5);
  });
});
