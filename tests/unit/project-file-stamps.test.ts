import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { sha256 } from '../../src/util/hash.js';
import { writeProject } from '../support/project.js';

const FILES = {
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select * from {{ ref('a') }} -- {{ run_started_at }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n',
};
const stampsOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'target', '.strata-cache', 'file-stamps.json'), 'utf8')) as { files: Record<string, unknown> }).files;
/** Make the project's files look modified 10 s ago (past the racy window). */
function age(dir: string, paths: string[]): void {
  const past = new Date(Date.now() - 10_000);
  for (const p of paths) utimesSync(join(dir, p), past, past);
}
const lazy = (file: object) => Object.getOwnPropertyDescriptor(file, 'content')?.get !== undefined;
const model = async (dir: string, path: string) => (await loadProject({ projectDir: dir, env: {} })).files.models.find((f) => f.path === path)!;

describe('file stamps', () => {
  it('an unchanged, settled file is not read until its content is asked for', async () => {
    const dir = writeProject(FILES);
    const first = await model(dir, 'models/a.sql');
    expect(lazy(first)).toBe(false);
    // Written just now: too fresh to stamp.
    expect(Object.keys(stampsOf(dir))).toEqual([]);
    age(dir, Object.keys(FILES));
    await loadProject({ projectDir: dir, env: {} });
    expect(Object.keys(stampsOf(dir)).sort()).toEqual(Object.keys(FILES).sort());
    const files = (await loadProject({ projectDir: dir, env: {} })).files;
    const a = files.models.find((f) => f.path === 'models/a.sql')!;
    const b = files.models.find((f) => f.path === 'models/b.sql')!;
    expect(lazy(a)).toBe(true);
    expect(a.checksum).toBe(sha256(FILES['models/a.sql']));
    expect([a.perRun, b.perRun]).toEqual([false, true]);
    expect(a.content).toBe(FILES['models/a.sql']);
    expect(lazy(a)).toBe(false);
  });

  it('an edit that keeps size and mtime is still seen (ctime), and a file changed after the check is an error', async () => {
    const dir = writeProject(FILES);
    age(dir, Object.keys(FILES));
    await loadProject({ projectDir: dir, env: {} });
    const before = await model(dir, 'models/a.sql');
    expect(lazy(before)).toBe(true);
    const { mtime } = statSync(join(dir, 'models/a.sql'));
    writeFileSync(join(dir, 'models/a.sql'), 'select 2 as id');
    utimesSync(join(dir, 'models/a.sql'), mtime, mtime);
    const after = await model(dir, 'models/a.sql');
    expect(after.checksum).toBe(sha256('select 2 as id'));
    expect(after.content).toBe('select 2 as id');
    // Checked (lazy) first, edited before its content is read: reported, never mixed up.
    age(dir, ['models/a.sql']);
    await loadProject({ projectDir: dir, env: {} });
    const stale = await model(dir, 'models/a.sql');
    expect(lazy(stale)).toBe(true);
    writeFileSync(join(dir, 'models/a.sql'), 'select 3 as id');
    expect(() => stale.content).toThrow(UserError);
    expect(() => stale.content).toThrow(/changed while Strata was reading/);
  });
});
