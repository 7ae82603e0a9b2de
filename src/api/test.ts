import type { RunOptions } from './options.js';
import { executeSelection, type RunSummary } from './execute-selection.js';

/**
 * `strata test`: run the selected data and unit tests against what is already built (no model
 * is built). `--select stg_orders` selects that model's tests; `test_type:unit|data` and
 * `test_name:unique` narrow them. Writes run_results.json and target/reports/<invocation_id>.json.
 */
export function test(options: RunOptions = {}): Promise<RunSummary> {
  return executeSelection('test', options, ['test', 'unit_test']);
}
