import { describe, expect, it } from 'vitest';
import type { MemberInfo } from '../../src/graph/graph.js';
import { kahnOrder } from '../../src/graph/order.js';

/** The definition: repeatedly take the smallest id whose known parents are all placed. */
function referenceOrder(ids: string[], infos: Map<string, MemberInfo>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  for (;;) {
    const next = ids.find((id) => !placed.has(id) && infos.get(id)!.depends_on.every((d) => !infos.has(d) || placed.has(d)));
    if (next === undefined) return order;
    placed.add(next);
    order.push(next);
  }
}

/** A deterministic pseudo-random graph: repeated and unknown dependencies, optionally a cycle. */
function randomGraph(seed: number, n: number, cycle: boolean): { ids: string[]; infos: Map<string, MemberInfo> } {
  let state = seed;
  const rand = (k: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % k;
  };
  const names = Array.from({ length: n }, (_, i) => `model.p.n${(i * 7919) % n}`);
  const infos = new Map<string, MemberInfo>();
  names.forEach((id, i) => {
    const deps: string[] = [];
    for (let k = rand(4); k > 0 && i > 0; k--) deps.push(names[rand(i)]!);
    if (deps.length > 0 && rand(3) === 0) deps.push(deps[0]!); // the same parent twice
    if (rand(10) === 0) deps.push('model.p.unknown');
    infos.set(id, { resource_type: 'model', enabled: true, depends_on: deps });
  });
  if (cycle) {
    // names[1] ⇄ names[n-1]: both, and everything downstream of them, are left out
    (infos.get(names[1]!)!.depends_on as string[]).push(names[n - 1]!);
    (infos.get(names[n - 1]!)!.depends_on as string[]).push(names[1]!);
  }
  return { ids: [...infos.keys()].sort(), infos };
}

describe('kahnOrder', () => {
  it('equals the smallest-id-first definition, with repeated and unknown dependencies', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { ids, infos } = randomGraph(seed, 60, false);
      const order = kahnOrder(ids, infos);
      expect(order).toEqual(referenceOrder(ids, infos));
      expect(order).toHaveLength(ids.length);
    }
  });

  it('waits for every parent when one is listed twice', () => {
    const infos = new Map<string, MemberInfo>([
      ['a', { resource_type: 'model', enabled: true, depends_on: [] }],
      ['x', { resource_type: 'model', enabled: true, depends_on: ['a', 'a', 'z'] }],
      ['z', { resource_type: 'model', enabled: true, depends_on: [] }],
    ]);
    expect(kahnOrder(['a', 'x', 'z'], infos)).toEqual(['a', 'z', 'x']);
  });

  it('leaves out what sits on or behind a cycle, including a self-reference', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { ids, infos } = randomGraph(seed, 40, true);
      const order = kahnOrder(ids, infos);
      expect(order).toEqual(referenceOrder(ids, infos));
      expect(order.length).toBeLessThan(ids.length);
    }
    const self = new Map<string, MemberInfo>([
      ['a', { resource_type: 'model', enabled: true, depends_on: ['a'] }],
      ['b', { resource_type: 'model', enabled: true, depends_on: [] }],
    ]);
    expect(kahnOrder(['a', 'b'], self)).toEqual(['b']);
  });

  it('breaks ties by id across wide fans (a heap of thousands of ready nodes)', () => {
    const infos = new Map<string, MemberInfo>();
    infos.set('root', { resource_type: 'model', enabled: true, depends_on: [] });
    for (let i = 1999; i >= 0; i--) infos.set(`leaf${String((i * 37) % 2000).padStart(4, '0')}`, { resource_type: 'test', enabled: true, depends_on: i % 2 ? ['root'] : [] });
    const ids = [...infos.keys()].sort();
    expect(kahnOrder(ids, infos)).toEqual(referenceOrder(ids, infos));
  });
});
