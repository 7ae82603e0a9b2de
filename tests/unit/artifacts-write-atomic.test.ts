import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/artifacts/write.js';

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('writeFileAtomic', () => {
  it('with freeOldLater, replaces the file and drops the old one in the background (and any leftover link)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-atomic-'));
    const file = join(dir, 'manifest.json');
    writeFileAtomic(file, (fd) => writeSync(fd, 'one'), { freeOldLater: true });
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(existsSync(`${file}.old`)).toBe(false);
    writeFileAtomic(file, (fd) => writeSync(fd, 'two'), { freeOldLater: true });
    expect(readFileSync(file, 'utf8')).toBe('two');
    await until(() => !existsSync(`${file}.old`));
    // A link left behind by a killed process goes with the next write.
    writeFileSync(`${file}.old`, 'stale');
    writeFileAtomic(file, (fd) => writeSync(fd, 'three'), { freeOldLater: true });
    expect(readFileSync(file, 'utf8')).toBe('three');
    await until(() => !existsSync(`${file}.old`));
    // A failing fill leaves the previous file as it was.
    expect(() => writeFileAtomic(file, () => { throw new Error('boom'); }, { freeOldLater: true })).toThrow('boom');
    expect(readFileSync(file, 'utf8')).toBe('three');
    rmSync(dir, { recursive: true, force: true });
  });
});
