import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkedWriter, writeFileAtomic } from '../../src/artifacts/write.js';
import { rng } from '../support/random.js';

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

describe('chunkedWriter', () => {
  it('writes exactly the pieces, in order, and returns each one\'s UTF-8 byte length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-chunked-'));
    const file = join(dir, 'out.txt');
    const random = rng(7);
    const alphabet = ['a', 'é', '€', '😀', '"', '\n', 'z'];
    const pieces: string[] = [];
    for (let i = 0; i < 400; i++) {
      const size = random() < 0.02 ? 400_000 + Math.floor(random() * 200_000) : Math.floor(random() * 3000);
      let text = '';
      for (let k = 0; k < size; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      pieces.push(text);
    }
    const lengths: number[] = [];
    writeFileAtomic(file, (fd) => {
      const out = chunkedWriter(fd);
      for (const p of pieces) lengths.push(out.write(p));
      out.flush();
    });
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
    expect(lengths).toEqual(pieces.map((p) => Buffer.byteLength(p)));
    rmSync(dir, { recursive: true, force: true });
  });
});
