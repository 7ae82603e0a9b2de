/**
 * Hand-built ManifestNode / Manifest objects for tests that must not depend on the compiler.
 * `model('b', { sql: 'select * from main.a', deps: ['a'] })` → a model node depending on model a.
 */
import type { Manifest, ManifestNode, NodeConfig, ResourceType } from '../../src/compiler/types.js';
import type { ProfileTarget } from '../../src/project/types.js';

export interface NodeFixture {
  /** Compiled SQL (models). */
  sql?: string;
  materialized?: string;
  /** Names (model.demo.<name>) or full unique_ids of parents. */
  deps?: string[];
  schema?: string;
  identifier?: string;
  /** Project-relative file; defaults to models/<name>.sql or seeds/<name>.csv. */
  file?: string;
  config?: Partial<NodeConfig>;
  tags?: string[];
}

const PROJECT = 'demo';

/** Resolve a short name to a unique_id (names without a dot are taken as models). */
export function idOf(nameOrId: string, type: ResourceType = 'model'): string {
  return nameOrId.includes('.') ? nameOrId : `${type}.${PROJECT}.${nameOrId}`;
}

/** Build a node of any resource type. */
export function makeNode(type: ResourceType, name: string, f: NodeFixture = {}): ManifestNode {
  const file = f.file ?? (type === 'seed' ? `seeds/${name}.csv` : `models/${name}.sql`);
  const path = file.split('/').slice(1).join('/');
  const config: NodeConfig = {
    enabled: true,
    materialized: f.materialized ?? (type === 'seed' ? 'seed' : type === 'test' ? 'test' : 'view'),
    tags: f.tags ?? [],
    meta: {},
    pre_hook: [],
    post_hook: [],
    ...f.config,
  };
  return {
    unique_id: `${type}.${PROJECT}.${name}`,
    resource_type: type,
    name,
    package_name: PROJECT,
    path,
    original_file_path: file,
    fqn: [PROJECT, ...path.replace(/\.[^.]+$/, '').split('/')],
    raw_code: f.sql ?? '',
    compiled_code: type === 'seed' ? undefined : (f.sql ?? ''),
    config,
    tags: f.tags ?? [],
    description: '',
    columns: {},
    meta: {},
    depends_on: { nodes: (f.deps ?? []).map((d) => idOf(d)), macros: [] },
    refs: (f.deps ?? []).map((d) => ({ name: d.split('.').pop()! })),
    sources: [],
    checksum: { name: 'sha256', checksum: '' },
    relation: { schema: f.schema ?? 'main', identifier: f.identifier ?? name },
  };
}

/** A model node (materialized defaults to view). */
export function model(name: string, f: NodeFixture = {}): ManifestNode {
  return makeNode('model', name, f);
}

/** A seed node reading seeds/<name>.csv. */
export function seedNode(name: string, f: NodeFixture = {}): ManifestNode {
  return makeNode('seed', name, f);
}

/** A manifest of these nodes, with parent_map / child_map derived from depends_on. */
export function makeManifest(nodes: ManifestNode[], adapterType = 'duckdb'): Manifest {
  const byId: Record<string, ManifestNode> = {};
  const parent_map: Record<string, string[]> = {};
  const child_map: Record<string, string[]> = {};
  for (const n of nodes) {
    byId[n.unique_id] = n;
    parent_map[n.unique_id] = [...n.depends_on.nodes];
    child_map[n.unique_id] ??= [];
  }
  for (const n of nodes) {
    for (const p of n.depends_on.nodes) (child_map[p] ??= []).push(n.unique_id);
  }
  return {
    projectName: PROJECT,
    adapterType,
    nodes: byId,
    sources: {},
    macros: {},
    docs: {},
    parent_map,
    child_map,
  };
}

/** A DuckDB profile target for tests (in-memory unless a file path is given). */
export function duckdbTarget(path = ':memory:', threads = 4): ProfileTarget {
  return { file: 'profiles.yml', profile: PROJECT, name: 'dev', type: 'duckdb', schema: 'main', threads, path, extra: {} };
}
