/**
 * Built-in generic tests. Each turns its declared arguments into SQL fragments (every YAML value
 * through dialect.quoteString / quoteIdentifier) and names a small nunjucks template that selects
 * the failing rows. Tests whose failures are a per-row count also give a row predicate, which the
 * template and the one-scan batch (batch.ts) share.
 */
import type { Dialect } from '../adapters/adapter.js';
import { UserError } from '../errors.js';
import type { Relation } from '../compiler/types.js';
import type { DeclLocation } from './test-config.js';
import { expectedColumnsSql } from './expected-columns.js';

/** What a built-in test gets to build its SQL. */
export interface GenericTestInput {
  dialect: Dialect;
  /** Column-level tests: the column as written in YAML. */
  column?: string;
  kwargs: Record<string, unknown>;
  /** Where the tested relation lives (for schema checks). */
  relation: Relation;
  at: DeclLocation;
  /** Render a relation argument such as "ref('customers')" or "source('raw', 'x')" to SQL. */
  relationArg(text: string, key: string): string;
}

/** Template name plus the values it is rendered with; `predicate` for per-row tests. */
export interface PreparedTest {
  template: keyof typeof TEMPLATES;
  vars: Record<string, string>;
  predicate?: string;
}

export interface GenericTestDef {
  /** 'required': column-level only; 'optional': either; 'none': table-level only. */
  column: 'required' | 'optional' | 'none';
  /**
   * prepare() reads `input.relation`. Otherwise its result depends only on the arguments and the
   * column, and tests with the same ones share it (test-shape.ts).
   */
  usesRelation?: boolean;
  prepare(input: GenericTestInput): PreparedTest;
}

/** The templates; `model` is the tested relation (a filtered subquery when `where` is set). */
export const TEMPLATES = {
  rows: 'select * from {{ model }} where {{ predicate }}',
  unique:
    'select {{ column }} as unique_field, count(*) as n_records from {{ model }} where {{ column }} is not null group by {{ column }} having count(*) > 1',
  unique_combination:
    'select {{ columns }}, count(*) as n_records from {{ model }} group by {{ columns }} having count(*) > 1',
  relationships:
    'with child as (select {{ column }} as from_field from {{ model }} where {{ column }} is not null), ' +
    'parent as (select {{ field }} as to_field from {{ to }}) ' +
    'select from_field from child left join parent on child.from_field = parent.to_field where parent.to_field is null',
  row_count: 'select count(*) as row_count from {{ model }} having {{ condition }}',
  not_empty: 'select count(*) as row_count from {{ model }} having count(*) = 0',
  recency:
    'select max({{ field }}) as most_recent, {{ threshold }} as threshold from {{ model }} ' +
    'having max({{ field }}) is null or max({{ field }}) < {{ threshold }}',
  expected_columns: '{{ sql }}',
} as const;

/** Each template split at its `{{ name }}` holes: text at even indexes, variable names at odd ones. */
const TEMPLATE_PARTS: Readonly<Record<keyof typeof TEMPLATES, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.entries(TEMPLATES).map(([name, text]) => [name, Object.freeze(text.split(/\{\{\s*(\w+)\s*\}\}/))])) as Record<keyof typeof TEMPLATES, readonly string[]>,
);

/**
 * A built-in template filled with string values, without nunjucks (the same text nunjucks renders
 * for string values: the templates are plain text and `{{ name }}` holes); undefined when a hole
 * has no value here (nunjucks would look it up among the globals).
 */
export function fillTemplate(template: keyof typeof TEMPLATES, vars: Readonly<Record<string, string>>, model: string): string | undefined {
  const parts = TEMPLATE_PARTS[template];
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = name === 'model' ? model : Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (typeof value !== 'string') return undefined;
    out += value + parts[i + 1]!;
  }
  return out;
}

function fail(at: DeclLocation, message: string, hint?: string): never {
  throw new UserError(message, { ...at, ...(hint ? { hint } : {}) });
}

function required(input: GenericTestInput, test: string, ...keys: string[]): unknown {
  for (const key of keys) if (input.kwargs[key] !== undefined && input.kwargs[key] !== null) return input.kwargs[key];
  return fail(input.at, `test '${test}' needs the argument '${keys[0]}'`, `e.g. - ${test}: {${keys[0]}: ...}`);
}

/** A literal: numbers and booleans as written, anything else as a quoted string. */
export function literal(dialect: Dialect, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dialect.quoteString(value.toISOString());
  return dialect.quoteString(String(value));
}

function col(input: GenericTestInput): string {
  return input.dialect.quoteIdentifier(input.column!);
}

function number(input: GenericTestInput, key: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(input.at, `'${key}' must be a number, got ${JSON.stringify(value)}`);
  return n as number;
}

const rows = (predicate: string): PreparedTest => ({ template: 'rows', vars: { predicate }, predicate });

const UNITS = ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year'];

/** `7 days`, `12 hour` → a quoted interval text; anything else is a UserError. */
function intervalText(input: GenericTestInput, amount: unknown, unit: unknown): string {
  const n = number(input, 'interval', amount);
  const u = String(unit).toLowerCase().replace(/s$/, '');
  if (!UNITS.includes(u)) fail(input.at, `unknown datepart '${String(unit)}'`, `use one of ${UNITS.join(', ')}`);
  if (!Number.isInteger(n) || n < 0) fail(input.at, `interval must be a non-negative whole number, got ${String(amount)}`);
  return `${n} ${u}s`;
}

