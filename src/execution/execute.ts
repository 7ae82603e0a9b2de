/** The scheduler: run a plan's steps on up to `threads` connections in DAG order. */
import type { ManifestNode } from '../compiler/types.js';
import { materializations } from '../materializations/index.js';
import { letsDependentsRun, ranResult, skippedResult } from './node-result.js';
import { schemaEnsurer } from './run-schemas.js';
import type { ExecuteContext, ExecuteOptions, Materialization, NodeResult, Plan } from './types.js';

/**
 * Run `plan`: a step starts once every step it waits for has succeeded, with at most
 * `options.threads` at once (1 when the adapter has no concurrent connections).
 * A failure (error, or a test's fail; a warn is no failure) marks its transitive dependents skipped while siblings keep running; with
 * `failFast` (or an aborted `signal`) no new step starts, running ones are cancelled and
 * the rest are skipped. Results come back in plan order. Scheduling is O(V + E).
 * `actions` maps a step's action to what runs it (default: the materialization table).
 */
export function executePlan(
  plan: Plan,
  ctx: ExecuteContext,
  options: ExecuteOptions,
  actions: Readonly<Record<string, Materialization>> = materializations,
): Promise<NodeResult[]> {
  const { steps } = plan;
  const { adapter, manifest } = ctx;
  const dialect = adapter.dialect;
  const total = steps.length;
  const threads = dialect.capabilities.concurrentConnections ? Math.max(1, Math.floor(options.threads)) : 1;
  const ensureSchema = schemaEnsurer(adapter);

  // Indegree counters and child lists: each edge is touched a constant number of times.
  const position = new Map<string, number>();
  steps.forEach((s, i) => position.set(s.unique_id, i));
  const pending = new Int32Array(total);
  const children: number[][] = steps.map(() => []);
  steps.forEach((s, i) => {
    for (const w of new Set(s.waitsFor)) {
      const j = position.get(w);
      if (j === undefined || j === i) continue; // not in this plan: already built
      pending[i]!++;
      children[j]!.push(i);
    }
  });

  const results: Array<NodeResult | undefined> = new Array(total);
  const ready: number[] = [];
  let head = 0;
  for (let i = 0; i < total; i++) if (pending[i] === 0) ready.push(i);
  const freeThreads = Array.from({ length: threads }, (_, k) => k + 1);
  let running = 0;
  let stopReason: string | undefined;

  const nodeAt = (i: number): ManifestNode | undefined => manifest.nodes[steps[i]!.unique_id];
  const label = (i: number): string => nodeAt(i)?.name ?? steps[i]!.unique_id;

  return new Promise<NodeResult[]>((resolve, reject) => {
    let finished = false;
    // A throwing callback (a reporter bug) must not wedge the scheduler: remember it, fail at the end.
    let callbackError: { error: unknown } | undefined;
    const notify = (fn: () => void): void => {
      try {
        fn();
      } catch (error) {
        callbackError ??= { error };
      }
    };

    const settle = (i: number, result: NodeResult): void => {
      results[i] = result;
      const node = nodeAt(i);
      if (node && options.onNodeDone) notify(() => options.onNodeDone!(node, result, i + 1, total));
    };

    const skipDependents = (i: number, failedName: string): void => {
      const stack = children[i]!.slice();
      while (stack.length > 0) {
        const c = stack.pop()!;
        if (results[c] !== undefined) continue;
        settle(c, skippedResult(steps[c]!.unique_id, nodeAt(c), dialect, `skipped: upstream ${failedName} failed`));
        for (const g of children[c]!) stack.push(g);
      }
    };

    const stop = (reason: string): void => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      if (running > 0) adapter.cancel().catch(() => undefined);
      pump();
    };

    const onAbort = (): void => stop('skipped: run cancelled');

    const finish = (): void => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (let i = 0; i < total; i++) {
        if (results[i] === undefined) {
          settle(i, skippedResult(steps[i]!.unique_id, nodeAt(i), dialect, stopReason ?? 'skipped: dependencies never completed'));
        }
      }
      if (callbackError) reject(callbackError.error);
      else resolve(results as NodeResult[]);
    };

    const runStep = async (i: number, thread: number): Promise<void> => {
      // Yield first so completion bookkeeping never re-enters pump() synchronously.
      await Promise.resolve();
      const step = steps[i]!;
      const node = nodeAt(i);
      const started = new Date();
      let result: NodeResult;
      try {
        if (!node) throw new Error(`node ${step.unique_id} is not in the manifest`);
        if (options.onNodeStart) notify(() => options.onNodeStart!(node, i + 1, total));
        const action = Object.hasOwn(actions, step.action) ? actions[step.action] : undefined;
        if (!action) throw new Error(`nothing knows how to run '${step.action}' (${step.unique_id})`);
        const ok = await action({ ...ctx, node, fullRefresh: options.fullRefresh, ensureSchema });
        result = ranResult(step.unique_id, node, dialect, { started, completed: new Date(), threadId: `Thread-${thread}` }, { ok });
      } catch (error) {
        result = ranResult(step.unique_id, node, dialect, { started, completed: new Date(), threadId: `Thread-${thread}` }, { error });
      }
      freeThreads.push(thread);
      freeThreads.sort((a, b) => a - b);
      running--;
      settle(i, result);
      if (letsDependentsRun(result.status)) {
        for (const c of children[i]!) if (--pending[c]! === 0 && results[c] === undefined) ready.push(c);
      } else {
        skipDependents(i, label(i));
        if (options.failFast) stop(`skipped: stopped after ${label(i)} failed (fail-fast)`);
      }
      pump();
    };

    function pump(): void {
      while (stopReason === undefined && running < threads && head < ready.length) {
        running++;
        void runStep(ready[head++]!, freeThreads.shift()!);
      }
      if (running === 0 && (stopReason !== undefined || head >= ready.length)) finish();
    }

    if (options.signal?.aborted) {
      stopReason = 'skipped: run cancelled';
    } else {
      options.signal?.addEventListener('abort', onAbort, { once: true });
    }
    pump();
  });
}
