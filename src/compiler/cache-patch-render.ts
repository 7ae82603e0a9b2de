/**
 * The rendering half of a compile cache patch (cache-patch.ts): the nodes a change touches are
 * rendered again in a context built from the stored entry — refs and sources resolve to the stored
 * relations, macros load from the project as it is now — and, when refs or sources changed, the
 * graph is rewired as a compile would. Anything the stored entry cannot answer (an unknown or
 * ephemeral ref, a changed config() call, a test using what changed) abandons the patch.
 */
import type { Project } from '../project/types.js';
import type { Validators } from '../project/validate.js';
import type { Diagnostic } from '../errors.js';
import type { readEntry } from './cache-entry.js';
import type { EntryPatch } from './cache-entry-patch.js';
import { recordingEnv, type KeyParts } from './cache.js';
import { usersOf, type Changes } from './cache-changes.js';
import { patchPropertyFiles, type NodeSplice, type PropertyIndex } from './cache-patch-yaml.js';
import { renderDescription, type CompileOptions } from './compile.js';
import { newModel, newModelPosition, newSeed, newSeedPosition, rewired } from './cache-patch-splice.js';
import { patchSingularTests } from './cache-patch-tests.js';
import { macrosPatchable } from './cache-patch-macros.js';
import { installContext, type RenderNode, type RenderState } from './context.js';
import { parseDocBlocks, docText } from './docs.js';
import { compileTemplate, createEnvironment, renderTemplate } from './environment.js';
import { loadMacros, macrosCalledIn, type MacroRegistry } from './macros.js';
import { baseName } from './nodes.js';
import { relationValue } from './relations.js';
import type { ManifestNode } from './types.js';
import { UseRecorder, type UseLog } from './uses.js';

/** Thrown inside a render to abandon the patch (a ref or source the stored manifest cannot answer); caught with any render error. */
class NoPatch extends Error {}

function throwNoPatch(): never {
  throw new NoPatch();
}

/** What a patch needs beyond a compile's options: the target path and the properties validators. */
export type PatchOptions = CompileOptions & { targetPath: string; validators: Validators };

/** The replaced nodes of a patch, the macros it loaded, the env_var() reads (stored with the entry), and what the re-rendered nodes used. */
export interface Patch {
  replaced: Map<string, ManifestNode>;
  /** Runs of nodes added or removed (a new model, the tests of a properties file), in node order. */
  splices: NodeSplice[];
  /** What each properties file describes, after the patch. */
  propertyIndex: PropertyIndex;
  /** When a re-rendered model's dependencies changed: the new graph. */
  graph?: EntryPatch['graph'];
  macros: MacroRegistry;
  reads: Record<string, string | null>;
  redone: Set<string>;
  uses: UseLog;
}