/** The built-in generic tests by name. */
export const GENERIC_TESTS: Readonly<Record<string, GenericTestDef>> = {
  not_null: { column: 'required', prepare: (i) => rows(`${col(i)} is null`) },
  unique: { column: 'required', prepare: (i) => ({ template: 'unique', vars: { column: col(i) } }) },
  accepted_values: {
    column: 'required',
    prepare(i) {
      const values = required(i, 'accepted_values', 'values');
      if (!Array.isArray(values) || values.length === 0) fail(i.at, "accepted_values needs 'values': a non-empty list", 'e.g. values: [placed, shipped]');
      const quote = i.kwargs.quote !== false && i.kwargs.quote !== 'false';
      const sql = (values as unknown[]).map((v) => {
        if (quote) return i.dialect.quoteString(v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
        if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
        return fail(i.at, `with quote: false, accepted_values takes numbers or booleans, got ${JSON.stringify(v)}`, 'remove quote: false to compare as strings');
      });
      return rows(`${col(i)} is not null and ${col(i)} not in (${sql.join(', ')})`);
    },
  },
  relationships: {
    column: 'required',
    prepare(i) {
      const to = required(i, 'relationships', 'to');
      const field = required(i, 'relationships', 'field');
      return { template: 'relationships', vars: { column: col(i), to: i.relationArg(String(to), 'to'), field: i.dialect.quoteIdentifier(String(field)) } };
    },
  },
  accepted_range: {
    column: 'required',
    prepare(i) {
      const min = i.kwargs.min_value ?? i.kwargs.min;
      const max = i.kwargs.max_value ?? i.kwargs.max;
      if ((min === undefined || min === null) && (max === undefined || max === null)) fail(i.at, "accepted_range needs 'min_value' or 'max_value'", 'e.g. accepted_range: {min_value: 0}');
      const inclusive = i.kwargs.inclusive !== false && i.kwargs.inclusive !== 'false';
      const parts: string[] = [];
      if (min !== undefined && min !== null) parts.push(`${col(i)} ${inclusive ? '<' : '<='} ${literal(i.dialect, min)}`);
      if (max !== undefined && max !== null) parts.push(`${col(i)} ${inclusive ? '>' : '>='} ${literal(i.dialect, max)}`);
      return rows(parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`);
    },
  },
  expression_is_true: {
    column: 'optional',
    prepare(i) {
      const expression = String(required(i, 'expression_is_true', 'expression'));
      return rows(`not (${i.column === undefined ? expression : `${col(i)} ${expression}`})`);
    },
  },
  // current_timestamp cast once to a plain timestamp: the same instant in the session time zone on both
  // warehouses, and DuckDB then compares timestamp columns without a per-row time zone conversion.
  no_future_timestamps: { column: 'required', prepare: (i) => rows(`${col(i)} > cast(current_timestamp as ${i.dialect.typeName('timestamp')})`) },
  unique_combination_of_columns: {
    column: 'none',
    prepare(i) {
      const cols = required(i, 'unique_combination_of_columns', 'combination_of_columns');
      if (!Array.isArray(cols) || cols.length === 0) fail(i.at, "'combination_of_columns' must be a non-empty list of column names");
      return { template: 'unique_combination', vars: { columns: (cols as unknown[]).map((c) => i.dialect.quoteIdentifier(String(c))).join(', ') } };
    },
  },
  row_count: {
    column: 'none',
    prepare(i) {
      const parts: string[] = [];
      for (const [key, op] of [['min', '<'], ['max', '>']] as const) {
        const v = i.kwargs[key] ?? i.kwargs[`${key}_value`];
        if (v !== undefined && v !== null) parts.push(`count(*) ${op} ${number(i, key, v)}`);
      }
      if (!parts.length) fail(i.at, "row_count needs 'min' or 'max'", 'e.g. row_count: {min: 1}');
      return { template: 'row_count', vars: { condition: parts.join(' or ') } };
    },
  },
  not_empty: { column: 'none', prepare: () => ({ template: 'not_empty', vars: {} }) },
  recency: {
    column: 'optional',
    prepare(i) {
      const field = i.column ?? String(required(i, 'recency', 'field', 'column'));
      let text: string;
      if (i.kwargs.max_age !== undefined && i.kwargs.max_age !== null) {
        const m = /^\s*(\d+)\s*([a-zA-Z]+)\s*$/.exec(String(i.kwargs.max_age));
        if (!m) fail(i.at, `max_age must look like '7 days', got '${String(i.kwargs.max_age)}'`);
        text = intervalText(i, m[1], m[2]);
      } else {
        text = intervalText(i, required(i, 'recency', 'interval'), required(i, 'recency', 'datepart'));
      }
      return { template: 'recency', vars: { field: i.dialect.quoteIdentifier(field), threshold: `(current_timestamp - cast(${i.dialect.quoteString(text)} as interval))` } };
    },
  },
  expected_columns: {
    column: 'none',
    usesRelation: true,
    prepare: (i) => ({ template: 'expected_columns', vars: { sql: expectedColumnsSql(i.dialect, i.relation, required(i, 'expected_columns', 'columns'), i.at) } }),
  },
};
