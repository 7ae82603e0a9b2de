/**
 * The 'test' action of executePlan: count a data test's failing rows, decide pass/warn/fail by
 * its severity and thresholds, keep a few sample rows for the report, store failures if asked.
 */
import type { Adapter } from '../adapters/adapter.js';
import type { Manifest, ManifestNode } from '../compiler/types.js';
import type { Materialization } from '../execution/types.js';
import { BatchCounts, type BatchQueryBuilder } from './run-batch.js';
import { statusMessage, testStatus, thresholdsOf, type TestStatus } from './run-status.js';
import { auditRelation, storeFailures, storesFailures } from './run-store-failures.js';

/** How many failing rows the report shows per test. */
export const SAMPLE_ROWS = 5;

/** What a test run learned beyond its NodeResult (the validation report reads these). */
export interface TestDetail {
  status: TestStatus;
  failures: number;
  /** Up to SAMPLE_ROWS failing rows (empty when the test passed). */
  sampleRows: Array<Record<string, unknown>>;
  /** Counted by its relation's one aggregate query rather than by its own query. */
  batched: boolean;
  /** Where the failing rows were stored (store_failures), rendered. */
  storedIn?: string;
}

export interface TestRunOptions {
  /** Evaluate the batchable tests of one relation with one aggregate query (default true when a builder is given). */
  batch?: boolean;
  buildBatch?: BatchQueryBuilder;
  /** The target schema: failing rows go to `<targetSchema>_audit`. */
  targetSchema?: string;
}

/** Per-invocation state of the test action: the batch cache and what each test found. No globals. */
export class TestRun {
  readonly details = new Map<string, TestDetail>();
  readonly batches?: BatchCounts;

  /** `plannedIds`: every step of the plan (tests among them are batched per relation). */
  constructor(
    readonly manifest: Manifest,
    plannedIds: Iterable<string>,
    readonly options: TestRunOptions = {},
  ) {
    if (options.buildBatch && options.batch !== false) {
      const tests: ManifestNode[] = [];
      for (const id of plannedIds) {
        const node = manifest.nodes[id];
        if (node?.resource_type === 'test' && node.test_type !== 'unit') tests.push(node);
      }
      this.batches = new BatchCounts(manifest, tests, options.buildBatch);
    }
  }
}

/** The test's query without trailing semicolons, newline-terminated so a trailing comment is harmless. */
export function failingRowsSql(node: ManifestNode): string {
  if (node.compiled_code === undefined) throw new Error(`${node.unique_id} has no compiled SQL`);
  return `${node.compiled_code.replace(/[\s;]+$/, '')}\n`;
}

async function countFailures(adapter: Adapter, sql: string): Promise<number> {
  const res = await adapter.withConnection((c) => c.query(`select count(*) as failures from (\n${sql}) as strata_test`));
  return Number(res.rows[0]?.failures ?? 0);
}

async function sampleRows(adapter: Adapter, sql: string): Promise<Array<Record<string, unknown>>> {
  const res = await adapter.withConnection((c) => c.query(`select * from (\n${sql}) as strata_test limit ${SAMPLE_ROWS}`));
  return res.rows;
}

/** The action executePlan runs for a data test step. A query error throws: the step's status is 'error'. */
export function createTestAction(run: TestRun): Materialization {
  return async ({ adapter, node }) => {
    const thresholds = thresholdsOf(node);
    const sql = failingRowsSql(node);
    const fromBatch = await run.batches?.count(adapter, node);
    const failures = fromBatch ?? (await countFailures(adapter, sql));
    const status = testStatus(thresholds, failures);
    const detail: TestDetail = {
      status,
      failures,
      sampleRows: failures > 0 && status !== 'pass' ? await sampleRows(adapter, sql) : [],
      batched: fromBatch !== undefined,
    };
    if (storesFailures(node)) {
      const relation = auditRelation(node, run.options.targetSchema);
      await storeFailures(adapter, relation, sql);
      detail.storedIn = adapter.dialect.renderRelation(relation);
    }
    run.details.set(node.unique_id, detail);
    return { message: statusMessage(status, failures), status, failures };
  };
}
