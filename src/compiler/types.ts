/** The compiled project: the manifest's in-memory form. Plain data. */

export type ResourceType = 'model' | 'seed' | 'test' | 'snapshot' | 'source' | 'unit_test';

/** Where a relation lives. `database` is omitted where the adapter needs no catalog. */
export interface Relation {
  database?: string;
  schema: string;
  identifier: string;
}

/**
 * Resolved config of a node: project.yml folder config, then properties YAML,
 * then `{{ config(...) }}` in the file (later wins; tags accumulate, meta merges).
 */
export interface NodeConfig {
  enabled: boolean;
  materialized: string;
  schema?: string;
  database?: string;
  alias?: string;
  tags: string[];
  meta: Record<string, unknown>;
  pre_hook: string[];
  post_hook: string[];
  /** Seeds: column name → SQL type. */
  column_types?: Record<string, string>;
  /** Seeds: field delimiter. */
  delimiter?: string;
  full_refresh?: boolean | null;
  /** Anything else the user set (unique_key, strategy, feature settings...). */
  [key: string]: unknown;
}

export interface ColumnInfo {
  name: string;
  description: string;
  data_type?: string;
  meta: Record<string, unknown>;
  tags: string[];
}

/** Generic tests: which test, with which arguments (dbt's test_metadata). */
export interface TestMetadata {
  /** "not_null", "accepted_values", or a custom generic test's name. */
  name: string;
  /** Package/namespace of a custom test, when given as "pkg.name". */
  namespace?: string;
  /** Arguments as declared (without config keys). */
  kwargs: Record<string, unknown>;
}

export interface ManifestNode {
  /** "model.<project>.<name>", "seed.<project>.<name>", "test.<project>.<name>". */
  unique_id: string;
  resource_type: ResourceType;
  name: string;
  package_name: string;
  /** Path relative to its resource root: "staging/stg_orders.sql". */
  path: string;
  /** Path relative to the project root: "models/staging/stg_orders.sql". */
  original_file_path: string;
  /** [project, ...folders, name]. */
  fqn: string[];
  raw_code: string;
  /** Execute-mode render, with ephemeral CTEs injected. Absent for seeds. */
  compiled_code?: string;
  /** Project-relative path of compiled SQL under target/compiled. */
  compiled_path?: string;
  config: NodeConfig;
  tags: string[];
  description: string;
  columns: Record<string, ColumnInfo>;
  meta: Record<string, unknown>;
  depends_on: { nodes: string[]; macros: string[] };
  /** As written: ref('a') → {name:'a'}, ref('pkg','a') → {package:'pkg', name:'a'}. */
  refs: Array<{ name: string; package?: string; line?: number }>;
  /** As written: source('raw','orders') → ['raw','orders']. */
  sources: Array<[string, string]>;
  /** sha256 of the raw file content. */
  checksum: { name: 'sha256'; checksum: string };
  /** Where it will be materialized (ephemeral models have one too, unused). */
  relation: Relation;
  /** Models: what the file's own `config(...)` calls set, merged in call order. */
  inline_config?: Record<string, unknown>;
  /** Properties YAML that described it, if any. */
  patch_path?: string;
  /** Tests: generic test identity and arguments (absent for singular tests). */
  test_metadata?: TestMetadata;
  /** Tests: the column a column-level test is declared on. */
  column_name?: string;
  /** Tests: unique_id of the model, seed or source the test is declared on. */
  attached_node?: string;
  /** Tests: data tests query the warehouse's data; unit tests check a model's logic on given rows. */
  test_type?: 'data' | 'unit';
  /** Line of the declaration (YAML entry or file) for error messages. */
  line?: number;
  /**
   * Data tests whose failures are a per-row count: a boolean SQL expression over the attached
   * relation's columns, TRUE for a failing row, with `where` folded in (see data-tests/batch.ts).
   */
  batch_predicate?: string;
  /** Unit tests: the fixture rows each input was replaced by (dbt's `given`). */
  given?: Array<{ input: string; rows: Array<Record<string, string | number | boolean | null>> }>;
  /** Unit tests: the rows the model must return (only these columns are compared). */
  expect?: { columns: string[]; rows: Array<Record<string, string | number | boolean | null>> };
  /** Unit tests: vars and is_incremental as overridden for the test. */
  overrides?: { vars?: Record<string, unknown>; macros?: Record<string, unknown> };
}

export interface SourceNode {
  /** "source.<project>.<source_name>.<table>". */
  unique_id: string;
  resource_type: 'source';
  source_name: string;
  name: string;
  package_name: string;
  fqn: string[];
  relation: Relation;
  description: string;
  source_description: string;
  loader: string;
  loaded_at_field?: string;
  freshness?: Record<string, unknown> | null;
  event_time?: string;
  columns: Record<string, ColumnInfo>;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  original_file_path: string;
  line: number;
}

export interface MacroNode {
  /** "macro.<project>.<name>". */
  unique_id: string;
  name: string;
  package_name: string;
  original_file_path: string;
  line: number;
  arguments: string[];
}

export interface DocBlock {
  unique_id: string;
  name: string;
  block_contents: string;
  original_file_path: string;
}

export interface Manifest {
  projectName: string;
  /** Adapter type the project was compiled for. */
  adapterType: string;
  nodes: Record<string, ManifestNode>;
  sources: Record<string, SourceNode>;
  macros: Record<string, MacroNode>;
  docs: Record<string, DocBlock>;
  /** unique_id → direct parents / children (nodes and sources). */
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}
