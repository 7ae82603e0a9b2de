import type { Diagnostic } from '../errors.js';

/** A file of the project, read once at load time. */
export interface ProjectFile {
  /** Path relative to the project root, forward slashes: "models/staging/stg_orders.sql". */
  path: string;
  /** Absolute path on disk. */
  absPath: string;
  /** Path relative to the resource root it was found under: "staging/stg_orders.sql". */
  relPath: string;
  content: string;
  /** sha256 of content. */
  checksum: string;
  /** Whether the content mentions run_started_at or invocation_id (values that differ per run); known without reading it. */
  perRun?: boolean;
}

/** project.yml (or dbt_project.yml), with defaults applied. Paths are relative to the root. */
export interface ProjectConfig {
  /** "project.yml" or "dbt_project.yml". */
  file: string;
  name: string;
  profile: string;
  version?: string;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  docsPaths: string[];
  targetPath: string;
  cleanTargets: string[];
  vars: Record<string, unknown>;
  /** Raw nested per-folder config trees, as written under `models:`, `seeds:`, `data_tests:`, `snapshots:`. */
  models: Record<string, unknown>;
  seeds: Record<string, unknown>;
  dataTests: Record<string, unknown>;
  snapshots: Record<string, unknown>;
  /** Raw per-source config tree under `sources:`. */
  sources?: Record<string, unknown>;
  analysisPaths?: string[];
  onRunStart: string[];
  onRunEnd: string[];
}

/** The selected output of profiles.yml, with env_var() rendered. */
export interface ProfileTarget {
  /** File the profile came from (absolute). */
  file: string;
  profile: string;
  /** Target name ("dev"). */
  name: string;
  /** Adapter type: "duckdb" | "postgres". */
  type: string;
  schema: string;
  threads: number;
  database?: string;
  /** DuckDB: absolute path of the database file, or ":memory:". */
  path?: string;
  host?: string;
  port?: number;
  user?: string;
  /** Never printed nor written to artifacts. */
  password?: string;
  dbname?: string;
  sslmode?: string;
  connect_timeout?: number;
  /** Any other keys of the output, passed to the adapter as written. */
  extra: Record<string, unknown>;
}

/** A test as declared in YAML (`data_tests:` / `tests:`), kept raw for the data-tests stage. */
export interface TestDeclaration {
  /** "not_null", "accepted_values", "my_package.my_test"... */
  name: string;
  /** Arguments and test config (severity, where, ...) as written. */
  args: Record<string, unknown>;
  file: string;
  line: number;
}

export interface ColumnProperty {
  name: string;
  description?: string;
  data_type?: string;
  meta: Record<string, unknown>;
  tags: string[];
  tests: TestDeclaration[];
  line: number;
  /** Other keys as written (constraints, quote, config...). */
  extra?: Record<string, unknown>;
}

/** One entry of `models:` / `seeds:` / `snapshots:` in a properties YAML file. */
export interface PropertyEntry {
  name: string;
  resourceType: 'model' | 'seed' | 'snapshot';
  description?: string;
  config: Record<string, unknown>;
  columns: ColumnProperty[];
  tests: TestDeclaration[];
  meta: Record<string, unknown>;
  /** Every other key as written (docs, unit_tests handled elsewhere...). */
  extra: Record<string, unknown>;
  /** Project-relative path of the YAML file and the line of the entry's `name:`. */
  file: string;
  line: number;
}

/** One table of a `sources:` entry. */
export interface SourceTable {
  sourceName: string;
  name: string;
  database?: string;
  schema: string;
  identifier: string;
  description?: string;
  sourceDescription?: string;
  loader?: string;
  loadedAtField?: string;
  freshness?: Record<string, unknown> | null;
  /** Column holding event time, for time-travel / point-in-time filtering. */
  eventTime?: string;
  columns: ColumnProperty[];
  tests: TestDeclaration[];
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  file: string;
  line: number;
}

/** `unit_tests:` entries, kept raw for the data-tests stage. */
export interface UnitTestDeclaration {
  name: string;
  model: string;
  raw: Record<string, unknown>;
  file: string;
  line: number;
}

export interface ProjectProperties {
  /** Keyed by model name. */
  models: Map<string, PropertyEntry>;
  seeds: Map<string, PropertyEntry>;
  snapshots: Map<string, PropertyEntry>;
  sources: SourceTable[];
  unitTests: UnitTestDeclaration[];
}

/** A loaded, validated project: plain data, no warehouse access. */
export interface Project {
  /** Absolute project directory. */
  root: string;
  config: ProjectConfig;
  target: ProfileTarget;
  /** project.yml vars overlaid with --vars (command line wins). */
  vars: Record<string, unknown>;
  files: {
    models: ProjectFile[];
    seeds: ProjectFile[];
    macros: ProjectFile[];
    /** Singular tests (.sql under test-paths). */
    tests: ProjectFile[];
    snapshots: ProjectFile[];
    /** Markdown files holding {% docs %} blocks (.md under model-paths and docs-paths). */
    docs: ProjectFile[];
    /** Properties YAML files (.yml/.yaml under model, seed, snapshot, macro and test paths). */
    propertyFiles?: ProjectFile[];
  };
  properties: ProjectProperties;
  /** Warnings found while loading (unknown keys with their closest known key, ...). */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Defaults to process.cwd(). */
  projectDir?: string;
  /** Where profiles.yml is looked for first; then the project dir, then ~/.strata/. */
  profilesDir?: string;
  /** Target name overriding the profile's `target:`. */
  target?: string;
  /** --vars: a YAML/JSON string or an object. */
  vars?: string | Record<string, unknown>;
  /** --threads overriding the profile. */
  threads?: number;
  /** Environment used for env_var(); defaults to process.env. */
  env?: Record<string, string | undefined>;
}
