import { appendFileSync, linkSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { writeProject } from '../support/project.js';

const FILES = {
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
};

const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const manifestFile = (dir: string) => join(dir, 'target', 'manifest.json');
const compile = (dir: string, invocationId: string, at: number) => prepare({ projectDir: dir, env: {}, invocationId, runStartedAt: new Date(at) });
const read = (dir: string) => readFileSync(manifestFile(dir), 'utf8');
const ino = (dir: string) => statSync(manifestFile(dir)).ino;

/** The manifest.json a compile without the cache writes for the same run. */
async function fresh(invocationId: string, at: number): Promise<string> {
  const other = writeProject(FILES);
  await compile(other, invocationId, at); // a miss: serialized and copied whole
  return read(other);
}

describe('manifest.json on a cache hit', () => {
  it('is updated in place (same file, new metadata) and equals a fully written one', async () => {
    const dir = writeProject(FILES);
    await compile(dir, ID1, 0);
    const first = ino(dir);
    await compile(dir, ID2, 1_000_000);
    expect(ino(dir)).toBe(first); // not copied: the file was rewritten in place
    const text = read(dir);
    expect(text).toBe(await fresh(ID2, 1_000_000));
    const parsed = JSON.parse(text) as { metadata: { invocation_id: string; generated_at: string } };
    expect(parsed.metadata.invocation_id).toBe(ID2);
    expect(parsed.metadata.generated_at).toBe(new Date(1_000_000).toISOString());
    // Again from the rewritten file (its stamp was renewed).
    await compile(dir, ID1, 2_000_000);
    expect(ino(dir)).toBe(first);
    expect(read(dir)).toBe(await fresh(ID1, 2_000_000));
  });

  it('is written whole when the file changed since it was stamped', async () => {
    const dir = writeProject(FILES);
    await compile(dir, ID1, 0);
    appendFileSync(manifestFile(dir), ' ');
    await compile(dir, ID2, 1_000_000);
    expect(read(dir)).toBe(await fresh(ID2, 1_000_000));
    // Same size and content, only the times changed: still written whole.
    const before = ino(dir);
    utimesSync(manifestFile(dir), new Date(5_000), new Date(5_000));
    await compile(dir, ID1, 0);
    expect(ino(dir)).not.toBe(before);
    expect(read(dir)).toBe(await fresh(ID1, 0));
  });

  it('is written whole when the metadata changes length or shape, or the file has another name', async () => {
    const dir = writeProject(FILES);
    await compile(dir, ID1, 0);
    let before = ino(dir);
    await compile(dir, 'inv-short', 0);
    expect(ino(dir)).not.toBe(before);
    expect(read(dir)).toBe(await fresh('inv-short', 0));
    // Same length, but a letter where a '-' was: a torn write could break the JSON's shape.
    before = ino(dir);
    await compile(dir, 'inv-shorT', 0);
    expect(ino(dir)).toBe(before);
    await compile(dir, 'inv.shorT', 0);
    expect(ino(dir)).not.toBe(before);
    expect(read(dir)).toBe(await fresh('inv.shorT', 0));
    // A hard link (a copy kept under another name) must not change with it.
    const kept = join(dir, 'kept-manifest.json');
    linkSync(manifestFile(dir), kept);
    const keptText = readFileSync(kept, 'utf8');
    await compile(dir, 'inv.shorX', 0);
    expect(readFileSync(kept, 'utf8')).toBe(keptText);
    expect(read(dir)).toBe(await fresh('inv.shorX', 0));
  });

  it('is written whole after a change to the project (a new entry)', async () => {
    const dir = writeProject(FILES);
    await compile(dir, ID1, 0);
    appendFileSync(join(dir, 'models', 'b.sql'), ' where id > 0');
    await compile(dir, ID2, 0);
    const other = writeProject({ ...FILES, 'models/b.sql': `${FILES['models/b.sql']} where id > 0` });
    await compile(other, ID2, 0);
    expect(read(dir)).toBe(read(other));
  });
});
