/**
 * The part of a compile cache patch (cache-patch.ts) for changed, new and removed properties YAML
 * files: each is parsed alone (a removed one declares nothing), and the models it describes get
 * their new descriptions and columns, and the tests it declares are built again, when that leaves
 * the graph and every config as they were.
 *
 * A file is patched only when each model it now describes (or no longer describes) is described
 * by no other file, it declares no seeds, snapshots, sources or unit tests (before and after),
 * yields no warning and leaves each model's resolved config unchanged. Its tests either come out
 * the same (ids in order, attached nodes, key orders, summaries: each is replaced if it differs),
 * or, when tests were added or removed, replace the file's run of tests as a whole (a splice; one
 * per patch; a file that had none gets its run after the model tests of the files before it).
 * Anything else: undefined, and the caller compiles the whole project.
 */
import { collectDeclarations } from '../data-tests/declarations.js';
import { buildGenericTest } from '../data-tests/generic-node.js';
import { testBuildState, type TestCompileContext } from '../data-tests/compile-tests.js';
import { MAX_TEST_NAME } from '../data-tests/test-names.js';
import { readProperties } from '../project/properties.js';
import type { Project, ProjectProperties } from '../project/types.js';
import type { Validators } from '../project/validate.js';
import type { Diagnostic } from '../errors.js';
import { resolveNodeConfig, type FolderConfigCache } from './config.js';
import { columnsOf, yamlConfigLayer } from './nodes.js';
import { summarize, type NodeFacts } from './node-facts.js';
import type { Manifest, ManifestNode } from './types.js';

/**
 * Per properties file: the models it describes (patch_path), the tests declared in it, whether it
 * declares anything else, and the names it describes that are no node (disabled or missing models).
 */
export interface PropertyFileUse {
  models: string[];
  tests: string[];
  other?: true;
  absent?: string[];
}

export type PropertyIndex = Record<string, PropertyFileUse>;

/** The PropertyIndex of a compiled manifest and the properties it was compiled from (stored with the cache entry). */
export function propertyIndex(manifest: Manifest, properties: ProjectProperties): PropertyIndex {
  const index: PropertyIndex = {};
  const use = (file: string) => (index[file] ??= { models: [], tests: [] });
  for (const entry of properties.models.values()) {
    if (!manifest.nodes[`model.${manifest.projectName}.${entry.name}`]) (use(entry.file).absent ??= []).push(entry.name);
  }
  for (const node of Object.values(manifest.nodes)) {
    if (node.patch_path !== undefined) {
      if (node.resource_type === 'model') use(node.patch_path).models.push(node.unique_id);
      else use(node.patch_path).other = true;
    }
    if (node.resource_type === 'test' && node.test_metadata !== undefined) use(node.original_file_path).tests.push(node.unique_id);
    if (node.resource_type === 'unit_test') use(node.original_file_path).other = true;
  }
  for (const source of Object.values(manifest.sources)) use(source.original_file_path).other = true;
  return index;
}

/** What the YAML part of a patch works with (built by cache-patch.ts from the stored entry). */
export interface PropertyPatchContext extends TestCompileContext {
  validators: Validators;
  index: PropertyIndex;
  /** Warnings stored with the entry. */
  diagnostics: Diagnostic[];
  manifest: Manifest;
  facts: NodeFacts;
  /** Each stored node's place in node order. */
  positions: ReadonlyMap<string, number>;
  /** Stored nodes the patch removes (their model files are gone). */
  gone: ReadonlySet<string>;
  /** A node as the patch has it so far (re-rendered, or as stored). */
  current(id: string): ManifestNode;
  /** Render a description (outside any node). */
  render(text: string | undefined, file: string): string;
}

/** A run of stored nodes, [start, start + remove), replaced by `nodes` (tests added or removed). */
export interface NodeSplice {
  start: number;
  remove: number;
  nodes: ManifestNode[];
}

/** What the YAML part of a patch yields: nodes replaced, at most one splice, and the PropertyIndex after it. */
export interface PropertyPatch {
  replaced: Map<string, ManifestNode>;
  splice?: NodeSplice;
  index: PropertyIndex;
}

/** What a removed properties file declares. */
const NOTHING = (): ProjectProperties => ({ models: new Map(), seeds: new Map(), snapshots: new Map(), sources: [], unitTests: [] });

/**
 * The nodes to replace for the changed, new and `removed` properties `files` (in project order),
 * or undefined. A new file is a changed one that described nothing; a removed one now describes nothing.
 */
