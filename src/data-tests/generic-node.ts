/** One YAML test declaration → a generic test node (built-in template or custom `{% test %}`). */
import { UserError } from '../errors.js';
import type { RenderNode } from '../compiler/context.js';
import type { ManifestNode, NodeConfig } from '../compiler/types.js';
import { relationSql, renderCached, withLimit, type TestBuildState } from './compile-tests.js';
import type { AttachedDeclaration } from './declarations.js';
import { fillTemplate, TEMPLATES, type GenericTestInput } from './generic-tests.js';
import { resolveTestConfig, splitTestArgs, testFolder, type DeclLocation } from './test-config.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256 } from '../util/hash.js';
import { composeTestName, sanitize, uniqueTestName } from './test-names.js';
import { RELATION_ARG, sharesPrepared, testShape, type TestFileInfo, type TestShape } from './test-shape.js';

/** Folders and path prefixes of a properties file's tests (computed once per file). */
function fileInfo(s: TestBuildState, file: string): TestFileInfo {
  let info = s.files.get(file);
  if (!info) {
    const folders = computeFolders(s, file);
    const pkg = s.project.config.name;
    info = {
      folders, pathPrefix: folders.length ? `${folders.join('/')}/` : '', compiledPrefix: `${s.project.config.targetPath}/compiled/${pkg}/${file}/`,
      configFolder: testFolder(s.project, [pkg, ...folders]),
    };
    s.files.set(file, info);
  }
  return info;
}

function computeFolders(s: TestBuildState, file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  const c = s.project.config;
  for (const root of [...c.modelPaths, ...c.seedPaths, ...c.snapshotPaths, ...c.testPaths, ...c.macroPaths]) {
    const rootParts = root.replace(/^\.\/|\/$/g, '').split('/');
    if (rootParts.every((p, i) => parts[i] === p)) return parts.slice(rootParts.length);
  }
  return parts;
}

/**
 * What identifies a declaration (hashed into the checksum and name suffixes):
 * `canonicalJson({ attached, column, test, args })`, built around canonicalJson(args) alone.
 */
export function identityJson(attached: string, column: string | undefined, test: string, args: unknown): string {
  return identityFromArgsJson(canonicalJson(args), attached, column, test);
}

function identityFromArgsJson(argsJson: string | undefined, attached: string, column: string | undefined, test: string): string {
  return `{${argsJson === undefined ? '' : `"args":${argsJson},`}"attached":${JSON.stringify(attached)}${column === undefined ? '' : `,"column":${JSON.stringify(column)}`},"test":${JSON.stringify(test)}}`;
}

/** Build the test node, or undefined when the test is disabled. */
export function buildGenericTest(s: TestBuildState, d: AttachedDeclaration): ManifestNode | undefined {
  const { decl } = d;
  const at = { file: decl.file, line: decl.line };
  const pkg = s.project.config.name;
  const argsJson = isEmptyObject(decl.args) ? '{}' : canonicalJson(decl.args);
  const split = splitTestArgs(decl.args);
  const kwargs = split.kwargs;
  const shape = testShape(s, d, kwargs, argsJson);
  const { testName, column } = shape;
  if (shape.columnFromArgs) delete kwargs.column_name;

  const identity = identityFromArgsJson(argsJson, d.attachedId, column, decl.name);
  const name = split.name !== undefined ? sanitize(split.name) : uniqueTestName(composeTestName(testName, d.targetName, column, shape.argsName), identity, s.taken);
  if (s.taken.has(name)) throw new UserError(`two tests are named '${name}'`, { ...at, hint: 'give each test a different name:' });
  const file = fileInfo(s, decl.file);
  const fqn = [pkg, ...file.folders, name];
  const config = resolveTestConfig(s.project, fqn, split.config, at, file.configFolder);
  if (!config.enabled) return undefined;
  s.taken.add(name);

  const uniqueId = ['test.', pkg, '.', name].join(''); // flat: it is internalized as a key of three maps
  const work: RenderNode = { name, uniqueId, resourceType: 'test', file: decl.file, raw: '', refs: [], sources: [], inlineConfig: {}, config };
  const target = relationSql(s, d.attachedId);
  const rendersWhere = typeof config.where === 'string' && config.where.includes('{{');
  // Built-ins with plain arguments render nothing through the context: no state to set.
  const { sql: rawSql, predicate, macros, deps } = shape.custom === undefined && !shape.rendersArgs && !rendersWhere
    ? builtinSql(s, d, shape, work, kwargs, config, target, at)
    : withState(s, work, () => renderedSql(s, d, shape, work, kwargs, config, target, at));
  const sql = withLimit(rawSql.trim().replace(/;\s*$/, ''), config);
  const nodes = deps ? [...deps].sort() : [d.attachedId];
  // kwargs (this declaration's own object, used by nothing else from here on) become the
  // metadata's kwargs: what `{ ...kwargs, column_name }` would give, without the copy.
  if (column !== undefined) kwargs.column_name = column;
  const testMetadata: NonNullable<ManifestNode['test_metadata']> = shape.namespace === undefined
    ? { name: testName, kwargs }
    : { name: testName, namespace: shape.namespace, kwargs };
  // Two literals rather than a spread for column_name: same keys in the same order, built faster.
  const checksum: ManifestNode['checksum'] = { name: 'sha256', checksum: sha256(identity) };
  const path = [file.pathPrefix, name, '.sql'].join('');
  const compiledPath = [file.compiledPrefix, name, '.sql'].join('');
  const compiled = s.inject(sql, nodes);
  const description = split.description ?? '';
  const relation = { schema: s.auditSchema, identifier: name };
  const node: ManifestNode = column === undefined
    ? {
      unique_id: uniqueId, resource_type: 'test', name, package_name: pkg, path, original_file_path: decl.file, fqn, raw_code: shape.rawCode,
      compiled_code: compiled, compiled_path: compiledPath, config, tags: config.tags, description, columns: {}, meta: config.meta,
      depends_on: { nodes, macros }, refs: work.refs, sources: work.sources, checksum, relation, test_metadata: testMetadata,
      attached_node: d.attachedId, test_type: 'data', line: decl.line,
    }
    : {
      unique_id: uniqueId, resource_type: 'test', name, package_name: pkg, path, original_file_path: decl.file, fqn, raw_code: shape.rawCode,
      compiled_code: compiled, compiled_path: compiledPath, config, tags: config.tags, description, columns: {}, meta: config.meta,
      depends_on: { nodes, macros }, refs: work.refs, sources: work.sources, checksum, relation, test_metadata: testMetadata,
      column_name: column, attached_node: d.attachedId, test_type: 'data', line: decl.line,
    };
  if (predicate !== undefined && !target.ephemeral) node.batch_predicate = predicate;
  return node;
}

