/**
 * Unit test fixtures: rows given as dicts or CSV text, turned into plain row objects and into
 * a `select ... union all select ...` query with every value quoted through the dialect.
 */
import type { Dialect } from '../adapters/adapter.js';

export type FixtureValue = string | number | boolean | null;
export type FixtureRow = Record<string, FixtureValue>;

/** A fixture's rows and its columns (the union of the rows' keys, in first-seen order). */
export interface Fixture {
  columns: string[];
  rows: FixtureRow[];
}

/** Why a fixture could not be read (the caller adds file and line). */
export class FixtureError extends Error {}

/** A CSV cell: numbers and booleans as such, empty or `null` as null, anything else a string. */
function csvValue(cell: string): FixtureValue {
  const t = cell.trim();
  if (t === '' || t.toLowerCase() === 'null') return null;
  if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  return t;
}

/** Split one CSV line (double quotes escape separators and "" is a quote). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cur), (cur = '');
    else cur += c;
  }
  cells.push(cur);
  return cells;
}

/** Rows of CSV text with a header line. */
export function parseCsvRows(text: string): FixtureRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new FixtureError('csv rows need a header line');
  const header = csvCells(lines[0]!).map((h) => h.trim());
  return lines.slice(1).map((line, i) => {
    const cells = csvCells(line);
    if (cells.length !== header.length) throw new FixtureError(`csv row ${i + 1} has ${cells.length} values, the header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, csvValue(cells[j]!)]));
  });
}

function scalar(value: unknown, where: string): FixtureValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FixtureError(`${where}: ${value} is not a finite number`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  throw new FixtureError(`${where}: expected a number, string, boolean or null, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}

/**
 * Read `{ rows, format }` of a given or expect entry: format dict (default) takes a list of
 * mappings; csv takes CSV text (or a list of mappings, as dbt allows).
 */
export function readFixture(entry: Record<string, unknown>, what: string): Fixture {
  const format = entry.format === undefined ? 'dict' : String(entry.format);
  if (format !== 'dict' && format !== 'csv') throw new FixtureError(`${what}: unknown format '${format}' (use dict or csv)`);
  const raw = entry.rows;
  let rows: FixtureRow[];
  if (raw === undefined || raw === null) rows = [];
  else if (typeof raw === 'string') {
    if (format !== 'csv') throw new FixtureError(`${what}: rows is text; add format: csv, or give a list of mappings`);
    rows = parseCsvRows(raw);
  } else if (Array.isArray(raw)) {
    rows = raw.map((r, i) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) throw new FixtureError(`${what}: row ${i + 1} is not a mapping of column to value`);
      return Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, scalar(v, `${what} row ${i + 1} column ${k}`)]));
    });
  } else throw new FixtureError(`${what}: rows must be a list of mappings or csv text`);
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return { columns, rows };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;

/** A SQL literal for a fixture value. */
export function sqlLiteral(value: FixtureValue, dialect: Dialect): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Dates and timestamps are typed, so date arithmetic in the model works on every warehouse.
  if (DATE.test(value)) return `cast(${dialect.quoteString(value)} as ${dialect.typeName('date')})`;
  if (TIMESTAMP.test(value)) return `cast(${dialect.quoteString(value)} as ${dialect.typeName('timestamp')})`;
  return dialect.quoteString(value);
}

/**
 * The fixture as a query: one `select` per row joined by `union all`; missing keys are null.
 * `types` (column → SQL type) wraps values in casts, e.g. when the real input's types are known.
 */
export function fixtureSql(fixture: Fixture, dialect: Dialect, types: Record<string, string> = {}): string {
  const { columns, rows } = fixture;
  const value = (row: FixtureRow | undefined, col: string): string => {
    const lit = row ? sqlLiteral(row[col] ?? null, dialect) : 'null';
    const type = types[col];
    return type ? `cast(${lit} as ${type})` : lit;
  };
  if (columns.length === 0) return 'select 1 as __strata_no_columns where 1 = 0';
  const selectOf = (row: FixtureRow | undefined) => `select ${columns.map((c) => `${value(row, c)} as ${dialect.quoteIdentifier(c)}`).join(', ')}`;
  if (rows.length === 0) return `${selectOf(undefined)} where 1 = 0`;
  return rows.map(selectOf).join('\nunion all\n');
}
