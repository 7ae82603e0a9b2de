/** Human lines for `strata source freshness` (the CLI prints them through its reporter). */
import type { FreshnessSummary } from './freshness.js';

const LABEL = { pass: 'PASS', warn: 'WARN', error: 'ERROR STALE', 'runtime error': 'ERROR' } as const;

/** One line per source, then a summary line. */
export function formatFreshness(summary: FreshnessSummary): string[] {
  const lines = summary.results.map((r, i) => {
    const age = r.max_loaded_at_time_ago_in_s === null ? '' : ` (max_loaded_at ${r.max_loaded_at}, ${Math.round(r.max_loaded_at_time_ago_in_s)}s ago)`;
    const detail = r.error ? `: ${r.error.split('\n')[0]}` : '';
    return `${i + 1}/${summary.results.length} ${LABEL[r.status].padEnd(11)} freshness of ${r.name}${age}${detail}`;
  });
  if (summary.results.length === 0) lines.push('No sources with a freshness check selected');
  const count = (s: string) => summary.results.filter((r) => r.status === s).length;
  lines.push(`Done. PASS=${count('pass')} WARN=${count('warn')} ERROR=${count('error') + count('runtime error')}; results in ${summary.path}`);
  return lines;
}
