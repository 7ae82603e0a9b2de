/**
 * YAML parsing that keeps positions, so every later error (schema, duplicate entry,
 * missing env var) can point at file:line:column of the value that caused it.
 */
import type { Document, Node } from 'yaml';
import { yamlModule } from '../util/lazy-deps.js';
import { UserError, type SourceLocation } from '../errors.js';
import { parseFastYaml, type FastPos, type FastPositions } from './yaml-fast.js';

/** A path into a YAML document: map keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/** A parsed YAML file: its plain-JS value plus a way back to positions. */
export interface YamlFile {
  /** Project-relative (or, for profiles, absolute) path used in messages. */
  file: string;
  /** The document as plain JS (null for an empty file). */
  data: unknown;
  /** Position of the value at `path` (or of its closest existing ancestor). */
  locate(path: YamlPath): SourceLocation;
  /** Position of the key at `path` (its last segment), falling back to the value. */
  locateKey(path: YamlPath): SourceLocation;
}

/**
 * Parse YAML text. Syntax errors (including duplicate keys) become a UserError
 * with file:line:column. Plain files take a fast path (./yaml-fast.ts) that keeps the
 * position of every key and value; a position it lacks (a missing path, an empty value)
 * comes from the full parser, run at most once per file and only when needed.
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  const fast = parseFastYaml(text);
  if (!fast) return parseFullYaml(text, file);
  let full: YamlFile | undefined;
  const slow = (): YamlFile => (full ??= parseFullYaml(text, file));
  const walk = (path: YamlPath): { pos: FastPos; inSeq: boolean } | undefined => {
    let cur: unknown = fast.data;
    let found: { pos: FastPos; inSeq: boolean } | undefined;
    for (const seg of path) {
      const entry = cur !== null && typeof cur === 'object' ? (fast.positions as FastPositions).get(cur)?.get(seg) : undefined;
      if (!entry || entry.empty) return undefined;
      found = { pos: entry, inSeq: Array.isArray(cur) };
      cur = (cur as Record<string | number, unknown>)[seg];
    }
    return found;
  };
  return {
    file,
    data: fast.data,
    locate: (path) => {
      const hit = walk(path);
      return hit ? { file, line: hit.pos.vl, column: hit.pos.vc } : slow().locate(path);
    },
    locateKey: (path) => {
      const hit = walk(path);
      if (!hit) return slow().locateKey(path);
      // A sequence item has no key: like the full parser, point at the item.
      return hit.inSeq ? { file, line: hit.pos.vl, column: hit.pos.vc } : { file, line: hit.pos.kl, column: hit.pos.kc };
    },
  };
}

/** The full `yaml` parser, with a LineCounter for positions. */
function parseFullYaml(text: string, file: string): YamlFile {
  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const offset = err.pos[0];
    const pos = lineCounter.linePos(offset);
    throw new UserError(`invalid YAML: ${firstLine(err.message)}`, {
      file,
      line: pos.line,
      column: pos.col,
      hint: 'check the indentation and quoting around this line',
    });
  }
  const data = doc.toJS({ maxAliasCount: -1 }) as unknown;
  const at = (offset: number | undefined): SourceLocation => {
    if (offset === undefined) return { file };
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  return {
    file,
    data,
    locate: (path) => at(findNode(doc, path, false)?.range?.[0]),
    locateKey: (path) => at(findNode(doc, path, true)?.range?.[0]),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Walk the AST along `path`. With `wantKey`, return the key node of the last segment.
 * Stops at the deepest node that exists, so a missing key still yields a useful position.
 */
function findNode(doc: Document, path: YamlPath, wantKey: boolean): Node | undefined {
  const { isMap, isNode, isPair } = yamlModule();
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (!isNode(node) || !('items' in node)) return node as Node | undefined;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && keyOf(p.key) === String(seg));
      if (!pair || !isPair(pair)) return node;
      if (wantKey && i === path.length - 1) return pair.key as Node;
      next = pair.value ?? pair.key;
    } else {
      next = typeof seg === 'number' ? items[seg] : undefined;
      if (next === undefined) return node;
    }
    node = next;
  }
  return isNode(node) ? node : undefined;
}

function keyOf(key: unknown): string {
  if (yamlModule().isScalar(key)) return String(key.value);
  return String(key);
}
