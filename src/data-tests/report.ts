/**
 * The validation report: target/reports/<run_id>.json, the machine-readable gate a pipeline
 * reads before it trains (see the reference pipeline's artifacts/reports/<run_id>.json).
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../artifacts/write.js';
import type { Manifest } from '../compiler/types.js';
import type { NodeResult } from '../execution/types.js';
import { failureSentence } from './report-sentences.js';
import type { TestDetail } from './run-test.js';

/** One test that did not pass. */
export interface ReportFailure {
  /** unique_id of the tested node (model, seed or source). */
  node: string | null;
  column: string | null;
  /** The test's name (`unique_stg_orders_order_id`). */
  test: string;
  test_id: string;
  /** The generic test (`unique`), or null for singular tests. */
  test_type: string | null;
  severity: 'error' | 'warn';
  status: 'fail' | 'warn' | 'error';
  failing_rows: number | null;
  /** At most 5 failing rows. */
  sample_rows: Array<Record<string, unknown>>;
  compiled_sql: string | null;
  message: string;
}

export interface ValidationReport {
  run_id: string;
  generated_at: string;
  /** False when an error-severity test failed, or a test could not run or was skipped (upstream failure). */
  validation_passed: boolean;
  summary: { pass: number; warn: number; fail: number; error: number; skipped: number };
  /** One sentence per failing or errored test: "order_id has duplicate values (3 rows)". */
  errors: string[];
  /** One sentence per warning test. */
  warnings: string[];
  failures: ReportFailure[];
}

const TEST_TYPES = new Set(['test', 'unit_test']);

/** Build the report from a run's results (tests only; other nodes are ignored). */
export function validationReport(
  manifest: Manifest,
  results: NodeResult[],
  details: ReadonlyMap<string, TestDetail>,
  runId: string,
  generatedAt: Date,
): ValidationReport {
  const summary = { pass: 0, warn: 0, fail: 0, error: 0, skipped: 0 };
  const errors: string[] = [];
  const warnings: string[] = [];
  const failures: ReportFailure[] = [];
  for (const r of results) {
    const test = manifest.nodes[r.unique_id];
    if (!test || !TEST_TYPES.has(test.resource_type)) continue;
    if (r.status === 'skipped') summary.skipped++;
    if (r.status !== 'fail' && r.status !== 'warn' && r.status !== 'error') {
      if (r.status === 'pass' || r.status === 'success') summary.pass++;
      continue;
    }
    summary[r.status]++;
    const detail = details.get(r.unique_id);
    const sentence = failureSentence(manifest, test, r.status, r.failures, r.message);
    (r.status === 'warn' ? warnings : errors).push(sentence);
    failures.push({
      node: test.attached_node ?? test.depends_on.nodes[0] ?? null,
      column: test.column_name ?? null,
      test: test.name,
      test_id: test.unique_id,
      test_type: test.test_metadata?.name ?? null,
      severity: String(test.config.severity ?? 'error').toLowerCase() === 'warn' ? 'warn' : 'error',
      status: r.status,
      failing_rows: r.failures,
      sample_rows: detail?.sampleRows ?? [],
      compiled_sql: test.compiled_code ?? null,
      message: r.message,
    });
  }
  return {
    run_id: runId,
    generated_at: generatedAt.toISOString(),
    validation_passed: summary.fail === 0 && summary.error === 0 && summary.skipped === 0,
    summary,
    errors,
    warnings,
    failures,
  };
}

/** Write the report atomically to `<targetDir>/reports/<run_id>.json`; returns the path. */
export function writeValidationReport(targetDir: string, report: ValidationReport): string {
  const path = join(targetDir, 'reports', `${report.run_id}.json`);
  writeJsonAtomic(path, report);
  return path;
}
