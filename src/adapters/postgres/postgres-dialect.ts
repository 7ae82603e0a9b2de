/**
 * PostgreSQL SQL dialect: double-quoted identifiers, standard string literals,
 * relations rendered as "schema"."name" (one database per connection, so no catalog part).
 */
import type { Relation } from '../../compiler/types.js';
import type { Capabilities, Dialect } from '../adapter.js';

const CAPABILITIES: Capabilities = Object.freeze({
  transactionalDdl: true,
  usesDatabaseInRelation: false,
  concurrentConnections: true,
  prefersBatchedTests: true,
});

const TYPE_NAMES = Object.freeze({
  string: 'text',
  integer: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  boolean: 'boolean',
  // Timestamps without zone, like DuckDB's TIMESTAMP: the same SQL means the same thing on both.
  timestamp: 'timestamp',
  date: 'date',
} as const);

/** Quote an identifier: my"col → "my""col". Case is kept as written (PostgreSQL folds unquoted names). */
export function quotePgIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal: O'Brien → 'O''Brien' (standard_conforming_strings is on by default). */
export function quotePgString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export const postgresDialect: Dialect = {
  type: 'postgres',
  capabilities: CAPABILITIES,
  quoteIdentifier: quotePgIdentifier,
  quoteString: quotePgString,
  renderRelation(relation: Relation): string {
    const parts = [relation.schema, relation.identifier];
    if (CAPABILITIES.usesDatabaseInRelation && relation.database) parts.unshift(relation.database);
    return parts.map(quotePgIdentifier).join('.');
  },
  typeName(kind) {
    return TYPE_NAMES[kind];
  },
};
