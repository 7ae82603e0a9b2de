/**
 * The on-disk form of a compile cache entry, built so that a hit reads almost nothing:
 *
 * - `nodes.json`: every node's JSON text, one after another (no separators needed: offsets);
 *   then parent_map and child_map.
 * - `index.json`: line 1 the header (format, key, id, env reads, diagnostics), line 2 the small
 *   parts of the manifest (sources, macros, docs, names) and, per node in manifest order, its
 *   byte range in nodes.json plus what the graph, selection and writeCompiled need without
 *   reading it: type, enabled, depends_on, attached_node, compiled_path and the sha256 of its
 *   compiled SQL.
 *
 * On a hit `manifest.nodes` is an object of lazy properties: a node is parsed from its bytes
 * when first read (then kept), so an unchanged `strata compile` parses no node at all while
 * every consumer still sees a plain `Record<string, ManifestNode>`.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../artifacts/write.js';
import type { Diagnostic } from '../errors.js';
import { memberInfo, type MemberInfo } from '../graph/graph.js';
import { sha256 } from '../util/hash.js';
import type { Manifest, ManifestNode } from './types.js';

/** Bumped when the entry format changes. */
export const FORMAT = 'strata-compile-cache/3';
const INDEX = 'index.json';
const BODY = 'nodes.json';
/** Closes a body descriptor whose manifest was dropped without reading it (long-lived processes). */
const unread = new FinalizationRegistry<{ fd?: number }>((held) => {
  if (held.fd !== undefined) closeSync(held.fd);
});
/** Bytes buffered per write of nodes.json. */
const CHUNK = 1 << 20;

/** What a node's compiled SQL file needs: its compiled_path and the sha256 of its SQL (null: no SQL). */
export interface CompiledRef {
  path: string | undefined;
  hash: string;
}

/** Per node, what consumers read without parsing it. */
export interface NodeFacts {
  info: Map<string, MemberInfo>;
  compiled: Map<string, CompiledRef | null>;
  /** The graph's full topological order (ProjectGraph.topoOrder()), when known. */
  order?: string[];
}

export interface EntryHeader {
  format: string;
  key: string;
  id: string;
  /** env_var() names read by the compile → their values (null = unset). */
  env: Record<string, string | null>;
  diagnostics: Diagnostic[];
}

/** One node in the index: id, byte offset, byte length, info, compiled_path, SQL hash. */
type IndexRow = [string, number, number, MemberInfo, string | null, string | null];

interface IndexBody {
  manifest: Omit<Manifest, 'nodes' | 'parent_map' | 'child_map'>;
  /** The manifest's keys in their order (a hit rebuilds the same object, key for key). */
  keys: string[];
  maps: { parent_map: [number, number]; child_map: [number, number] };
  nodes: IndexRow[];
  order?: string[];
}

/** The facts of an in-memory manifest (what a hit reads from the index), computed once. */
export function nodeFacts(manifest: Manifest): NodeFacts {
  const info = new Map<string, MemberInfo>();
  const compiled = new Map<string, CompiledRef | null>();
  for (const [id, node] of Object.entries(manifest.nodes)) {
    info.set(id, memberInfo(node));
    compiled.set(id, node.compiled_code === undefined ? null : { path: node.compiled_path, hash: sha256(node.compiled_code) });
  }
  return { info, compiled };
}

/** Write the entry's two files (nodes.json first: an index never points into a missing body). */
export function writeEntry(dir: string, header: EntryHeader, manifest: Manifest, facts: NodeFacts): void {
  const rows: IndexRow[] = [];
  const maps = {} as IndexBody['maps'];
  writeFileAtomic(join(dir, BODY), (fd) => {
    let buffer = '';
    let offset = 0;
    const put = (text: string): [number, number] => {
      const length = Buffer.byteLength(text);
      const at: [number, number] = [offset, length];
      offset += length;
      buffer += text;
      if (buffer.length >= CHUNK) {
        writeSync(fd, buffer);
        buffer = '';
      }
      return at;
    };
    put(`${header.id}\n`); // ties the body to its index (checked on read)
    for (const [id, node] of Object.entries(manifest.nodes)) {
      const [at, length] = put(JSON.stringify(node));
      const ref = facts.compiled.get(id);
      rows.push([id, at, length, facts.info.get(id) ?? memberInfo(node), ref?.path ?? null, ref?.hash ?? null]);
    }
    maps.parent_map = put(JSON.stringify(manifest.parent_map));
    maps.child_map = put(JSON.stringify(manifest.child_map));
    writeSync(fd, buffer);
  });
  const { nodes: _n, parent_map: _p, child_map: _c, ...small } = manifest;
  const body: IndexBody = { manifest: small, keys: Object.keys(manifest), maps, nodes: rows, order: facts.order };
  writeFileAtomic(join(dir, INDEX), (fd) => {
    writeSync(fd, `${JSON.stringify(header)}\n`);
    writeSync(fd, JSON.stringify(body));
  });
}

