/**
 * Unit test comparison: the model's rows against the expected rows, on the expected columns only,
 * as multisets (order does not matter). Numbers compare numerically, dates and timestamps by
 * instant, strings exactly, null equals null.
 */
import type { FixtureRow, FixtureValue } from './unit-fixtures.js';

export interface UnitComparison {
  /** Expected rows no actual row matched (printed with `+`). */
  missing: FixtureRow[];
  /** Actual rows no expected row matched (printed with `-`). */
  unexpected: Array<Record<string, unknown>>;
  /** Expected columns the model does not return. */
  absentColumns: string[];
}

const NUMERIC = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATELIKE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function instant(text: string): number {
  const iso = text.replace(' ', 'T');
  // Without a zone both sides are read as UTC, so naive timestamps compare as written.
  return Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
}

/** Loose equality of an expected fixture value and a value read from the warehouse. */
export function valuesMatch(expected: FixtureValue, actual: unknown): boolean {
  if (expected === null || actual === null || actual === undefined) return expected === null && (actual === null || actual === undefined);
  if (typeof expected === 'number') {
    const n = typeof actual === 'number' ? actual : typeof actual === 'bigint' || (typeof actual === 'string' && NUMERIC.test(actual.trim())) ? Number(actual) : NaN;
    if (Number.isNaN(n)) return false;
    return n === expected || Math.abs(n - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'boolean') return actual === expected || String(actual).toLowerCase() === String(expected);
  const a = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
  if (a === expected) return true;
  if (DATELIKE.test(expected) && DATELIKE.test(a)) return instant(expected) === instant(a);
  return false;
}

/** Compare `actual` with `expected` on `columns` (matched to the output's columns case-insensitively). */
export function compareRows(columns: string[], expected: FixtureRow[], actual: Array<Record<string, unknown>>, outputColumns: string[]): UnitComparison {
  const byLower = new Map(outputColumns.map((c) => [c.toLowerCase(), c]));
  const key = new Map<string, string>();
  const absentColumns: string[] = [];
  for (const c of columns) {
    const found = outputColumns.includes(c) ? c : byLower.get(c.toLowerCase());
    if (found === undefined) absentColumns.push(c);
    else key.set(c, found);
  }
  const projected = actual.map((row) => Object.fromEntries(columns.map((c) => [c, key.has(c) ? row[key.get(c)!] : undefined])));
  const used = new Array<boolean>(projected.length).fill(false);
  const missing: FixtureRow[] = [];
  for (const exp of expected) {
    const i = projected.findIndex((row, j) => !used[j] && columns.every((c) => valuesMatch(exp[c] ?? null, row[c])));
    if (i < 0) missing.push(exp);
    else used[i] = true;
  }
  return { missing, unexpected: projected.filter((_, j) => !used[j]), absentColumns };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The row diff: a header, then `+ ` expected rows not returned and `- ` returned rows not expected. */
export function formatDiff(columns: string[], cmp: UnitComparison): string {
  const line = (sign: string, row: Record<string, unknown>) => `${sign} ${columns.map((c) => `${c}=${show(row[c] ?? null)}`).join(', ')}`;
  return [
    `actual differs from expected (+ expected, - actual):`,
    ...cmp.missing.map((r) => line('+', r)),
    ...cmp.unexpected.map((r) => line('-', r)),
  ].join('\n');
}
