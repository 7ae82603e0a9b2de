import type { Dialect } from '../adapters/adapter.js';
import type { Manifest, ManifestNode, SourceNode } from '../compiler/types.js';
import { metadata, type ArtifactMetadata } from './versions.js';

export interface ManifestArtifact {
  metadata: ArtifactMetadata & { project_name: string; adapter_type: string };
  nodes: Record<string, Record<string, unknown>>;
  sources: Record<string, Record<string, unknown>>;
  macros: Record<string, unknown>;
  docs: Record<string, unknown>;
  exposures: Record<string, never>;
  metrics: Record<string, never>;
  disabled: Record<string, never>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

/** target/manifest.json, shaped like dbt's manifest (v12) where the concepts match. */
export function manifestArtifact(
  manifest: Manifest,
  dialect: Dialect,
  invocationId: string,
  generatedAt: Date,
): ManifestArtifact {
  const nodes: ManifestArtifact['nodes'] = {};
  for (const node of Object.values(manifest.nodes)) nodes[node.unique_id] = nodeArtifact(node, dialect);
  const sources: ManifestArtifact['sources'] = {};
  for (const src of Object.values(manifest.sources)) sources[src.unique_id] = sourceArtifact(src, dialect);
  return {
    metadata: manifestMetadata(manifest, invocationId, generatedAt),
    nodes,
    sources,
    macros: manifest.macros,
    docs: manifest.docs,
    exposures: {},
    metrics: {},
    disabled: {},
    parent_map: manifest.parent_map,
    child_map: manifest.child_map,
  };
}

/**
 * Where things sit in a manifest body: byte offset and length of each node's value (flattened, in
 * node order), of the part between nodes and parent_map (see manifestMiddle), of parent_map and
 * child_map, and the body's size.
 */
export interface BodyRanges {
  nodes: number[];
  middle: [number, number];
  parent_map: [number, number];
  child_map: [number, number];
  size: number;
}

/** manifest.json up to its body: `{"metadata":{...},`. */
export function manifestPrefix(manifest: Manifest, invocationId: string, generatedAt: Date): string {
  return `{"metadata":${JSON.stringify(manifestMetadata(manifest, invocationId, generatedAt))},`;
}

/**
 * What writeManifestBody passes along for each node it writes, so its caller (the cache entry's
 * index) needs no second pass over 40,000 nodes: the node's own keys and its rendered relation
 * (null for an ephemeral model), both already computed for its artifact.
 */
export type EachNode = (id: string, node: ManifestNode, keys: string[], relationName: string | null) => void;

/**
 * manifest.json after its metadata, `"nodes":{...},...,"child_map":{...}}` and a newline, handed
 * to `out` in pieces (a 10,000-model body is ~70 MB: never held whole); `out` returns each piece's
 * length in UTF-8 bytes. manifestPrefix + body is exactly `JSON.stringify(manifestArtifact(...)) + '\n'`.
 * Returns where each part landed; `each` is called with every node as it is written.
 */
export function writeManifestBody(out: (text: string) => number, manifest: Manifest, dialect: Dialect, each?: EachNode): BodyRanges {
  let offset = 0;
  const put = (text: string): number => {
    const length = out(text);
    offset += length;
    return length;
  };
  const nodes: number[] = [];
  put('"nodes":{');
  let first = true;
  const ids = Object.keys(manifest.nodes);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const node = manifest.nodes[id]!;
    put(`${first ? '' : ','}${JSON.stringify(id)}:`);
    first = false;
    const keys = Object.keys(node);
    const relationName = each ? relationNameOf(node, dialect) : undefined;
    nodes.push(offset, put(JSON.stringify(nodeArtifact(node, dialect, keys, relationName))));
    each?.(id, node, keys, relationName!);
  }
  const middle: [number, number] = [offset, put(manifestMiddle(manifest, dialect))];
  const parentMap: [number, number] = [offset, put(JSON.stringify(manifest.parent_map))];
  put(',"child_map":');
  const childMap: [number, number] = [offset, put(JSON.stringify(manifest.child_map))];
  put('}\n');
  return { nodes, middle, parent_map: parentMap, child_map: childMap, size: offset };
}

/** A node's rendered relation, or null for an ephemeral model (it has none). */
export function relationNameOf(node: ManifestNode, dialect: Dialect): string | null {
  return node.config.materialized === 'ephemeral' ? null : dialect.renderRelation(node.relation);
}

/** The part of a manifest body between the nodes and parent_map's value: `},"sources":{...},"macros":{...},...,"parent_map":`. */
export function manifestMiddle(manifest: Pick<Manifest, 'sources' | 'macros' | 'docs'>, dialect: Dialect): string {
  const sources: Record<string, Record<string, unknown>> = {};
  for (const src of Object.values(manifest.sources)) sources[src.unique_id] = sourceArtifact(src, dialect);
  return `},"sources":${JSON.stringify(sources)},"macros":${JSON.stringify(manifest.macros)},"docs":${JSON.stringify(manifest.docs)}`
    + ',"exposures":{},"metrics":{},"disabled":{},"parent_map":';
}

