import type { RunOptions } from './options.js';
import { executeSelection, type RunSummary } from './execute-selection.js';

/** `strata build`: seeds, models and snapshots in DAG order, each followed by its tests (which gate its dependents). */
export function build(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('build', options, ['seed', 'model', 'snapshot', 'test', 'unit_test']);
}

/** `strata run`: models only. */
export function run(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('run', options, ['model']);
}

/** `strata seed`: load seed CSVs. */
export function seed(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('seed', options, ['seed']);
}
