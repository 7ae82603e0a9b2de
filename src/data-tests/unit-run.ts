/** The 'unit_test' action: run a unit test's compiled SQL on the warehouse and compare rows. */
import type { Connection } from '../adapters/adapter.js';
import type { ManifestNode } from '../compiler/types.js';
import type { Materialization, MaterializeResult } from '../execution/types.js';
import { compareRows, formatDiff } from './unit-compare.js';

/** Compare one unit test node's query result with its expected rows. */
export async function runUnitTest(node: ManifestNode, conn: Connection): Promise<MaterializeResult> {
  if (!node.compiled_code || !node.expect) throw new Error(`${node.unique_id} is not a compiled unit test`);
  const { columns, rows } = node.expect;
  const result = await conn.query(node.compiled_code);
  const cmp = compareRows(columns, rows, result.rows, result.columns.map((c) => c.name));
  if (cmp.absentColumns.length > 0) {
    const output = result.columns.map((c) => c.name).join(', ');
    return {
      status: 'fail',
      failures: rows.length + result.rows.length,
      message: `expected column${cmp.absentColumns.length === 1 ? '' : 's'} ${cmp.absentColumns.join(', ')} not in the model's output (${output})`,
    };
  }
  const failures = cmp.missing.length + cmp.unexpected.length;
  if (failures === 0) return { status: 'pass', failures: 0, message: 'PASS' };
  return { status: 'fail', failures, message: `FAIL ${failures}\n${formatDiff(columns, cmp)}` };
}

/** The action executePlan runs for `unit_test` steps. */
export const unitTestAction: Materialization = (ctx) => ctx.adapter.withConnection((conn) => runUnitTest(ctx.node, conn));
