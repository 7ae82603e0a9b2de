/** Builders for NodeResult objects (run_results entries). */
import type { Dialect } from '../adapters/adapter.js';
import type { ManifestNode } from '../compiler/types.js';
import type { MaterializeResult, NodeResult } from './types.js';

/** Where the node lives, for resource types that build a relation. */
function relationName(node: ManifestNode | undefined, dialect: Dialect): string | undefined {
  if (!node || node.resource_type === 'test' || node.resource_type === 'unit_test') return undefined;
  return dialect.renderRelation(node.relation);
}

/** The database's (or our) message, without a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export interface Timed {
  started: Date;
  completed: Date;
  threadId: string;
}

/** A result for a node that ran, successfully (`outcome`) or not (`error`). */
export function ranResult(
  id: string,
  node: ManifestNode | undefined,
  dialect: Dialect,
  time: Timed,
  outcome: { ok: MaterializeResult } | { error: unknown },
): NodeResult {
  const ok = 'ok' in outcome;
  return {
    unique_id: id,
    status: ok ? (outcome.ok.status ?? 'success') : 'error',
    message: ok ? outcome.ok.message : errorMessage(outcome.error),
    execution_time: (time.completed.getTime() - time.started.getTime()) / 1000,
    timing: [{ name: 'execute', started_at: time.started.toISOString(), completed_at: time.completed.toISOString() }],
    thread_id: time.threadId,
    adapter_response: ok && outcome.ok.rowsAffected !== undefined ? { rows_affected: outcome.ok.rowsAffected } : {},
    failures: ok ? (outcome.ok.failures ?? null) : null,
    relation_name: relationName(node, dialect),
    compiled_code: node?.compiled_code,
  };
}

/** Statuses after which dependents may run (a warning does not block). */
export function letsDependentsRun(status: NodeResult['status']): boolean {
  return status === 'success' || status === 'pass' || status === 'warn';
}

/** A result for a node that never started. */
export function skippedResult(id: string, node: ManifestNode | undefined, dialect: Dialect, message: string): NodeResult {
  return {
    unique_id: id,
    status: 'skipped',
    message,
    execution_time: 0,
    timing: [],
    thread_id: '',
    adapter_response: {},
    failures: null,
    relation_name: relationName(node, dialect),
    compiled_code: node?.compiled_code,
  };
}
