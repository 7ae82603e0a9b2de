import type { Manifest, ManifestNode, ResourceType, SourceNode } from '../../src/compiler/types.js';

/** A hand-written node for graph and selector tests. */
export interface FixtureNode {
  name: string;
  /** Default "model". */
  type?: ResourceType;
  /** Names of parents; a source is named "source_name.table". */
  deps?: string[];
  tags?: string[];
  /** Project-relative file; default models/<name>.sql (seeds/<name>.csv, tests/<name>.sql, models/sources.yml). */
  path?: string;
  materialized?: string;
  config?: Record<string, unknown>;
  /** Sources: the source name ("raw"). */
  source?: string;
  package?: string;
  /** Line of each ref, keyed by the ref'd name (for cycle error tests). */
  refLines?: Record<string, number>;
  /** Extra fields merged into the node (test_metadata, ...). */
  extra?: Record<string, unknown>;
}

const ROOTS: Partial<Record<ResourceType, string>> = { model: 'models', seed: 'seeds', test: 'tests', snapshot: 'snapshots' };

/** Build a Manifest by hand; deps are resolved by name. Project name "demo". */
export function makeManifest(entries: FixtureNode[], projectName = 'demo'): Manifest {
  const idOf = new Map<string, string>();
  for (const e of entries) {
    const type = e.type ?? 'model';
    const pkg = e.package ?? projectName;
    const id = type === 'source' ? `source.${pkg}.${e.source}.${e.name}` : `${type}.${pkg}.${e.name}`;
    idOf.set(type === 'source' ? `${e.source}.${e.name}` : e.name, id);
  }
  const manifest: Manifest = {
    projectName,
    adapterType: 'duckdb',
    nodes: {},
    sources: {},
    macros: {},
    docs: {},
    parent_map: {},
    child_map: {},
  };
  for (const e of entries) {
    const type = e.type ?? 'model';
    const pkg = e.package ?? projectName;
    const tags = e.tags ?? [];
    if (type === 'source') {
      const source: SourceNode = {
        unique_id: idOf.get(`${e.source}.${e.name}`)!,
        resource_type: 'source',
        source_name: e.source!,
        name: e.name,
        package_name: pkg,
        fqn: [pkg, e.source!, e.name],
        relation: { schema: e.source!, identifier: e.name },
        description: '',
        source_description: '',
        loader: '',
        columns: {},
        meta: {},
        tags,
        config: { ...(e.config ?? {}) },
        original_file_path: e.path ?? 'models/sources.yml',
        line: 1,
      };
      manifest.sources[source.unique_id] = source;
      continue;
    }
    const root = ROOTS[type] ?? 'models';
    const ext = type === 'seed' ? 'csv' : 'sql';
    const file = e.path ?? `${root}/${e.name}.${ext}`;
    const rel = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
    const folders = rel.split('/').slice(0, -1);
    const deps = (e.deps ?? []).map((d) => {
      const id = idOf.get(d);
      if (!id) throw new Error(`fixture: unknown dep ${d}`);
      return id;
    });
    const node: ManifestNode = {
      unique_id: idOf.get(e.name)!,
      resource_type: type,
      name: e.name,
      package_name: pkg,
      path: rel,
      original_file_path: file,
      fqn: [pkg, ...folders, e.name],
      raw_code: '',
      config: {
        enabled: true,
        materialized: e.materialized ?? (type === 'seed' ? 'seed' : type === 'test' ? 'test' : 'view'),
        tags,
        meta: {},
        pre_hook: [],
        post_hook: [],
        ...(e.config ?? {}),
      },
      tags,
      description: '',
      columns: {},
      meta: {},
      depends_on: { nodes: deps, macros: [] },
      refs: (e.deps ?? []).filter((d) => !d.includes('.')).map((d) => ({ name: d, line: e.refLines?.[d] })),
      sources: (e.deps ?? []).filter((d) => d.includes('.')).map((d) => d.split('.') as [string, string]),
      checksum: { name: 'sha256', checksum: '' },
      relation: { schema: 'main', identifier: e.name },
      ...(e.extra ?? {}),
    };
    manifest.nodes[node.unique_id] = node;
  }
  for (const id of [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources)]) {
    manifest.parent_map[id] = [];
    manifest.child_map[id] = [];
  }
  for (const node of Object.values(manifest.nodes)) {
    for (const p of node.depends_on.nodes) {
      manifest.parent_map[node.unique_id]!.push(p);
      manifest.child_map[p]!.push(node.unique_id);
    }
  }
  return manifest;
}

/** The "raw → staging → marts → features" project most selector tests use. */
export function ordersManifest(): Manifest {
  return makeManifest([
    { name: 'orders', type: 'source', source: 'raw', tags: ['raw'] },
    { name: 'customers', type: 'source', source: 'raw' },
    { name: 'raw_payments', type: 'seed' },
    { name: 'stg_orders', path: 'models/staging/stg_orders.sql', deps: ['raw.orders'], tags: ['staging', 'nightly'] },
    { name: 'stg_customers', path: 'models/staging/stg_customers.sql', deps: ['raw.customers'], tags: ['staging'] },
    { name: 'stg_payments', path: 'models/staging/stg_payments.sql', deps: ['raw_payments'], tags: ['staging'] },
    { name: 'fct_orders', path: 'models/marts/fct_orders.sql', deps: ['stg_orders', 'stg_payments'], materialized: 'table', tags: ['nightly'] },
    { name: 'dim_customers', path: 'models/marts/dim_customers.sql', deps: ['stg_customers', 'fct_orders'], materialized: 'table' },
    {
      name: 'customer_features',
      path: 'models/features/customer_features.sql',
      deps: ['dim_customers', 'fct_orders'],
      materialized: 'incremental',
      config: { meta: { owner: 'ml' }, grants: ['reader', 'analyst'] },
    },
    { name: 'not_null_fct_orders_id', type: 'test', path: 'models/marts/schema.yml', deps: ['fct_orders'], extra: { test_metadata: { name: 'not_null' } } },
    { name: 'assert_positive_revenue', type: 'test', deps: ['fct_orders', 'dim_customers'] },
  ]);
}
