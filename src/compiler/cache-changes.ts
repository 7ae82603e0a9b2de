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
/** More changed model, test and properties files than this, or more files of a kind added or removed: compile the project. */
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

/** Names whose value differs between two records (added and removed ones included). */
function changedNames(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]);
}

/** Files whose checksum changed, and files added and removed; undefined when more than MAX_CHANGED were added or removed. */
function fileDelta(before: Record<string, string>, after: Record<string, string>): { changed: string[]; added: string[]; removed: string[] } | undefined {
  const added = Object.keys(after).filter((p) => before[p] === undefined);
  const removed = Object.keys(before).filter((p) => after[p] === undefined);
  if (added.length > MAX_CHANGED || removed.length > MAX_CHANGED) return undefined;
  return { changed: Object.keys(after).filter((p) => before[p] !== undefined && before[p] !== after[p]), added, removed };
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

/** Files of one kind added and removed since the stored entry. */
export interface FileSetChange {
  added: string[];
  removed: string[];
}

/** What changed since the stored entry, when a patch can cover it: changed, added and removed files by kind, changed vars, and the nodes that used a changed macro file or var. */
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
  /** Seed, singular test, properties and macro files added or removed. */
  files: { seeds: FileSetChange; tests: FileSetChange; properties: FileSetChange; macros: FileSetChange };
  vars: string[];
  /** Environment variables read by the stored compile whose value changed. */
  env: string[];
  users: string[];
}

export function changesSince(stored: StoredInputs, parts: KeyParts, env: string[]): Changes | undefined {
  if (stored.global !== parts.global || !stored.uses || !stored.propertyIndex) return undefined;
  // Files may be added or removed (up to MAX_CHANGED of each kind per patch).
  const models = fileDelta(stored.models, parts.models);
  const macros = fileDelta(stored.macros, parts.macros);
  const seeds = fileDelta(stored.seeds, parts.seeds);
  const properties = fileDelta(stored.properties, parts.properties);
  const tests = fileDelta(stored.tests, parts.tests);
  if (!models || !macros || !seeds || !properties || !tests) return undefined;
  const all = [models, macros, seeds, properties, tests];
  if (models.changed.length + properties.changed.length + tests.changed.length > MAX_CHANGED) return undefined;
  const vars = changedNames(stored.vars, parts.vars);
  if (all.every((d) => d.changed.length + d.added.length + d.removed.length === 0) && vars.length + env.length === 0) return undefined;
  const macroUsers = usersOf(stored.uses.macroFiles, [...macros.changed, ...macros.removed]);
  const varUsers = usersOf(stored.uses.vars, vars);
  // Every env_var() read is recorded with its reader: a name read some other way recompiles.
  const envUsers = env.every((name) => Object.hasOwn(stored.uses.env, name)) ? usersOf(stored.uses.env, env) : undefined;
  if (!macroUsers || !varUsers || !envUsers) return undefined;
  const set = (d: { added: string[]; removed: string[] }): FileSetChange => ({ added: d.added, removed: d.removed });
  return {
    models: models.changed, addedModels: models.added, removedModels: models.removed, macros: macros.changed, seeds: seeds.changed,
    properties: properties.changed, tests: tests.changed, files: { seeds: set(seeds), tests: set(tests), properties: set(properties), macros: set(macros) },
    vars, env, users: [...macroUsers, ...varUsers, ...envUsers],
  };
}
