/** The per-run action table executePlan uses: materializations plus the test actions. */
import { createTestAction, type TestRun } from '../data-tests/run-test.js';
import { materializations } from '../materializations/index.js';
import type { Materialization } from './types.js';

/**
 * Every action a plan step may name: the materializations, 'test' (data tests, sharing
 * `testRun`'s batch cache and details), and any `extra` actions (e.g. 'unit_test').
 */
export function createRunActions(
  testRun: TestRun,
  extra: Readonly<Record<string, Materialization>> = {},
): Readonly<Record<string, Materialization>> {
  return { ...materializations, test: createTestAction(testRun), ...extra };
}
