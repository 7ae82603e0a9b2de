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
  return node.resource_type === 'model' ? node.config.materialized : node.resource_type;
}

/**
 * One step per selected, non-ephemeral node (in the given topological order). A step waits
 * for its selected ancestors, looking through ephemeral models: an ephemeral is compiled into
 * its child, so the child waits for the ephemeral's own parents. Selected ephemerals are `noop`.
 * An unknown materialization on a model throws a UserError naming the file. O(V + E).
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

  const steps: PlanStep[] = ordered.map((node) => {
    const waits = new Set<string>();
    stepParents(node, waits);
    return { unique_id: node.unique_id, action: actionOf(node), waitsFor: [...waits] };
  });
  return { steps, noop };
}
