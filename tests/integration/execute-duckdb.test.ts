import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { duckdbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import type { ManifestNode } from '../../src/compiler/types.js';
import { executePlan } from '../../src/execution/execute.js';
import { planRun } from '../../src/execution/plan.js';
import type { ExecuteOptions, Materialization, NodeResult } from '../../src/execution/types.js';
import { materializations } from '../../src/materializations/index.js';
import { duckdbTarget, makeManifest, model } from '../support/manifest-fixture.js';

let adapter: Adapter;
beforeEach(async () => {
  adapter = await duckdbAdapter.create(duckdbTarget());
});
afterEach(async () => {
  await adapter.close();
});

const opts = (o: Partial<ExecuteOptions> = {}): ExecuteOptions => ({ threads: 1, failFast: false, fullRefresh: false, ...o });

async function run(nodes: ManifestNode[], o: Partial<ExecuteOptions> = {}, actions?: Record<string, Materialization>) {
  const manifest = makeManifest(nodes);
  const plan = planRun(manifest, nodes.map((n) => n.unique_id));
  const results = await executePlan(plan, { manifest, adapter, projectRoot: '/nonexistent' }, opts(o), actions);
  return { plan, results, byName: Object.fromEntries(results.map((r) => [r.unique_id.split('.').pop()!, r])) };
}
const q = (sql: string) => adapter.withConnection((c) => c.query(sql)).then((r) => r.rows);

describe('executePlan on DuckDB', () => {
  it('builds a chain in DAG order and fills every NodeResult field', async () => {
    const started: string[] = [];
    const done: string[] = [];
    const { results, byName } = await run(
      [
        // Deliberately listed children first: the scheduler, not the list order, enforces the DAG.
        model('c', { materialized: 'table', schema: 'marts', sql: 'select x * 10 as x from staging.b', deps: ['b'] }),
        model('b', { schema: 'staging', sql: 'select x + 1 as x from main.a', deps: ['a'] }),
        model('a', { materialized: 'table', sql: 'select * from range(4) r(x)' }),
      ],
      {
        threads: 4,
        onNodeStart: (n, i, total) => started.push(`${n.name}:${i}/${total}`),
        onNodeDone: (n, r) => done.push(`${n.name}:${r.status}`),
      },
    );
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    // Listed in plan order (as given), whatever the completion order.
    expect(results.map((r) => r.unique_id)).toEqual(['model.demo.c', 'model.demo.b', 'model.demo.a']);
    expect(done).toEqual(['a:success', 'b:success', 'c:success']);
    expect(started).toEqual(['a:3/3', 'b:2/3', 'c:1/3']);
    expect(await q('select sum(x) as s from marts.c')).toEqual([{ s: 100 }]);

    const a = byName.a!;
    const b = byName.b!;
    expect(a.message).toBe('CREATE TABLE (4 rows)');
    expect(a.adapter_response.rows_affected).toBe(4);
    expect(a.relation_name).toBe('"main"."a"');
    expect(a.thread_id).toMatch(/^Thread-\d$/);
    expect(a.execution_time).toBeGreaterThanOrEqual(0);
    expect(a.timing[0]!.name).toBe('execute');
    expect(new Date(a.timing[0]!.started_at).toISOString()).toBe(a.timing[0]!.started_at);
    expect(b.message).toBe('CREATE VIEW');
    // A child never starts before its parent completed.
    expect(b.timing[0]!.started_at >= a.timing[0]!.completed_at).toBe(true);
  });

  it('a failure skips everything downstream while siblings keep running', async () => {
    const { results, byName } = await run(
      [
        model('bad', { materialized: 'table', sql: 'select * from does_not_exist' }),
        model('child', { sql: 'select * from main.bad', deps: ['bad'] }),
        model('grandchild', { sql: 'select * from main.child', deps: ['child'] }),
        model('sibling', { materialized: 'table', sql: 'select 1 as ok' }),
        model('after_sibling', { sql: 'select * from main.sibling', deps: ['sibling'] }),
      ],
      { threads: 2 },
    );
    expect(byName.bad!.status).toBe('error');
    expect(byName.bad!.message).toMatch(/does_not_exist/);
    expect(byName.bad!.message).not.toMatch(/\n\s+at /); // no stack trace
    expect(byName.child).toMatchObject({ status: 'skipped', message: 'skipped: upstream bad failed' });
    expect(byName.grandchild).toMatchObject({ status: 'skipped', message: 'skipped: upstream bad failed' });
    expect(byName.sibling!.status).toBe('success');
    expect(byName.after_sibling!.status).toBe('success');
    expect(results.map((r) => r.unique_id.split('.').pop())).toEqual(['bad', 'child', 'grandchild', 'sibling', 'after_sibling']);
  });

  it('failFast stops scheduling after the first failure and skips the rest', async () => {
    const { byName } = await run(
      [
        model('bad', { materialized: 'table', sql: 'select * from does_not_exist' }),
        model('x', { materialized: 'table', sql: 'select 1 as a' }),
        model('y', { materialized: 'table', sql: 'select 1 as a' }),
      ],
      { threads: 1, failFast: true },
    );
    expect(byName.bad!.status).toBe('error');
    expect(byName.x).toMatchObject({ status: 'skipped', message: 'skipped: stopped after bad failed (fail-fast)' });
    expect(byName.y!.status).toBe('skipped');
    expect(await adapter.relationKind({ schema: 'main', identifier: 'x' })).toBeUndefined();
  });

  it('failFast cancels a running statement on another thread', async () => {
    const slow = 'select count(*) as n from range(100000000000) t1, range(1000) t2 where t1.range % 7 = t2.range';
    const { byName } = await run(
      [
        model('slow', { materialized: 'table', sql: slow }),
        model('bad', { materialized: 'table', sql: 'select 1 as a' }),
        model('later', { materialized: 'table', sql: 'select 1 as a' }),
      ],
      { threads: 2, failFast: true },
      {
        ...materializations,
        // Fails only once the slow statement is in flight, so cancel() has something to stop.
        table: async (ctx) => {
          if (ctx.node.name !== 'bad') return materializations.table!(ctx);
          await new Promise((r) => setTimeout(r, 500));
          throw new Error('bad failed on purpose');
        },
      },
    );
    expect(byName.bad).toMatchObject({ status: 'error', message: 'bad failed on purpose' });
    expect(byName.slow!.status).toBe('error');
    expect(byName.slow!.message).toMatch(/interrupt/i);
    expect(byName.later!.status).toBe('skipped');
    expect(await adapter.relationKind({ schema: 'main', identifier: 'slow__strata_tmp' })).toBeUndefined();
  });

  it('an aborted signal stops the run like failFast', async () => {
    const controller = new AbortController();
    const { byName } = await run(
      [
        model('first', { materialized: 'table', sql: 'select 1 as a' }),
        model('second', { materialized: 'table', sql: 'select 1 as a', deps: ['first'] }),
      ],
      { threads: 1, signal: controller.signal, onNodeDone: () => controller.abort() },
    );
    expect(byName.first!.status).toBe('success');
    expect(byName.second).toMatchObject({ status: 'skipped', message: 'skipped: run cancelled' });
  });

  it('an already-aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { results } = await run([model('a', { materialized: 'table', sql: 'select 1 as a' })], { signal: controller.signal });
    expect(results.map((r) => r.status)).toEqual(['skipped']);
    expect(await adapter.relationKind({ schema: 'main', identifier: 'a' })).toBeUndefined();
  });

  it('builds many independent tables across schemas on 4 threads without conflicts', async () => {
    const nodes = Array.from({ length: 16 }, (_, i) =>
      model(`t${i}`, { materialized: i % 2 ? 'table' : 'view', schema: `s${i % 3}`, sql: `select ${i} as v` }),
    );
    const { results } = await run(nodes, { threads: 4 });
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(new Set(results.map((r) => r.thread_id)).size).toBeGreaterThan(1);
  });
});

