import type { NodeResult } from '../execution/types.js';
import { metadata, type ArtifactMetadata } from './versions.js';

export interface RunResultsArtifact {
  metadata: ArtifactMetadata;
  results: Array<NodeResult & { compiled: boolean }>;
  elapsed_time: number;
  args: Record<string, unknown>;
}

/** target/run_results.json, shaped like dbt's run results (v6). */
export function runResultsArtifact(
  results: NodeResult[],
  invocationId: string,
  generatedAt: Date,
  elapsedSeconds: number,
  args: Record<string, unknown>,
): RunResultsArtifact {
  return {
    metadata: metadata('runResults', invocationId, generatedAt),
    results: results.map((r) => ({ ...r, compiled: r.compiled_code !== undefined })),
    elapsed_time: elapsedSeconds,
    args,
  };
}
