import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic, writeJsonTo } from '../../src/artifacts/write.js';
import { randomValue, rng, type RandomValueShape } from '../support/random.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function streamed(value: unknown, indent: number): string {
  const file = join(dir, 'out.json');
  const fd = openSync(file, 'w');
  try {
    writeJsonTo(fd, value, indent);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file, 'utf8');
}

const SHAPE: RandomValueShape = {
  leaves: [null, undefined, true, 0, -3.5, NaN, '', 'a\nb "q"', 'é', () => 1, new Date(0)],
  keys: ['k', 'b', '1', 'x y', 'é'],
  maxDepth: 4,
  leafBelow: 0.3,
  arrayBelow: 0.55,
  suffixKeys: true,
};

describe('writeJsonTo', () => {
  it('writes exactly what JSON.stringify(value, null, indent) gives, on random data', () => {
    const next = rng(7);
    for (let i = 0; i < 400; i++) {
      const value = { metadata: { v: 1 }, nodes: randomValue(next, SHAPE), list: [randomValue(next, SHAPE, 1), undefined], empty: {}, none: [] };
      for (const indent of [0, 2]) expect(streamed(value, indent)).toBe(JSON.stringify(value, null, indent));
    }
  });

  it('matches for roots that are arrays, empty, toJSON or class instances', () => {
    class Box {
      constructor(readonly a: number) {}
    }
    for (const value of [[], {}, [1, [2, { a: [3] }]], new Date(0), new Box(2), { d: new Date(5), b: new Box(3), m: new Map() }, Object.create(null)]) {
      for (const indent of [0, 2]) expect(streamed(value, indent)).toBe(JSON.stringify(value, null, indent));
    }
  });

  it('writeJsonAtomic writes the pretty JSON with a trailing newline', () => {
    const file = join(dir, 'a', 'artifact.json');
    const value = { metadata: { x: 'y' }, nodes: { 'model.a': { n: [1, 2], s: 'x' } } };
    writeJsonAtomic(file, value);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(value, null, 2) + '\n');
  });
});
