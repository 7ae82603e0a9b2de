import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Dialect } from '../adapters/adapter.js';
import { dialectFor } from '../adapters/registry.js';
import { manifestArtifact } from '../artifacts/manifest.js';
import { writeJsonAtomic } from '../artifacts/write.js';
import { compileWithCache } from '../compiler/cache.js';
import { writeCompiled } from '../compiler/write.js';
import type { Manifest, ResourceType } from '../compiler/types.js';
import { ProjectGraph } from '../graph/graph.js';
import { selectWithReport } from '../graph/select.js';
import { loadProject } from '../project/load.js';
import type { Project } from '../project/types.js';
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
}

/** Load, validate and compile the project (through the compile cache); write manifest.json (compiled SQL is written per selection: writeCompiledFor). */
export async function prepare(options: CommonOptions): Promise<Prepared> {
  const invocationId = options.invocationId ?? randomUUID();
  const runStartedAt = options.runStartedAt ?? new Date();
  const project = await loadProject(options);
  for (const diagnostic of project.diagnostics) options.onEvent?.({ type: 'diagnostic', diagnostic });
  const dialect = dialectFor(project.target.type, project.target.file);
  const targetDir = join(project.root, project.config.targetPath);
  // Unchanged inputs reload the manifest from <target>/.strata-cache (see compiler/cache.ts).
  const { manifest } = compileWithCache(project, { dialect, invocationId, runStartedAt, env: options.env }, join(targetDir, '.strata-cache'));
  const graph = ProjectGraph.fromManifest(manifest);
  graph.assertAcyclic();
  // Compact, as dbt writes it: the largest artifact, read by tools rather than people.
  writeJsonAtomic(join(targetDir, 'manifest.json'), manifestArtifact(manifest, dialect, invocationId, runStartedAt), 0);
  return { project, manifest, graph, dialect, invocationId, runStartedAt, targetDir };
}

/** Apply --select / --exclude; warns (as a diagnostic event) about selectors that match nothing. */
export function selectIds(prepared: Prepared, options: SelectionOptions, resourceTypes: ResourceType[]): string[] {
  const { ids, unmatched } = selectWithReport(prepared.manifest, prepared.graph, {
    select: options.select,
    exclude: options.exclude,
    resourceTypes,
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
  writeCompiled(prepared.manifest, prepared.project.root, prepared.project.config.targetPath, ids);
}
