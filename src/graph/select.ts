import type { Manifest, ResourceType } from '../compiler/types.js';
import type { ProjectGraph } from './graph.js';
import { SelectionIndex, type NamedMember } from './selection-index.js';
import { SELECTOR_METHODS, resolveMethod, type SelectorMethod } from './selector-methods.js';
import { parseSelector, splitSelectorArgument, type SelectorSpec } from './selector-spec.js';

/** Options of one selection, as given by --select / --exclude / --resource-type. */
export interface SelectOptions {
  /** Each argument: space-separated tokens (union), each token comma-joined parts (intersection). */
  select?: string[];
  exclude?: string[];
  /** Types the caller runs; default every type but `source` (sources are never "run"). */
  resourceTypes?: ResourceType[];
  /** Extra or overriding selector methods (e.g. `state` for state:modified). */
  methods?: Record<string, SelectorMethod>;
  /**
   * Tests attached to selected nodes (dbt's indirect selection): `eager` (default) adds a
   * test when any parent is selected, `cautious` when all are, `empty` never. Applies to
   * --exclude as well, so excluding a model excludes the tests that read it.
   */
  indirectSelection?: 'eager' | 'cautious' | 'empty';
  /** Per node: name, fqn, package, merged tags (a cache hit's summaries): name/tag/fqn selectors then read no node. */
  summaries?: () => ReadonlyMap<string, NamedMember>;
}

export interface SelectionReport {
  /** Selected unique_ids in dependency order. */
  ids: string[];
  /** Selector parts (as written) that matched no node; the CLI warns about them. */
  unmatched: string[];
}

const DEFAULT_TYPES: ResourceType[] = ['model', 'seed', 'test', 'snapshot', 'unit_test'];

/** Selected unique_ids in topological order. See `selectWithReport`. */
export function selectNodes(manifest: Manifest, graph: ProjectGraph, options: SelectOptions = {}): string[] {
  return selectWithReport(manifest, graph, options).ids;
}

/**
 * Apply dbt's selection grammar: no --select means everything; then --exclude is removed
 * and the result is filtered to `resourceTypes`. Selectors matching nothing are reported,
 * not thrown; bad syntax and unknown methods throw UserError.
 */
export function selectWithReport(manifest: Manifest, graph: ProjectGraph, options: SelectOptions = {}): SelectionReport {
  // Parse every token first so a typo fails before any work.
  const select = parseArguments(options.select);
  const exclude = parseArguments(options.exclude);
  const methods = options.methods ? { ...SELECTOR_METHODS, ...options.methods } : SELECTOR_METHODS;
  const types = new Set(options.resourceTypes ?? DEFAULT_TYPES);
  if (select.length === 0 && exclude.length === 0) {
    // Everything enabled of the wanted types, in order: one pass, no sets.
    const ids = graph.topoOrder().filter((id) => {
      const info = graph.info(id)!;
      return info.enabled && types.has(info.resource_type);
    });
    return { ids, unmatched: [] };
  }
  const index = new SelectionIndex(manifest, graph, options.summaries);
  const enabled = new Set<string>();
  for (const [id, info] of graph.entries()) if (info.enabled) enabled.add(id);
  const unmatched: string[] = [];
  const mode = options.indirectSelection ?? 'eager';
  const evaluate = (union: SelectorSpec[][]): Set<string> => {
    const out = new Set<string>();
    for (const intersection of union) {
      for (const id of evaluateIntersection(intersection, { index, graph, methods, enabled, unmatched })) out.add(id);
    }
    return mode === 'empty' ? out : withAttachedTests(graph, out, mode);
  };

  const chosen = select.length > 0 ? evaluate(select) : new Set(enabled);
  const dropped = exclude.length > 0 ? evaluate(exclude) : new Set<string>();
  const final = new Set<string>();
  for (const id of chosen) {
    const info = graph.info(id);
    if (info && !dropped.has(id) && types.has(info.resource_type)) final.add(id);
  }
  return { ids: graph.topoOrder(final), unmatched: [...new Set(unmatched)] };
}

function parseArguments(args: string[] | undefined): SelectorSpec[][] {
  const out: SelectorSpec[][] = [];
  for (const arg of args ?? []) {
    for (const parts of splitSelectorArgument(arg)) out.push(parts.map(parseSelector));
  }
  return out;
}

interface EvalContext {
  index: SelectionIndex;
  graph: ProjectGraph;
  methods: Readonly<Record<string, SelectorMethod>>;
  enabled: Set<string>;
  unmatched: string[];
}

function evaluateIntersection(specs: SelectorSpec[], ctx: EvalContext): Set<string> {
  let result: Set<string> | undefined;
  for (const spec of specs) {
    const ids = evaluateSpec(spec, ctx);
    result = result === undefined ? ids : new Set([...result].filter((id) => ids.has(id)));
  }
  return result ?? new Set();
}

/** One token: the method's direct matches, then the graph operators around them. */
function evaluateSpec(spec: SelectorSpec, ctx: EvalContext): Set<string> {
  const direct = new Set<string>();
  for (const id of resolveMethod(spec, ctx.methods)(ctx.index, spec)) direct.add(id);
  if (direct.size === 0) {
    ctx.unmatched.push(spec.raw);
    return direct;
  }
  const out = new Set(direct);
  const add = (ids: Set<string>) => {
    for (const id of ids) if (ctx.enabled.has(id)) out.add(id);
  };
  if (spec.childrensParents) {
    // @x: x, everything downstream, and everything those need (one multi-source walk each way).
    add(ctx.graph.descendants(direct));
    add(ctx.graph.ancestors(out));
  } else {
    if (spec.parents) add(ctx.graph.ancestors(direct, spec.parentsDepth));
    if (spec.children) add(ctx.graph.descendants(direct, spec.childrenDepth));
  }
  return out;
}

/** The set plus the tests reading from it (any parent for eager, every parent for cautious) and the unit tests of its models. */
function withAttachedTests(graph: ProjectGraph, ids: Set<string>, mode: 'eager' | 'cautious'): Set<string> {
  const out = new Set(ids);
  for (const [id, node] of graph.entries()) {
    if (out.has(id) || !node.enabled) continue;
    // A unit test follows the model it tests (it reads that model's parents, not the model).
    if (node.resource_type === 'unit_test') {
      if (node.attached_node !== undefined && ids.has(node.attached_node)) out.add(id);
      continue;
    }
    if (node.resource_type !== 'test') continue;
    const parents = node.depends_on;
    if (parents.length === 0) continue;
    const attached = mode === 'eager' ? parents.some((p) => ids.has(p)) : parents.every((p) => ids.has(p));
    if (attached) out.add(id);
  }
  return out;
}
