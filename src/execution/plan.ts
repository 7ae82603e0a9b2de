/** Turn a selection into a plan: pure, no warehouse access. */
import type { Manifest, ManifestNode, ResourceType } from '../compiler/types.js';
import { getMaterialization } from '../materializations/index.js';
import type { Plan, PlanStep } from './types.js';

export interface PlanOptions {
  /** Only these resource types become steps (e.g. `run` → ['model']); default: all. */
  resourceTypes?: readonly ResourceType[];
}

function isEphemeral(node: ManifestNode): boolean {
  return node.resource_type === 'model' && node.config.materialized === 'ephemeral';
}

/** What executing a node means: its materialization for models, its resource type otherwise. */
function actionOf(node: ManifestNode): string {
  if (node.resource_type === 'model') return node.config.materialized;
  if (node.resource_type === 'test' && node.test_type === 'unit') return 'unit_test';
  return node.resource_type;
}

/** Data tests gate what is built downstream of the nodes they read (unit tests check logic, not data). */
function isDataTest(node: ManifestNode): boolean {
  return node.resource_type === 'test' && node.test_type !== 'unit';
}

/**
 * One step per selected, non-ephemeral node (in the given topological order). A step waits
 * for its selected ancestors, looking through ephemeral models: an ephemeral is compiled into
 * its child, so the child waits for the ephemeral's own parents. Selected ephemerals are `noop`.
 * An unknown materialization on a model throws a UserError naming the file.
 *
 * Test gating (dbt build): a step also waits for the selected data tests of its step parents,
 * when every node such a test reads is upstream of the step (so a relationships test between
 * two models gates what is built from both, and never creates a cycle). A failing test then
 * skips everything downstream of the node it tested. A model also waits for its own unit
 * tests (which read the model's parents, not the model), so failing logic is never built.
 * O(V + E), plus an upward walk per multi-parent test edge.
 */
export function planRun(manifest: Manifest, selectedIds: string[], options: PlanOptions = {}): Plan {
  const types = options.resourceTypes ? new Set(options.resourceTypes) : undefined;
  const stepIds = new Set<string>();
  const noop: string[] = [];
  const ordered: ManifestNode[] = [];
  for (const id of selectedIds) {
    const node = manifest.nodes[id];
    if (!node || (types && !types.has(node.resource_type)) || stepIds.has(id)) continue;
    if (isEphemeral(node)) {
      noop.push(id);
      continue;
    }
    if (node.resource_type === 'model') getMaterialization(node.config.materialized, node);
    stepIds.add(id);
    ordered.push(node);
  }

  // Memo: ephemeral id → the steps it stands for (its step ancestors through ephemeral chains).
  const throughEphemeral = new Map<string, string[]>();
  const stepParents = (node: ManifestNode, out: Set<string>): void => {
    for (const parent of node.depends_on.nodes) {
      if (stepIds.has(parent)) {
        out.add(parent);
        continue;
      }
      const p = manifest.nodes[parent];
      if (!p || !isEphemeral(p)) continue;
      let via = throughEphemeral.get(parent);
      if (!via) {
        const acc = new Set<string>();
        throughEphemeral.set(parent, []); // guards against a (malformed) cycle
        stepParents(p, acc);
        via = [...acc];
        throughEphemeral.set(parent, via);
      }
      for (const s of via) out.add(s);
    }
  };

  // Step parent → the selected data tests reading it.
  const testsOf = new Map<string, ManifestNode[]>();
  for (const node of ordered) {
    if (!isDataTest(node)) continue;
    for (const parent of new Set(node.depends_on.nodes)) {
      if (!stepIds.has(parent)) continue;
      let list = testsOf.get(parent);
      if (!list) testsOf.set(parent, (list = []));
      list.push(node);
    }
  }

  // Model → its selected unit tests: in a build, a model is built only after its logic passed.
  const unitTestsOf = new Map<string, string[]>();
  for (const node of ordered) {
    if (actionOf(node) !== 'unit_test' || node.attached_node === undefined || !stepIds.has(node.attached_node)) continue;
    const list = unitTestsOf.get(node.attached_node);
    if (list) list.push(node.unique_id);
    else unitTestsOf.set(node.attached_node, [node.unique_id]);
  }

  const steps: PlanStep[] = ordered.map((node) => {
    const waits = new Set<string>();
    stepParents(node, waits);
    for (const unit of unitTestsOf.get(node.unique_id) ?? []) waits.add(unit);
    if (node.resource_type !== 'test' && node.resource_type !== 'unit_test') {
      let upstream: Set<string> | undefined;
      for (const parent of [...waits]) {
        for (const test of testsOf.get(parent) ?? []) {
          const reads = test.depends_on.nodes;
          const covered = reads.every((r) => r === parent || (upstream ??= ancestorsOf(manifest, node)).has(r));
          if (covered) waits.add(test.unique_id);
        }
      }
    }
    return { unique_id: node.unique_id, action: actionOf(node), waitsFor: [...waits] };
  });
  return { steps, noop };
}

/** Every node and source upstream of `node` (iterative walk over depends_on). */
function ancestorsOf(manifest: Manifest, node: ManifestNode): Set<string> {
  const seen = new Set<string>();
  const stack = [...node.depends_on.nodes];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const parent = manifest.nodes[id];
    if (parent) stack.push(...parent.depends_on.nodes);
  }
  return seen;
}
