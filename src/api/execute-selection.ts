import { join, resolve } from 'node:path';
import { createAdapter } from '../adapters/registry.js';
import { runResultsArtifact } from '../artifacts/run-results.js';
import { writeJsonAtomic } from '../artifacts/write.js';
import type { ResourceType } from '../compiler/types.js';
import { buildBatchQuery } from '../data-tests/batch.js';
import { junitXml, writeJunitXml } from '../data-tests/junit.js';
import { validationReport, writeValidationReport, type ValidationReport } from '../data-tests/report.js';
import { thresholdsOf } from '../data-tests/run-status.js';
import { TestRun } from '../data-tests/run-test.js';
import { unitTestAction } from '../data-tests/unit-run.js';
import { createRunActions } from '../execution/actions.js';
import { executePlan } from '../execution/execute.js';
import { planRun } from '../execution/plan.js';
import type { NodeResult, Plan } from '../execution/types.js';
import type { RunOptions } from './options.js';
import { prepare, selectIds, writeCompiledFor, type Prepared } from './prepare.js';

export interface RunSummary {
  /** One result per planned node, in plan order. */
  results: NodeResult[];
  /** True when no node errored or failed (a test's warn is a success) and the run was not cancelled. */
  success: boolean;
  /** The run was cancelled (signal aborted, e.g. Ctrl-C): what had not finished was skipped. */
  cancelled: boolean;
  elapsedSeconds: number;
  invocationId: string;
  /** Absolute path of run_results.json. */
  runResultsPath: string;
  /** The validation report, when the run included tests. */
  report?: ValidationReport;
  /** Absolute path of target/reports/<invocation_id>.json, when written. */
  reportPath?: string;
  /** Absolute path of the JUnit XML, when asked for. */
  junitPath?: string;
}

/**
 * The shared body of build / run / seed / test: prepare, select the given resource types,
 * plan, execute on the warehouse, write run_results.json (and, when tests were selected,
 * the validation report; with `junitXml`, JUnit XML).
 */
export async function executeSelection(
  command: string,
  options: RunOptions,
  resourceTypes: ResourceType[],
): Promise<RunSummary> {
  const started = performance.now();
  const prepared = await prepare(options);
  const ids = selectIds(prepared, options, resourceTypes);
  writeCompiledFor(prepared, ids);
  const plan = planRun(prepared.manifest, ids);
  const { manifest } = prepared;
  // Bad thresholds are project mistakes: report them before touching the warehouse.
  for (const step of plan.steps) if (step.action === 'test') thresholdsOf(manifest.nodes[step.unique_id]!);
  const testRun = new TestRun(manifest, plan.steps.map((s) => s.unique_id), {
    batch: options.batchTests ?? prepared.dialect.capabilities.prefersBatchedTests,
    buildBatch: buildBatchQuery,
    targetSchema: prepared.project.target.schema,
  });
  const results = await runPlan(command, prepared, plan, testRun, options);
  const cancelled = options.signal?.aborted === true;
  const elapsedSeconds = (performance.now() - started) / 1000;
  const now = new Date();
  const runResultsPath = join(prepared.targetDir, 'run_results.json');
  const args = { command, select: options.select ?? [], exclude: options.exclude ?? [], target: prepared.project.target.name };
  writeJsonAtomic(runResultsPath, runResultsArtifact(results, prepared.invocationId, now, elapsedSeconds, args));
  const summary: RunSummary = {
    results,
    success: !cancelled && results.every((r) => r.status !== 'error' && r.status !== 'fail'),
    cancelled,
    elapsedSeconds,
    invocationId: prepared.invocationId,
    runResultsPath,
  };
  if (resourceTypes.includes('test')) {
    summary.report = validationReport(manifest, results, testRun.details, prepared.invocationId, now);
    summary.reportPath = writeValidationReport(prepared.targetDir, summary.report);
  }
  if (options.junitXml) {
    summary.junitPath = resolve(options.junitXml);
    writeJunitXml(summary.junitPath, junitXml(manifest, results, `strata ${command}`, prepared.runStartedAt, elapsedSeconds));
  }
  const { report } = summary;
  const validation = report && { passed: report.validation_passed, errors: report.errors, warnings: report.warnings };
  options.onEvent?.({ type: 'run_end', results, elapsedSeconds, reportPath: summary.reportPath, validation });
  return summary;
}

async function runPlan(command: string, prepared: Prepared, plan: Plan, testRun: TestRun, options: RunOptions): Promise<NodeResult[]> {
  const { project, manifest, dialect } = prepared;
  const threads = project.target.threads;
  options.onEvent?.({
    type: 'run_start',
    command,
    total: plan.steps.length,
    threads,
    target: project.target.name,
    adapter: project.target.type,
  });
  if (plan.steps.length === 0) return [];
  const adapter = await createAdapter(project.target);
  const release = adapter.buildLock ? await adapter.buildLock(lockKey(prepared), { wait: true }) : undefined;
  const actionOf = new Map(plan.steps.map((s) => [s.unique_id, s.action]));
  const describe = (uniqueId: string) => {
    const node = manifest.nodes[uniqueId]!;
    return {
      uniqueId,
      name: node.name,
      resourceType: node.resource_type,
      action: actionOf.get(uniqueId) ?? node.resource_type,
      relation: dialect.renderRelation(node.relation),
    };
  };
  try {
    return await executePlan(
      plan,
      { manifest, adapter, projectRoot: project.root, targetSchema: project.target.schema },
      {
        threads,
        failFast: options.failFast ?? false,
        fullRefresh: options.fullRefresh ?? false,
        signal: options.signal,
        onNodeStart: (node, index, total) => options.onEvent?.({ type: 'node_start', ...describe(node.unique_id), index, total }),
        onNodeDone: (node, result, index, total) =>
          options.onEvent?.({ type: 'node_done', ...describe(node.unique_id), index, total, result }),
      },
      createRunActions(testRun, { unit_test: unitTestAction }),
    );
  } finally {
    try {
      await release?.();
    } finally {
      await adapter.close();
    }
  }
}

/** One build at a time per project and destination (database + schema). */
function lockKey({ project }: Prepared): string {
  const t = project.target;
  return `strata:${project.config.name}:${t.dbname ?? t.database ?? t.path ?? ''}:${t.schema}`;
}
