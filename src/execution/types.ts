import type { Adapter } from '../adapters/adapter.js';
import type { Manifest, ManifestNode } from '../compiler/types.js';
import type { EnsureSchema } from './run-schemas.js';

export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

/** One result per executed (or skipped) node; shaped like dbt's run_results entries. */
export interface NodeResult {
  unique_id: string;
  status: NodeStatus;
  /** Short human text: "CREATE TABLE (120 rows)", the error message, "skipped: upstream stg_orders failed". */
  message: string;
  /** Seconds. */
  execution_time: number;
  timing: Array<{ name: 'compile' | 'execute'; started_at: string; completed_at: string }>;
  thread_id: string;
  adapter_response: { rows_affected?: number; code?: string };
  /** Tests: number of failing rows. */
  failures: number | null;
  relation_name?: string;
  compiled_code?: string;
}

/** One unit of work in a plan: a node to run, with the plan-level nodes it waits for. */
export interface PlanStep {
  unique_id: string;
  /** Materialization / action: "view", "table", "ephemeral", "seed", "test"... */
  action: string;
  /** unique_ids of steps (in this plan) that must succeed first. */
  waitsFor: string[];
}

/** Plain data: what execute will do, in a valid order. */
export interface Plan {
  steps: PlanStep[];
  /** Selected nodes that need no warehouse work (ephemeral models). */
  noop: string[];
}

export interface ExecuteOptions {
  threads: number;
  failFast: boolean;
  fullRefresh: boolean;
  /** Called when a node starts / finishes; the reporter prints from these. */
  onNodeStart?: (node: ManifestNode, index: number, total: number) => void;
  onNodeDone?: (node: ManifestNode, result: NodeResult, index: number, total: number) => void;
  /** Aborted → running statements are cancelled and no new node starts. */
  signal?: AbortSignal;
}

export interface ExecuteContext {
  manifest: Manifest;
  adapter: Adapter;
  /** Absolute project root (seed CSVs are read relative to it). */
  projectRoot: string;
  /** The profile target's schema (tests store failing rows in `<targetSchema>_audit`). */
  targetSchema?: string;
}

/** What a materialization gets to build one node. */
export interface MaterializeContext extends ExecuteContext {
  node: ManifestNode;
  fullRefresh: boolean;
  /** Creates the relation's schema at most once per run (executePlan sets it; default: adapter.createSchema every time). */
  ensureSchema?: EnsureSchema;
}

export interface MaterializeResult {
  /** "CREATE VIEW", "CREATE TABLE (120 rows)", "INSERT 120"; tests: "PASS", "FAIL 3", "WARN 2". */
  message: string;
  rowsAffected?: number;
  /** Tests: the outcome (default 'success' for everything else). */
  status?: 'pass' | 'fail' | 'warn';
  /** Tests: number of failing rows. */
  failures?: number;
}

export type Materialization = (ctx: MaterializeContext) => Promise<MaterializeResult>;
