/** Deterministic random data for parity tests (no Math.random: a failure must reproduce). */

/** A seeded linear congruential generator in [0, 1). */
export function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

export interface RandomValueShape {
  /** Values at the leaves. */
  leaves: readonly unknown[];
  /** Keys of generated objects (a suffix may be added). */
  keys: readonly string[];
  maxDepth: number;
  /** Below this draw: a leaf; below arrayBelow: an array; else an object. */
  leafBelow: number;
  arrayBelow: number;
  /** Append the entry's index to keys (so objects get several distinct keys). */
  suffixKeys?: boolean;
}

/** A random nested value of arrays, objects and leaves. */
export function randomValue(next: () => number, shape: RandomValueShape, depth = 0): unknown {
  const r = next();
  if (depth > shape.maxDepth || r < shape.leafBelow) return shape.leaves[Math.floor(next() * shape.leaves.length)];
  if (r < shape.arrayBelow) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, shape, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    const key = shape.keys[Math.floor(next() * shape.keys.length)]!;
    out[shape.suffixKeys ? key + i : key] = randomValue(next, shape, depth + 1);
  }
  return out;
}
