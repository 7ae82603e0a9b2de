/** `table`: build into `<identifier>__strata_tmp`, then swap it in within one transaction. */
import type { Materialization } from '../execution/types.js';
import { bodySql, countRows, dropSql, inTransaction, runHooks, tmpRelation } from './sql.js';

/**
 * Builds the new table next to the old one, so a failing query never touches the old
 * relation; only the drop + rename happen in the transaction. On failure the tmp is dropped.
 */
export const table: Materialization = async ({ adapter, node }) => {
  const { dialect } = adapter;
  const relation = node.relation;
  const tmp = tmpRelation(relation);
  await adapter.createSchema(relation.schema, relation.database);
  return adapter.withConnection(async (conn) => {
    await runHooks(conn, node, 'pre_hook');
    // A crashed earlier run may have left the tmp behind.
    await conn.execute(dropSql(dialect, tmp, 'table'));
    try {
      await conn.execute(`create table ${dialect.renderRelation(tmp)} as ${bodySql(node)}`);
      await inTransaction(conn, async () => {
        const kind = await adapter.relationKind(relation, conn);
        if (kind) await conn.execute(dropSql(dialect, relation, kind));
        await conn.execute(
          `alter table ${dialect.renderRelation(tmp)} rename to ${dialect.quoteIdentifier(relation.identifier)}`,
        );
      });
    } catch (err) {
      await conn.execute(dropSql(dialect, tmp, 'table')).catch(() => undefined);
      throw err;
    }
    const rows = await countRows(conn, dialect, relation);
    await runHooks(conn, node, 'post_hook');
    return { message: `CREATE TABLE (${rows} rows)`, rowsAffected: rows };
  });
};
