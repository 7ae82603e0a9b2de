/**
 * A whole-manifest compile cache under `<target>/.strata-cache/`. The key is a sha256 of every
 * input a compile reads: each project file's path and content hash (properties YAML by its bytes,
 * so a hit is decided before it is parsed), the parsed properties when no file list is known,
 * project config, vars, the resolved target and the bytes of profiles.yml, the project root, the
 * dialect and a fingerprint of Strata's own code (so a rebuilt compiler never reads an older entry).
 * The entry keeps the warnings of the skipped parse and manifest.json's body (everything after
 * its per-run metadata: see api/prepare.ts). Its layout (cache-entry.ts) lets a hit parse nodes
 * only when they are read.
 * env_var() reads are recorded and stored with the entry; a hit requires the same values.
 * Projects whose templates mention run_started_at or invocation_id (different on every run) are
 * never cached. Only successful compiles are stored, so errors are always reported afresh.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../errors.js';
import type { Project } from '../project/types.js';
import type { Dialect } from '../adapters/adapter.js';
import { FORMAT, readEntry, readHeader, writeEntry, type EntryHeader, type IndexLines } from './cache-entry.js';
import type { NodeFacts } from './node-facts.js';
import type { CompileOptions } from './compile.js';
import type { Manifest } from './types.js';
import { sha256 } from '../util/hash.js';

/** Template names whose values differ on every run: their presence disables the cache. */
const PER_RUN = /\b(run_started_at|invocation_id)\b/;

/** What a hit yields: the manifest and the load warnings of the compile that stored it. */
export interface CacheEntry {
  manifest: Manifest;
  /** Warnings of the parse stages a hit skips (properties YAML), to be re-emitted as they were. */
  diagnostics: Diagnostic[];
  /** Identifies the entry; the cached manifest.json body belongs to it (see copyEntryBody). */
  id: string;
  /** Per node: graph info and compiled-SQL hashes, read without parsing the node. */
  facts: NodeFacts;
  /** A patched entry: the entry it was made from and the nodes that differ. */
  since?: { token: string; changed: string[] };
}

/** `env` as the compile sees it, each name it reads recorded into `reads` (value, or null when unset). */
export function recordingEnv(env: Record<string, string | undefined>, reads: Record<string, string | null>): Record<string, string | undefined> {
  return new Proxy(env, {
    get(target, name) {
      const value = target[name as string];
      if (typeof name === 'string') reads[name] = value ?? null;
      return value;
    },
  });
}

/** What the key is computed from: a Project, or its inputs before properties are parsed (then property files are hashed by content). */
export type CacheKeyInputs = Omit<Project, 'properties'> & { properties?: Project['properties'] };

/** The cache key of a compile, or undefined when the project must not be cached. */
export function cacheKey(project: CacheKeyInputs, options: Pick<CompileOptions, 'dialect'>): string | undefined {
  return cacheKeyParts(project, options)?.key;
}

/**
 * The key and what it is made of: `global`, a hash of every input but the model, macro and seed
 * files and vars; the checksum of each model, macro and seed file; a hash of each var's value.
 * Comparing parts tells which of those alone changed (see cache-patch.ts).
 */
export interface KeyParts {
  key: string;
  global: string;
  models: Record<string, string>;
  macros: Record<string, string>;
  seeds: Record<string, string>;
  /** Properties YAML files (when the file list is known). */
  properties: Record<string, string>;
  /** Singular test files. */
  tests: Record<string, string>;
  vars: Record<string, string>;
}

