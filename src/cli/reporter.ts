/** All CLI printing: human text or one JSON event per line (--log-format json). */
import type { StrataEvent } from '../api/events.js';
import { formatLocation } from '../errors.js';
import type { NodeResult } from '../execution/types.js';

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Reporter {
  event(e: StrataEvent): void;
  /** Plain result lines (ls, compile, debug). */
  line(text: string): void;
  /** Many result lines (ls): as `line` each, written in batches in text mode (one write per line cost ~130 ms for 40k). */
  lines(texts: readonly string[]): void;
  error(text: string): void;
}

const STATUS_LABEL: Record<NodeResult['status'], string> = {
  success: 'OK',
  error: 'ERROR',
  skipped: 'SKIP',
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
};

/** Lines joined per write by `lines` in text mode. */
const LINES_PER_WRITE = 1000;

export function createReporter(format: string, output: Output, color: boolean): Reporter {
  if (format === 'json') return jsonReporter(output);
  return textReporter(output, color);
}

function jsonReporter(output: Output): Reporter {
  const emit = (obj: Record<string, unknown>) => output.out(JSON.stringify({ ts: new Date().toISOString(), ...obj }));
  return {
    event: (e) => {
      if (e.type === 'run_end') {
        emit({
          type: 'run_end',
          elapsed_seconds: e.elapsedSeconds,
          counts: countStatuses(e.results),
          report_path: e.reportPath,
          validation_passed: e.validation?.passed,
        });
      }
      else emit({ ...e });
    },
    line: (text) => emit({ type: 'output', text }),
    lines: (texts) => {
      for (const text of texts) emit({ type: 'output', text });
    },
    error: (text) => emit({ type: 'error', message: text }),
  };
}

function textReporter(output: Output, color: boolean): Reporter {
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const statusColor: Record<NodeResult['status'], number> = { success: 32, pass: 32, error: 31, fail: 31, skipped: 33, warn: 33 };
  // Lines are numbered in completion order, so the counter always climbs.
  let finished = 0;
  return {
    event: (e) => {
      switch (e.type) {
        case 'diagnostic': {
          const where = formatLocation(e.diagnostic);
          const hint = e.diagnostic.hint ? ` (${e.diagnostic.hint})` : '';
          output.err(paint(33, `warning: ${where ? `${where}: ` : ''}${e.diagnostic.message}${hint}`));
          return;
        }
        case 'run_start':
          finished = 0;
          output.out(`Running ${e.total} node${e.total === 1 ? '' : 's'} on ${e.adapter} (target ${e.target}, ${e.threads} thread${e.threads === 1 ? '' : 's'})`);
          return;
        case 'node_start':
          return;
        case 'node_done': {
          const r = e.result;
          if (e.resourceType === 'test' || e.resourceType === 'unit_test') {
            // "PASS not_null_stg_orders_order_id", "FAIL 3 unique_stg_orders_order_id".
            finished += 1;
            const counter = `${String(finished).padStart(String(e.total).length)}/${e.total}`;
            const ran = r.status === 'pass' || r.status === 'warn' || r.status === 'fail';
            // The first line only: a unit test's row diff is printed once, in the run summary.
            const head = paint(statusColor[r.status], ran ? r.message.split('\n')[0]! : STATUS_LABEL[r.status]);
            const tail = ran ? '' : ` ${r.message.split('\n')[0]}`;
            const time = r.status === 'skipped' ? '' : ` [${r.execution_time.toFixed(2)}s]`;
            output.out(`${counter} ${head} ${e.name}${tail}${time}`);
            return;
          }
          const label = paint(statusColor[r.status], STATUS_LABEL[r.status].padEnd(5));
          finished += 1;
          const counter = `${String(finished).padStart(String(e.total).length)}/${e.total}`;
          const what = `${e.action.padEnd(11)} ${e.relation}`;
          const tail = r.status === 'skipped' ? '' : ` [${r.execution_time.toFixed(2)}s]`;
          output.out(`${counter} ${label} ${what} ${dotsAfter(what)} ${r.message}${tail}`);
          return;
        }
        case 'run_end': {
          const counts = countStatuses(e.results);
          const failed = e.results.filter((r) => r.status === 'error' || r.status === 'fail');
          for (const r of failed) output.out(paint(31, `\n${STATUS_LABEL[r.status]} in ${r.unique_id}:\n  ${r.message.split('\n').join('\n  ')}`));
          const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
          output.out(`\nDone in ${e.elapsedSeconds.toFixed(2)}s. ${parts.join(' ')}`);
          if (e.validation && e.validation.errors.length + e.validation.warnings.length > 0) {
            output.out(paint(e.validation.passed ? 33 : 31, `\nValidation ${e.validation.passed ? 'passed with warnings' : 'failed'}:`));
            for (const s of e.validation.errors) output.out(paint(31, `  error: ${s}`));
            for (const s of e.validation.warnings) output.out(paint(33, `  warn:  ${s}`));
          }
          if (e.reportPath) output.out(`Validation report: ${e.reportPath}`);
          return;
        }
      }
    },
    line: (text) => output.out(text),
    lines: (texts) => {
      for (let i = 0; i < texts.length; i += LINES_PER_WRITE) output.out(texts.slice(i, i + LINES_PER_WRITE).join('\n'));
    },
    error: (text) => output.err(paint(31, text)),
  };
}

function dotsAfter(text: string): string {
  return '.'.repeat(Math.max(3, 56 - text.length));
}

function countStatuses(results: NodeResult[]): Record<string, number> {
  const counts = { OK: 0, PASS: 0, WARN: 0, ERROR: 0, FAIL: 0, SKIP: 0, TOTAL: results.length };
  for (const r of results) counts[STATUS_LABEL[r.status] as keyof typeof counts] += 1;
  return counts;
}
