/**
 * The on-disk form of a compile cache entry, built so that a hit reads almost nothing:
 *
 * - `nodes.json` (cache-body.ts): the entry id, then manifest.json's body, in which each node's
 *   JSON is found by its byte range, as are parent_map and child_map.
 * - `index.json`: line 1 the header (format, key, id, env reads, diagnostics); then four lines,
 *   each read and parsed only when needed (see IndexMain): what the graph and selection need per
 *   node, the byte ranges, the compiled_path + SQL hash per node for writeCompiled, and node
 *   summaries for ls and name/tag/fqn selection (node-facts.ts); then a fixed-size trailer with
 *   the byte offsets of those lines (writeIndex).
 *
 * On a hit `manifest.nodes` is an object of lazy properties: a node is parsed from its bytes
 * when first read (then kept), so an unchanged `strata compile` parses no node at all while
 * every consumer still sees a plain `Record<string, ManifestNode>`.
 */
import { close, closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../adapters/adapter.js';
import { nodeFromArtifact, writeManifestBody, type BodyRanges } from '../artifacts/manifest.js';
import { chunkedWriter, writeFileAtomic } from '../artifacts/write.js';
import type { Diagnostic } from '../errors.js';
import { memberInfo } from '../graph/graph.js';
import { lazyProperty } from '../util/lazy-property.js';
import { decodeInfo, idList, InfoColumnsBuilder, storedIds, type InfoColumns } from './cache-index-info.js';
import { BODY, openBody, readAll, readRange, unread } from './cache-body.js';
import { compiledRefs, summaryMap, summaryRowOf, type CompiledRef, type NodeFacts, type NodeSummary, type SummaryRow } from './node-facts.js';
import type { Manifest, ManifestNode } from './types.js';

/** Bumped when the entry format changes. */
export const FORMAT = 'strata-compile-cache/9';
export const INDEX = 'index.json';
/** Node reads served one by one before the whole body is read. */
const FEW_READS = 64;

export interface EntryHeader {
  format: string;
  key: string;
  id: string;
  /** env_var() names read by the compile → their values (null = unset). */
  env: Record<string, string | null>;
  diagnostics: Diagnostic[];
  /** A patched entry (cache-patch.ts): the entry it was made from and the nodes that differ. */
  since?: { token: string; changed: string[] };
}

/**
 * index.json after the header: four lines, each parsed only when needed.
 * Line 2 (always): the small manifest parts, node ids, per node its type code, enabled flag,
 * dependencies and attached node as positions in `ids` + source ids (as columns:
 * cache-index-info.ts), and the topological order as such positions.
 * Line 3 (when a node is read): byte offset and length per node, flattened.
 * Line 4 (when compiled files must be checked one by one): per node the compiled_path after
 * `pathPrefix` (null: other) and SQL hash, flattened; [null, null] for a node without SQL.
 * Line 5 (ls, name/tag/fqn selection): per node a SummaryRow.
 */
export interface IndexMain {
  manifest: Omit<Manifest, 'nodes' | 'parent_map' | 'child_map'>;
  /** The manifest's keys in their order (a hit rebuilds the same object, key for key). */
  keys: string[];
  /** Byte ranges of the part between nodes and parent_map (sources, macros, docs), of parent_map and child_map in the body, and its size. */
  maps: { middle: [number, number]; parent_map: [number, number]; child_map: [number, number]; end: number };
  /** The node ids (storedIds / idList). */
  ids: string | string[];
  /** Per node: its graph facts (cache-index-info.ts). */
  info: InfoColumns;
  order: number[] | null;
  pathPrefix: string;
  /** Distinct key orders of the nodes, and per node which one (rebuilt nodes keep their key order). */
  shapes: string[][];
  shape: number[];
}

/** Node ids then source ids: what depends_on, attached nodes and the order point into by position. */
export function positioned(ids: string[], manifest: Pick<Manifest, 'sources'>): string[] {
  return [...ids, ...Object.keys(manifest.sources)];
}

/**
 * Write the entry's two files (nodes.json first: an index never points into a missing body).
 * nodes.json is the entry id, then manifest.json's body (see artifacts/manifest.ts), so the
 * artifact is serialized once and a hit copies it instead of re-serializing ~70 MB. The index's
 * per-node rows (graph info, compiled file, key order, summary) are collected in the same pass
 * over the nodes, from the keys and relation name their artifacts were built with.
 */
export function writeEntry(dir: string, header: EntryHeader, manifest: Manifest, facts: NodeFacts, targetPath: string, dialect: Dialect): void {
  const ids = Object.keys(manifest.nodes);
  const head = `${header.id}\n`; // ties the body to its index (checked on read)
  const base = Buffer.byteLength(head);
  const all = positioned(ids, manifest);
  const at = new Map<string, number>();
  for (let i = 0; i < all.length; i++) at.set(all[i]!, i);
  const pathPrefix = `${targetPath}/compiled/${manifest.projectName}/`;
  const info = new InfoColumnsBuilder(at);
  const compiled: Array<string | null> = [];
  const shapes = new ShapeTable();
  const rows: SummaryRow[] = [];
  const each = (id: string, node: ManifestNode, keys: string[], relationName: string | null): void => {
    info.add(facts.info.get(id) ?? memberInfo(node));
    const sql = facts.compiled.get(id);
    const [path, hash] = compiledRow(sql?.path, sql?.hash, pathPrefix);
    compiled.push(path, hash);
    shapes.add(keys);
    rows.push(summaryRowOf(node, relationName));
  };
  let body: BodyRanges | undefined;
  writeFileAtomic(join(dir, BODY), (fd) => {
    const out = chunkedWriter(fd);
    out.write(head);
    body = writeManifestBody(out.write, manifest, dialect, each);
    out.flush();
  }, { freeOldLater: true });
  const ranges = body!.nodes;
  for (let i = 0; i < ranges.length; i += 2) ranges[i]! += base;
  const shift = ([start, length]: [number, number]): [number, number] => [start + base, length];
  const maps: IndexMain['maps'] = { middle: shift(body!.middle), parent_map: shift(body!.parent_map), child_map: shift(body!.child_map), end: base + body!.size };
  const { nodes: _n, parent_map: _p, child_map: _c, ...small } = manifest;
  const order = facts.order ? facts.order.map((id) => at.get(id)!) : null;
  const main: IndexMain = { manifest: small, keys: Object.keys(manifest), maps, ids: storedIds(ids), info: info.columns, order, pathPrefix, shapes: shapes.shapes, shape: shapes.shape };
  writeIndex(dir, header, [() => JSON.stringify(main), () => JSON.stringify(ranges), () => JSON.stringify(compiled), () => JSON.stringify(rows)]);
}

/**
 * index.json ends with a trailer of this many bytes: the JSON array of the byte offsets where the
 * lines after the header start, then where the last one's newline ends, padded with spaces. A
 * reader reads the trailer, the header and then each line it needs (a hit needs line 2 only:
 * 2.7 of the 17 MB at 10k models) instead of the whole file.
 */
const TRAILER = 128;
const NEWLINE = 10;

/**
 * Write index.json (atomically): the header line, then `lines` each followed by a newline, each
 * made just before it is written (one ~8 MB string alive at a time), then the trailer.
 */
export function writeIndex(dir: string, header: EntryHeader, lines: ReadonlyArray<() => string>): void {
  writeFileAtomic(join(dir, INDEX), (fd) => {
    let at = writeSync(fd, `${JSON.stringify(header)}\n`);
    const starts: number[] = [];
    for (const line of lines) {
      starts.push(at);
      at += writeSync(fd, line());
      at += writeSync(fd, '\n');
    }
    starts.push(at);
    const trailer = JSON.stringify(starts);
    if (trailer.length > TRAILER) throw new Error(`index.json trailer over ${TRAILER} bytes: ${trailer}`);
    writeSync(fd, trailer.padEnd(TRAILER, ' '));
  });
}

/** The distinct key orders of nodes, in first-seen order, and which one each node has. */
class ShapeTable {
  readonly shapes: string[][] = [];
  readonly shape: number[] = [];
  private last = -1;

  add(keys: string[]): void {
    // Neighbours mostly share a shape; keys from Object.keys are internalized, so === is cheap.
    let n = this.last >= 0 && sameKeys(this.shapes[this.last]!, keys) ? this.last : this.shapes.findIndex((s) => sameKeys(s, keys));
    if (n < 0) n = this.shapes.push(keys) - 1;
    this.shape.push(n);
    this.last = n;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** index.json's lines after the header (1-based), each read from the file only when asked for. */
export interface IndexLines {
  count: number;
  text(n: number): string;
  /** Line 1 already parsed (an entry just written by a patch). */
  main?: unknown;
  /** Nodes already in memory (those a patch just wrote): read from here, not parsed again. */
  nodes?: ReadonlyMap<string, ManifestNode>;
}

/**
 * The header of the stored entry, or undefined (none, unreadable, other format). The other lines
 * are read (once, then kept) through the descriptor opened here, so an index stored meanwhile
 * cannot be mixed in; it is closed once every line was read, or when the lines are dropped.
 */
export function readHeader(dir: string): { header: EntryHeader; rest: IndexLines } | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, INDEX), 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const starts = size > TRAILER ? (JSON.parse(readRange(fd, size - TRAILER, TRAILER).toString('latin1')) as unknown) : undefined;
    // JSON lines hold no raw newline: a start just after one is the start of a line.
    if (!isTrailer(starts, size - TRAILER) || starts.some((at) => readRange(fd, at - 1, 1)[0] !== NEWLINE)) throw new Error('not an index');
    const header = JSON.parse(readRange(fd, 0, starts[0]! - 1).toString('utf8')) as EntryHeader;
    if (header.format !== FORMAT) throw new Error('other format');
    const held: { fd?: number } = { fd };
    const lines: string[] = [];
    let left = starts.length - 1;
    const text = (n: number): string => {
      let line = lines[n];
      if (line === undefined) {
        if (!(n >= 1 && n < starts.length)) throw new Error(`compile cache index has no line ${n}`);
        lines[n] = line = readRange(held.fd!, starts[n - 1]!, starts[n]! - starts[n - 1]! - 1).toString('utf8');
        left -= 1;
        if (left === 0) {
          closeSync(held.fd!);
          held.fd = undefined;
        }
      }
      return line;
    };
    unread.register(text, held);
    return { header, rest: { count: starts.length - 1, text } };
  } catch {
    closeSync(fd);
    return undefined;
  }
}