/** The header of the stored entry, or undefined (none, unreadable, other format). */
export function readHeader(dir: string): { header: EntryHeader; rest: string } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, INDEX), 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as EntryHeader;
    return header.format === FORMAT ? { header, rest: text.slice(newline + 1) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The manifest of an entry whose header matched, with lazily parsed nodes, and its facts.
 * Undefined when the files do not fit together (a torn or foreign cache: a miss).
 */
export function readEntry(dir: string, header: EntryHeader, rest: string): { manifest: Manifest; facts: NodeFacts } | undefined {
  let index: IndexBody;
  try {
    index = JSON.parse(rest) as IndexBody;
  } catch {
    return undefined;
  }
  const size = index.maps.child_map[0] + index.maps.child_map[1];
  const fd = openBody(join(dir, BODY), header.id, size);
  if (fd === undefined) return undefined;
  // Read on the first node (or map) asked for, so a compile that reads none never loads the
  // ~70 MB; through the descriptor opened now, so an entry stored meanwhile cannot be mixed in.
  let body: Buffer | undefined;
  const held: { fd?: number } = { fd };
  const parse = <T>([at, length]: readonly [number, number]): T => {
    if (!body) {
      body = readAll(fd, size);
      held.fd = undefined;
    }
    return JSON.parse(body.toString('utf8', at, at + length)) as T;
  };
  const facts: NodeFacts = { info: new Map(), compiled: new Map(), order: index.order };
  for (const [id, , , info, path, hash] of index.nodes) {
    facts.info.set(id, info);
    facts.compiled.set(id, hash === null ? null : { path: path ?? undefined, hash });
  }
  const manifest = {} as Record<string, unknown>;
  const small = index.manifest as Record<string, unknown>;
  for (const key of index.keys) {
    if (key === 'nodes') lazyProperty(manifest, key, () => lazyNodes(index.nodes, parse));
    else if (key === 'parent_map' || key === 'child_map') lazyProperty(manifest, key, () => parse(index.maps[key]));
    else manifest[key] = small[key];
  }
  unread.register(manifest, held);
  return { manifest: manifest as unknown as Manifest, facts };
}

/** `nodes` whose entries are parsed from their byte ranges when first read. */
function lazyNodes(rows: IndexRow[], parse: (range: [number, number]) => ManifestNode): Record<string, ManifestNode> {
  const nodes: Record<string, ManifestNode> = {};
  for (const [id, at, length] of rows) lazyProperty(nodes, id, () => parse([at, length]));
  return nodes;
}

/**
 * The body file opened for reading, when it has the expected size and belongs to entry `id`
 * (a torn pair is a miss). The descriptor stays open until the body is read.
 */
function openBody(file: string, id: string, size: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(Buffer.byteLength(id) + 1);
    if (fstatSync(fd).size === size && readSync(fd, head, 0, head.length, 0) === head.length && head.toString('utf8') === `${id}\n`) return fd;
  } catch {
    // unreadable: a miss
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

/** The whole body, then the descriptor is closed. */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, buffer, at, size - at, at);
      if (n === 0) throw new Error('compile cache body shrank while in use');
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}

/** An enumerable property computed on first read and then stored as plain data (assignable). */
function lazyProperty(target: object, key: string, compute: () => unknown): void {
  const settle = (value: unknown) => {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => settle(compute()),
    set: (value: unknown) => settle(value),
  });
}
