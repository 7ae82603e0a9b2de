/** Small SQL helpers shared by materializations; dialect-neutral (quoting comes from the Dialect). */
import type { Relation } from '../compiler/types.js';
import type { MaterializeContext } from '../execution/types.js';
import type { Connection, Dialect, RelationKind } from '../adapters/adapter.js';
import type { ManifestNode } from '../compiler/types.js';

/** Suffix of the relation a table is built into before it is swapped in. */
export const TMP_SUFFIX = '__strata_tmp';

/** The temporary relation next to `relation` (same schema). */
export function tmpRelation(relation: Relation): Relation {
  return { ...relation, identifier: relation.identifier + TMP_SUFFIX };
}

/**
 * A model's SQL ready to be wrapped in `create ... as (...)`: trailing semicolons removed,
 * and a newline before the closing parenthesis so a trailing `-- comment` cannot swallow it.
 */
export function bodySql(node: ManifestNode): string {
  if (node.compiled_code === undefined) {
    throw new Error(`${node.unique_id} has no compiled SQL`);
  }
  return `(\n${node.compiled_code.replace(/[\s;]+$/, '')}\n)`;
}

/** `drop table|view if exists <rel> cascade` (dependents are rebuilt downstream, as dbt does). */
export function dropSql(dialect: Dialect, relation: Relation, kind: RelationKind): string {
  return `drop ${kind} if exists ${dialect.renderRelation(relation)} cascade`;
}

export { executeInTransaction, inTransaction } from '../adapters/transaction.js';

/** Hook SQL as configured: strings, or dbt's `{sql: ...}` objects. */
function hookSql(hooks: unknown): string[] {
  if (hooks === undefined || hooks === null) return [];
  const list = Array.isArray(hooks) ? hooks : [hooks];
  return list
    .map((h) => (typeof h === 'string' ? h : typeof h === 'object' && h && 'sql' in h ? String(h.sql) : ''))
    .filter((s) => s.trim() !== '');
}

/** Run a node's pre_hook or post_hook statements in order on one connection. */
export async function runHooks(conn: Connection, node: ManifestNode, which: 'pre_hook' | 'post_hook'): Promise<void> {
  for (const sql of hookSql(node.config[which])) await conn.execute(sql);
}

/** Make sure the node's schema exists: once per run under executePlan, else every call. */
export function ensureSchema(ctx: MaterializeContext, relation: Relation): Promise<void> {
  return ctx.ensureSchema ? ctx.ensureSchema(relation) : ctx.adapter.createSchema(relation.schema, relation.database);
}

/** Cheap row count of a relation. */
export async function countRows(conn: Connection, dialect: Dialect, relation: Relation): Promise<number> {
  const res = await conn.query(`select count(*) as n from ${dialect.renderRelation(relation)}`);
  return Number(res.rows[0]?.n ?? 0);
}
