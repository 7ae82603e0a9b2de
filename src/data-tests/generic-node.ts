/** One YAML test declaration → a generic test node (built-in template or custom `{% test %}`). */
import { UserError } from '../errors.js';
import type { RenderNode } from '../compiler/context.js';
import type { ManifestNode } from '../compiler/types.js';
import { didYouMean } from '../util/closest.js';
import { auditRelation, relationSql, renderCached, withLimit, type TestBuildState } from './compile-tests.js';
import type { AttachedDeclaration } from './declarations.js';
import { fillTemplate, GENERIC_TESTS, TEMPLATES, type GenericTestInput } from './generic-tests.js';
import { resolveTestConfig, splitTestArgs } from './test-config.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256 } from '../util/hash.js';
import { genericTestName, sanitize, uniqueTestName } from './test-names.js';

const RELATION_ARG = /^\s*(ref|source)\s*\(.*\)\s*$/s;

/** Folders of a YAML file below its resource root: models/staging/x.yml → ['staging']. */
function foldersOf(s: TestBuildState, file: string): string[] {
  let folders = s.folders.get(file);
  if (!folders) s.folders.set(file, (folders = computeFolders(s, file)));
  return folders;
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
  const argsJson = canonicalJson(args);
  return `{${argsJson === undefined ? '' : `"args":${argsJson},`}"attached":${JSON.stringify(attached)}${column === undefined ? '' : `,"column":${JSON.stringify(column)}`},"test":${JSON.stringify(test)}}`;
}

