/**
 * Names of generic tests, as dbt makes them: `<test>_<model>_<column>[__<args>]`, sanitized,
 * cut with a hash suffix when too long, and a hash suffix for a name already taken.
 * Deterministic: the same declarations in the same files give the same names.
 */
import { createHash } from 'node:crypto';

/** Longest test name kept as is (PostgreSQL identifiers are at most 63 bytes). */
export const MAX_TEST_NAME = 63;

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Flatten an argument value into name parts: lists/objects to their leaves. */
function flatValues(value: unknown, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) for (const v of value) flatValues(v, out);
  else if (typeof value === 'object') for (const k of Object.keys(value as object).sort()) flatValues((value as Record<string, unknown>)[k], out);
  else out.push(String(value));
}

/** Only letters, digits and underscores. */
export function sanitize(text: string): string {
  return text.replace(/[^0-9a-zA-Z_]+/g, '_');
}

/**
 * dbt's synthesized name. `target` is the model/seed name, or `source_<source>_<table>`.
 * Arguments are sorted by key; `model`/`column_name` never appear in them.
 */
export function genericTestName(test: string, target: string, column: string | undefined, kwargs: Record<string, unknown>): string {
  return composeTestName(test, target, column, argsNamePart(kwargs));
}

/** The arguments' part of a synthesized name: `__a__b` (sanitized values sorted by key), or ''. */
export function argsNamePart(kwargs: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(kwargs).sort()) {
    if (key === 'model' || key === 'column_name') continue;
    flatValues(kwargs[key], parts);
  }
  return parts.length ? `__${parts.map(sanitize).join('__')}` : '';
}

/** genericTestName from the arguments' part (argsNamePart). */
export function composeTestName(test: string, target: string, column: string | undefined, argsPart: string): string {
  const base = sanitize(column === undefined ? `${test}_${target}` : `${test}_${target}_${column}`);
  const full = argsPart ? base + argsPart : base;
  if (full.length <= MAX_TEST_NAME) return full;
  return `${full.slice(0, 30)}_${md5(full)}`.slice(0, MAX_TEST_NAME);
}

/**
 * A name not in `taken`: `name` itself, else `name` shortened + `_<hash of identity>`,
 * else with a counter. `identity` describes the declaration (attached node, column, args).
 */
export function uniqueTestName(name: string, identity: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const hash = md5(identity).slice(0, 10);
  const hashed = `${name.slice(0, MAX_TEST_NAME - 11)}_${hash}`;
  if (!taken.has(hashed)) return hashed;
  for (let i = 2; ; i++) {
    const counted = `${hashed.slice(0, MAX_TEST_NAME - String(i).length - 1)}_${i}`;
    if (!taken.has(counted)) return counted;
  }
}