export function patchPropertyFiles(ctx: PropertyPatchContext, files: readonly string[], removed: ReadonlySet<string>): PropertyPatch | undefined {
  const out = new Map<string, ManifestNode>();
  let splice: NodeSplice | undefined;
  const index: PropertyIndex = { ...ctx.index };
  const folderConfigs: FolderConfigCache = new Map();
  // Models gaining their properties in this patch (two files describing one model: the compile reports it).
  const gainedAll = new Set<string>();
  for (const path of files) {
    const use = ctx.index[path] ?? { models: [], tests: [] };
    if (use.other || ctx.diagnostics.some((d) => d.file === path)) return undefined;
    const props = removed.has(path) ? NOTHING() : readAlone(ctx, path);
    if (!props) return undefined;
    const described = describedModels(ctx, props, use.models);
    if (!described || described.gained.some((id) => gainedAll.has(id))) return undefined;
    for (const id of described.gained) gainedAll.add(id);
    for (const entry of props.models.values()) {
      const id = `model.${ctx.project.config.name}.${entry.name}`;
      const node = out.get(id) ?? ctx.current(id);
      const config = resolveNodeConfig(ctx.project, 'model', node.fqn, yamlConfigLayer(entry), node.inline_config, folderConfigs);
      if (JSON.stringify(config) !== JSON.stringify(node.config)) return undefined;
      const description = ctx.render(entry.description, path);
      const columns = columnsOf(entry.columns, (text) => ctx.render(text, path));
      if (described.gained.includes(id)) out.set(id, withPatchPath({ ...node, description, columns }, path));
      else if (description !== node.description || JSON.stringify(columns) !== JSON.stringify(node.columns)) out.set(id, { ...node, description, columns });
    }
    // Models no longer described: no description, columns or patch_path (their config must not have come from here).
    for (const id of described.lost) {
      const node = out.get(id) ?? ctx.current(id);
      const config = resolveNodeConfig(ctx.project, 'model', node.fqn, undefined, node.inline_config, folderConfigs);
      if (JSON.stringify(config) !== JSON.stringify(node.config)) return undefined;
      out.set(id, withPatchPath({ ...node, description: '', columns: {} }, undefined));
    }
    if (described.gained.length + described.lost.length > 0) {
      index[path] = { ...use, models: [...use.models.filter((id) => !described.lost.includes(id)), ...described.gained] };
    }
    const tests = rebuildTests(ctx, props, use.tests, path);
    if (!tests) return undefined;
    if ('splice' in tests) {
      if (splice) return undefined; // one run of nodes per patch
      splice = tests.splice;
      index[path] = { ...(index[path] ?? use), tests: splice.nodes.map((n) => n.unique_id) };
    } else {
      // Only what differs is replaced (and its compiled SQL written again).
      for (const test of tests.same) if (JSON.stringify(test) !== JSON.stringify(ctx.current(test.unique_id))) out.set(test.unique_id, test);
    }
    if (removed.has(path)) delete index[path];
  }
  return { replaced: out, splice, index };
}

/** A properties file of the project parsed alone, when it declares models only and yields no warning. */
function readAlone(ctx: PropertyPatchContext, path: string): ProjectProperties | undefined {
  const file = ctx.project.files.propertyFiles?.find((f) => f.path === path);
  if (!file) return undefined;
  const diagnostics: Diagnostic[] = [];
  const props = readProperties([file], ctx.validators, diagnostics);
  if (diagnostics.length > 0 || props.seeds.size > 0 || props.snapshots.size > 0 || props.sources.length > 0 || props.unitTests.length > 0) return undefined;
  return props;
}

/**
 * The models `props` describe that `stored` (their ids) did not (gained) and the reverse (lost);
 * undefined when a gained one is no node (disabled, missing) or is described by another file.
 */
function describedModels(ctx: PropertyPatchContext, props: ProjectProperties, stored: readonly string[]): { gained: string[]; lost: string[] } | undefined {
  const pkg = ctx.project.config.name;
  const now = new Set([...props.models.keys()].map((name) => `model.${pkg}.${name}`));
  const gained = [...now].filter((id) => !stored.includes(id));
  for (const id of gained) if (!ctx.facts.info.has(id) || ctx.gone.has(id) || ctx.current(id).patch_path !== undefined) return undefined;
  return { gained, lost: stored.filter((id) => !now.has(id)) };
}

/** `node` with `patch_path` set (right after `relation`, where a compile puts it) or removed. */
function withPatchPath(node: ManifestNode, path: string | undefined): ManifestNode {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'patch_path') continue;
    out[key] = value;
    if (key === 'relation' && path !== undefined) out.patch_path = path;
  }
  return out as unknown as ManifestNode;
}

