import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/data-tests/test-names.js';

/** The reference: JSON.stringify with a key-sorting replacer (what test identities always hashed). */
const reference = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

/** A deterministic pseudo-random generator (no Math.random: failures must reproduce). */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.35) {
    const leaves = [null, undefined, true, false, 0, -0, 1.5, -7, 1e21, NaN, Infinity, '', 'a"b', 'é\n\u2028', 'x y'];
    return leaves[Math.floor(next() * leaves.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const keys = ['b', 'a', 'B', '_', 'é', 'a b', 'status', 'values', 'column_name', '1', '10', '9', '01'];
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) out[keys[Math.floor(next() * keys.length)]!] = randomValue(next, depth + 1);
  return out;
}

describe('canonicalJson', () => {
  it('matches the key-sorting replacer on random plain data (integer-like keys included)', () => {
    const next = rng(42);
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(next, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('matches it for dates, class instances, sparse arrays and nested null prototypes', () => {
    class Box {
      constructor(readonly z: number, readonly a: string) {}
    }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { y: 1, x: [2] });
    // eslint-disable-next-line no-sparse-arrays
    for (const value of [new Date(0), { d: new Date(0) }, new Box(1, 'q'), [new Box(2, 'r')], bare, [1, , 3], { f: () => 1, u: undefined }]) {
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });
});
