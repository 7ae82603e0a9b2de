/** DuckDB's SQL dialect: quoting, relation rendering and type names. No connection needed. */
import type { Relation } from '../../compiler/types.js';
import type { Dialect } from '../adapter.js';

const TYPE_NAMES: Record<Parameters<Dialect['typeName']>[0], string> = {
  string: 'varchar',
  integer: 'integer',
  bigint: 'bigint',
  float: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
};

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The DuckDB dialect (double-quoted identifiers, catalog part only when given). */
export const duckdbDialect: Dialect = {
  type: 'duckdb',
  capabilities: {
    transactionalDdl: true,
    usesDatabaseInRelation: false,
    concurrentConnections: true,
    // Zone maps answer most single-predicate counts without a scan; a batch reads every row.
    prefersBatchedTests: false,
  },
  quoteIdentifier,
  quoteString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  },
  renderRelation(relation: Relation): string {
    const parts = relation.database
      ? [relation.database, relation.schema, relation.identifier]
      : [relation.schema, relation.identifier];
    return parts.map(quoteIdentifier).join('.');
  },
  typeName(kind) {
    return TYPE_NAMES[kind];
  },
};