/** A test's name: its unique_id is test.<package>.<name>. */
const testName = (id: string): string => id.slice(id.indexOf('.', 5) + 1);

/**
 * Whether a test other than `own` may have a name made from one of `names` (taken when it was
 * named, so it got a hashed one: `<name cut>_<hash>`), which a compile without them would change.
 */
export function namesHashedFrom(facts: NodeFacts, names: readonly string[], own: ReadonlySet<string>): boolean {
  if (names.length === 0) return false;
  const prefixes = names.map((name) => `${name.slice(0, MAX_TEST_NAME - 11)}_`);
  for (const id of facts.info.keys()) {
    if (id.startsWith('test.') && !own.has(id) && prefixes.some((p) => testName(id).startsWith(p))) return true;
  }
  return false;
}

/**
 * Where a compile puts the tests of properties file `path` when it had none: tests on models come
 * first, file by file, so right after those of the files before it, else right after the last
 * model or seed.
 */
function firstTestPosition(ctx: PropertyPatchContext, path: string): number {
  let at = -1;
  for (const f of ctx.project.files.propertyFiles ?? []) {
    if (f.path === path) break;
    for (const id of ctx.index[f.path]?.tests ?? []) {
      if (ctx.facts.info.get(id)!.attached_node?.startsWith('model.')) at = Math.max(at, ctx.positions.get(id)!);
    }
  }
  if (at >= 0) return at + 1;
  for (const [id, p] of ctx.positions) {
    const type = ctx.facts.info.get(id)!.resource_type;
    if (type !== 'model' && type !== 'seed') break;
    at = p;
  }
  return at + 1;
}

/**
 * The file's tests built again: the same tests (`same`; each keeps its attached node, key order
 * and summary), or a splice of the file's run of tests when tests were added or removed (the run
 * must be contiguous, and no other test's name may depend on the names added or removed).
 */
function rebuildTests(
  ctx: PropertyPatchContext,
  props: ProjectProperties,
  stored: readonly string[],
  path: string,
): { same: ManifestNode[] } | { splice: NodeSplice } | undefined {
  const { positions } = ctx;
  const order = [...stored].sort((a, b) => positions.get(a)! - positions.get(b)!);
  const first = order.length === 0 ? firstTestPosition(ctx, path) : positions.get(order[0]!)!;
  // Names of the tests built before this file's, as a full compile has them when it gets here.
  const before: string[] = [];
  for (const [id, at] of positions) {
    if (at >= first) break;
    if (ctx.facts.info.get(id)!.resource_type === 'test') before.push(testName(id));
  }
  const { project } = ctx;
  const scoped: Project = { root: project.root, config: project.config, target: project.target, vars: project.vars, files: project.files, diagnostics: [], properties: props };
  // The nodes the tests read (their models, relationships targets) one by one: not the whole record.
  const nodes = new Proxy({} as Manifest['nodes'], { get: (_, id) => (typeof id === 'string' && ctx.facts.info.has(id) ? ctx.current(id) : undefined) });
  const manifest = { projectName: ctx.manifest.projectName, adapterType: ctx.manifest.adapterType, sources: ctx.manifest.sources, nodes } as Manifest;
  const s = testBuildState(manifest, { ...ctx, project: scoped }, before);
  const built: ManifestNode[] = [];
  for (const d of collectDeclarations(scoped, manifest)) {
    const node = buildGenericTest(s, d);
    if (node) built.push(node);
  }
  if (built.length === order.length && built.every((node, i) => node.unique_id === order[i])) {
    for (const node of built) {
      const old = ctx.current(node.unique_id);
      if (node.attached_node !== old.attached_node || Object.keys(node).join() !== Object.keys(old).join()) return undefined;
      if (JSON.stringify(summarize(node, ctx.dialect)) !== JSON.stringify(summarize(old, ctx.dialect))) return undefined;
    }
    return { same: built };
  }
  // Tests added or removed: the file's run of tests (perhaps none yet) is replaced as a whole.
  if (order.some((id, k) => positions.get(id) !== first + k)) return undefined;
  const removed = new Set(order);
  const added = built.filter((n) => !removed.has(n.unique_id));
  for (const id of built.map((n) => n.unique_id)) removed.delete(id);
  // An added name another test already has, or a removed name another test's hashed name was made from.
  if (added.some((n) => ctx.facts.info.has(n.unique_id))) return undefined;
  if (namesHashedFrom(ctx.facts, [...removed].map(testName), new Set(stored))) return undefined;
  return { splice: { start: first, remove: order.length, nodes: built } };
}
