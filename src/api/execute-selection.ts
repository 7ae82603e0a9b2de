import { join } from 'node:path';
import { createAdapter } from '../adapters/registry.js';
import { runResultsArtifact } from '../artifacts/run-results.js';
import { writeJsonAtomic } from '../artifacts/write.js';
import type { ResourceType } from '../compiler/types.js';
import { executePlan } from '../execution/execute.js';
import { planRun } from '../execution/plan.js';
import type { NodeResult } from '../execution/types.js';
import type { RunOptions } from './options.js';
import { prepare, selectIds, type Prepared } from './prepare.js';

export interface RunSummary {
  /** One result per planned node, in plan order. */
  results: NodeResult[];
  /** True when no node errored or failed. */
  success: boolean;
  elapsedSeconds: number;
  invocationId: string;
  /** Absolute path of run_results.json. */
  runResultsPath: string;
}

/**
 * The shared body of build / run / seed: prepare, select the given resource types,
 * plan, execute on the warehouse, write run_results.json.
 */
export async function executeSelection(
  command: string,
  options: RunOptions,
  resourceTypes: ResourceType[],
): Promise<RunSummary> {
  const started = performance.now();
  const prepared = await prepare(options);
  const ids = selectIds(prepared, options, resourceTypes);
  const plan = planRun(prepared.manifest, ids);
  const results = await runPlan(command, prepared, plan, options);
  const elapsedSeconds = (performance.now() - started) / 1000;
  options.onEvent?.({ type: 'run_end', results, elapsedSeconds });
  const runResultsPath = join(prepared.targetDir, 'run_results.json');
  const args = { command, select: options.select ?? [], exclude: options.exclude ?? [], target: prepared.project.target.name };
  writeJsonAtomic(runResultsPath, runResultsArtifact(results, prepared.invocationId, new Date(), elapsedSeconds, args));
  return {
    results,
    success: results.every((r) => r.status !== 'error' && r.status !== 'fail'),
    elapsedSeconds,
    invocationId: prepared.invocationId,
    runResultsPath,
  };
}

async function runPlan(
  command: string,
  prepared: Prepared,
  plan: ReturnType<typeof planRun>,
  options: RunOptions,
): Promise<NodeResult[]> {
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
  const describe = (uniqueId: string) => {
    const node = manifest.nodes[uniqueId]!;
    return {
      uniqueId,
      name: node.name,
      resourceType: node.resource_type,
      action: node.resource_type === 'model' ? node.config.materialized : node.resource_type,
      relation: dialect.renderRelation(node.relation),
    };
  };
  try {
    return await executePlan(plan, { manifest, adapter, projectRoot: project.root }, {
      threads,
      failFast: options.failFast ?? false,
      fullRefresh: options.fullRefresh ?? false,
      signal: options.signal,
      onNodeStart: (node, index, total) => options.onEvent?.({ type: 'node_start', ...describe(node.unique_id), index, total }),
      onNodeDone: (node, result, index, total) =>
        options.onEvent?.({ type: 'node_done', ...describe(node.unique_id), index, total, result }),
    });
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
