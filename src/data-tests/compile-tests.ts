/**
 * The compiler hook: YAML test declarations and singular test files → test nodes in the manifest
 * (resource_type 'test', test_type 'data'), with compiled_code selecting the failing rows.
 */
import type nunjucks from 'nunjucks';
import type { Dialect } from '../adapters/adapter.js';
import type { RenderNode, RenderState } from '../compiler/context.js';
import { compileNunjucks, compileTemplate, renderTemplate, type Template } from '../compiler/environment.js';
import { ephemeralCteName } from '../compiler/ephemeral.js';
import { baseName } from '../compiler/nodes.js';
import { macrosCalledIn, type MacroRegistry } from '../compiler/macros.js';
import type { Manifest, ManifestNode, NodeConfig, Relation } from '../compiler/types.js';
import type { Project, ProjectFile } from '../project/types.js';
import { collectDeclarations } from './declarations.js';
import { buildGenericTest } from './generic-node.js';
import { resolveTestConfig } from './test-config.js';
import type { TestFileInfo, TestShape } from './test-shape.js';
import { sha256 as sha256Hex } from '../util/hash.js';
import { sortIds } from '../util/sort-ids.js';

/** What the hook needs from the compile that calls it. */
export interface TestCompileContext {
  project: Project;
  dialect: Dialect;
  env: nunjucks.Environment;
  state: RenderState;
  macros: MacroRegistry;
  /** unique_id a ref resolves to (throws UserError when unknown). */
  refId(name: string, pkg: string | undefined, from: RenderNode): string;
  /** unique_id a source resolves to (throws UserError when unknown). */
  sourceId(source: string, table: string, from: RenderNode): string;
  /** Inject the CTEs of the ephemeral nodes among `parents` into `sql`. */
  inject(sql: string, parents: string[]): string;
}

/** Shared by the generic and singular builders of one compile. */
export interface TestBuildState extends TestCompileContext {
  manifest: Manifest;
  /** Compiled templates by source text (each compiled once per compile). */
  templates: Map<string, Template>;
  /** Test names taken so far. */
  taken: Set<string>;
  /** Folders and path prefixes of a properties file's tests, by file (computed once per file). */
  files: Map<string, TestFileInfo>;
  /** Test shapes by declaration (test-shape.ts). */
  shapes: Map<string, TestShape>;
  /** `<target schema>_audit`: where failing rows are stored (auditRelation). */
  auditSchema: string;
  /** relationSql results by unique_id. */
  relations: Map<string, { sql: string; relation: Relation; ephemeral: boolean }>;
}

/** Compile a template once per compile and render it with `vars`. */
export function renderCached(s: TestBuildState, source: string, file: string, vars: Record<string, unknown>): string {
  let template = s.templates.get(source);
  if (!template) s.templates.set(source, (template = compileNunjucks(s.env, source, file)));
  return renderTemplate(template, file, vars);
}

/** SQL naming a node's relation in a test: the relation, or its CTE for ephemerals. */
export function relationSql(s: TestBuildState, id: string): { sql: string; relation: Relation; ephemeral: boolean } {
  let found = s.relations.get(id);
  if (!found) s.relations.set(id, (found = computeRelationSql(s, id)));
  return found;
}

function computeRelationSql(s: TestBuildState, id: string): { sql: string; relation: Relation; ephemeral: boolean } {
  const node = s.manifest.nodes[id];
  if (node) {
    const ephemeral = node.config.materialized === 'ephemeral';
    return { sql: ephemeral ? ephemeralCteName(node.name) : s.dialect.renderRelation(node.relation), relation: node.relation, ephemeral };
  }
  const source = s.manifest.sources[id]!;
  return { sql: s.dialect.renderRelation(source.relation), relation: source.relation, ephemeral: false };
}

/** `select * from (<sql>) limit n` when a limit is configured. */
export function withLimit(sql: string, config: NodeConfig): string {
  return config.limit === undefined ? sql : `select * from (${sql}) as strata_limited limit ${Number(config.limit)}`;
}

/** Where failing rows are stored with store_failures: `<schema>_audit.<test name>`. */
export function auditRelation(project: Project, name: string): Relation {
  return { schema: `${project.target.schema}_audit`, identifier: name };
}