export function cacheKeyParts(project: CacheKeyInputs, options: Pick<CompileOptions, 'dialect'>): KeyParts | undefined {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\0${codeFingerprint()}\0${project.root}\0${options.dialect.type}\0`);
  // Vars are hashed one by one below (project.yml's are in project.vars too, overlaid by --vars).
  const { vars: _projectVars, ...config } = project.config;
  hash.update(JSON.stringify([config, project.target], keyJson));
  // The resolved target covers what profiles.yml yields; its bytes are hashed too (any edit → a miss).
  try {
    hash.update(readFileSync(project.target.file));
  } catch {
    hash.update('\0(no profiles file)\0'); // a Project built in memory: the resolved target alone
  }
  const { propertyFiles, ...files } = project.files;
  const lists: Array<[string, ReadonlyArray<{ path: string; checksum: string; content: string; perRun?: boolean }>]> = Object.entries(files);
  if (propertyFiles) lists.push(['propertyFiles', propertyFiles]);
  else hash.update(JSON.stringify(project.properties, keyJson));
  const models: Record<string, string> = {};
  const macros: Record<string, string> = {};
  const seeds: Record<string, string> = {};
  const properties: Record<string, string> = {};
  const tests: Record<string, string> = {};
  const own: Record<string, Record<string, string>> = { models, macros, seeds, propertyFiles: properties, tests };
  for (const [kind, list] of lists) {
    const checksums = Object.hasOwn(own, kind) ? own[kind] : undefined;
    // Files with their own part are counted there (a file added to one is a change of that part only).
    if (!checksums) hash.update(`\0${kind}:${list.length}`);
    for (const f of list) {
      // Seeds are data: their content is never rendered.
      if (kind !== 'seeds' && (f.perRun ?? PER_RUN.test(f.content))) return undefined;
      if (checksums) checksums[f.path] = f.checksum;
      else hash.update(`\0${f.path}\0${f.checksum}`);
    }
  }
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(project.vars)) vars[name] = sha256(JSON.stringify(value, keyJson) ?? 'undefined');
  const global = hash.digest('hex');
  const key = createHash('sha256').update(global);
  for (const [part, record] of [['models', models], ['macros', macros], ['seeds', seeds], ['properties', properties], ['tests', tests], ['vars', vars]] as const) {
    key.update(`\0${part}`);
    for (const [name, value] of Object.entries(record)) key.update(`\0${name}\0${value}`);
  }
  return { key: key.digest('hex'), global, models, macros, seeds, properties, tests, vars };
}

/** JSON.stringify replacer for hashing: Maps and Sets (properties by name) as entry lists, not `{}`. */
function keyJson(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { __map: [...value] };
  if (value instanceof Set) return { __set: [...value] };
  return value;
}

/** sha256 over Strata's own code (dist/ when built, src/ under vitest). */
function codeFingerprint(): string {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/(\.js|\.json|(?<!\.d)\.ts)$/.test(entry.name)) hash.update(`${path}\0`).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

/** The entry stored under `cacheDir` for `key`, when the env_var() values it read are unchanged. */
export function readCacheEntry(cacheDir: string, key: string, env: Record<string, string | undefined>): CacheEntry | undefined {
  const found = readHeader(cacheDir);
  if (!found || found.header.key !== key) return undefined;
  const { header } = found;
  for (const [name, value] of Object.entries(header.env)) if ((env[name] ?? null) !== value) return undefined;
  return openCacheEntry(cacheDir, header, found.rest);
}

/** The CacheEntry of index lines whose header matched (undefined when the files do not fit together). */
export function openCacheEntry(cacheDir: string, header: EntryHeader, rest: IndexLines): CacheEntry | undefined {
  const entry = readEntry(cacheDir, header, rest);
  return entry && { ...entry, diagnostics: header.diagnostics, id: header.id, since: header.since };
}

/** Store a successful compile; returns the new entry's id (undefined when the cache cannot be written). */
export function writeCacheEntry(
  cacheDir: string,
  entry: { key: string; env: Record<string, string | null>; diagnostics: Diagnostic[]; manifest: Manifest; facts: NodeFacts; targetPath: string; dialect: Dialect },
): string | undefined {
  const header: EntryHeader = { format: FORMAT, key: entry.key, id: randomUUID(), env: entry.env, diagnostics: entry.diagnostics };
  try {
    writeEntry(cacheDir, header, entry.manifest, entry.facts, entry.targetPath, entry.dialect);
    return header.id;
  } catch {
    // A read-only or full disk only loses the cache.
    return undefined;
  }
}
