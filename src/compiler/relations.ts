/** Relation naming (schema, identifier, database) and the relation object templates see. */
import type { Dialect } from '../adapters/adapter.js';
import type { ProfileTarget } from '../project/types.js';
import type { NodeConfig, Relation } from './types.js';

/**
 * What `ref()`, `source()` and `this` return: prints as the quoted relation name, and exposes
 * `.database`, `.schema`, `.identifier` (and `.name`) like dbt's Relation.
 */
export class RelationValue implements Relation {
  readonly database?: string;
  readonly schema: string;
  readonly identifier: string;
  constructor(relation: Relation, private readonly rendered: string) {
    if (relation.database !== undefined) this.database = relation.database;
    this.schema = relation.schema;
    this.identifier = relation.identifier;
  }
  get name(): string {
    return this.identifier;
  }
  toString(): string {
    return this.rendered;
  }
  /** Plain data, e.g. for `tojson`. */
  toJSON(): Relation {
    return this.database === undefined
      ? { schema: this.schema, identifier: this.identifier }
      : { database: this.database, schema: this.schema, identifier: this.identifier };
  }
}

/** A relation rendered through the dialect. */
export function relationValue(relation: Relation, dialect: Dialect): RelationValue {
  return new RelationValue(relation, dialect.renderRelation(relation));
}

/** dbt's default generate_schema_name: target schema, or `<target>_<custom>`. */
export function defaultSchemaName(customSchema: string | null | undefined, target: ProfileTarget): string {
  const custom = customSchema == null ? '' : String(customSchema).trim();
  return custom ? `${target.schema}_${custom}` : target.schema;
}

/**
 * Where a node is materialized. `schemaName` is the already generated schema
 * (default rule or the project's generate_schema_name macro).
 */
export function nodeRelation(name: string, config: NodeConfig, schemaName: string, target: ProfileTarget, dialect: Dialect): Relation {
  const relation: Relation = { schema: schemaName, identifier: config.alias ? String(config.alias) : name };
  if (dialect.capabilities.usesDatabaseInRelation) {
    const database = config.database ?? target.database;
    if (database !== undefined) relation.database = String(database);
  }
  return relation;
}
