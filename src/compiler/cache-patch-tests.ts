/**
 * The singular tests of a compile cache patch (cache-patch-render.ts): changed test files are
 * rendered again; new ones are built as a compile builds them and placed where it puts them
 * (singular tests follow the generic ones, in file order); removed ones are taken out. A singular
 * test's name is taken before generic tests are named, so a new name another test already has,
 * or a removed name another test's hashed name may have been made from, compiles the project.
 */
import { buildSingularTest, testBuildState, type TestBuildState, type TestCompileContext } from '../data-tests/compile-tests.js';
import type { FileSetChange } from './cache-changes.js';
import { namesHashedFrom, type NodeSplice } from './cache-patch-yaml.js';
import { baseName } from './nodes.js';
import { summarize, type NodeFacts } from './node-facts.js';
import type { Manifest, ManifestNode } from './types.js';

/** What the singular-test part of a patch works with (built by cache-patch-render.ts from the stored entry). */
export interface SingularPatchContext extends TestCompileContext {
  manifest: Manifest;
  facts: NodeFacts;
  /** Each stored node's place in node order. */
  positions: ReadonlyMap<string, number>;
  /** A node as the patch has it so far (re-rendered, added, or as stored). */
  current(id: string): ManifestNode;
  /** The stored node of a singular test file (undefined: none, e.g. disabled). */
  fileNode(path: string): string | undefined;
  /** The run of nodes added or removed at a stored position. */
  run(start: number): NodeSplice;
  /** Stored nodes the patch removes (added to here). */
  gone: Set<string>;
}

/**
 * Singular tests `ids` rendered again (each must keep its key order and summary: name, tags,
 * paths), new test files built into runs, removed ones taken out; undefined when a name stands in
 * the way. Returns the rebuilt nodes.
 */
export function patchSingularTests(ctx: SingularPatchContext, ids: readonly string[], files: FileSetChange): ManifestNode[] | undefined {
  if (ids.length + files.added.length + files.removed.length === 0) return [];
  const s = buildState(ctx);
  const removedNames: string[] = [];
  const own = new Set<string>();
  for (const path of files.removed) {
    removedNames.push(baseName(path, '.sql').name);
    const id = ctx.fileNode(path);
    if (id === undefined) continue; // a disabled test: no node, but its name was taken
    own.add(id);
    ctx.gone.add(id);
    ctx.run(ctx.positions.get(id)!).remove += 1;
  }
  if (namesHashedFrom(ctx.facts, removedNames, own)) return undefined;
  const byPath = new Map(ctx.project.files.tests.map((f) => [f.path, f]));
  const added = new Set<string>();
  for (const path of files.added) {
    const file = byPath.get(path)!;
    const id = `test.${ctx.project.config.name}.${baseName(file.relPath, '.sql').name}`;
    // Taken by another test (a generic one would now get a hashed name) or by another new file.
    if (ctx.facts.info.has(id) || added.has(id)) return undefined;
    added.add(id);
    const node = buildSingularTest(s, file);
    if (node) ctx.run(singularPosition(ctx, path)).nodes.push(node);
  }
  const out: ManifestNode[] = [];
  for (const id of ids) {
    if (ctx.gone.has(id)) continue; // a user of a removed macro file, removed with it
    const old = ctx.current(id);
    const file = byPath.get(old.original_file_path);
    const node = file && buildSingularTest(s, file);
    if (!node || node.unique_id !== id || Object.keys(node).join() !== Object.keys(old).join()) return undefined;
    if (JSON.stringify(summarize(node, ctx.dialect)) !== JSON.stringify(summarize(old, ctx.dialect))) return undefined;
    out.push(node);
  }
  return out;
}

function buildState(ctx: SingularPatchContext): TestBuildState {
  // Nodes are read one by one (never the whole lazy record).
  const view = new Proxy({} as Manifest['nodes'], { get: (_, id) => (typeof id === 'string' ? ctx.current(id) : undefined) });
  const { manifest } = ctx;
  return testBuildState({ projectName: manifest.projectName, adapterType: manifest.adapterType, sources: manifest.sources, nodes: view } as Manifest, ctx, []);
}

/**
 * Where a compile puts a new singular test file's node: after the stored one of the test file
 * before it, else before the first stored singular or unit test, else last.
 */
function singularPosition(ctx: SingularPatchContext, path: string): number {
  let start: number | undefined;
  for (const f of ctx.project.files.tests) {
    if (f.path === path) break;
    const id = ctx.fileNode(f.path);
    if (id !== undefined) start = ctx.positions.get(id)! + 1;
  }
  if (start !== undefined) return start;
  for (const [id, at] of ctx.positions) {
    const info = ctx.facts.info.get(id)!;
    if (info.resource_type === 'unit_test' || (info.resource_type === 'test' && info.attached_node === undefined)) return at;
  }
  return ctx.positions.size;
}
