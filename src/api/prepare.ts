import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Dialect } from '../adapters/adapter.js';
import { dialectFor } from '../adapters/registry.js';
import { cacheKeyParts, readCacheEntry, writeCacheEntry } from '../compiler/cache.js';
import { nodeFacts, type NodeFacts } from '../compiler/node-facts.js';
import { writeCompiled } from '../compiler/write.js';
import type { Manifest, ResourceType } from '../compiler/types.js';
import { ProjectGraph } from '../graph/graph.js';
import { selectWithReport } from '../graph/select.js';
import { loadProjectInputs, withLazyProperties, withProperties } from '../project/load.js';
import { readProperties } from '../project/properties.js';
import type { Project } from '../project/types.js';
import { writeManifest } from './manifest-file.js';
import type { CommonOptions, SelectionOptions } from './options.js';

/** A loaded, compiled project with its graph: what every command starts from. */
export interface Prepared {
  project: Project;
  manifest: Manifest;
  graph: ProjectGraph;
  dialect: Dialect;
  invocationId: string;
  runStartedAt: Date;
  /** Absolute target directory. */
  targetDir: string;
  /** Per node: graph info and compiled-SQL hashes (from the cache index on a hit). */
  facts: NodeFacts;
  /** The compile cache entry holding this manifest, when stored. */
  entryId?: string;
  /** When that entry was patched from another: which one, and the nodes that differ. */
  since?: { token: string; changed: string[] };
}

/**
 * Load, validate and compile the project; write manifest.json (compiled SQL is written per
 * selection: writeCompiledFor). Unchanged inputs are served from <target>/.strata-cache (see
 * compiler/cache.ts): the key is computed from the raw bytes of every file, so a hit skips
 * parsing and validating the properties YAML and re-emits the warnings stored with the entry.
 */
export async function prepare(options: CommonOptions): Promise<Prepared> {
  const invocationId = options.invocationId ?? randomUUID();
  const runStartedAt = options.runStartedAt ?? new Date();
  const inputs = await loadProjectInputs(options);
  const dialect = dialectFor(inputs.target.type, inputs.target.file);
  const targetDir = join(inputs.root, inputs.config.targetPath);
  const cacheDir = join(targetDir, '.strata-cache');
  const parts = cacheKeyParts(inputs, { dialect });
  const key = parts?.key;
  const env = options.env ?? process.env;
  let hit = key === undefined ? undefined : readCacheEntry(cacheDir, key, env);
  // A miss loads the compiler; it first tries patching the stored entry with what changed (cache-patch.ts).
  const miss = hit ? undefined : await import('../compiler/cache-miss.js');
  const patchOptions = { dialect, invocationId, runStartedAt, env: options.env, targetPath: inputs.config.targetPath, validators: inputs.validators };
  if (miss && parts) hit = miss.patchEntry(cacheDir, parts, withLazyProperties(inputs), patchOptions);
  const loadedBefore = inputs.diagnostics.length;
  let project: Project;
  if (hit) {
    project = withLazyProperties(inputs);
    project.diagnostics.push(...hit.diagnostics);
  } else {
    project = withProperties(inputs, readProperties(inputs.files.propertyFiles, inputs.validators, inputs.diagnostics));
  }
  for (const diagnostic of project.diagnostics) options.onEvent?.({ type: 'diagnostic', diagnostic });
  const compileOptions = { dialect, invocationId, runStartedAt, env: options.env };
  const compiled = hit ? undefined : miss!.compileRecordingEnv(project, compileOptions);
  const manifest = hit?.manifest ?? compiled!.manifest;
  const facts = hit?.facts ?? nodeFacts(manifest, dialect);
  const graph = ProjectGraph.fromManifest(manifest, facts.info, facts.order);
  // A stored entry was acyclic when it was stored.
  // The topological order is stored with the entry; computing it reports a cycle (UserError).
  if (!hit) facts.order = graph.topoOrder();
  const entryId = compiled && parts !== undefined
    ? writeCacheEntry(cacheDir, { key: parts.key, env: compiled.reads, diagnostics: project.diagnostics.slice(loadedBefore), manifest, facts, targetPath: project.config.targetPath, dialect })
    : hit?.id;
  if (compiled && parts !== undefined && entryId !== undefined) miss!.writeInputs(cacheDir, entryId, parts, compiled.uses, miss!.propertyIndex(manifest, project.properties));
  writeManifest(join(targetDir, 'manifest.json'), { manifest, dialect, invocationId, runStartedAt }, cacheDir, entryId);
  return { project, manifest, graph, dialect, invocationId, runStartedAt, targetDir, facts, entryId, since: hit?.since };
}

/** Apply --select / --exclude; warns (as a diagnostic event) about selectors that match nothing. */
export function selectIds(prepared: Prepared, options: SelectionOptions, resourceTypes: ResourceType[]): string[] {
  const { ids, unmatched } = selectWithReport(prepared.manifest, prepared.graph, {
    select: options.select,
    exclude: options.exclude,
    resourceTypes,
    summaries: () => prepared.facts.summaries,
  });
  for (const selector of unmatched) {
    options.onEvent?.({
      type: 'diagnostic',
      diagnostic: { level: 'warn', message: `the selector '${selector}' matched nothing`, hint: 'check the name with `strata ls`' },
    });
  }
  return ids;
}

/** Write the compiled SQL of the selected nodes under target/compiled (unchanged files are skipped). */
export function writeCompiledFor(prepared: Prepared, ids: Iterable<string>): void {
  writeCompiled(prepared.manifest, prepared.project.root, prepared.project.config.targetPath, ids, prepared.facts, prepared.entryId, prepared.since);
}
