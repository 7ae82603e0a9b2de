/**
 * The schema check: a query over information_schema.columns (the same on DuckDB and PostgreSQL)
 * returning one row per expected column that is missing or has another type.
 *
 * Types are compared loosely: case-insensitively, without parameters ("decimal(18,3)" → decimal),
 * and by family (varchar/text/character varying → string; int/int4/integer → integer;
 * int8/bigint → bigint; double/float8/double precision/float → double; real/float4 → real;
 * bool/boolean; timestamp/timestamp without time zone/datetime; timestamptz/timestamp with time
 * zone; numeric/decimal). Column names are compared case-insensitively.
 */
import type { Dialect } from '../adapters/adapter.js';
import { UserError } from '../errors.js';
import type { Relation } from '../compiler/types.js';
import type { DeclLocation } from './test-config.js';

const FAMILIES: Array<[string, string[]]> = [
  ['string', ['varchar', 'text', 'character varying', 'char', 'character', 'string', 'bpchar', 'nvarchar']],
  ['integer', ['integer', 'int', 'int4', 'signed']],
  ['bigint', ['bigint', 'int8', 'long']],
  ['smallint', ['smallint', 'int2', 'short']],
  ['double', ['double', 'double precision', 'float8', 'float']],
  ['real', ['real', 'float4']],
  ['numeric', ['numeric', 'decimal']],
  ['boolean', ['boolean', 'bool', 'logical']],
  ['timestamp', ['timestamp', 'timestamp without time zone', 'datetime']],
  ['timestamptz', ['timestamptz', 'timestamp with time zone']],
  ['date', ['date']],
  ['time', ['time', 'time without time zone']],
];

/** Family of a type name written in YAML (lowercased, parameters dropped). */
export function typeFamily(type: string): string {
  const t = type.toLowerCase().replace(/\(.*\)/, '').trim();
  for (const [family, names] of FAMILIES) if (names.includes(t)) return family;
  return t;
}

/** A SQL CASE mapping an information_schema data_type expression to its family. */
function familySql(dialect: Dialect, expr: string): string {
  const norm = `trim(lower(regexp_replace(${expr}, '\\(.*\\)', '')))`;
  const whens = FAMILIES.map(([family, names]) => `when ${norm} in (${names.map((n) => dialect.quoteString(n)).join(', ')}) then ${dialect.quoteString(family)}`);
  return `case ${whens.join(' ')} else ${norm} end`;
}

/** `columns:` as a list of names or a {name: type} mapping → [name, type|undefined][]. */
function expectedList(columns: unknown, at: DeclLocation): Array<[string, string | undefined]> {
  if (Array.isArray(columns) && columns.length) {
    return columns.map((c) => {
      if (c && typeof c === 'object' && !Array.isArray(c) && 'name' in c) {
        const o = c as { name: unknown; data_type?: unknown; type?: unknown };
        const type = o.data_type ?? o.type;
        return [String(o.name), type == null ? undefined : String(type)];
      }
      return [String(c), undefined];
    });
  }
  if (columns && typeof columns === 'object' && !Array.isArray(columns) && Object.keys(columns).length) {
    return Object.entries(columns as Record<string, unknown>).map(([n, t]) => [n, t == null ? undefined : String(t)]);
  }
  throw new UserError("expected_columns needs 'columns': a list of names or a mapping of name to type", { ...at, hint: 'e.g. columns: {id: integer, name: varchar}' });
}

/** Failing rows: column_name, expected_type, actual_type for each missing or mistyped column. */
export function expectedColumnsSql(dialect: Dialect, relation: Relation, columns: unknown, at: DeclLocation): string {
  const expected = expectedList(columns, at);
  const q = (s: string) => dialect.quoteString(s);
  const values = expected
    .map(([name, type]) => `(${q(name.toLowerCase())}, ${type === undefined ? 'null' : q(type)}, ${type === undefined ? 'null' : q(typeFamily(type))})`)
    .join(', ');
  return (
    `with expected (column_name, expected_type, expected_family) as (values ${values}), ` +
    `actual as (select lower(column_name) as column_name, data_type as actual_type, ${familySql(dialect, 'data_type')} as actual_family ` +
    `from information_schema.columns where table_schema = ${q(relation.schema)} and table_name = ${q(relation.identifier)}) ` +
    'select e.column_name, e.expected_type, a.actual_type from expected e left join actual a on a.column_name = e.column_name ' +
    'where a.column_name is null or (e.expected_family is not null and a.actual_family <> e.expected_family)'
  );
}
