/**
 * What a compile cache miss needs — patching the stored entry, or compiling the project and
 * recording what the new entry's patches will compare — in one module that commands import only
 * on a miss: a hit never loads the compiler (its modules cost ~40 ms of start-up).
 */
import type { Project } from '../project/types.js';
import { cacheKey, readCacheEntry, recordingEnv, writeCacheEntry } from './cache.js';
import { compileProject, type CompileOptions } from './compile.js';
import { nodeFacts } from './node-facts.js';
import type { Manifest } from './types.js';
import { UseRecorder, type UseLog } from './uses.js';

export { patchEntry } from './cache-patch.js';
export { writeInputs } from './cache-changes.js';
export { propertyIndex } from './cache-patch-yaml.js';

/** A compile through the cache: the manifest and whether it came from the cache. */
export interface CachedCompile {
  manifest: Manifest;
  hit: boolean;
}

/**
 * Compile `project`, reusing `<cacheDir>/manifest.json` when every input is unchanged.
 * A cache that cannot be read or written is ignored (the compile result is the same).
 */
export function compileWithCache(project: Project, options: CompileOptions, cacheDir: string): CachedCompile {
  const env = options.env ?? process.env;
  const key = cacheKey(project, options);
  if (key !== undefined) {
    const cached = readCacheEntry(cacheDir, key, env);
    if (cached) return { manifest: cached.manifest, hit: true };
  }
  const { manifest, reads } = compileRecordingEnv(project, options);
  if (key !== undefined) writeCacheEntry(cacheDir, { key, env: reads, diagnostics: [], manifest, facts: nodeFacts(manifest, options.dialect), targetPath: project.config.targetPath, dialect: options.dialect });
  return { manifest, hit: false };
}

/**
 * compileProject, recording every env_var() read (name → value, null = unset) for the cache
 * entry, and which vars and macro files each node used (for patching it: cache-patch.ts).
 */
export function compileRecordingEnv(project: Project, options: CompileOptions): { manifest: Manifest; reads: Record<string, string | null>; uses: UseLog } {
  const reads: Record<string, string | null> = {};
  const uses = new UseRecorder();
  const manifest = compileProject(project, { ...options, env: recordingEnv(options.env ?? process.env, reads), uses });
  return { manifest, reads, uses: uses.log() };
}