/** Byte offsets that can be index.json's line starts: increasing, ending where the trailer starts. */
function isTrailer(starts: unknown, end: number): starts is number[] {
  if (!Array.isArray(starts) || starts.length < 2 || starts.at(-1) !== end) return false;
  let last = 0;
  for (const at of starts) {
    if (!Number.isInteger(at) || at <= last) return false;
    last = at;
  }
  return true;
}

/**
 * The manifest of an entry whose header matched, with lazily parsed nodes, and its facts.
 * Undefined when the files do not fit together (a torn or foreign cache: a miss).
 */
export function readEntry(
  dir: string,
  header: EntryHeader,
  rest: IndexLines,
): { manifest: Manifest; facts: NodeFacts; node: (id: string) => ManifestNode | undefined; release: () => void } | undefined {
  if (rest.count !== 4) return undefined;
  const [mainText, rangesText, compiledText, summaryText] = [1, 2, 3, 4].map((n) => () => rest.text(n));
  let index: IndexMain;
  try {
    index = (rest.main as IndexMain | undefined) ?? (JSON.parse(mainText!()) as IndexMain);
  } catch {
    return undefined;
  }
  const size = index.maps.end;
  const fd = openBody(join(dir, BODY), header.id, size);
  if (fd === undefined) return undefined;
  // Read on the first node (or map) asked for, so a compile that reads none never loads the
  // ~70 MB; through the descriptor opened now, so an entry stored meanwhile cannot be mixed in.
  let body: Buffer | undefined;
  const held: { fd?: number } = { fd };
  // The first reads fetch their own bytes (a command that reads a few nodes never loads the
  // body); past FEW_READS the whole body is read once.
  let reads = 0;
  const parse = <T>(at: number, length: number, alone = false): T => {
    if (!body) {
      const open = held.fd;
      if (open === undefined) throw new Error('compile cache entry read after release');
      if (alone || reads < FEW_READS) {
        reads += 1;
        return JSON.parse(readRange(open, at, length).toString('utf8')) as T;
      }
      body = readAll(open, size);
      held.fd = undefined;
    }
    return JSON.parse(body.toString('utf8', at, at + length)) as T;
  };
  const ids = idList(index.ids);
  const all = positioned(ids, index.manifest);
  const info = decodeInfo(ids, all, index.info);
  let compiled: Map<string, CompiledRef | null> | undefined;
  let summaries: Map<string, NodeSummary> | undefined;
  const facts: NodeFacts = {
    get summaries() {
      summaries ??= summaryMap(ids, JSON.parse(summaryText!()) as SummaryRow[]);
      return summaries;
    },
    info,
    order: index.order?.map((p) => all[p]!) ?? undefined,
    get compiled() {
      compiled ??= compiledRefs(ids, JSON.parse(compiledText!()) as Array<string | null>, index.pathPrefix);
      return compiled;
    },
  };
  let ranges: number[] | undefined;
  const range = (i: number): [number, number] => {
    ranges ??= JSON.parse(rangesText!()) as number[];
    return [ranges[2 * i]!, ranges[2 * i + 1]!];
  };
  const nodeAt = (i: number, alone = false): ManifestNode =>
    rest.nodes?.get(ids[i]!) ?? nodeFromArtifact(parse(...range(i), alone), index.shapes[index.shape[i]!]);
  const manifest = {} as Record<string, unknown>;
  const small = index.manifest as Record<string, unknown>;
  for (const key of index.keys) {
    if (key === 'nodes') lazyProperty(manifest, key, () => lazyNodes(ids, nodeAt));
    else if (key === 'parent_map' || key === 'child_map') lazyProperty(manifest, key, () => parse(...index.maps[key]));
    else manifest[key] = small[key];
  }
  unread.register(manifest, held);
  let position: Map<string, number> | undefined;
  /**
   * One node parsed on its own (not kept), without building the lazy `nodes` record, from its own
   * bytes unless the body is loaded (a patch reads a few hundred nodes of 40,000).
   */
  const node = (id: string): ManifestNode | undefined => {
    position ??= new Map(ids.map((x, i) => [x, i]));
    const i = position.get(id);
    return i === undefined ? undefined : nodeAt(i, true);
  };
  /** Done with this entry's body: close its descriptor in the background (reads after this fail). */
  const release = () => {
    if (held.fd !== undefined) close(held.fd, () => {});
    held.fd = undefined;
  };
  return { manifest: manifest as unknown as Manifest, facts, node, release };
}

/** `nodes` whose entries are parsed from their byte ranges when first read. */
function lazyNodes(ids: string[], parse: (i: number) => ManifestNode): Record<string, ManifestNode> {
  const nodes: Record<string, ManifestNode> = {};
  for (let i = 0; i < ids.length; i++) lazyProperty(nodes, ids[i]!, () => parse(i));
  return nodes;
}

/** A node's compiled-file facts as index.json stores them: path after `prefix` (or "/" + full path) and SQL hash. */
export function compiledRow(path: string | undefined, hash: string | undefined, prefix: string): [string | null, string | null] {
  return [path === undefined ? null : path.startsWith(prefix) ? path.slice(prefix.length) : `/${path}`, hash ?? null];
}
