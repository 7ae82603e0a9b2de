/** `view`: replace the relation with a view, atomically. */
import type { Materialization } from '../execution/types.js';
import { bodySql, dropSql, ensureSchema, executeInTransaction, runHooks, tmpRelation } from './sql.js';

/**
 * Drops whatever holds the name (table or view) and creates the view in one transaction,
 * so a view whose SQL fails leaves the old relation in place (rollback). Without
 * transactional DDL the SQL is first validated as a view under a temporary name.
 */
export const view: Materialization = async (ctx) => {
  const { adapter, node } = ctx;
  const { dialect } = adapter;
  const relation = node.relation;
  const body = bodySql(node);
  await ensureSchema(ctx, relation);
  return adapter.withConnection(async (conn) => {
    await runHooks(conn, node, 'pre_hook');
    if (!dialect.capabilities.transactionalDdl) {
      const tmp = tmpRelation(relation);
      await conn.execute(dropSql(dialect, tmp, 'view'));
      await conn.execute(`create view ${dialect.renderRelation(tmp)} as ${body}`);
      await conn.execute(dropSql(dialect, tmp, 'view'));
    }
    // Drop rather than `create or replace`: PostgreSQL refuses to replace a view whose columns changed.
    const kind = await adapter.relationKind(relation, conn);
    await executeInTransaction(conn, [
      ...(kind ? [dropSql(dialect, relation, kind)] : []),
      `create view ${dialect.renderRelation(relation)} as ${body}`,
    ]);
    await runHooks(conn, node, 'post_hook');
    return { message: 'CREATE VIEW' };
  });
};
