/**
 * The one-scan batch: the per-row tests of one relation (not_null, accepted_values,
 * accepted_range, expression_is_true, no_future_timestamps) evaluated in one aggregate query,
 * `count(*) filter (where <predicate>)` per test. The counts equal count(*) of each test's own
 * compiled query (a `limit` caps the count with least()).
 */
import type { Dialect } from '../adapters/adapter.js';
import type { ManifestNode } from '../compiler/types.js';

/**
 * The failing-row predicate of a test (TRUE for a failing row, `where` folded in), or undefined
 * when the test cannot be batched (set-based tests, custom tests, tests on ephemeral models).
 */
export function batchPredicate(test: ManifestNode): string | undefined {
  return test.resource_type === 'test' ? test.batch_predicate : undefined;
}

/**
 * The failure count of one test in the batch. A plain not_null (no `where`) is
 * `count(*) - count(col)`: the nulls, without evaluating a predicate per row.
 */
function countSql(dialect: Dialect, test: ManifestNode, predicate: string): string {
  const column = test.column_name;
  if (test.test_metadata?.name === 'not_null' && test.test_metadata.namespace === undefined && column !== undefined) {
    const quoted = dialect.quoteIdentifier(column);
    if (predicate === `${quoted} is null`) return `(count(*) - count(${quoted}))`;
  }
  return `count(*) filter (where ${predicate})`;
}

/**
 * One query counting the failures of every test over `relationSql` (the rendered relation the
 * tests are attached to). Every test must have a batch predicate. Returns the SQL and, per test
 * unique_id, the column alias holding its failure count.
 */
export function buildBatchQuery(dialect: Dialect, relationSql: string, tests: ManifestNode[]): { sql: string; aliases: Map<string, string> } {
  if (tests.length === 0) throw new Error('buildBatchQuery needs at least one test');
  const aliases = new Map<string, string>();
  const columns = tests.map((test, i) => {
    const predicate = batchPredicate(test);
    if (predicate === undefined) throw new Error(`test ${test.unique_id} has no batch predicate`);
    const alias = `t${i + 1}`;
    aliases.set(test.unique_id, alias);
    const count = countSql(dialect, test, predicate);
    const limit = test.config.limit;
    const capped = limit === undefined || limit === null ? count : `least(${count}, ${Number(limit)})`;
    return `${capped} as ${dialect.quoteIdentifier(alias)}`;
  });
  return { sql: `select ${columns.join(', ')} from ${relationSql}`, aliases };
}
