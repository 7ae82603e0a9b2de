/**
 * Patching a stored compile cache entry in place (cache-patch.ts): nodes replaced, runs of nodes
 * spliced in or out, the macros section and the graph maps rewritten; every other byte of the
 * body is copied and the index's per-node arrays rebuilt in one pass (the format: cache-entry.ts).
 */
import { close, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../adapters/adapter.js';
import { manifestMiddle } from '../artifacts/manifest.js';
import { writeFileAtomic } from '../artifacts/write.js';
import type { MemberInfo } from '../graph/graph.js';
import { sha256 } from '../util/hash.js';
import { BODY, copyRange, openBody } from './cache-body.js';
import { idList, InfoColumnsBuilder, storedIds } from './cache-index-info.js';
import { compiledRow, positioned, writeIndex, type EntryHeader, type IndexLines, type IndexMain } from './cache-entry.js';
import { summarize, summaryRow, type SummaryRow } from './node-facts.js';
import type { Manifest, ManifestNode } from './types.js';

export interface EntryPatch {
  /** Replaced nodes' manifest.json text. */
  artifacts: ReadonlyMap<string, string>;
  /** The replaced nodes (for their SQL hashes and key orders). */
  nodes: ReadonlyMap<string, ManifestNode>;
  dialect: Dialect;
  /** New manifest.macros. */
  macros?: Manifest['macros'];
  /** New dependencies: every node's graph facts (in the new node order), the topological order, and the two maps. */
  graph?: { info: ReadonlyMap<string, MemberInfo>; order: string[]; parent_map: Manifest['parent_map']; child_map: Manifest['child_map'] };
  /**
   * Runs of nodes replaced by others (nodes added or removed), in order, not overlapping: the
   * stored nodes at [start, start + remove) become `nodes` (their manifest.json text in `texts`).
   * Needs `graph`; start > 0 (the body's separators are written before each node).
   */
  splices?: Array<{ start: number; remove: number; nodes: ManifestNode[]; texts: string[] }>;
}

/**
 * Store entry `next` as the entry `found` with some nodes replaced and, per `patch`, the
 * manifest's macros, the graph, or a run of nodes spliced: every other byte of the body is copied
 * and byte ranges shifted. Replaced nodes keep their summaries (cache-patch.ts guarantees it);
 * spliced-in nodes get theirs. Undefined when the stored files do not fit together.
 */
export function rewriteIndex(dir: string, found: { header: EntryHeader; rest: IndexLines }, next: EntryHeader, patch: EntryPatch): IndexLines | undefined {
  const { rest } = found;
  const { artifacts, nodes, macros, graph } = patch;
  const splices = patch.splices ?? [];
  if (rest.count !== 4 || (splices.length > 0 && (!graph || splices.some((sp) => sp.start < 1)))) return undefined;
  const byStart = new Map(splices.map((sp) => [sp.start, sp]));
  const main = JSON.parse(rest.text(1)) as IndexMain;
  const oldIds = idList(main.ids);
  const ranges = JSON.parse(rest.text(2)) as number[];
  const compiled = JSON.parse(rest.text(3)) as Array<string | null>;
  const fd = openBody(join(dir, BODY), found.header.id, main.maps.end);
  if (fd === undefined) return undefined;
  const oldHead = Buffer.byteLength(`${found.header.id}\n`);
  const head = `${next.id}\n`;
  const old = main.maps;
  const shapeAt = new Map(main.shapes.map((keys, i) => [keys.join(','), i]));
  const shapeOf = (node: ManifestNode): number => {
    const keys = Object.keys(node);
    let n = shapeAt.get(keys.join(','));
    if (n === undefined) shapeAt.set(keys.join(','), (n = main.shapes.push(keys) - 1));
    return n;
  };
  // The new per-node arrays.
  const ids: string[] = [];
  const newRanges: number[] = [];
  const newCompiled: Array<string | null> = [];
  const shape: number[] = [];
  let maps: IndexMain['maps'] | undefined;
  try {
    writeFileAtomic(join(dir, BODY), (out) => {
      let cursor = oldHead;
      let written = writeSync(out, head);
      const put = (text: string): [number, number] => {
        const bytes = Buffer.from(text);
        const at = written;
        written += writeSync(out, bytes);
        return [at, bytes.length];
      };
      const copyTo = (to: number) => {
        if (to <= cursor) return;
        copyRange(fd, cursor, to, out);
        written += to - cursor;
        cursor = to;
      };
      const n = oldIds.length;
      const done = new Set<object>();
      for (let i = 0; i <= n; i++) {
        const splice = byStart.get(i);
        if (splice && !done.has(splice)) {
          done.add(splice);
          copyTo(ranges[2 * (i - 1)]! + ranges[2 * (i - 1) + 1]!); // the end of the node before the run
          splice.nodes.forEach((node, k) => {
            put(`,${JSON.stringify(node.unique_id)}:`);
            ids.push(node.unique_id);
            newRanges.push(...put(splice.texts[k]!));
            newCompiled.push(...compiledRow(node.compiled_path, node.compiled_code === undefined ? undefined : sha256(node.compiled_code), main.pathPrefix));
            shape.push(shapeOf(node));
          });
          if (splice.remove > 0) {
            const last = i + splice.remove - 1;
            cursor = ranges[2 * last]! + ranges[2 * last + 1]!;
          }
          i += splice.remove - 1; // the loop's i++ reaches the first node after the run (which may start another)
          continue;
        }
        if (i >= n) break;
        const id = oldIds[i]!;
        const at = ranges[2 * i]!;
        const length = ranges[2 * i + 1]!;
        ids.push(id);
        const text = artifacts.get(id);
        if (text === undefined) {
          newRanges.push(at + written - cursor, length);
          newCompiled.push(compiled[2 * i]!, compiled[2 * i + 1]!);
          shape.push(main.shape[i]!);
          continue;
        }
        copyTo(at);
        newRanges.push(...put(text));
        cursor = at + length;
        const node = nodes.get(id)!;
        newCompiled.push(compiled[2 * i]!, node.compiled_code === undefined ? compiled[2 * i + 1]! : sha256(node.compiled_code));
        shape.push(shapeOf(node));
      }
      let middle: [number, number] = [old.middle[0] + written - cursor, old.middle[1]];
      if (macros) {
        main.manifest.macros = macros;
        copyTo(old.middle[0]);
        middle = put(manifestMiddle(main.manifest, patch.dialect));
        cursor = old.middle[0] + old.middle[1];
      }
      if (graph) {
        copyTo(old.parent_map[0]);
        const parentMap = put(JSON.stringify(graph.parent_map));
        put(',"child_map":');
        const childMap = put(JSON.stringify(graph.child_map));
        put('}\n');
        maps = { middle, parent_map: parentMap, child_map: childMap, end: written };
      } else {
        copyTo(old.end);
        const shift = ([at, length]: [number, number]): [number, number] => [at + written - old.end, length];
        maps = { middle, parent_map: shift(old.parent_map), child_map: shift(old.child_map), end: written };
      }
    }, { freeOldLater: true });
  } finally {
    close(fd, () => {}); // in the background: the last close of a replaced body frees its blocks
  }
  main.maps = maps!;
  main.ids = storedIds(ids);
  main.shape = shape;
  if (graph) {
    const at = new Map(positioned(ids, main.manifest).map((id, i) => [id, i]));
    const info = new InfoColumnsBuilder(at);
    for (const id of ids) info.add(graph.info.get(id)!);
    main.info = info.columns;
    main.order = graph.order.map((id) => at.get(id)!);
  }
  let summaries = rest.text(4);
  if (splices.length > 0) {
    const rows = JSON.parse(summaries) as SummaryRow[];
    // From the last run back, so the earlier runs' positions still hold.
    for (const sp of [...splices].sort((x, y) => y.start - x.start)) rows.splice(sp.start, sp.remove, ...sp.nodes.map((node) => summaryRow(summarize(node, patch.dialect))));
    summaries = JSON.stringify(rows);
  }
  const lines = [JSON.stringify(main), JSON.stringify(newRanges), JSON.stringify(newCompiled), summaries];
  writeIndex(dir, next, lines.map((line) => () => line));
  const written = new Map(nodes);
  for (const sp of splices) for (const node of sp.nodes) written.set(node.unique_id, node);
  return { count: 4, text: (n) => lines[n - 1]!, main, nodes: written };
}
