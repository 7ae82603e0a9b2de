/** Project vars overlaid with --vars (the command line wins, key by key at the top level, as in dbt). */
import { yamlModule } from '../util/lazy-deps.js';
import { UserError } from '../errors.js';

/** Parse --vars: a YAML or JSON string (JSON is YAML), or an object passed through. */
export function parseCliVars(vars: string | Record<string, unknown> | undefined): Record<string, unknown> {
  if (vars === undefined) return {};
  if (typeof vars !== 'string') return vars;
  if (vars.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = yamlModule().parse(vars);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`--vars is not valid YAML: ${msg}`, { hint: `e.g. --vars '{start_date: "2024-01-01", days: 7}'` });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError('--vars must be a mapping of names to values', { hint: `e.g. --vars '{start_date: "2024-01-01"}'` });
  }
  return parsed as Record<string, unknown>;
}

/** project vars, then --vars on top. */
export function mergeVars(
  projectVars: Record<string, unknown>,
  cliVars: string | Record<string, unknown> | undefined,
): Record<string, unknown> {
  return { ...projectVars, ...parseCliVars(cliVars) };
}
