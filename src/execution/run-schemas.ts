/** Schema creation once per run (as dbt's create_schemas), instead of once per model. */
import type { Adapter } from '../adapters/adapter.js';
import type { Relation } from '../compiler/types.js';

/** Makes sure a relation's schema exists; see {@link schemaEnsurer}. */
export type EnsureSchema = (relation: Relation) => Promise<void>;

/**
 * An `EnsureSchema` for one run: the first model of each (database, schema) creates it with
 * `adapter.createSchema`; later models (and concurrent ones) share that promise, so a run
 * issues one CREATE SCHEMA (PostgreSQL: one existence check) per schema instead of one per
 * model. A failed creation is forgotten, so the next model tries again and reports its own error.
 */
export function schemaEnsurer(adapter: Adapter): EnsureSchema {
  const created = new Map<string, Promise<void>>();
  return (relation) => {
    const key = `${relation.database ?? ''}\u0000${relation.schema}`;
    let done = created.get(key);
    if (!done) {
      done = adapter.createSchema(relation.schema, relation.database);
      created.set(key, done);
      done.catch(() => created.delete(key));
    }
    return done;
  };
}
