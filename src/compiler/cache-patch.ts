/**
 * A compile cache miss where only model SQL, singular tests, macro files, seed files, properties
 * YAML, vars or env vars read by templates changed, or such files were added or removed: instead
 * of compiling the project again, the stored entry is patched, and only what depends on the
 * change is done again.
 *
 * - What changed, and which nodes used it: cache-changes.ts (inputs.json, written with each
 *   entry; per node the macro files, vars and env vars its render used: uses.ts).
 * - Rendering: cache-patch-render.ts. Changed models and singular tests, and every node that used
 *   a changed macro file, var or env var, are rendered again in a context built from the stored
 *   manifest. A model must keep its own config() calls (so its config and relation, hence every
 *   dependent's SQL and every test on it), must not be ephemeral, read an ephemeral model or have a
 *   unit test (those embed its SQL elsewhere). New or removed refs and sources rewire the graph.
 *   What changed must not have been used outside any node's render (a description,
 *   generate_schema_name, a macro file's top level).
 * - Macro files: cache-patch-macros.ts (a changed one defines the same macros; new or removed
 *   ones only names no other file mentions and Strata never looks up by itself).
 * - New model and seed files are compiled alone and spliced in where a compile puts them;
 *   removed ones that nothing left depends on are spliced out (cache-patch-splice.ts).
 * - A seed's new content changes its node's checksum only.
 * - Singular test files changed, new or removed: cache-patch-tests.ts.
 * - A changed, new or removed properties file, or one declaring a generic test that used what
 *   changed: cache-patch-yaml.ts (descriptions and columns when the configs stay; its tests built
 *   again, added or removed ones spliced into the entry).
 *
 * Then the replaced nodes (and manifest.macros, the graph, spliced runs) are written, every other
 * node's bytes copied (cache-entry-patch.ts rewriteIndex). Anything else — docs, project or
 * profile config, a ref to an ephemeral model, a name a patch cannot settle alone, a render
 * error, a cycle — returns undefined: the caller compiles the whole project, which also reports
 * errors the usual way.
 */
import { randomUUID } from 'node:crypto';
import { nodeArtifact } from '../artifacts/manifest.js';
import type { Project } from '../project/types.js';
import type { ManifestNode } from './types.js';
import { FORMAT, readEntry, readHeader, type EntryHeader } from './cache-entry.js';
import { rewriteIndex } from './cache-entry-patch.js';
import { openCacheEntry, type CacheEntry, type KeyParts } from './cache.js';
import { changesSince, readInputs, writeInputs } from './cache-changes.js';
import { renderPatch, type Patch, type PatchOptions } from './cache-patch-render.js';
import { mergeUses } from './uses.js';

/**
 * Patch the entry in `cacheDir` to `parts`: the entry for `parts.key`, now stored, or undefined.
 * `project` may have lazy properties: a patch never reads them.
 */
export function patchEntry(cacheDir: string, parts: KeyParts, project: Project, options: PatchOptions): CacheEntry | undefined {
  const env = options.env ?? process.env;
  const found = readHeader(cacheDir);
  if (!found) return undefined;
  const stored = readInputs(cacheDir);
  if (!stored) return undefined;
  const { header } = found;
  const envChanged = Object.keys(header.env).filter((name) => (env[name] ?? null) !== header.env[name]);
  const changes = stored.id === header.id ? changesSince(stored, parts, envChanged) : undefined;
  if (!changes) return undefined;
  const entry = readEntry(cacheDir, header, found.rest);
  if (!entry) return undefined;
  let patch: Patch | undefined;
  try {
    patch = renderPatch(entry, changes, parts, project, options, { ...header.env }, { diagnostics: header.diagnostics, index: stored.propertyIndex });
  } catch {
    patch = undefined; // NoPatch, or a render error: the full compile reports it with its usual context
  } finally {
    entry.release();
  }
  if (!patch) return undefined;
  const { replaced, macros } = patch;
  const next: EntryHeader = {
    format: FORMAT, key: parts.key, id: randomUUID(), env: patch.reads, diagnostics: header.diagnostics, since: { token: header.id, changed: [...replaced.keys(), ...patch.splices.flatMap((sp) => sp.nodes.map((n) => n.unique_id))] },
  };
  const artifacts = new Map([...replaced].map(([id, node]) => [id, JSON.stringify(nodeArtifact(node, options.dialect))]));
  const { added, removed } = changes.files.macros;
  const newMacros = changes.macros.length + added.length + removed.length === 0 ? undefined : Object.fromEntries([...macros.nodes.values()].map((m) => [m.unique_id, m]));
  const text = (node: ManifestNode) => JSON.stringify(nodeArtifact(node, options.dialect));
  const lines = rewriteIndex(cacheDir, found, next, {
    artifacts, nodes: replaced, dialect: options.dialect, macros: newMacros, graph: patch.graph,
    splices: patch.splices.map((sp) => ({ ...sp, texts: sp.nodes.map(text) })),
  });
  if (!lines) return undefined;
  writeInputs(cacheDir, next.id, parts, mergeUses(stored.uses, patch.redone, patch.uses), patch.propertyIndex);
  return openCacheEntry(cacheDir, next, lines);
}
