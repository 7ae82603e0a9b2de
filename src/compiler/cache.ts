/**
 * A whole-manifest compile cache under `<target>/.strata-cache/`. The key is a sha256 of every
 * input a compile reads: each project file's path and content hash, the parsed properties when
 * no file list is known, project config, vars, the resolved target, the project root, the dialect
 * and a fingerprint of Strata's own code (so a rebuilt compiler never reads an older entry).
 * env_var() reads are recorded and stored with the entry; a hit requires the same values.
 * Projects whose templates mention run_started_at or invocation_id (different on every run) are
 * never cached. Only successful compiles are stored, so errors are always reported afresh.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonTo } from '../artifacts/write.js';
import type { Project } from '../project/types.js';
import { compileProject, type CompileOptions } from './compile.js';
import type { Manifest } from './types.js';

/** Bumped when the entry format changes. */
const FORMAT = 'strata-compile-cache/1';
/** Template names whose values differ on every run: their presence disables the cache. */
const PER_RUN = /\b(run_started_at|invocation_id)\b/;

/** A compile through the cache: the manifest and whether it came from the cache. */
export interface CachedCompile {
  manifest: Manifest;
  hit: boolean;
}

interface Header {
  format: string;
  key: string;
  /** env_var() names read by the compile → their values (null = unset). */
  env: Record<string, string | null>;
}

/**
 * Compile `project`, reusing `<cacheDir>/manifest.json` when every input is unchanged.
 * A cache that cannot be read or written is ignored (the compile result is the same).
 */
export function compileWithCache(project: Project, options: CompileOptions, cacheDir: string): CachedCompile {
  const env = options.env ?? process.env;
  const key = cacheKey(project, options);
  const file = join(cacheDir, 'manifest.json');
  if (key !== undefined) {
    const cached = readEntry(file, key, env);
    if (cached) return { manifest: cached, hit: true };
  }
  const reads: Record<string, string | null> = {};
  const recording = new Proxy(env, {
    get(target, name) {
      const value = target[name as string];
      if (typeof name === 'string') reads[name] = value ?? null;
      return value;
    },
  });
  const manifest = compileProject(project, { ...options, env: recording });
  if (key !== undefined) writeEntry(file, { format: FORMAT, key, env: reads }, manifest);
  return { manifest, hit: false };
}

/** The cache key of a compile, or undefined when the project must not be cached. */
export function cacheKey(project: Project, options: Pick<CompileOptions, 'dialect'>): string | undefined {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\0${codeFingerprint()}\0${project.root}\0${options.dialect.type}\0`);
  hash.update(JSON.stringify([project.config, project.target, project.vars], keyJson));
  const { propertyFiles, ...files } = project.files;
  const lists: Array<[string, ReadonlyArray<{ path: string; checksum: string; content: string }>]> = Object.entries(files);
  if (propertyFiles) lists.push(['propertyFiles', propertyFiles]);
  else hash.update(JSON.stringify(project.properties, keyJson));
  for (const [kind, list] of lists) {
    hash.update(`\0${kind}:${list.length}`);
    for (const f of list) {
      if (PER_RUN.test(f.content)) return undefined;
      hash.update(`\0${f.path}\0${f.checksum}`);
    }
  }
  return hash.digest('hex');
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

function readEntry(file: string, key: string, env: Record<string, string | undefined>): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as Header;
    if (header.format !== FORMAT || header.key !== key) return undefined;
    for (const [name, value] of Object.entries(header.env)) if ((env[name] ?? null) !== value) return undefined;
    return JSON.parse(text.slice(newline + 1)) as Manifest;
  } catch {
    return undefined;
  }
}

function writeEntry(file: string, header: Header, manifest: Manifest): void {
  try {
    // Streamed: the manifest is never held as one string (see writeJsonTo).
    writeFileAtomic(file, (fd) => {
      writeSync(fd, `${JSON.stringify(header)}\n`);
      writeJsonTo(fd, manifest, 0);
    });
  } catch {
    // A read-only or full disk only loses the cache.
  }
}
