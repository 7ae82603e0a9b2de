/**
 * The part of a compile cache patch (cache-patch.ts) for changed properties YAML files: each is
 * parsed alone, and the models it describes get their new descriptions and columns, and the tests
 * it declares are built again, when that leaves the graph and every config as they were.
 *
 * A file is patched only when it describes the same models as before (no model gains, loses or
 * moves its properties), declares no seeds, snapshots, sources or unit tests (before and after),
 * yields no warning, leaves each model's resolved config unchanged, and its tests come out with
 * the same ids in the same order, the same dependencies, key order and summary (name, tags, paths).
 * Anything else: undefined, and the caller compiles the whole project.
 */
import { collectDeclarations } from '../data-tests/declarations.js';
import { buildGenericTest } from '../data-tests/generic-node.js';
import { testBuildState, type TestCompileContext } from '../data-tests/compile-tests.js';
import { readProperties } from '../project/properties.js';
import type { Project, ProjectProperties } from '../project/types.js';
import type { Validators } from '../project/validate.js';
import type { Diagnostic } from '../errors.js';
import { resolveNodeConfig, type FolderConfigCache } from './config.js';
import { columnsOf, yamlConfigLayer } from './nodes.js';
import { summarize, type NodeFacts } from './node-facts.js';
import type { Manifest, ManifestNode } from './types.js';

/** Per properties file: the models it describes (patch_path), the tests declared in it, and whether it declares anything else. */
export interface PropertyFileUse {
  models: string[];
  tests: string[];
  other?: true;
}

export type PropertyIndex = Record<string, PropertyFileUse>;

/** The PropertyIndex of a compiled manifest (stored with the cache entry). */
export function propertyIndex(manifest: Manifest): PropertyIndex {
  const index: PropertyIndex = {};
  const use = (file: string) => (index[file] ??= { models: [], tests: [] });
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
  /** A node as the patch has it so far (re-rendered, or as stored). */
  current(id: string): ManifestNode;
  /** Render a description (outside any node). */
  render(text: string | undefined, file: string): string;
}

/** The nodes to replace for the changed properties `files` (in project order), or undefined. */
export function patchPropertyFiles(ctx: PropertyPatchContext, files: readonly string[]): Map<string, ManifestNode> | undefined {
  const out = new Map<string, ManifestNode>();
  const positions = new Map<string, number>();
  let i = 0;
  for (const id of ctx.facts.info.keys()) positions.set(id, i++);
  const folderConfigs: FolderConfigCache = new Map();
  for (const path of files) {
    const use = ctx.index[path] ?? { models: [], tests: [] };
    if (use.other || ctx.diagnostics.some((d) => d.file === path)) return undefined;
    const file = ctx.project.files.propertyFiles?.find((f) => f.path === path);
    if (!file) return undefined;
    const diagnostics: Diagnostic[] = [];
    const props = readProperties([file], ctx.validators, diagnostics);
    if (diagnostics.length > 0 || props.seeds.size > 0 || props.snapshots.size > 0 || props.sources.length > 0 || props.unitTests.length > 0) return undefined;
    if (!describesSameModels(ctx, props, use.models)) return undefined;
    for (const entry of props.models.values()) {
      const id = `model.${ctx.project.config.name}.${entry.name}`;
      const node = out.get(id) ?? ctx.current(id);
      const config = resolveNodeConfig(ctx.project, 'model', node.fqn, yamlConfigLayer(entry), node.inline_config, folderConfigs);
      if (JSON.stringify(config) !== JSON.stringify(node.config)) return undefined;
      const description = ctx.render(entry.description, path);
      const columns = columnsOf(entry.columns, (text) => ctx.render(text, path));
      if (description !== node.description || JSON.stringify(columns) !== JSON.stringify(node.columns)) out.set(id, { ...node, description, columns });
    }
    const tests = rebuildTests(ctx, props, use.tests, positions);
    if (!tests) return undefined;
    // Only what differs is replaced (and its compiled SQL written again).
    for (const test of tests) if (JSON.stringify(test) !== JSON.stringify(ctx.current(test.unique_id))) out.set(test.unique_id, test);
  }
  return out;
}

/** Whether `props` describe exactly the models that `stored` (their ids) were described by. */
function describesSameModels(ctx: PropertyPatchContext, props: ProjectProperties, stored: readonly string[]): boolean {
  if (props.models.size !== stored.length) return false;
  const pkg = ctx.project.config.name;
  const ids = new Set(stored);
  for (const name of props.models.keys()) if (!ids.has(`model.${pkg}.${name}`)) return false;
  return true;
}

/** The file's tests built again, when they match the stored ones (ids in order, dependencies, keys, summaries). */
function rebuildTests(ctx: PropertyPatchContext, props: ProjectProperties, stored: readonly string[], positions: Map<string, number>): ManifestNode[] | undefined {
  // Names of the tests built before this file's, as a full compile has them when it gets here.
  const first = stored.reduce((min, id) => Math.min(min, positions.get(id)!), Infinity);
  const before: string[] = [];
  for (const [id, at] of positions) {
    if (at >= first) break;
    // A test's unique_id is test.<package>.<name>.
    if (ctx.facts.info.get(id)!.resource_type === 'test') before.push(id.slice(id.indexOf('.', 5) + 1));
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
    if (!node) return undefined; // a test disabled now: one node fewer
    built.push(node);
  }
  const order = [...stored].sort((a, b) => positions.get(a)! - positions.get(b)!);
  if (built.length !== order.length) return undefined;
  for (let i = 0; i < built.length; i++) {
    const node = built[i]!;
    if (node.unique_id !== order[i]) return undefined;
    const info = ctx.facts.info.get(node.unique_id)!;
    if (JSON.stringify(node.depends_on.nodes) !== JSON.stringify(info.depends_on) || node.attached_node !== info.attached_node) return undefined;
    const old = ctx.current(node.unique_id);
    if (Object.keys(node).join() !== Object.keys(old).join()) return undefined;
    if (JSON.stringify(summarize(node, ctx.dialect)) !== JSON.stringify(summarize(old, ctx.dialect))) return undefined;
  }
  return built;
}
