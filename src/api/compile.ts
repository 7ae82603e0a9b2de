import type { ManifestNode } from '../compiler/types.js';
import type { SelectionOptions } from './options.js';
import { prepare, selectIds, writeCompiledFor } from './prepare.js';

export interface CompileSummary {
  /** Selected nodes with their compiled SQL, in DAG order. */
  readonly nodes: ManifestNode[];
  /** How many nodes were selected (nodes.length, without reading them). */
  count: number;
  /** Absolute path of target/manifest.json. */
  manifestPath: string;
}

/** `strata compile`: render every model to SQL under target/compiled and write manifest.json. No warehouse access. */
export async function compile(options: SelectionOptions = {}): Promise<CompileSummary> {
  const prepared = await prepare(options);
  const ids = selectIds(prepared, options, ['model', 'seed', 'snapshot', 'test', 'unit_test']);
  writeCompiledFor(prepared, ids);
  const { manifest } = prepared;
  return {
    count: ids.length,
    // Read on demand: a cached manifest parses a node only when it is read.
    get nodes() {
      return ids.map((id) => manifest.nodes[id]!);
    },
    manifestPath: `${prepared.targetDir}/manifest.json`,
  };
}
