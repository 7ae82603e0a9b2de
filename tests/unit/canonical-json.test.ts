import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { randomValue, rng, type RandomValueShape } from '../support/random.js';

/** The reference: JSON.stringify with a key-sorting replacer (what test identities always hashed). */
const reference = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

const SHAPE: RandomValueShape = {
  leaves: [null, undefined, true, false, 0, -0, 1.5, -7, 1e21, NaN, Infinity, '', 'a"b', 'é\n\u2028', 'x y'],
  keys: ['b', 'a', 'B', '_', 'é', 'a b', 'status', 'values', 'column_name', '1', '10', '9', '01'],
  maxDepth: 3,
  leafBelow: 0.35,
  arrayBelow: 0.6,
};

describe('canonicalJson', () => {
  it('matches the key-sorting replacer on random plain data (integer-like keys included)', () => {
    const next = rng(42);
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(next, SHAPE);
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
