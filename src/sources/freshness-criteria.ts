/** Source freshness criteria (`warn_after`, `error_after`, `filter`) and the status they give an age. */
import { UserError } from '../errors.js';
import type { SourceNode } from '../compiler/types.js';

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessThreshold {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

export interface FreshnessCriteria {
  warn_after: FreshnessThreshold | null;
  error_after: FreshnessThreshold | null;
  filter: string | null;
}

const SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

function threshold(raw: unknown, key: string, src: SourceNode): FreshnessThreshold | null {
  if (raw === undefined || raw === null) return null;
  const t = raw as Record<string, unknown>;
  const count = t.count;
  const period = t.period;
  if (count === null || count === undefined) return null;
  if (typeof count !== 'number' || !(count > 0) || typeof period !== 'string' || !Object.hasOwn(SECONDS, period)) {
    throw new UserError(`source '${src.source_name}.${src.name}': freshness ${key} needs count (a positive number) and period (minute, hour or day)`, {
      file: src.original_file_path,
      line: src.line,
      hint: `e.g. ${key}: {count: 12, period: hour}`,
    });
  }
  return { count, period: period as FreshnessThreshold['period'] };
}

/** The criteria of a source table, or undefined when it has no freshness check (no loaded_at_field or thresholds). */
export function criteriaOf(src: SourceNode): FreshnessCriteria | undefined {
  const f = src.freshness;
  if (!f || !src.loaded_at_field) return undefined;
  const criteria: FreshnessCriteria = {
    warn_after: threshold(f.warn_after, 'warn_after', src),
    error_after: threshold(f.error_after, 'error_after', src),
    filter: typeof f.filter === 'string' && f.filter.trim() !== '' ? f.filter : null,
  };
  return criteria.warn_after || criteria.error_after ? criteria : undefined;
}

/** Seconds in a threshold. */
export function thresholdSeconds(t: FreshnessThreshold): number {
  return t.count * SECONDS[t.period];
}

/** error when older than error_after, warn when older than warn_after, else pass. */
export function freshnessStatus(ageSeconds: number, criteria: FreshnessCriteria): 'pass' | 'warn' | 'error' {
  if (criteria.error_after && ageSeconds > thresholdSeconds(criteria.error_after)) return 'error';
  if (criteria.warn_after && ageSeconds > thresholdSeconds(criteria.warn_after)) return 'warn';
  return 'pass';
}