/**
 * Add the project's data tests to `manifest` (nodes, parent_map, child_map). Tests on disabled
 * nodes and disabled tests are left out. Throws UserError at the YAML line of a bad declaration.
 */
export function addDataTests(manifest: Manifest, ctx: TestCompileContext): void {
  const s = testBuildState(manifest, ctx, []);
  const tests: ManifestNode[] = [];
  for (const d of collectDeclarations(ctx.project, manifest)) {
    const node = buildGenericTest(s, d);
    if (node) tests.push(node);
  }
  for (const file of ctx.project.files.tests) {
    const node = buildSingularTest(s, file);
    if (node) tests.push(node);
  }
  // Parents' child lists stay sorted; only lists that gained a test are re-sorted.
  const touched = new Set<string[]>();
  for (const node of tests) {
    manifest.nodes[node.unique_id] = node;
    manifest.parent_map[node.unique_id] = node.depends_on.nodes;
    manifest.child_map[node.unique_id] = [];
    for (const parent of node.depends_on.nodes) {
      const children = manifest.child_map[parent];
      if (!children) continue;
      children.push(node.unique_id);
      touched.add(children);
    }
  }
  for (const children of touched) sortIds(children);
}

/**
 * The state generic and singular tests of one compile are built in. Singular tests are named by
 * their files: their names are taken before generic names are made, as are `taken` (for building
 * some declarations again, in a cache patch: the names of the tests declared before them).
 */
export function testBuildState(manifest: Manifest, ctx: TestCompileContext, taken: Iterable<string>): TestBuildState {
  const s: TestBuildState = { ...ctx, manifest, templates: new Map(), taken: new Set(taken), files: new Map(), shapes: new Map(), relations: new Map(), auditSchema: auditRelation(ctx.project, '').schema };
  for (const file of ctx.project.files.tests) s.taken.add(baseName(file.relPath, '.sql').name);
  return s;
}


/** A `.sql` file under test-paths: rendered like a model; its refs are its dependencies. Undefined when disabled. */
export function buildSingularTest(s: TestBuildState, file: ProjectFile): ManifestNode | undefined {
  const pkg = s.project.config.name;
  const { name, dirs } = baseName(file.relPath, '.sql');
  const uniqueId = `test.${pkg}.${name}`;
  const work: RenderNode = { name, uniqueId, resourceType: 'test', file: file.path, raw: file.content, refs: [], sources: [], inlineConfig: {} };
  const template = compileTemplate(s.env, file.content, file.path);
  const { state } = s;
  const saved = { mode: state.mode, current: state.current };
  try {
    state.mode = 'parse';
    state.current = work;
    renderTemplate(template, file.path);
    const fqn = [pkg, ...dirs, name];
    const config = resolveTestConfig(s.project, fqn, work.inlineConfig, { file: file.path, line: 1 });
    if (!config.enabled) return undefined;
    work.config = config;
    const deps = new Set<string>();
    for (const r of work.refs) deps.add(s.refId(r.name, r.package, work));
    for (const [src, table] of work.sources) deps.add(s.sourceId(src, table, work));
    state.mode = 'execute';
    const compiled = withLimit(renderTemplate(template, file.path).trim().replace(/;\s*$/, ''), config);
    const nodes = [...deps].sort();
    return {
      unique_id: uniqueId, resource_type: 'test', name, package_name: pkg, path: file.relPath, original_file_path: file.path,
      fqn, raw_code: file.content, compiled_code: s.inject(compiled, nodes), compiled_path: `${s.project.config.targetPath}/compiled/${pkg}/${file.path}`,
      config, tags: config.tags, description: '', columns: {}, meta: config.meta,
      depends_on: { nodes, macros: macrosCalledIn(file.content, s.macros) }, refs: work.refs, sources: work.sources,
      checksum: { name: 'sha256', checksum: file.checksum }, relation: auditRelation(s.project, name), test_type: 'data', line: 1,
    };
  } finally {
    state.mode = saved.mode;
    state.current = saved.current;
  }
}

/** sha256 of a text. */
export function sha256(text: string): string {
  return sha256Hex(text);
}
