import { describe, expect, it } from 'vitest';
import { decodeInfo, idList, InfoColumnsBuilder, storedIds } from '../../src/compiler/cache-index-info.js';
import type { MemberInfo } from '../../src/graph/graph.js';

describe('compile cache index: node ids and graph facts as columns', () => {
  it('round-trips every kind of member fact through JSON, unknown ids and sources included', () => {
    const ids = ['model.p.a', 'model.p.b', 'test.p.t', 'unit_test.p.u', 'seed.p.s', 'snapshot.p.snap'];
    const all = [...ids, 'source.p.raw.t'];
    const infos: MemberInfo[] = [
      { resource_type: 'model', enabled: true, depends_on: ['source.p.raw.t', 'seed.p.s'] },
      { resource_type: 'model', enabled: false, depends_on: ['model.p.a', 'model.p.a', 'model.p.gone'] },
      { resource_type: 'test', enabled: true, depends_on: ['model.p.b'], attached_node: 'model.p.b' },
      { resource_type: 'unit_test', enabled: true, depends_on: [], attached_node: 'model.p.elsewhere' },
      { resource_type: 'seed', enabled: true, depends_on: [] },
      { resource_type: 'snapshot', enabled: false, depends_on: ['model.p.a'] },
    ];
    const builder = new InfoColumnsBuilder(new Map(all.map((id, i) => [id, i])));
    for (const info of infos) builder.add(info);
    const stored = JSON.parse(JSON.stringify({ ids: storedIds(ids), info: builder.columns })) as { ids: string | string[]; info: typeof builder.columns };
    expect(typeof stored.ids).toBe('string');
    expect(stored.info.deps).toContain('model.p.gone'); // unknown ids stay strings
    const back = idList(stored.ids);
    expect(back).toEqual(ids);
    const decoded = decodeInfo(back, all, stored.info);
    expect([...decoded.keys()]).toEqual(ids);
    expect([...decoded.values()]).toEqual(infos);
    // No attached_node key where there is none (the same keys a fresh compile's facts have).
    expect(Object.keys(decoded.get('model.p.a')!)).toEqual(['resource_type', 'enabled', 'depends_on']);
  });

  it('stores ids as a list when empty or when an id holds a newline', () => {
    expect(idList(JSON.parse(JSON.stringify(storedIds([]))) as string[])).toEqual([]);
    const odd = ['model.p.a', 'model.p.b\nc'];
    expect(storedIds(odd)).toEqual(odd);
    expect(idList(JSON.parse(JSON.stringify(storedIds(odd))) as string[])).toEqual(odd);
    expect(storedIds(['model.p.a', 'model.p.b'])).toBe('model.p.a\nmodel.p.b');
  });
});
