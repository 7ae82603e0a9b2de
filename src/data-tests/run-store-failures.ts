/** store_failures: a test's failing rows saved to `<target schema>_audit.<test name>`, replacing the previous run's. */
import type { Adapter } from '../adapters/adapter.js';
import type { ManifestNode, Relation } from '../compiler/types.js';
import { dropSql, inTransaction, tmpRelation } from '../materializations/sql.js';
import { sha256 } from '../util/hash.js';

/** PostgreSQL's identifier limit; longer test names are shortened with a hash. */
const MAX_IDENTIFIER = 63;

/** Is store_failures switched on for this test (true, "true")? */
export function storesFailures(node: ManifestNode): boolean {
  const v = node.config.store_failures;
  return v === true || v === 'true';
}

/**
 * Where the test's failing rows go: `<target schema>_audit.<alias or name>` (≤ 63 characters).
 * The compiler already gives test nodes that relation; hand-built nodes get it computed here.
 */
export function auditRelation(node: ManifestNode, targetSchema: string | undefined): Relation {
  if (node.relation.schema.endsWith('_audit') && node.relation.identifier.length <= MAX_IDENTIFIER) return node.relation;
  const name = typeof node.config.alias === 'string' && node.config.alias ? node.config.alias : node.name;
  const identifier = name.length <= MAX_IDENTIFIER ? name : `${name.slice(0, MAX_IDENTIFIER - 17)}_${sha256(name).slice(0, 16)}`;
  const schema = `${targetSchema ?? node.relation.schema}_audit`;
  return node.relation.database ? { database: node.relation.database, schema, identifier } : { schema, identifier };
}

/**
 * Save the rows of `failingSql` (the test's query) into the audit relation: built next to it,
 * then swapped in within one transaction, so a failing query leaves the previous rows intact.
 */
export async function storeFailures(adapter: Adapter, relation: Relation, failingSql: string): Promise<void> {
  const { dialect } = adapter;
  const tmp = tmpRelation(relation);
  await adapter.createSchema(relation.schema, relation.database);
  await adapter.withConnection(async (conn) => {
    await conn.execute(dropSql(dialect, tmp, 'table'));
    try {
      await conn.execute(`create table ${dialect.renderRelation(tmp)} as select * from (\n${failingSql}\n) as failures`);
      await inTransaction(conn, async () => {
        const kind = await adapter.relationKind(relation, conn);
        if (kind) await conn.execute(dropSql(dialect, relation, kind));
        await conn.execute(`alter table ${dialect.renderRelation(tmp)} rename to ${dialect.quoteIdentifier(relation.identifier)}`);
      });
    } catch (err) {
      await conn.execute(dropSql(dialect, tmp, 'table')).catch(() => undefined);
      throw err;
    }
  });
}
