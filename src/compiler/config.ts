/**
 * Node config resolution: defaults ⊕ project.yml folder trees ⊕ properties YAML `config:`
 * ⊕ in-file `config(...)`. Later layers win, except tags (union), meta (merged) and hooks
 * (accumulated), as in dbt.
 */
import type { NodeConfig, ResourceType } from './types.js';
import type { Project } from '../project/types.js';

/** Keys that are config even when written without `+` (a plain object key is otherwise a folder). */
export const KNOWN_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'materialized', 'schema', 'database', 'alias', 'tags', 'enabled', 'meta',
  'pre-hook', 'pre_hook', 'post-hook', 'post_hook', 'column_types', 'delimiter', 'full_refresh',
  'unique_key', 'incremental_strategy', 'on_schema_change', 'persist_docs', 'docs', 'contract',
  'grants', 'quote_columns', 'quoting', 'event_time', 'batch_size', 'lookback', 'begin', 'strategy',
  'updated_at', 'check_cols', 'entity', 'feature_time', 'severity', 'where', 'limit', 'store_failures',
  'warn_if', 'error_if', 'fail_calc', 'target_schema', 'target_database', 'invalidate_hard_deletes',
  'hard_deletes', 'snapshot_meta_column_names', 'sql_header', 'group', 'access', 'labels',
  'cluster_by', 'partition_by', 'indexes', 'freshness', 'concurrent_batches',
]);

const DEFAULT_MATERIALIZED: Partial<Record<ResourceType, string>> = {
  model: 'view',
  seed: 'seed',
  test: 'test',
  snapshot: 'snapshot',
  unit_test: 'unit',
};