/** Render the nodes `changes` touch again, in a context built from the stored entry; undefined (or a throw) when the patch cannot cover the change. */
export function renderPatch(
  entry: NonNullable<ReturnType<typeof readEntry>>,
  changes: Changes,
  parts: KeyParts,
  project: Project,
  options: PatchOptions,
  reads: Record<string, string | null>,
  stored: { diagnostics: Diagnostic[]; index: PropertyIndex },
): Patch | undefined {
  const { manifest, facts } = entry;
  const parsed = new Map<string, ManifestNode>();
  const addedById = new Map<string, ManifestNode>();
  const nodeOf = (id: string): ManifestNode => {
    let node = parsed.get(id) ?? addedById.get(id);
    if (!node) parsed.set(id, (node = entry.node(id)!));
    return node;
  };
  // Ids follow from file names (a model or seed is named by its file), so the 200k summaries of a
  // large project are never parsed here; the node read then confirms the path.
  const pkg = project.config.name;
  const fileNode = (type: 'model' | 'seed' | 'test', path: string): string | undefined => {
    const id = `${type}.${pkg}.${baseName(path, type === 'seed' ? '.csv' : '.sql').name}`;
    return facts.info.has(id) && nodeOf(id).original_file_path === path ? id : undefined;
  };
  // Stored nodes this patch removes (a ref to one is unknown).
  const gone = new Set<string>();
  const known = (id: string) => (facts.info.has(id) && !gone.has(id)) || addedById.has(id);
  const byName = (name: string): string | undefined =>
    (known(`model.${pkg}.${name}`) ? `model.${pkg}.${name}` : known(`seed.${pkg}.${name}`) ? `seed.${pkg}.${name}` : undefined);
  // What to do again: models rendered, singular tests rendered, properties files whose tests are built again.
  const redo = new Set<string>();
  const singular = new Set<string>();
  const yamlFiles = new Set([...changes.properties, ...changes.files.properties.added, ...changes.files.properties.removed]);
  for (const id of changes.users) {
    const type = facts.info.get(id)?.resource_type;
    if (type === 'model') redo.add(id);
    else if (type !== 'test') return undefined;
    else if (nodeOf(id).test_metadata === undefined) singular.add(id);
    else yamlFiles.add(nodeOf(id).original_file_path);
  }
  for (const path of changes.models) {
    const id = fileNode('model', path);
    if (id === undefined) return undefined; // a disabled model's file
    redo.add(id);
  }
  for (const path of changes.tests) {
    const id = fileNode('test', path);
    if (id === undefined) return undefined; // a disabled test's file
    singular.add(id);
  }
  const unitTested = new Set<string>();
  for (const info of facts.info.values()) if (info.resource_type === 'unit_test' && info.attached_node) unitTested.add(info.attached_node);
  const isEphemeral = (id: string) => known(id) && nodeOf(id).config.materialized === 'ephemeral';
  for (const id of redo) {
    if (isEphemeral(id) || unitTested.has(id) || facts.info.get(id)!.depends_on.some(isEphemeral)) return undefined;
  }
  const replaced = new Map<string, ManifestNode>();
  // A seed's content is data, never rendered: only its node's checksum changes.
  for (const path of changes.seeds) {
    const id = fileNode('seed', path);
    if (id === undefined) return undefined;
    replaced.set(id, { ...nodeOf(id), checksum: { name: 'sha256', checksum: parts.seeds[path]! } });
  }

  const sourceIds = new Map(Object.values(manifest.sources).map((s) => [`${s.source_name}.${s.name}`, s.unique_id]));
  const refId = (name: string, pkgName: string | undefined): string => {
    const id = pkgName === undefined || pkgName === pkg ? byName(name) : undefined;
    if (id === undefined || isEphemeral(id)) throw new NoPatch();
    return id;
  };
  const sourceId = (src: string, table: string): string => sourceIds.get(`${src}.${table}`) ?? throwNoPatch();
  // As the compile resolves them: refs then sources, sorted, once each.
  const dependsOn = (work: RenderNode): string[] => {
    const deps = new Set<string>();
    for (const r of work.refs) deps.add(refId(r.name, r.package));
    for (const [src, table] of work.sources) deps.add(sourceId(src, table));
    return [...deps].sort();
  };
  const nunjucksEnv = createEnvironment();
  const uses = new UseRecorder();
  const state: RenderState = { mode: 'parse', uses };
  const docs = parseDocBlocks(project);
  let macros: MacroRegistry = { nodes: new Map(), functions: new Map() };
  installContext(nunjucksEnv, {
    project,
    dialect: options.dialect,
    invocationId: options.invocationId,
    runStartedAt: options.runStartedAt,
    env: recordingEnv(options.env ?? process.env, reads),
    resolveRef: (name, pkgName) => relationValue(nodeOf(refId(name, pkgName)).relation, options.dialect),
    resolveSource: (src, table) => relationValue(manifest.sources[sourceId(src, table)]!.relation, options.dialect),
    macro: (name) => macros.functions.get(name),
    macroNames: () => macros.functions.keys(),
    doc: (name, from) => docText(docs, name, from?.file),
  }, state);
  macros = loadMacros(nunjucksEnv, project, (file) => uses.macroFile(file, state.current));
  const rendered = [...changes.models, ...changes.addedModels, ...changes.tests, ...changes.files.tests.added];
  if (!macrosPatchable(macros, manifest.macros, changes.macros, changes.files.macros, project, rendered)) return undefined;
  // The changed macro files' top level, loaded again, may read what changed.
  const outside = uses.log();
  if (!usersOf(outside.macroFiles, changes.macros) || !usersOf(outside.vars, changes.vars) || !usersOf(outside.env, changes.env)) return undefined;
  // Runs of nodes added or removed, by where they go: removed models, then new ones (in file order).
  const runs = new Map<number, NodeSplice>();
  const run = (start: number): NodeSplice => {
    let found = runs.get(start);
    if (!found) runs.set(start, (found = { start, remove: 0, nodes: [] }));
    return found;
  };
  const positions = new Map<string, number>();
  for (const id of facts.info.keys()) positions.set(id, positions.size);
  // A removed model or seed file: its node goes when nothing left depends on it (checked below) and no properties file describes it.
  for (const [type, paths] of [['model', changes.removedModels], ['seed', changes.files.seeds.removed]] as const) {
    for (const path of paths) {
      const id = fileNode(type, path);
      if (id === undefined) continue; // disabled: no node
      if (nodeOf(id).patch_path !== undefined) return undefined;
      gone.add(id);
      run(positions.get(id)!).remove += 1;
    }
  }
  const newNodeContext = { project, options, env: nunjucksEnv, state, macros, uses, dependsOn, absent: stored.index };
  // New seeds (before new models: a model may ref one, and seeds come first in node order).
  for (const path of changes.files.seeds.added) {
    const node = newSeed(path, newNodeContext);
    if (node === undefined) return undefined;
    if (node === null) continue; // disabled: no node
    const start = newSeedPosition(project, positions, path);
    if (start === undefined) return undefined;
    addedById.set(node.unique_id, node);
    run(start).nodes.push(node);
  }
  // New models first: the models edited with them may ref them. One may ref another: each pass
  // adds those whose refs are known, until none is left (or none could be added: a full compile).
  const placed = new Map<string, ManifestNode>();
  let pending = [...changes.addedModels];
  while (pending.length > 0) {
    const left: string[] = [];
    for (const path of pending) {
      let node: ManifestNode | null | undefined;
      try {
        node = newModel(path, newNodeContext);
      } catch (e) {
        if (!(e instanceof NoPatch)) throw e;
        left.push(path);
        continue;
      }
      if (node === undefined) return undefined;
      if (node === null) continue; // disabled: no node
      addedById.set(node.unique_id, node);
      placed.set(path, node);
    }
    if (left.length === pending.length) return undefined;
    pending = left;
  }
  for (const path of changes.addedModels) {
    const node = placed.get(path);
    if (!node) continue;
    const start = newModelPosition(project, facts, positions, path);
    if (start === undefined) return undefined;
    run(start).nodes.push(node);
  }
  const files = new Map(project.files.models.map((f) => [f.path, f]));
  for (const id of redo) {
    if (gone.has(id)) continue; // a user of a removed macro file, removed with it
    const previous = nodeOf(id);
    const file = files.get(previous.original_file_path);
    const node = file && patchedNode(previous, file.content, file.checksum, nunjucksEnv, state, macros, options, dependsOn);
    if (!node) return undefined;
    // Rendered the same (a macro or var change that does not reach its SQL): nothing to write.
    if (JSON.stringify(node) !== JSON.stringify(previous)) replaced.set(id, node);
  }
  const redone = new Set(redo);
  let splice: NodeSplice | undefined;
  let propertyIndex = stored.index;
  state.current = undefined;
  state.mode = 'execute'; // as when a compile renders descriptions and builds tests
  const tests = {
    project, dialect: options.dialect, env: nunjucksEnv, state, macros, refId, sourceId,
    inject: (sql: string, parents: string[]) => (parents.some(isEphemeral) ? throwNoPatch() : sql),
  };
  const current = (id: string) => replaced.get(id) ?? nodeOf(id);
  const rebuilt = patchSingularTests({ ...tests, manifest, facts, positions, current, fileNode: (path) => fileNode('test', path), run, gone }, [...singular], changes.files.tests);
  if (!rebuilt) return undefined;
  for (const node of rebuilt) {
    replaced.set(node.unique_id, node);
    redone.add(node.unique_id);
  }
  for (const id of gone) if (manifest.child_map[id]!.some((child) => !gone.has(child))) return undefined;
  if (yamlFiles.size > 0) {
    const order = new Map((project.files.propertyFiles ?? []).map((f, i) => [f.path, i]));
    const described = patchPropertyFiles({
      ...tests, validators: options.validators, index: stored.index, diagnostics: stored.diagnostics, manifest, facts, positions, current, gone,
      render: (text, file) => renderDescription(nunjucksEnv, state, text, file),
    }, [...yamlFiles].sort((a, b) => (order.get(a) ?? -1) - (order.get(b) ?? -1)), new Set(changes.files.properties.removed));
    if (!described) return undefined;
    for (const [id, node] of described.replaced) {
      replaced.set(id, node);
      if (node.resource_type === 'test') redone.add(id);
    }
    splice = described.splice;
    propertyIndex = described.index;
  }
  const splices = [...runs.values(), ...(splice ? [splice] : [])].sort((a, b) => a.start - b.start);
  if (new Set(splices.map((sp) => sp.start)).size < splices.length) return undefined; // two runs at one place
  const ids = splices.some((sp) => sp.remove > 0) ? [...facts.info.keys()] : [];
  for (const sp of splices) {
    for (const id of ids.slice(sp.start, sp.start + sp.remove)) redone.add(id);
    for (const node of sp.nodes) redone.add(node.unique_id);
  }
  return { replaced, splices, propertyIndex, macros, reads, redone, uses: uses.log(), graph: rewired(entry, replaced, splices) };
}