/** The `metadata` block of manifest.json (its first key), alone: cheap, for reusing a cached body. */
export function manifestMetadata(manifest: Manifest, invocationId: string, generatedAt: Date): ManifestArtifact['metadata'] {
  return { ...metadata('manifest', invocationId, generatedAt), project_name: manifest.projectName, adapter_type: manifest.adapterType };
}

/** Node fields manifest.json carries under the same name and value as the in-memory node. */
const SAME = [
  'name', 'resource_type', 'package_name', 'path', 'original_file_path', 'unique_id', 'fqn', 'checksum', 'config', 'tags',
  'description', 'columns', 'meta', 'raw_code', 'sources', 'depends_on', 'test_metadata', 'column_name', 'attached_node',
] as const;
/** In-memory fields rendered differently in manifest.json (null when absent). */
const NULLABLE = ['compiled_code', 'compiled_path', 'patch_path'] as const;
const COVERED = new Set<string>([...SAME, ...NULLABLE]);

/**
 * A node as manifest.json holds it: dbt's fields, plus `strata` with what dbt's shape cannot
 * hold (the relation, refs with their lines, unit-test fixtures, batch predicates, ...), so
 * `nodeFromArtifact` gives back the in-memory node exactly (the compile cache relies on it).
 */
export function nodeArtifact(node: ManifestNode, dialect: Dialect, keys: readonly string[] = Object.keys(node), relationName?: string | null): Record<string, unknown> {
  const { relation } = node;
  const built = (node.resource_type === 'model' || node.resource_type === 'seed' || node.resource_type === 'snapshot') && node.config.materialized !== 'ephemeral';
  const strata: Record<string, unknown> = {};
  const fields = node as unknown as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (COVERED.has(key)) continue;
    const value = fields[key];
    if (value !== undefined) strata[key] = value;
  }
  const out: Record<string, unknown> = {
    database: relation.database ?? null,
    schema: relation.schema,
    name: node.name,
    alias: relation.identifier,
    resource_type: node.resource_type,
    package_name: node.package_name,
    path: node.path,
    original_file_path: node.original_file_path,
    unique_id: node.unique_id,
    fqn: node.fqn,
    checksum: node.checksum,
    config: node.config,
    tags: node.tags,
    description: node.description,
    columns: node.columns,
    meta: node.meta,
    patch_path: node.patch_path ?? null,
    relation_name: built ? relationName ?? dialect.renderRelation(relation) : null,
    language: 'sql',
    raw_code: node.raw_code,
    compiled: node.compiled_code !== undefined,
    compiled_code: node.compiled_code ?? null,
    compiled_path: node.compiled_path ?? null,
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: null })),
    sources: node.sources,
    depends_on: node.depends_on,
  };
  if (node.test_metadata !== undefined) out.test_metadata = node.test_metadata;
  if (node.column_name !== undefined) out.column_name = node.column_name;
  if (node.attached_node !== undefined) out.attached_node = node.attached_node;
  out.strata = strata;
  return out;
}

/**
 * The in-memory node of a manifest.json node written by `nodeArtifact`; with `keys` (the
 * original's Object.keys), built in that key order, so it serializes byte for byte the same.
 */
export function nodeFromArtifact(a: Record<string, unknown>, keys?: readonly string[]): ManifestNode {
  const fields: Record<string, unknown> = {};
  for (const key of SAME) if (a[key] !== undefined) fields[key] = a[key];
  for (const key of NULLABLE) if (a[key] !== null && a[key] !== undefined) fields[key] = a[key];
  Object.assign(fields, a.strata);
  if (!keys) return fields as unknown as ManifestNode;
  const node: Record<string, unknown> = {};
  for (const key of keys) if (key in fields) node[key] = fields[key];
  for (const key of Object.keys(fields)) if (!(key in node)) node[key] = fields[key];
  return node as unknown as ManifestNode;
}

function sourceArtifact(src: SourceNode, dialect: Dialect): Record<string, unknown> {
  return {
    database: src.relation.database ?? null,
    schema: src.relation.schema,
    name: src.name,
    identifier: src.relation.identifier,
    source_name: src.source_name,
    resource_type: 'source',
    package_name: src.package_name,
    unique_id: src.unique_id,
    fqn: src.fqn,
    original_file_path: src.original_file_path,
    description: src.description,
    source_description: src.source_description,
    loader: src.loader,
    loaded_at_field: src.loaded_at_field ?? null,
    freshness: src.freshness ?? null,
    event_time: src.event_time ?? null,
    columns: src.columns,
    meta: src.meta,
    tags: src.tags,
    config: src.config,
    relation_name: dialect.renderRelation(src.relation),
  };
}
