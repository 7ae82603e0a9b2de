import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic, writeJsonTo } from '../../src/artifacts/write.js';

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

function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.3) {
    const leaves = [null, undefined, true, 0, -3.5, NaN, '', 'a\nb "q"', 'é', () => 1, new Date(0)];
    return leaves[Math.floor(next() * leaves.length)];
  }
  if (r < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) out[['k', 'b', '1', 'x y', 'é'][Math.floor(next() * 5)]! + i] = randomValue(next, depth + 1);
  return out;
}

describe('writeJsonTo', () => {
  it('writes exactly what JSON.stringify(value, null, indent) gives, on random data', () => {
    const next = rng(7);
    for (let i = 0; i < 400; i++) {
      const value = { metadata: { v: 1 }, nodes: randomValue(next, 0), list: [randomValue(next, 1), undefined], empty: {}, none: [] };
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
