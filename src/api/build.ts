import type { RunOptions } from './options.js';
import { executeSelection, type RunSummary } from './execute-selection.js';

/** `strata build`: seeds and models (and, once they land, snapshots and tests) in DAG order. */
export function build(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('build', options, ['seed', 'model', 'snapshot']);
}

/** `strata run`: models only. */
export function run(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('run', options, ['model']);
}

/** `strata seed`: load seed CSVs. */
export function seed(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('seed', options, ['seed']);
}
