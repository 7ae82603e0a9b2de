/**
 * The nodes a cache patch adds or removes, and the graph after it (cache-patch-render.ts): a new
 * model file compiled alone as a compile compiles it and placed where a compile puts it, and the
 * graph facts, parent and child maps and build order after nodes changed their dependencies or
 * came and went.
 */
import type { Project } from '../project/types.js';
import { memberInfo, ProjectGraph, type MemberInfo } from '../graph/graph.js';
import type { readEntry } from './cache-entry.js';
import type { EntryPatch } from './cache-entry-patch.js';
import type { NodeSplice, PropertyIndex } from './cache-patch-yaml.js';
import type { PatchOptions } from './cache-patch-render.js';
import { fileNodeRecord, schemaName, type Work } from './compile.js';
import { resolveNodeConfig } from './config.js';
import { baseName } from './nodes.js';
import type { RenderNode, RenderState } from './context.js';
import { compileTemplate, renderTemplate, type createEnvironment } from './environment.js';
import type { MacroRegistry } from './macros.js';
import type { NodeFacts } from './node-facts.js';
import { nodeRelation, relationValue } from './relations.js';
import type { ManifestNode } from './types.js';
import { OUTSIDE, type UseRecorder } from './uses.js';

/** What rendering a new model file needs from the patch. */
interface NewModelContext {
  project: Project;
  options: PatchOptions;
  env: ReturnType<typeof createEnvironment>;
  state: RenderState;
  macros: MacroRegistry;
  uses: UseRecorder;
  dependsOn: (work: RenderNode) => string[];
  absent: PropertyIndex;
}

/**
 * A new model file compiled as a compile compiles it (parse render, config, relation, execute
 * render): its node, null when it is disabled, undefined when a patch cannot add it (its name is
 * taken or described in a properties file, it is ephemeral).
 */
export function newModel(path: string, ctx: NewModelContext): ManifestNode | null | undefined {
  const { project, state } = ctx;
  const work = newWork(project, path, 'model');
  if (!work || Object.values(ctx.absent).some((use) => use.absent?.includes(work.name))) return undefined;
  const template = compileTemplate(ctx.env, work.raw, path);
  state.mode = 'parse';
  state.current = work;
  renderTemplate(template, path);
  work.config = resolveNodeConfig(project, 'model', work.source.fqn, undefined, work.inlineConfig);
  if (!work.config.enabled) return null;
  if (work.config.materialized === 'ephemeral') return undefined;
  state.mode = 'execute';
  place(work, ctx);
  work.dependsOn = ctx.dependsOn(work);
  work.compiled = renderTemplate(template, path);
  state.current = undefined;
  return fileNodeRecord(work, project, ctx.macros, () => '');
}

/**
 * A new seed file's node as a compile builds it (config, relation; its content is data), null
 * when it is disabled, undefined when its name is taken or any properties file mentions it (a
 * patch never parses the properties of other files: a seed entry or a test on it is not known).
 */
export function newSeed(path: string, ctx: NewModelContext): ManifestNode | null | undefined {
  const { project, state } = ctx;
  const work = newWork(project, path, 'seed');
  if (!work || (project.files.propertyFiles ?? []).some((f) => f.content.includes(work.name))) return undefined;
  work.config = resolveNodeConfig(project, 'seed', work.source.fqn, undefined, undefined);
  if (!work.config.enabled) return null;
  state.mode = 'execute';
  state.current = work;
  place(work, ctx);
  state.current = undefined;
  return fileNodeRecord(work, project, ctx.macros, () => '');
}

/** The Work of a new model or seed file, undefined when another model or seed file has its name (disabled ones too: the compile reports it). */
function newWork(project: Project, path: string, type: 'model' | 'seed'): Work | undefined {
  const pkg = project.config.name;
  const ext = type === 'seed' ? '.csv' : '.sql';
  const file = (type === 'seed' ? project.files.seeds : project.files.models).find((f) => f.path === path)!;
  const { name, dirs } = baseName(file.relPath, ext);
  const named = (e: string) => (f: { relPath: string }) => baseName(f.relPath, e).name === name;
  if (project.files.models.filter(named('.sql')).length + project.files.seeds.filter(named('.csv')).length > 1) return undefined;
  const id = `${type}.${pkg}.${name}`;
  return {
    name, uniqueId: id, resourceType: type, file: path, raw: type === 'seed' ? '' : file.content, refs: [], sources: [], inlineConfig: {},
    source: { name, uniqueId: id, file, fqn: [pkg, ...dirs, name] }, dependsOn: [],
  };
}

/** A new node's relation (generate_schema_name's uses count as outside any node, as in a compile). */
function place(work: Work, ctx: NewModelContext): void {
  const schema = ctx.uses.pin(OUTSIDE, () => schemaName(work, ctx.macros, ctx.project));
  work.relation = nodeRelation(work.name, work.config!, schema, ctx.project.target, ctx.options.dialect);
  work.self = relationValue(work.relation, ctx.options.dialect);
}