describe('executePlan scheduling', () => {
  /** An action that records how many actions are in flight at once. */
  function probe(delayMs = 20) {
    let inFlight = 0;
    let max = 0;
    const order: string[] = [];
    const action: Materialization = async ({ node }) => {
      inFlight++;
      max = Math.max(max, inFlight);
      order.push(`start ${node.name}`);
      await new Promise((r) => setTimeout(r, delayMs));
      order.push(`end ${node.name}`);
      inFlight--;
      return { message: 'OK' };
    };
    return { action, order, max: () => max };
  }

  it('runs independent nodes concurrently, never more than `threads`', async () => {
    const p = probe();
    const nodes = Array.from({ length: 6 }, (_, i) => model(`n${i}`));
    const { results } = await run(nodes, { threads: 3 }, { view: p.action });
    expect(p.max()).toBe(3);
    expect(new Set(results.map((r) => r.thread_id))).toEqual(new Set(['Thread-1', 'Thread-2', 'Thread-3']));
  });

  it('runs one at a time with threads = 1', async () => {
    const p = probe(1);
    await run(Array.from({ length: 4 }, (_, i) => model(`n${i}`)), { threads: 1 }, { view: p.action });
    expect(p.max()).toBe(1);
  });

  it('a node starts only after all it waits for ended', async () => {
    const p = probe(5);
    // a, b independent; c waits for both; d waits for c.
    await run(
      [model('a'), model('b'), model('c', { deps: ['a', 'b'] }), model('d', { deps: ['c'] })],
      { threads: 4 },
      { view: p.action },
    );
    const at = (s: string) => p.order.indexOf(s);
    expect(at('start c')).toBeGreaterThan(at('end a'));
    expect(at('start c')).toBeGreaterThan(at('end b'));
    expect(at('start d')).toBeGreaterThan(at('end c'));
    expect(at('start b')).toBeLessThan(at('end a')); // a and b overlapped
  });

  it('an action name nobody knows becomes an error result, not a crash', async () => {
    const { results } = await run([model('a')], {}, {});
    expect(results[0]).toMatchObject({ status: 'error' });
    expect(results[0]!.message).toMatch(/nothing knows how to run 'view'/);
  });

  it('schedules 10,000 nodes in a long chain and a wide fan-out quickly', async () => {
    const nodes: ManifestNode[] = [model('root')];
    for (let i = 0; i < 5000; i++) nodes.push(model(`chain${i}`, { deps: [i === 0 ? 'root' : `chain${i - 1}`] }));
    for (let i = 0; i < 5000; i++) nodes.push(model(`fan${i}`, { deps: ['root'] }));
    const ok: Materialization = async () => ({ message: 'OK' });
    const manifest = makeManifest(nodes);
    const plan = planRun(manifest, nodes.map((n) => n.unique_id));
    const results = await executePlan(plan, { manifest, adapter, projectRoot: '/' }, opts({ threads: 8 }), { view: ok });
    expect(results).toHaveLength(10001);
    expect(results.every((r: NodeResult) => r.status === 'success')).toBe(true);
  });
});

describe('executePlan callbacks', () => {
  it('a throwing onNodeDone does not wedge the run: every node still runs, then the error surfaces', async () => {
    const seen: string[] = [];
    const ok: Materialization = async ({ node }) => {
      seen.push(node.name);
      return { message: 'OK' };
    };
    const nodes = [model('a'), model('b', { deps: ['a'] })];
    const manifest = makeManifest(nodes);
    const plan = planRun(manifest, nodes.map((n) => n.unique_id));
    const exec = executePlan(
      plan,
      { manifest, adapter, projectRoot: '/' },
      opts({
        onNodeDone: () => {
          throw new Error('reporter bug');
        },
      }),
      { view: ok },
    );
    await expect(exec).rejects.toThrow('reporter bug');
    expect(seen).toEqual(['a', 'b']);
  });
});
