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
import { readFileSync, writeSync } from 'node:fs';
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
  const body: IndexBody = { manifest: small, keys: Object.keys(manifest), maps, nodes: rows };
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
  let body: Buffer;
  try {
    index = JSON.parse(rest) as IndexBody;
    body = readFileSync(join(dir, BODY));
  } catch {
    return undefined;
  }
  const end = index.maps.child_map[0] + index.maps.child_map[1];
  if (body.length !== end || body.toString('utf8', 0, header.id.length + 1) !== `${header.id}\n`) return undefined;
  const parse = <T>([at, length]: readonly [number, number]): T => JSON.parse(body.toString('utf8', at, at + length)) as T;
  const nodes: Record<string, ManifestNode> = {};
  const facts: NodeFacts = { info: new Map(), compiled: new Map() };
  for (const [id, at, length, info, path, hash] of index.nodes) {
    lazyProperty(nodes, id, () => parse<ManifestNode>([at, length]));
    facts.info.set(id, info);
    facts.compiled.set(id, hash === null ? null : { path: path ?? undefined, hash });
  }
  const manifest = {} as Record<string, unknown>;
  const small = index.manifest as Record<string, unknown>;
  for (const key of index.keys) {
    if (key === 'nodes') manifest.nodes = nodes;
    else if (key === 'parent_map' || key === 'child_map') lazyProperty(manifest, key, () => parse(index.maps[key]));
    else manifest[key] = small[key];
  }
  return { manifest: manifest as unknown as Manifest, facts };
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
