/**
 * Test config: the declaration's config keys (severity, warn_if, where, ...) split from its
 * arguments, validated, and merged over project.yml `data_tests:` folder config.
 */
import { UserError } from '../errors.js';
import { childLevel, cloneConfig, mergeConfig, resolveNodeConfig, treeLevel } from '../compiler/config.js';
import type { NodeConfig } from '../compiler/types.js';
import type { Project } from '../project/types.js';

/** Keys of a test declaration that are config, not arguments of the test. */
export const TEST_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'severity', 'warn_if', 'error_if', 'where', 'limit', 'store_failures', 'store_failures_as', 'tags', 'meta',
  'enabled', 'fail_calc', 'schema', 'alias', 'database', 'config', 'name', 'description',
]);

/** A threshold like `!=0`, `>10`, `>= 5`. */
const THRESHOLD = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Where a declaration is, for errors. */
export interface DeclLocation {
  file: string;
  line: number;
}

/** A declaration's args split into test arguments and a config layer (nested `config:` wins). */
export function splitTestArgs(args: Record<string, unknown>): { kwargs: Record<string, unknown>; config: Record<string, unknown>; name?: string; description?: string } {
  const kwargs: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  let name: string | undefined;
  let description: string | undefined;
  for (const key of Object.keys(args)) {
    const value = args[key];
    if (key === 'name') name = value == null ? undefined : String(value);
    else if (key === 'description') description = value == null ? undefined : String(value);
    else if (key === 'config') continue;
    else if (TEST_CONFIG_KEYS.has(key)) config[key] = value;
    else kwargs[key] = value;
  }
  const nested = args.config;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
    for (const [key, value] of Object.entries(nested as Record<string, unknown>)) {
      if (key === 'name') name = value == null ? undefined : String(value);
      else config[key] = value;
    }
  }
  const split: { kwargs: Record<string, unknown>; config: Record<string, unknown>; name?: string; description?: string } = { kwargs, config };
  if (name !== undefined) split.name = name;
  if (description !== undefined) split.description = description;
  return split;
}

/** Parse a warn_if/error_if threshold; undefined when it is not one. */
export function parseThreshold(text: string): { op: string; value: number } | undefined {
  const m = THRESHOLD.exec(text);
  return m ? { op: m[1]!, value: Number(m[2]) } : undefined;
}

/**
 * One folder of tests (an fqn without the name): its project.yml `data_tests:` level, and the
 * config its tests get when they have no config layer of their own (resolved on first use).
 * One per compile and folder: most tests of a project share a handful of these.
 */
export interface TestFolder {
  /** [project, ...folders]. */
  path: readonly string[];
  /** The `data_tests:` level reached along `path`, if any. */
  level: Record<string, unknown> | undefined;
  config?: NodeConfig;
}

/** The TestFolder of `path` = [project, ...folders]. */
export function testFolder(project: Project, path: readonly string[]): TestFolder {
  return { path, level: treeLevel(project, 'test', path) };
}

/**
 * Resolve a test's config: defaults (severity error, warn_if/error_if `!=0`), project.yml
 * `data_tests:` along `fqn`, then the declaration's layer. Throws UserError at `at` when a value is invalid.
 * With `folder` (the TestFolder of `fqn` without its last part), a test with an empty layer whose
 * name selects no project.yml level of its own gets a copy of the folder's config (the same value
 * a fresh resolution gives).
 */
export function resolveTestConfig(project: Project, fqn: string[], layer: Record<string, unknown>, at: DeclLocation, folder?: TestFolder): NodeConfig {
  if (!folder || !isEmpty(layer) || (folder.level && childLevel(folder.level, fqn[fqn.length - 1]!))) return resolveFresh(project, fqn, layer, at);
  folder.config ??= resolveFresh(project, fqn, layer, at);
  return cloneConfig(folder.config);
}

function isEmpty(layer: Record<string, unknown>): boolean {
  for (const _ in layer) return false;
  return true;
}

function resolveFresh(project: Project, fqn: string[], layer: Record<string, unknown>, at: DeclLocation): NodeConfig {
  const config = resolveNodeConfig(project, 'test', fqn);
  mergeConfig(config, { severity: config.severity ?? 'error', warn_if: config.warn_if ?? '!=0', error_if: config.error_if ?? '!=0' });
  mergeConfig(config, layer);
  config.enabled = config.enabled !== false && (config.enabled as unknown) !== 'false';
  config.materialized = 'test';
  return validateTestConfig(config, at);
}

/** Normalize and check severity, thresholds, limit, where and store_failures. */
export function validateTestConfig(config: NodeConfig, at: DeclLocation): NodeConfig {
  const severity = String(config.severity).toLowerCase();
  if (severity !== 'error' && severity !== 'warn') {
    throw new UserError(`severity must be 'error' or 'warn', got '${String(config.severity)}'`, { ...at, hint: "use severity: warn to report without failing, or severity: error" });
  }
  config.severity = severity;
  for (const key of ['warn_if', 'error_if'] as const) {
    const text = String(config[key]);
    if (!parseThreshold(text)) {
      throw new UserError(`${key} must be a comparison with a number like '!=0' or '>10', got '${text}'`, { ...at, hint: `e.g. ${key}: ">10"` });
    }
    config[key] = text.replace(/\s+/g, '');
  }
  if (config.limit !== undefined && config.limit !== null) {
    const limit = Number(config.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new UserError(`limit must be a non-negative integer, got '${String(config.limit)}'`, { ...at });
    config.limit = limit;
  } else delete config.limit;
  if (config.where !== undefined && config.where !== null) {
    if (typeof config.where !== 'string' || !config.where.trim()) throw new UserError(`where must be a SQL condition (a string), got ${JSON.stringify(config.where)}`, { ...at, hint: `e.g. where: "status <> 'test'"` });
  } else delete config.where;
  config.store_failures = config.store_failures === true || config.store_failures === 'true';
  return config;
}
