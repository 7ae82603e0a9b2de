/**
 * What a compile cache patch compares (cache-patch.ts): inputs.json, written with each entry — the
 * key parts (checksums of model, macro, seed and properties files, a hash per var), what each
 * node's render used (uses.ts) and what each properties file describes — and what changed since.
 */
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../artifacts/write.js';
import type { KeyParts } from './cache.js';
import type { PropertyIndex } from './cache-patch-yaml.js';
import { OUTSIDE, type UseLog } from './uses.js';

const INPUTS = 'inputs.json';
/** More changed model files than this: compile the project. */
const MAX_CHANGED = 50;

/** What inputs.json holds: the key parts of entry `id`, what its nodes used, and what each properties file describes. */
export interface StoredInputs extends Omit<KeyParts, 'key'> {
  id: string;
  uses: UseLog;
  propertyIndex: PropertyIndex;
}

/** Remember the key parts of entry `id`, what its nodes used and what each properties file describes (what a later patch compares with). */
export function writeInputs(cacheDir: string, id: string, parts: KeyParts, uses: UseLog, properties: PropertyIndex): void {
  const { key: _key, ...rest } = parts;
  const stored: StoredInputs = { id, ...rest, uses, propertyIndex: properties };
  try {
    writeFileAtomic(join(cacheDir, INPUTS), (fd) => writeSync(fd, JSON.stringify(stored)));
  } catch {
    // only loses patching
  }
}

/** inputs.json, or undefined (none, unreadable). */
export function readInputs(cacheDir: string): StoredInputs | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheDir, INPUTS), 'utf8')) as StoredInputs;
  } catch {
    return undefined;
  }
}

function withoutKeys(record: Record<string, string>, keys: readonly string[]): Record<string, string> {
  if (keys.length === 0) return record;
  const out = { ...record };
  for (const key of keys) delete out[key];
  return out;
}

/** Names whose value differs between two records (added and removed ones included). */
function changedNames(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]);
}

/** Names whose value differs, or undefined when the two records do not have the same names (a file added or removed). */
function changedFiles(before: Record<string, string>, after: Record<string, string>): string[] | undefined {
  const paths = Object.keys(after);
  if (paths.length !== Object.keys(before).length || paths.some((p) => before[p] === undefined)) return undefined;
  return paths.filter((p) => before[p] !== after[p]);
}

/** The nodes that used any of `names` (per `log`), or undefined when one was used outside any node. */
export function usersOf(log: Record<string, string[]>, names: readonly string[]): string[] | undefined {
  const ids: string[] = [];
  for (const name of names) {
    for (const id of log[name] ?? []) {
      if (id === OUTSIDE) return undefined;
      ids.push(id);
    }
  }
  return ids;
}

/** What changed since the stored entry, when a patch can cover it: changed files by kind, changed vars, and the nodes that used a changed macro file or var. */
export interface Changes {
  models: string[];
  /** Model files added. */
  addedModels: string[];
  /** Model files removed. */
  removedModels: string[];
  macros: string[];
  seeds: string[];
  properties: string[];
  /** Singular test files. */
  tests: string[];
  vars: string[];
  /** Environment variables read by the stored compile whose value changed. */
  env: string[];
  users: string[];
}

export function changesSince(stored: StoredInputs, parts: KeyParts, env: string[]): Changes | undefined {
  if (stored.global !== parts.global || !stored.uses || !stored.propertyIndex) return undefined;
  // Model files may be added or removed (a few per patch); any other file added or removed recompiles.
  const addedModels = Object.keys(parts.models).filter((p) => stored.models[p] === undefined);
  const removedModels = Object.keys(stored.models).filter((p) => parts.models[p] === undefined);
  const models = addedModels.length <= MAX_CHANGED && removedModels.length <= MAX_CHANGED
    ? changedFiles(withoutKeys(stored.models, removedModels), withoutKeys(parts.models, addedModels))
    : undefined;
  const macros = changedFiles(stored.macros, parts.macros);
  const seeds = changedFiles(stored.seeds, parts.seeds);
  const properties = changedFiles(stored.properties, parts.properties);
  const tests = changedFiles(stored.tests, parts.tests);
  if (!models || !macros || !seeds || !properties || !tests || models.length + properties.length + tests.length > MAX_CHANGED) return undefined;
  const vars = changedNames(stored.vars, parts.vars);
  if (models.length + addedModels.length + removedModels.length + macros.length + seeds.length + properties.length + tests.length + vars.length + env.length === 0) return undefined;
  const macroUsers = usersOf(stored.uses.macroFiles, macros);
  const varUsers = usersOf(stored.uses.vars, vars);
  // Every env_var() read is recorded with its reader: a name read some other way recompiles.
  const envUsers = env.every((name) => Object.hasOwn(stored.uses.env, name)) ? usersOf(stored.uses.env, env) : undefined;
  return macroUsers && varUsers && envUsers ? { models, addedModels, removedModels, macros, seeds, properties, tests, vars, env, users: [...macroUsers, ...varUsers, ...envUsers] } : undefined;
}