/** The project.yml tree for a resource type (`models:`, `seeds:`, ...). */
function treeFor(project: Project, resourceType: ResourceType): Record<string, unknown> {
  switch (resourceType) {
    case 'seed':
      return project.config.seeds ?? {};
    case 'test':
      return project.config.dataTests ?? {};
    case 'snapshot':
      return project.config.snapshots ?? {};
    default:
      return project.config.models ?? {};
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Config entries written directly at one level of a folder tree. */
function levelConfig(level: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key.slice(1)] = value;
    else if (KNOWN_CONFIG_KEYS.has(key) || !isPlainObject(value)) out[key] = value;
  }
  return out;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

/** Merge one config layer into `into` (mutates): later wins; tags/hooks accumulate; meta merges. */
export function mergeConfig(into: NodeConfig, layer: Record<string, unknown> | undefined): NodeConfig {
  if (!layer) return into;
  for (const [rawKey, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const key = rawKey === 'pre-hook' ? 'pre_hook' : rawKey === 'post-hook' ? 'post_hook' : rawKey;
    if (key === 'tags') {
      for (const tag of toList(value)) if (!into.tags.includes(tag)) into.tags.push(tag);
    } else if (key === 'pre_hook' || key === 'post_hook') {
      into[key].push(...toList(value));
    } else if (key === 'meta' && isPlainObject(value)) {
      into.meta = { ...into.meta, ...value };
    } else {
      into[key] = value;
    }
  }
  return into;
}

/** Defaults for a resource type, before any layer. */
export function defaultConfig(resourceType: ResourceType): NodeConfig {
  const config: NodeConfig = {
    enabled: true,
    materialized: DEFAULT_MATERIALIZED[resourceType] ?? resourceType,
    tags: [],
    meta: {},
    pre_hook: [],
    post_hook: [],
  };
  if (resourceType === 'seed') config.delimiter = ',';
  return config;
}

/** The folder level `key` names below `level` (as resolveNodeConfig walks the tree), or undefined. */
export function childLevel(level: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const next: unknown = level[key];
  // A known config key never names a folder (a folder called "tags" must use +tags inside it).
  return isPlainObject(next) && !key.startsWith('+') && !KNOWN_CONFIG_KEYS.has(key) ? next : undefined;
}

/**
 * The project.yml folder-tree level that resolveNodeConfig reaches after walking `path` (a prefix
 * of an fqn), or undefined where its walk stops. With it, callers can tell whether the last fqn
 * part (the node name) selects a level of its own: `treeLevel(p, t, [...path, name]) !== undefined`.
 */
export function treeLevel(project: Project, resourceType: ResourceType, path: readonly string[]): Record<string, unknown> | undefined {
  let level: unknown = treeFor(project, resourceType);
  for (const key of path) {
    if (!isPlainObject(level)) return undefined;
    level = childLevel(level, key);
  }
  return isPlainObject(level) ? level : undefined;
}

/**
 * A copy of a resolved config that shares nothing mutable with it: new tags/hook lists and meta
 * object (as a fresh resolveNodeConfig would make), other values shared as they are with the
 * project.yml tree. Same keys in the same order.
 */
export function cloneConfig(config: NodeConfig): NodeConfig {
  const copy: NodeConfig = { ...config };
  for (const key of ['tags', 'pre_hook', 'post_hook'] as const) if (Array.isArray(config[key])) copy[key] = [...config[key]];
  if (isPlainObject(config.meta)) copy.meta = { ...config.meta };
  return copy;
}

/**
 * project.yml folder-tree configs already merged, by resource type and folder path (an fqn
 * without its name); one per compile. Nodes in one folder share the walk down to it.
 */
export type FolderConfigCache = Map<string, { config: NodeConfig; level: Record<string, unknown> | undefined }>;

/**
 * Resolve a node's config.
 * @param fqn the node's fully-qualified name: [project, ...folders, name]. The folder tree is
 *   walked along it (top level, then the project key, then each folder, then the node name).
 * @param yamlConfig the properties YAML layer (`config:` plus entry-level meta/tags).
 * @param inlineConfig the `{{ config(...) }}` calls of the file, merged in call order.
 * @param cache reuses the walk down to the node's folder (same result).
 */
export function resolveNodeConfig(
  project: Project,
  resourceType: ResourceType,
  fqn: readonly string[],
  yamlConfig?: Record<string, unknown>,
  inlineConfig?: Record<string, unknown>,
  cache?: FolderConfigCache,
): NodeConfig {
  const config = cache && fqn.length > 0 ? treeConfigVia(cache, project, resourceType, fqn) : treeConfig(project, resourceType, fqn, fqn.length);
  mergeConfig(config, yamlConfig);
  mergeConfig(config, inlineConfig);
  config.enabled = config.enabled !== false && (config.enabled as unknown) !== 'false';
  config.materialized = String(config.materialized);
  return config;
}

/** Defaults merged with the tree levels along fqn[0..depth) (and the level those reach). */
function treeConfig(project: Project, resourceType: ResourceType, fqn: readonly string[], depth: number, reached?: { level?: Record<string, unknown> }): NodeConfig {
  const config = defaultConfig(resourceType);
  let level: unknown = treeFor(project, resourceType);
  for (let i = 0; isPlainObject(level); i++) {
    mergeConfig(config, levelConfig(level));
    if (i >= depth) {
      if (reached) reached.level = level;
      break;
    }
    level = childLevel(level, fqn[i]!);
  }
  return config;
}

/** treeConfig of the whole fqn, with the walk down to its folder taken from `cache`. */
function treeConfigVia(cache: FolderConfigCache, project: Project, resourceType: ResourceType, fqn: readonly string[]): NodeConfig {
  const depth = fqn.length - 1;
  const key = `${resourceType}\0${fqn.slice(0, depth).join('\0')}`;
  let folder = cache.get(key);
  if (!folder) {
    const reached: { level?: Record<string, unknown> } = {};
    const config = treeConfig(project, resourceType, fqn, depth, reached);
    cache.set(key, (folder = { config, level: reached.level }));
  }
  const config = cloneConfig(folder.config);
  const own = folder.level && childLevel(folder.level, fqn[depth]!);
  if (own) mergeConfig(config, levelConfig(own));
  return config;
}

/**
 * Fold one raw `config(...)` call into the accumulated in-file config (several calls in a file
 * combine like layers: tags and hooks accumulate, meta merges, other keys: later wins).
 */
export function mergeRawConfig(into: Record<string, unknown>, layer: Record<string, unknown>): void {
  for (const [rawKey, value] of Object.entries(layer)) {
    const key = rawKey === 'pre-hook' ? 'pre_hook' : rawKey === 'post-hook' ? 'post_hook' : rawKey;
    if (key === 'tags' || key === 'pre_hook' || key === 'post_hook') into[key] = [...toList(into[key]), ...toList(value)];
    else if (key === 'meta' && isPlainObject(value)) into.meta = { ...(isPlainObject(into.meta) ? into.meta : {}), ...value };
    else into[key] = value;
  }
}