/** Build the test node, or undefined when the test is disabled. */
export function buildGenericTest(s: TestBuildState, d: AttachedDeclaration): ManifestNode | undefined {
  const { decl } = d;
  const at = { file: decl.file, line: decl.line };
  const pkg = s.project.config.name;
  const dot = decl.name.lastIndexOf('.');
  const testName = dot < 0 ? decl.name : decl.name.slice(dot + 1);
  const namespace = dot < 0 ? undefined : decl.name.slice(0, dot);
  const custom = s.macros.functions.get(`test_${testName}`);
  const builtin = GENERIC_TESTS[testName];
  if (!custom && !builtin) {
    const known = [...Object.keys(GENERIC_TESTS), ...[...s.macros.nodes.keys()].filter((n) => n.startsWith('test_')).map((n) => n.slice(5))];
    throw new UserError(`unknown test '${decl.name}'`, { ...at, hint: didYouMean(testName, known) ?? `built-in tests: ${Object.keys(GENERIC_TESTS).join(', ')}; or define {% test ${testName}(model, column_name) %} in macros` });
  }
  const split = splitTestArgs(decl.args);
  const kwargs = split.kwargs;
  let column = d.column;
  if (kwargs.column_name !== undefined && kwargs.column_name !== null) {
    column = String(kwargs.column_name);
    delete kwargs.column_name;
  }
  if (builtin && !custom) {
    if (builtin.column === 'required' && column === undefined) throw new UserError(`test '${testName}' tests a column: declare it under a column, or give column_name`, { ...at, hint: `columns:\n  - name: id\n    data_tests: [${testName}]` });
    if (builtin.column === 'none' && d.column !== undefined) throw new UserError(`test '${testName}' tests a whole table: declare it under the model's data_tests, not a column's`, at);
  }

  const synthesized = genericTestName(testName, d.targetName, column, kwargs);
  const identity = identityJson(d.attachedId, column, decl.name, decl.args);
  const name = split.name !== undefined ? sanitize(split.name) : uniqueTestName(synthesized, identity, s.taken);
  if (s.taken.has(name)) throw new UserError(`two tests are named '${name}'`, { ...at, hint: 'give each test a different name:' });
  const fqn = [pkg, ...foldersOf(s, decl.file), name];
  const config = resolveTestConfig(s.project, fqn, split.config, at, s.testConfigs);
  if (!config.enabled) return undefined;
  s.taken.add(name);

  const uniqueId = `test.${pkg}.${name}`;
  const work: RenderNode = { name, uniqueId, resourceType: 'test', file: decl.file, raw: '', refs: [], sources: [], inlineConfig: {}, config };
  const target = relationSql(s, d.attachedId);
  const deps = new Set<string>([d.attachedId]);
  const { state } = s;
  const saved = { mode: state.mode, current: state.current };
  try {
    state.current = work;
    // `to: ref('x')`, "{{ var('y') }}": kwargs are rendered like dbt does; refs become dependencies.
    const renderArg = (text: string): string => {
      const source = RELATION_ARG.test(text) ? `{{ ${text} }}` : text;
      work.raw = source;
      state.mode = 'parse';
      renderCached(s, source, decl.file, {});
      try {
        for (const r of work.refs) deps.add(s.refId(r.name, r.package, work));
        for (const [src, table] of work.sources) deps.add(s.sourceId(src, table, work));
      } catch (e) {
        if (e instanceof UserError) throw new UserError(e.message, { ...at, ...(e.hint ? { hint: e.hint } : {}) });
        throw e;
      }
      state.mode = 'execute';
      return renderCached(s, source, decl.file, {});
    };
    const rendered: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(kwargs)) {
      rendered[key] = typeof value === 'string' && (RELATION_ARG.test(value) || value.includes('{{')) ? renderArg(value) : value;
    }
    if (typeof config.where === 'string' && config.where.includes('{{')) config.where = renderArg(config.where);
    const model = config.where === undefined ? target.sql : `(select * from ${target.sql} where ${String(config.where)}) as strata_subquery`;
    state.mode = 'execute';

    let sql: string;
    let predicate: string | undefined;
    const macros: string[] = [];
    if (custom) {
      const quotedColumn = column === undefined ? undefined : s.dialect.quoteIdentifier(column);
      sql = String(custom({ __keywords: true, ...rendered, model, ...(quotedColumn === undefined ? {} : { column_name: quotedColumn }) }) ?? '');
      macros.push(s.macros.nodes.get(`test_${testName}`)!.unique_id);
    } else {
      const input: GenericTestInput = { dialect: s.dialect, kwargs: rendered, relation: target.relation, at, relationArg: (text) => text, ...(column === undefined ? {} : { column }) };
      const prepared = builtin!.prepare(input);
      sql = fillTemplate(prepared.template, prepared.vars, model) ?? renderCached(s, TEMPLATES[prepared.template], `${decl.file}#${testName}`, { ...prepared.vars, model });
      if (prepared.predicate !== undefined) predicate = config.where === undefined ? prepared.predicate : `(${String(config.where)}) and (${prepared.predicate})`;
    }
    sql = withLimit(sql.trim().replace(/;\s*$/, ''), config);
    const nodes = [...deps].sort();
    const node: ManifestNode = {
      unique_id: uniqueId, resource_type: 'test', name, package_name: pkg, path: `${foldersOf(s, decl.file).concat(name).join('/')}.sql`,
      original_file_path: decl.file, fqn, raw_code: `{{ test_${testName}(**kwargs) }}`, compiled_code: s.inject(sql, nodes),
      compiled_path: `${s.project.config.targetPath}/compiled/${pkg}/${decl.file}/${name}.sql`,
      config, tags: config.tags, description: split.description ?? '', columns: {}, meta: config.meta,
      depends_on: { nodes, macros }, refs: work.refs, sources: work.sources,
      checksum: { name: 'sha256', checksum: sha256(identity) }, relation: auditRelation(s.project, name),
      test_metadata: { name: testName, ...(namespace === undefined ? {} : { namespace }), kwargs: { ...kwargs, ...(column === undefined ? {} : { column_name: column }) } },
      ...(column === undefined ? {} : { column_name: column }),
      attached_node: d.attachedId, test_type: 'data', line: decl.line,
    };
    if (predicate !== undefined && !target.ephemeral) node.batch_predicate = predicate;
    return node;
  } finally {
    state.mode = saved.mode;
    state.current = saved.current;
  }
}
