/** Pure parts of running tests (no warehouse): status rules, report sentences and content, JUnit escaping. */
import { describe, expect, it } from 'vitest';
import type { ManifestNode, NodeConfig } from '../../src/compiler/types.js';
import { escapeXml, junitXml } from '../../src/data-tests/junit.js';
import { validationReport } from '../../src/data-tests/report.js';
import { failureSentence } from '../../src/data-tests/report-sentences.js';
import { parseCondition, statusMessage, testStatus, thresholdsOf } from '../../src/data-tests/run-status.js';
import type { TestDetail } from '../../src/data-tests/run-test.js';
import type { NodeResult } from '../../src/execution/types.js';
import { UserError } from '../../src/errors.js';
import { makeManifest, makeNode, model } from '../support/manifest-fixture.js';

function generic(name: string, testName: string, kwargs: Record<string, unknown>, column?: string, config: Partial<NodeConfig> = {}): ManifestNode {
  const node = makeNode('test', name, { deps: ['orders'], config, sql: `select * from orders /* ${testName} */` });
  return { ...node, test_type: 'data', attached_node: 'model.demo.orders', column_name: column, test_metadata: { name: testName, kwargs } };
}

function result(id: string, status: NodeResult['status'], failures: number | null, message: string): NodeResult {
  return { unique_id: id, status, message, execution_time: 0.25, timing: [], thread_id: 'Thread-1', adapter_response: {}, failures, compiled_code: 'select 1 where 1 < 2 & "x"' };
}

describe('status rules', () => {
  const t = (config: Partial<NodeConfig>) => thresholdsOf(makeNode('test', 't', { config }));
  it.each([
    [{}, 0, 'pass'],
    [{}, 1, 'fail'],
    [{ severity: 'warn' }, 4, 'warn'],
    [{ severity: 'warn', warn_if: '>4' }, 4, 'pass'],
    [{ warn_if: '>10', error_if: '>100' }, 11, 'warn'],
    [{ warn_if: '>10', error_if: '>100' }, 101, 'fail'],
    [{ warn_if: '>10', error_if: '>100' }, 10, 'pass'],
    [{ error_if: '=0' }, 0, 'fail'],
    [{ error_if: '<5', warn_if: '<10' }, 7, 'warn'],
    [{ error_if: '>= 3' }, 3, 'fail'],
    [{ error_if: '<>0' }, 2, 'fail'],
  ] as Array<[Partial<NodeConfig>, number, string]>)('%j with %i failures → %s', (config, failures, expected) => {
    expect(testStatus(t(config), failures)).toBe(expected);
  });

  it('messages and invalid thresholds', () => {
    expect([statusMessage('pass', 0), statusMessage('fail', 3), statusMessage('warn', 2)]).toEqual(['PASS', 'FAIL 3', 'WARN 2']);
    const node = makeNode('test', 'bad');
    expect(() => parseCondition('lots', 'error_if', node)).toThrow(UserError);
    expect(() => t({ severity: 'fatal' })).toThrow(/severity 'fatal'/);
  });
});

describe('report sentences', () => {
  const manifest = makeManifest([model('orders')]);
  it.each([
    [generic('a', 'unique', {}, 'order_id'), 'order_id has duplicate values (3 rows)'],
    [generic('b', 'not_null', {}, 'amount'), 'amount has null values (3 rows)'],
    [generic('c', 'accepted_range', { min_value: 0 }, 'amount'), 'amount has negative values (3 rows)'],
    [generic('d', 'accepted_range', { min_value: 1, max_value: 9 }, 'qty'), 'qty has values outside [1, 9] (3 rows)'],
    [generic('e', 'relationships', { to: "ref('customers')", field: 'id' }, 'customer_id'), 'customer_id has values missing from customers.id (3 rows)'],
    [generic('f', 'row_count', { min: 1 }), 'orders has a row count below 1 (3 rows)'],
    [generic('g', 'no_future_timestamps', {}, 'order_ts'), 'order_ts has future timestamps (3 rows)'],
    [{ ...makeNode('test', 'singular_check'), meta: { message: 'order_ts has invalid timestamps' } }, 'order_ts has invalid timestamps (3 rows)'],
    [makeNode('test', 'singular_check'), 'singular_check returned failing rows (3 rows)'],
  ] as Array<[ManifestNode, string]>)('%#: %s', (node, sentence) => {
    expect(failureSentence(manifest, node, 'fail', 3, 'FAIL 3')).toBe(sentence);
  });
});

describe('validation report and JUnit', () => {
  const unique = generic('unique_orders_order_id', 'unique', {}, 'order_id');
  const range = generic('accepted_range_orders_amount', 'accepted_range', { min_value: 0 }, 'amount', { severity: 'warn' });
  const broken = generic('not_null_orders_x', 'not_null', {}, 'x');
  const manifest = makeManifest([model('orders'), unique, range, broken]);
  const results = [
    result('model.demo.orders', 'success', null, 'CREATE TABLE (4 rows)'),
    result(unique.unique_id, 'fail', 2, 'FAIL 2'),
    result(range.unique_id, 'warn', 1, 'WARN 1'),
    result(broken.unique_id, 'error', null, 'column "x" <does not> exist & "more"\u0007'),
  ];
  const details = new Map<string, TestDetail>([[unique.unique_id, { status: 'fail', failures: 2, sampleRows: [{ order_id: 7 }, { order_id: 7 }], batched: true }]]);

  it('summarizes tests only, with sentences, samples and compiled SQL', () => {
    const report = validationReport(manifest, results, details, 'r1', new Date('2025-01-02T03:04:05Z'));
    expect(report).toMatchObject({
      run_id: 'r1',
      generated_at: '2025-01-02T03:04:05.000Z',
      validation_passed: false,
      summary: { pass: 0, warn: 1, fail: 1, error: 1, skipped: 0 },
      errors: ['order_id has duplicate values (2 rows)', 'not_null_orders_x could not run: column "x" <does not> exist & "more"\u0007'],
      warnings: ['amount has negative values (1 row)'],
    });
    expect(report.failures[0]).toMatchObject({ node: 'model.demo.orders', column: 'order_id', test: 'unique_orders_order_id', severity: 'error', status: 'fail', failing_rows: 2, sample_rows: [{ order_id: 7 }, { order_id: 7 }] });
    expect(report.failures[1]).toMatchObject({ severity: 'warn', status: 'warn', sample_rows: [] });
    expect(report.failures.map((f) => f.compiled_sql)).toEqual(['select * from orders /* unique */', 'select * from orders /* accepted_range */', 'select * from orders /* not_null */']);
  });

  it('JUnit XML escapes messages and SQL and counts failures, errors and skips', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>\u0000`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
    const xml = junitXml(manifest, [...results, { ...result('test.demo.skipped', 'skipped', null, 'skipped: upstream "orders" failed') }], 'strata test', new Date(0), 1.5);
    expect(xml).toContain('<testsuite name="strata test" tests="5" failures="1" errors="1" skipped="1" time="1.500" timestamp="1970-01-01T00:00:00.000Z">');
    expect(xml).toContain('<error message="column &quot;x&quot; &lt;does not&gt; exist &amp; &quot;more&quot;" type="error">');
    expect(xml).toContain('select 1 where 1 &lt; 2 &amp; &quot;x&quot;');
    expect(xml).toContain('<skipped message="skipped: upstream &quot;orders&quot; failed"/>');
    expect(xml).not.toContain('\u0007');
  });
});
