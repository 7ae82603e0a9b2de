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

/** The `metadata` block of manifest.json (its first key), alone: cheap, for reusing a cached body. */
export function manifestMetadata(manifest: Manifest, invocationId: string, generatedAt: Date): ManifestArtifact['metadata'] {
  return { ...metadata('manifest', invocationId, generatedAt), project_name: manifest.projectName, adapter_type: manifest.adapterType };
}

function nodeArtifact(node: ManifestNode, dialect: Dialect): Record<string, unknown> {
  const { relation } = node;
  const built = (node.resource_type === 'model' || node.resource_type === 'seed' || node.resource_type === 'snapshot') && node.config.materialized !== 'ephemeral';
  return {
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
    relation_name: built ? dialect.renderRelation(relation) : null,
    language: 'sql',
    raw_code: node.raw_code,
    compiled: node.compiled_code !== undefined,
    compiled_code: node.compiled_code ?? null,
    compiled_path: node.compiled_path ?? null,
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: null })),
    sources: node.sources,
    depends_on: node.depends_on,
  };
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
