/** `table`: build into `<identifier>__strata_tmp`, then swap it in within one transaction. */
import type { Connection, RelationKind } from '../adapters/adapter.js';
import type { Relation } from '../compiler/types.js';
import type { Materialization, MaterializeContext } from '../execution/types.js';
import { bodySql, countRows, dropSql, ensureSchema, executeInTransaction, runHooks, tmpRelation } from './sql.js';

/**
 * Builds the new table next to the old one, so a failing query never touches the old
 * relation; only the drop + rename happen in the transaction. On failure the tmp is dropped.
 * Round trips on the critical path: the build (drop stale tmp + CREATE TABLE AS) and the swap
 * (begin; drop; rename; commit). The old relation's kind (table, view or none: what the swap
 * drops) is looked up on another pooled connection while the build runs; the schema is created
 * once per run (ctx.ensureSchema). The row count comes from CREATE TABLE AS itself where the
 * driver reports it, so no count(*) scan follows.
 */
export const table: Materialization = async (ctx) => {
  const { adapter, node } = ctx;
  const { dialect } = adapter;
  const relation = node.relation;
  const tmp = tmpRelation(relation);
  await ensureSchema(ctx, relation);
  return adapter.withConnection(async (conn) => {
    await runHooks(conn, node, 'pre_hook');
    // After the pre_hook, which may itself drop or create the relation.
    const kindLookup = adapter.relationKind(relation);
    kindLookup.catch(() => undefined); // awaited below; a build failure must not leave it unhandled
    let rows: number | undefined;
    try {
      // A crashed earlier run may have left the tmp behind. One line, so the model's SQL keeps its line numbers.
      const built = await conn.execute(`${dropSql(dialect, tmp, 'table')}; create table ${dialect.renderRelation(tmp)} as ${bodySql(node)}`);
      rows = built.rowsAffected;
      await swapIn(ctx, conn, relation, await kindLookup);
    } catch (err) {
      await kindLookup.catch(() => undefined); // never leave a lookup running past the model
      await conn.execute(dropSql(dialect, tmp, 'table')).catch(() => undefined);
      throw err;
    }
    rows ??= await countRows(conn, dialect, relation);
    await runHooks(conn, node, 'post_hook');
    return { message: `CREATE TABLE (${rows} rows)`, rowsAffected: rows };
  });
};

/**
 * Drop the old relation (of the kind looked up during the build) and rename the tmp to its name,
 * in one transaction. Should the relation have changed kind meanwhile (the failed swap is rolled
 * back), it is looked up again on this connection and the swap retried once.
 */
async function swapIn(ctx: MaterializeContext, conn: Connection, relation: Relation, kind: RelationKind | undefined): Promise<void> {
  const { dialect } = ctx.adapter;
  const swap = (k: RelationKind | undefined) =>
    executeInTransaction(conn, [
      ...(k ? [dropSql(dialect, relation, k)] : []),
      `alter table ${dialect.renderRelation(tmpRelation(relation))} rename to ${dialect.quoteIdentifier(relation.identifier)}`,
    ]);
  try {
    await swap(kind);
  } catch (err) {
    const now = await ctx.adapter.relationKind(relation, conn).catch(() => kind);
    if (now === kind) throw err;
    await swap(now);
  }
}
