/**
 * What index.json's line 2 stores of the node ids and their graph facts, in a form that parses
 * without a small array per node (a warm 10k compile parsed 40k ids and 40k nested rows in
 * ~65 ms and turned them into MemberInfo in ~80 ms; as columns both take about half):
 * the ids as one newline-joined string, the facts as flat columns with ids as positions.
 */
import type { MemberInfo } from '../graph/graph.js';
import type { ResourceType } from './types.js';

const TYPES: readonly ResourceType[] = ['model', 'seed', 'test', 'snapshot', 'source', 'unit_test'];

/**
 * Per node: `types` its type code × 2 + enabled (0/1); `deps` its depends_on, all nodes' in one
 * list, ending at `ends`; `attached` its attached node or -1. Ids are positions in the node ids
 * followed by the source ids (`positioned`); an id known to neither is stored as a string.
 */
export interface InfoColumns {
  types: number[];
  deps: Array<number | string>;
  ends: number[];
  attached: Array<number | string>;
}

/** Collects InfoColumns node by node, ids turned into positions through `at`. */
export class InfoColumnsBuilder {
  readonly columns: InfoColumns = { types: [], deps: [], ends: [], attached: [] };

  constructor(private readonly at: ReadonlyMap<string, number>) {}

  add(info: MemberInfo): void {
    const { types, deps, ends, attached } = this.columns;
    types.push(TYPES.indexOf(info.resource_type) * 2 + (info.enabled ? 1 : 0));
    for (const id of info.depends_on) deps.push(this.at.get(id) ?? id);
    ends.push(deps.length);
    attached.push(info.attached_node === undefined ? -1 : (this.at.get(info.attached_node) ?? info.attached_node));
  }
}

/** The MemberInfo of each of `ids` (the first ids of `all`, the positioned list) from its columns. */
export function decodeInfo(ids: readonly string[], all: readonly string[], columns: InfoColumns): Map<string, MemberInfo> {
  const { types, deps, ends, attached } = columns;
  const info = new Map<string, MemberInfo>();
  let from = 0;
  for (let i = 0; i < ids.length; i++) {
    const to = ends[i]!;
    const dependsOn = new Array<string>(to - from);
    for (let j = from; j < to; j++) {
      const p = deps[j]!;
      dependsOn[j - from] = typeof p === 'string' ? p : all[p]!;
    }
    from = to;
    const member: MemberInfo = { resource_type: TYPES[types[i]! >> 1]!, enabled: (types[i]! & 1) === 1, depends_on: dependsOn };
    const a = attached[i]!;
    if (a !== -1) member.attached_node = typeof a === 'string' ? a : all[a]!;
    info.set(ids[i]!, member);
  }
  return info;
}

/** Node ids as stored: one newline-joined string (a list when empty, or when an id holds a newline). */
export function storedIds(ids: readonly string[]): string | string[] {
  return ids.length === 0 || ids.some((id) => id.includes('\n')) ? [...ids] : ids.join('\n');
}

/** The node ids of their stored form. */
export function idList(stored: string | string[]): string[] {
  return typeof stored === 'string' ? stored.split('\n') : stored;
}
