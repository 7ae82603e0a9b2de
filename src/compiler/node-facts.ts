/**
 * Per-node facts of a manifest that commands read without the nodes themselves: graph info,
 * compiled-SQL hashes and listing summaries. Computed from an in-memory manifest, or read from a
 * compile cache index (cache-entry.ts).
 */
import type { Dialect } from '../adapters/adapter.js';
import { relationNameOf } from '../artifacts/manifest.js';
import { memberInfo, type MemberInfo } from '../graph/graph.js';
import { tagsOf } from '../graph/selection-index.js';
import { sha256 } from '../util/hash.js';
import type { Manifest, ManifestNode } from './types.js';

/** What a node's compiled SQL file needs: its compiled_path and the sha256 of its SQL (null: no SQL). */
export interface CompiledRef {
  path: string | undefined;
  hash: string;
}

/** What listing and name/tag/fqn selection read of a node. */
export interface NodeSummary {
  unique_id: string;
  name: string;
  fqn: string[];
  package_name: string;
  original_file_path: string;
  /** tags and config.tags, deduplicated. */
  tags: string[];
  materialized: string | undefined;
  /** The rendered relation (a test's: where it stores failures); null for ephemeral models. */
  relation_name: string | null;
}

/** Per node, what consumers read without parsing it. */
export interface NodeFacts {
  info: Map<string, MemberInfo>;
  /** On a hit: parsed when first read. */
  readonly compiled: Map<string, CompiledRef | null>;
  /** Parsed (on a hit) or computed (from in-memory nodes) when first read. */
  readonly summaries: Map<string, NodeSummary>;
  /** The graph's full topological order (ProjectGraph.topoOrder()), when known. */
  order?: string[];
}

/** The facts of an in-memory manifest (what a hit reads from the index), computed once. */
export function nodeFacts(manifest: Manifest, dialect: Dialect): NodeFacts {
  const info = new Map<string, MemberInfo>();
  const compiled = new Map<string, CompiledRef | null>();
  const { nodes } = manifest;
  const ids = Object.keys(nodes);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const node = nodes[id]!;
    info.set(id, memberInfo(node));
    const sql = node.compiled_code;
    compiled.set(id, sql === undefined ? null : { path: node.compiled_path, hash: sha256(sql) });
  }
  let summaries: Map<string, NodeSummary> | undefined;
  return {
    info,
    compiled,
    get summaries() {
      summaries ??= new Map(Object.values(manifest.nodes).map((n) => [n.unique_id, summarize(n, dialect)]));
      return summaries;
    },
  };
}

/** What ls and selection need of a node (stored per node in the cache index). */
export function summarize(node: ManifestNode, dialect: Dialect): NodeSummary {
  return summaryOf(node.unique_id, summaryRowOf(node, relationNameOf(node, dialect)));
}

export type SummaryRow = [string, string[], string, string, string[], string | null, string | null];

/** A summary as index.json stores it. */
export function summaryRow(n: NodeSummary): SummaryRow {
  return [n.name, n.fqn, n.package_name, n.original_file_path, n.tags, n.materialized ?? null, n.relation_name];
}

/** A node's summary as index.json stores it, given its rendered relation (relationNameOf). */
export function summaryRowOf(node: ManifestNode, relationName: string | null): SummaryRow {
  return [node.name, node.fqn, node.package_name, node.original_file_path, tagsOf(node), node.config.materialized ?? null, relationName];
}

function summaryOf(id: string, row: SummaryRow): NodeSummary {
  const [name, fqn, package_name, original_file_path, tags, materialized, relation_name] = row;
  return { unique_id: id, name, fqn, package_name, original_file_path, tags, materialized: materialized ?? undefined, relation_name };
}

export function summaryMap(ids: string[], rows: SummaryRow[]): Map<string, NodeSummary> {
  const out = new Map<string, NodeSummary>();
  for (let i = 0; i < ids.length; i++) out.set(ids[i]!, summaryOf(ids[i]!, rows[i]!));
  return out;
}

export function compiledRefs(ids: string[], flat: Array<string | null>, prefix: string): Map<string, CompiledRef | null> {
  const out = new Map<string, CompiledRef | null>();
  for (let i = 0; i < ids.length; i++) {
    const path = flat[2 * i];
    const hash = flat[2 * i + 1];
    const full = path === null || path === undefined ? undefined : path.startsWith('/') ? path.slice(1) : prefix + path;
    out.set(ids[i]!, hash === null || hash === undefined ? null : { path: full, hash });
  }
  return out;
}
