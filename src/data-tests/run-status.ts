/** A data test's outcome from its failing-row count: dbt's severity, warn_if and error_if rules. */
import type { ManifestNode } from '../compiler/types.js';
import { UserError } from '../errors.js';

export type TestStatus = 'pass' | 'warn' | 'fail';
export type Severity = 'error' | 'warn';

/** A parsed threshold such as `!=0` or `>10`. */
export interface Condition {
  op: '=' | '!=' | '>' | '>=' | '<' | '<=';
  value: number;
}

const CONDITION = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** The test's severity, warn_if and error_if (defaults: error, `!=0`, `!=0`), validated. */
export interface Thresholds {
  severity: Severity;
  warnIf: Condition;
  errorIf: Condition;
}

function where(node: ManifestNode): { file: string; line?: number } {
  return { file: node.patch_path ?? node.original_file_path, line: node.line };
}

/** Parse `>10`; anything else is a UserError naming the test's declaration. */
export function parseCondition(text: unknown, key: string, node: ManifestNode): Condition {
  const raw = typeof text === 'number' ? `=${text}` : text;
  const m = typeof raw === 'string' ? CONDITION.exec(raw) : null;
  if (!m) {
    throw new UserError(`test '${node.name}': ${key} '${String(text)}' is not a condition`, {
      ...where(node),
      hint: `write a comparison with a number, e.g. ${key}: ">10" or "!=0"`,
    });
  }
  const op = m[1] === '==' ? '=' : m[1] === '<>' ? '!=' : (m[1] as Condition['op']);
  return { op, value: Number(m[2]) };
}

/** Read and validate a test node's severity and thresholds. */
export function thresholdsOf(node: ManifestNode): Thresholds {
  const rawSeverity = node.config.severity ?? 'error';
  const severity = typeof rawSeverity === 'string' ? rawSeverity.toLowerCase() : rawSeverity;
  if (severity !== 'error' && severity !== 'warn') {
    throw new UserError(`test '${node.name}': severity '${String(rawSeverity)}' is not error or warn`, {
      ...where(node),
      hint: 'use severity: error (fails the run) or severity: warn (reports only)',
    });
  }
  return {
    severity,
    warnIf: parseCondition(node.config.warn_if ?? '!=0', 'warn_if', node),
    errorIf: parseCondition(node.config.error_if ?? '!=0', 'error_if', node),
  };
}

/** Does `failures` satisfy the condition? */
export function holds(condition: Condition, failures: number): boolean {
  const { op, value } = condition;
  switch (op) {
    case '=':
      return failures === value;
    case '!=':
      return failures !== value;
    case '>':
      return failures > value;
    case '>=':
      return failures >= value;
    case '<':
      return failures < value;
    case '<=':
      return failures <= value;
  }
}

/**
 * dbt's rule: severity error → fail when error_if holds, else warn when warn_if holds, else pass;
 * severity warn → warn when warn_if holds, else pass.
 */
export function testStatus(t: Thresholds, failures: number): TestStatus {
  if (t.severity === 'error' && holds(t.errorIf, failures)) return 'fail';
  if (holds(t.warnIf, failures)) return 'warn';
  return 'pass';
}

/** "PASS", "WARN 2", "FAIL 3" (the run_results message and the reporter's label). */
export function statusMessage(status: TestStatus, failures: number): string {
  return status === 'pass' ? 'PASS' : `${status.toUpperCase()} ${failures}`;
}
