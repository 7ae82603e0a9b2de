/** `table`: build into `<identifier>__strata_tmp`, then swap it in within one transaction. */
import type { Materialization } from '../execution/types.js';
import { bodySql, countRows, dropSql, executeInTransaction, runHooks, tmpRelation } from './sql.js';

/**
 * Builds the new table next to the old one, so a failing query never touches the old
 * relation; only the drop + rename happen in the transaction. On failure the tmp is dropped.
 * Round trips per model: build (drop stale tmp + CREATE TABLE AS), one kind lookup, the swap
 * (begin; drop; rename; commit). The row count comes from CREATE TABLE AS itself where the
 * driver reports it, so no count(*) scan follows.
 */
export const table: Materialization = async ({ adapter, node }) => {
  const { dialect } = adapter;
  const relation = node.relation;
  const tmp = tmpRelation(relation);
  await adapter.createSchema(relation.schema, relation.database);
  return adapter.withConnection(async (conn) => {
    await runHooks(conn, node, 'pre_hook');
    let rows: number | undefined;
    try {
      // A crashed earlier run may have left the tmp behind. One line, so the model's SQL keeps its line numbers.
      const built = await conn.execute(`${dropSql(dialect, tmp, 'table')}; create table ${dialect.renderRelation(tmp)} as ${bodySql(node)}`);
      rows = built.rowsAffected;
      const kind = await adapter.relationKind(relation, conn);
      await executeInTransaction(conn, [
        ...(kind ? [dropSql(dialect, relation, kind)] : []),
        `alter table ${dialect.renderRelation(tmp)} rename to ${dialect.quoteIdentifier(relation.identifier)}`,
      ]);
    } catch (err) {
      await conn.execute(dropSql(dialect, tmp, 'table')).catch(() => undefined);
      throw err;
    }
    rows ??= await countRows(conn, dialect, relation);
    await runHooks(conn, node, 'post_hook');
    return { message: `CREATE TABLE (${rows} rows)`, rowsAffected: rows };
  });
};
