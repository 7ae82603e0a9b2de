/**
 * `strata source freshness`: for each selected source table with a freshness check, query
 * max(loaded_at_field) and the warehouse's clock, compare the age with warn_after / error_after,
 * and write target/sources.json (dbt's shape).
 */
import { join } from 'node:path';
import type { Connection, Dialect } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import { writeJsonAtomic } from '../artifacts/write.js';
import { STRATA_VERSION } from '../artifacts/versions.js';
import type { SourceNode } from '../compiler/types.js';
import { prepare, selectIds } from '../api/prepare.js';
import type { SelectionOptions } from '../api/options.js';
import { criteriaOf, freshnessStatus, type FreshnessCriteria, type FreshnessStatus } from './freshness-criteria.js';

/** One entry of sources.json `results`. */
export interface FreshnessResult {
  unique_id: string;
  status: FreshnessStatus;
  max_loaded_at: string | null;
  snapshotted_at: string | null;
  max_loaded_at_time_ago_in_s: number | null;
  criteria: FreshnessCriteria;
  execution_time: number;
  /** Runtime errors: the warehouse's message. */
  error?: string;
  /** Printed form: "source raw.orders". */
  name: string;
}

export interface FreshnessSummary {
  results: FreshnessResult[];
  /** False when any source is at error level or could not be checked. */
  success: boolean;
  /** Absolute path of target/sources.json. */
  path: string;
  elapsedSeconds: number;
}

/** The freshness query: newest load time, the warehouse's now, and the age in seconds (time-zone safe). */
export function freshnessSql(src: SourceNode, criteria: FreshnessCriteria, dialect: Dialect): string {
  const field = dialect.quoteIdentifier(src.loaded_at_field!);
  const tz = `cast(max(${field}) as timestamp with time zone)`;
  // `filter` is a SQL predicate by design (as in dbt), written by the project owner.
  const where = criteria.filter ? `\nwhere ${criteria.filter}` : '';
  return `select max(${field}) as max_loaded_at, current_timestamp as snapshotted_at,
  extract(epoch from current_timestamp) - extract(epoch from ${tz}) as age_seconds
from ${dialect.renderRelation(src.relation)}${where}`;
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

async function checkOne(src: SourceNode, criteria: FreshnessCriteria, dialect: Dialect, conn: Connection): Promise<FreshnessResult> {
  const started = performance.now();
  const base = { unique_id: src.unique_id, name: `${src.source_name}.${src.name}`, criteria };
  try {
    const { rows } = await conn.query(freshnessSql(src, criteria, dialect));
    const row = rows[0] ?? {};
    const age = row.age_seconds === null || row.age_seconds === undefined ? null : Number(row.age_seconds);
    return {
      ...base,
      status: age === null ? 'error' : freshnessStatus(age, criteria),
      max_loaded_at: text(row.max_loaded_at),
      snapshotted_at: text(row.snapshotted_at),
      max_loaded_at_time_ago_in_s: age,
      execution_time: (performance.now() - started) / 1000,
      ...(age === null ? { error: 'no rows: max(loaded_at_field) is null' } : {}),
    };
  } catch (err) {
    return {
      ...base,
      status: 'runtime error',
      max_loaded_at: null,
      snapshotted_at: null,
      max_loaded_at_time_ago_in_s: null,
      execution_time: (performance.now() - started) / 1000,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/** Check the freshness of the selected sources (all with a freshness check when nothing is selected). */
export async function sourceFreshness(options: SelectionOptions = {}): Promise<FreshnessSummary> {
  const started = performance.now();
  const prepared = await prepare(options);
  const { manifest, dialect, project } = prepared;
  const checks: Array<[SourceNode, FreshnessCriteria]> = [];
  for (const id of selectIds(prepared, options, ['source'])) {
    const src = manifest.sources[id];
    const criteria = src && criteriaOf(src);
    if (src && criteria) checks.push([src, criteria]);
  }
  const results: FreshnessResult[] = [];
  if (checks.length > 0) {
    const adapter = await createAdapter(project.target);
    try {
      await adapter.withConnection(async (conn) => {
        for (const [src, criteria] of checks) results.push(await checkOne(src, criteria, dialect, conn));
      });
    } finally {
      await adapter.close();
    }
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const path = join(prepared.targetDir, 'sources.json');
  writeJsonAtomic(path, {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json',
      strata_version: STRATA_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: prepared.invocationId,
      env: {},
    },
    results: results.map(({ name: _name, ...r }) => ({ ...r, thread_id: 'Thread-1', timing: [], adapter_response: {} })),
    elapsed_time: elapsedSeconds,
  });
  return { results, success: results.every((r) => r.status === 'pass' || r.status === 'warn'), path, elapsedSeconds };
}