/**
 * The stored node with its new code, refs, sources and dependencies (`dependsOn` resolves them),
 * or undefined when its config() calls changed.
 */
function patchedNode(
  previous: ManifestNode,
  raw: string,
  checksum: string,
  env: ReturnType<typeof createEnvironment>,
  state: RenderState,
  macros: MacroRegistry,
  options: CompileOptions,
  dependsOn: (work: RenderNode) => string[],
): ManifestNode | undefined {
  const work: RenderNode = {
    name: previous.name, uniqueId: previous.unique_id, resourceType: 'model', file: previous.original_file_path, raw,
    refs: [], sources: [], inlineConfig: {},
  };
  const template = compileTemplate(env, raw, previous.original_file_path);
  state.mode = 'parse';
  state.current = work;
  renderTemplate(template, work.file);
  // Key order too: the resolved config keeps the order of the calls.
  if (previous.inline_config === undefined || JSON.stringify(work.inlineConfig) !== JSON.stringify(previous.inline_config)) return undefined;
  work.config = previous.config;
  work.self = relationValue(previous.relation, options.dialect);
  state.mode = 'execute';
  const compiled = renderTemplate(template, work.file);
  return {
    ...previous,
    raw_code: raw,
    checksum: { name: 'sha256', checksum },
    refs: work.refs,
    sources: work.sources,
    depends_on: { nodes: dependsOn(work), macros: macrosCalledIn(raw, macros) },
    inline_config: work.inlineConfig,
    compiled_code: compiled,
  };
}