/**
 * Where a compile puts a new seed's node: after the seed of the seed file before it; undefined
 * when it would be the first node (a run never starts the body).
 */
export function newSeedPosition(project: Project, positions: ReadonlyMap<string, number>, path: string): number | undefined {
  const before = lastNodeBefore(project, positions, 'seed', path);
  return before === undefined ? undefined : before + 1;
}

/**
 * Where a compile puts a new model's node: after the model of the file before it, or after the
 * last seed (`positions`: each stored node's place).
 */
export function newModelPosition(project: Project, facts: NodeFacts, positions: ReadonlyMap<string, number>, path: string): number | undefined {
  let before = lastNodeBefore(project, positions, 'model', path);
  if (before === undefined) {
    for (const [id, at] of positions) if (facts.info.get(id)!.resource_type === 'seed') before = at;
  }
  return before === undefined ? undefined : before + 1;
}

/** The stored place of the node of the last model or seed file before `path` that has one. */
function lastNodeBefore(project: Project, positions: ReadonlyMap<string, number>, type: 'model' | 'seed', path: string): number | undefined {
  const pkg = project.config.name;
  const ext = type === 'seed' ? '.csv' : '.sql';
  let before: number | undefined;
  for (const f of type === 'seed' ? project.files.seeds : project.files.models) {
    if (f.path === path) break;
    const at = positions.get(`${type}.${pkg}.${baseName(f.relPath, ext).name}`);
    if (at !== undefined) before = at;
  }
  return before;
}

/**
 * The graph after a patch whose nodes now depend on other nodes (a ref or source added or
 * removed) or that adds or removes nodes, computed as a compile computes it: graph facts in node
 * order, parent_map and child_map (keys in node order, sorted child lists) and the topological
 * order (a cycle throws, and the project is compiled to report it). Undefined when nothing changed.
 */
export function rewired(entry: NonNullable<ReturnType<typeof readEntry>>, replaced: ReadonlyMap<string, ManifestNode>, splices: readonly NodeSplice[]): EntryPatch['graph'] {
  const { facts, manifest } = entry;
  const changed = [...replaced.values()].filter((n) => JSON.stringify(n.depends_on.nodes) !== JSON.stringify(facts.info.get(n.unique_id)!.depends_on));
  if (changed.length === 0 && splices.length === 0) return undefined;
  const ids = [...facts.info.keys()];
  const removed = new Set(splices.flatMap((sp) => ids.slice(sp.start, sp.start + sp.remove)));
  const added = splices.flatMap((sp) => sp.nodes);
  // Each run goes right after the node before it (whether or not that one is removed).
  const insertAfter = new Map(splices.map((sp) => [ids[sp.start - 1]!, sp.nodes]));
  const info = new Map<string, MemberInfo>();
  for (const id of ids) {
    if (!removed.has(id)) info.set(id, facts.info.get(id)!);
    for (const node of insertAfter.get(id) ?? []) info.set(node.unique_id, memberInfo(node));
  }
  // Map keys in the new node order too (sources first, as stored).
  const respliced = (map: Record<string, string[]>, value: (node: ManifestNode) => string[]): Record<string, string[]> => {
    if (splices.length === 0) return map;
    const out: Record<string, string[]> = {};
    for (const [key, list] of Object.entries(map)) {
      if (!removed.has(key)) out[key] = list;
      for (const node of insertAfter.get(key) ?? []) out[node.unique_id] = value(node);
    }
    return out;
  };
  const parent_map = respliced(manifest.parent_map, (node) => node.depends_on.nodes);
  const child_map = respliced(manifest.child_map, () => []);
  const touched = new Set<string>();
  const unlink = (id: string, parents: readonly string[]) => {
    for (const parent of parents) if (child_map[parent]) child_map[parent] = child_map[parent]!.filter((c) => c !== id);
  };
  const link = (id: string, parents: readonly string[]) => {
    for (const parent of parents) {
      child_map[parent]!.push(id);
      touched.add(parent);
    }
  };
  for (const id of removed) {
    if (manifest.child_map[id]!.some((child) => !removed.has(child))) throw new Error('a removed node still has dependents');
    unlink(id, facts.info.get(id)!.depends_on);
  }
  for (const node of changed) {
    const id = node.unique_id;
    unlink(id, facts.info.get(id)!.depends_on);
    info.set(id, { ...info.get(id)!, depends_on: node.depends_on.nodes });
    parent_map[id] = node.depends_on.nodes;
    link(id, node.depends_on.nodes);
  }
  for (const node of added) link(node.unique_id, node.depends_on.nodes);
  for (const parent of touched) child_map[parent]!.sort();
  return { info, order: ProjectGraph.fromManifest(manifest, info).topoOrder(), parent_map, child_map };
}