/** A test's SQL before the limit; `deps` when rendered arguments added dependencies. */
interface TestSql {
  sql: string;
  predicate?: string;
  macros: string[];
  deps?: Set<string>;
}

type Target = ReturnType<typeof relationSql>;

/** Run `fn` with `work` as the node being rendered (execute mode), then restore the state. */
function withState<T>(s: TestBuildState, work: RenderNode, fn: () => T): T {
  const { state } = s;
  const saved = { mode: state.mode, current: state.current };
  try {
    state.current = work;
    state.mode = 'execute';
    return fn();
  } finally {
    state.mode = saved.mode;
    state.current = saved.current;
  }
}

/** `model` of a template: the relation, or a filtered subquery with `where`. */
function modelSql(target: Target, config: NodeConfig): string {
  return config.where === undefined ? target.sql : `(select * from ${target.sql} where ${String(config.where)}) as strata_subquery`;
}

/** A built-in test's SQL: prepared parts (shared by the shape when possible) in its template. */
function builtinSql(s: TestBuildState, d: AttachedDeclaration, shape: TestShape, work: RenderNode, kwargs: Record<string, unknown>, config: NodeConfig, target: Target, at: DeclLocation): TestSql {
  const model = modelSql(target, config);
  let prepared = shape.prepared;
  if (!prepared) {
    const input: GenericTestInput = { dialect: s.dialect, kwargs, relation: target.relation, at, relationArg: (text) => text, ...(shape.column === undefined ? {} : { column: shape.column }) };
    prepared = shape.builtin!.prepare(input);
    if (sharesPrepared(shape)) shape.prepared = prepared;
  }
  const vars = prepared.vars;
  const template = prepared.template;
  const sql = fillTemplate(template, vars, model) ?? withState(s, work, () => renderCached(s, TEMPLATES[template], `${d.decl.file}#${shape.testName}`, { ...vars, model }));
  const predicate = prepared.predicate === undefined ? undefined : config.where === undefined ? prepared.predicate : `(${String(config.where)}) and (${prepared.predicate})`;
  return predicate === undefined ? { sql, macros: [] } : { sql, predicate, macros: [] };
}

/**
 * A test whose arguments or `where` are rendered (`to: ref('x')`, "{{ var('y') }}", as dbt does;
 * refs become dependencies), or a custom `{% test %}` macro. Runs with `work` as the current node.
 */
function renderedSql(s: TestBuildState, d: AttachedDeclaration, shape: TestShape, work: RenderNode, kwargs: Record<string, unknown>, config: NodeConfig, target: Target, at: DeclLocation): TestSql {
  const { state } = s;
  let deps: Set<string> | undefined;
  const renderArg = (text: string): string => {
    const source = RELATION_ARG.test(text) ? `{{ ${text} }}` : text;
    work.raw = source;
    state.mode = 'parse';
    renderCached(s, source, d.decl.file, {});
    try {
      deps ??= new Set([d.attachedId]);
      for (const r of work.refs) deps.add(s.refId(r.name, r.package, work));
      for (const [src, table] of work.sources) deps.add(s.sourceId(src, table, work));
    } catch (e) {
      if (e instanceof UserError) throw new UserError(e.message, { ...at, ...(e.hint ? { hint: e.hint } : {}) });
      throw e;
    }
    state.mode = 'execute';
    return renderCached(s, source, d.decl.file, {});
  };
  let rendered = kwargs;
  if (shape.rendersArgs) {
    rendered = {};
    for (const [key, value] of Object.entries(kwargs)) {
      rendered[key] = typeof value === 'string' && (RELATION_ARG.test(value) || value.includes('{{')) ? renderArg(value) : value;
    }
  }
  if (typeof config.where === 'string' && config.where.includes('{{')) config.where = renderArg(config.where);
  state.mode = 'execute';
  const withDeps = (out: TestSql): TestSql => (deps ? { ...out, deps } : out);
  if (!shape.custom) {
    // The built-in path with rendered arguments (its prepared parts are not shared: sharesPrepared).
    return withDeps(builtinSql(s, d, shape, work, rendered, config, target, at));
  }
  const model = modelSql(target, config);
  const column = shape.column;
  const quotedColumn = column === undefined ? undefined : s.dialect.quoteIdentifier(column);
  const sql = String(shape.custom({ __keywords: true, ...rendered, model, ...(quotedColumn === undefined ? {} : { column_name: quotedColumn }) }) ?? '');
  return withDeps({ sql, macros: [s.macros.nodes.get(`test_${shape.testName}`)!.unique_id] });
}

/** A plain object without own keys (canonicalJson gives '{}'). */
export function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
