/**
 * compileProject: Project → Manifest, synchronously and without a warehouse.
 * Pass 1 renders every model in parse mode (records refs, sources, config); then configs,
 * relations and dependencies are resolved; pass 2 renders in execute mode and injects
 * ephemeral CTEs. Each template is compiled once and rendered twice.
 */
import type { Dialect } from '../adapters/adapter.js';
import { UserError } from '../errors.js';
import type { Project } from '../project/types.js';
import { addDataTests } from '../data-tests/compile-tests.js';
import { didYouMean } from '../util/closest.js';
import { resolveNodeConfig, type FolderConfigCache } from './config.js';
import { installContext, lineOfCall, type RenderNode, type RenderState } from './context.js';
import { docText, parseDocBlocks } from './docs.js';
import { compileTemplate, createEnvironment, renderTemplate, type Template } from './environment.js';
import { EphemeralInjector, ephemeralCteName, type EphemeralInfo } from './ephemeral.js';
import { loadMacros, macrosCalledIn, type MacroRegistry } from './macros.js';
import { buildSources, collectFileNodes, columnsOf, yamlConfigLayer, type FileNode } from './nodes.js';
import { createNodeRenderer, type NodeRenderer } from './render-with.js';
import { addUnitTests } from '../data-tests/unit-nodes.js';
import { defaultSchemaName, nodeRelation, relationValue, RelationValue } from './relations.js';
import { OUTSIDE, type UseRecorder } from './uses.js';
import { sortIds } from '../util/sort-ids.js';
import type { DocBlock, Manifest, ManifestNode, NodeConfig, Relation, SourceNode } from './types.js';

export interface CompileOptions {
  /** Quoting and relation rendering of the target warehouse. */
  dialect: Dialect;
  invocationId: string;
  runStartedAt: Date;
  /** Environment for env_var(); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Records which vars and macro files each node uses (the compile cache's invalidation; uses.ts). */
  uses?: UseRecorder;
}

/** A model or seed while compiling. */
export interface Work extends RenderNode {
  source: FileNode;
  template?: Template;
  relation?: Relation;
  compiled?: string;
  dependsOn: string[];
}

/** Compile a loaded project into a manifest. Throws UserError on any project mistake. */
export function compileProject(project: Project, options: CompileOptions): Manifest {
  return compileWithRenderer(project, options).manifest;
}

/**
 * Compile, and keep a renderer that re-renders any model with substituted inputs
 * (ref/source → CTEs over given SQL, vars, is_incremental) using the same templates.
 */
export function compileWithRenderer(project: Project, options: CompileOptions): { manifest: Manifest; renderNodeWith: NodeRenderer } {
  const { dialect } = options;
  const pkg = project.config.name;
  const env = createEnvironment();
  const { uses } = options;
  const state: RenderState = { mode: 'parse', uses };
  const docs = parseDocBlocks(project);
  const { models, seeds } = collectFileNodes(project);

  const enabled = new Map<string, Work>(); // by name: models and seeds that are built or referable
  const disabled = new Set<string>();
  let sources = new Map<string, SourceNode>();
  const sourceIds = new Map<string, string>(); // "src.table" → unique_id
  const sourceValues = new Map<string, RelationValue>();
  let macros: MacroRegistry = { nodes: new Map(), functions: new Map() };

  const lookupRef = (name: string, pkgName: string | undefined, from: RenderNode): Work => {
    const where = () => ({ file: from.file, line: lineOfCall(from, 'ref', pkgName === undefined ? [name] : [pkgName, name]) });
    if (pkgName !== undefined && pkgName !== pkg) {
      throw new UserError(`ref('${pkgName}', '${name}') names an unknown package '${pkgName}'`, { ...where(), hint: `this project is '${pkg}': use ref('${name}')` });
    }
    const target = enabled.get(name);
    if (target) return target;
    if (disabled.has(name)) {
      throw new UserError(`'${from.name}' depends on '${name}', which is disabled`, { ...where(), hint: `enable '${name}' (enabled: true) or remove the ref` });
    }
    throw new UserError(`'${from.name}' refers to unknown model '${name}'`, {
      ...where(),
      hint: didYouMean(name, enabled.keys()) ?? 'check the file name of the model (without .sql) or seed (without .csv)',
    });
  };
  const lookupSource = (src: string, table: string, from: RenderNode): string => {
    const id = sourceIds.get(`${src}.${table}`);
    if (id) return id;
    throw new UserError(`'${from.name}' refers to unknown source '${src}.${table}'`, {
      file: from.file,
      line: lineOfCall(from, 'source', [src, table]),
      hint: didYouMean(`${src}.${table}`, sourceIds.keys()) ?? 'declare it under sources: in a properties .yml file',
    });
  };

  installContext(env, {
    project,
    dialect,
    invocationId: options.invocationId,
    runStartedAt: options.runStartedAt,
    env: options.env ?? process.env,
    resolveRef: (name, pkgName, from) => {
      // `self` is the node's relation object (the CTE name for ephemerals), built once per node.
      return lookupRef(name, pkgName, from).self!;
    },
    resolveSource: (src, table, from) => {
      const id = lookupSource(src, table, from);
      let value = sourceValues.get(id);
      if (!value) sourceValues.set(id, (value = relationValue(sources.get(id)!.relation, dialect)));
      return value;
    },
    macro: (name) => macros.functions.get(name),
    macroNames: () => macros.functions.keys(),
    doc: (name, from) => docText(docs, name, from?.file),
  }, state);
  macros = loadMacros(env, project, uses && ((file) => uses.macroFile(file, state.current)));

  const render = (text: string | undefined, file: string): string => renderDescription(env, state, text, file);
  sources = buildSources(project, dialect, render);
  for (const s of sources.values()) sourceIds.set(`${s.source_name}.${s.name}`, s.unique_id);

  const newWork = (source: FileNode, resourceType: 'model' | 'seed'): Work => ({
    name: source.name, uniqueId: source.uniqueId, resourceType, file: source.file.path, raw: resourceType === 'seed' ? '' : source.file.content,
    refs: [], sources: [], inlineConfig: {}, source, dependsOn: [],
  });

  // Pass 1: parse-mode render of models; config of models and seeds.
  const folderConfigs: FolderConfigCache = new Map();
  const modelWork: Work[] = [];
  for (const m of models) {
    const work = newWork(m, 'model');
    work.template = compileTemplate(env, m.file.content, m.file.path);
    state.current = work;
    renderTemplate(work.template, work.file);
    work.config = resolveNodeConfig(project, 'model', m.fqn, yamlConfigLayer(m.props), work.inlineConfig, folderConfigs);
    if (work.config.enabled) {
      enabled.set(work.name, work);
      modelWork.push(work);
    } else disabled.add(work.name);
  }
  const seedWork: Work[] = [];
  for (const s of seeds) {
    const work = newWork(s, 'seed');
    work.config = resolveNodeConfig(project, 'seed', s.fqn, yamlConfigLayer(s.props), undefined, folderConfigs);
    if (work.config.enabled) {
      enabled.set(work.name, work);
      seedWork.push(work);
    } else disabled.add(work.name);
  }

  // Relations (generate_schema_name may be a project macro) and dependencies.
  state.mode = 'execute';
  for (const work of enabled.values()) {
    state.current = work;
    // A relation feeds every dependent's SQL and every test on it: what it uses counts as outside any node.
    const schema = uses ? uses.pin(OUTSIDE, () => schemaName(work, macros, project)) : schemaName(work, macros, project);
    work.relation = nodeRelation(work.name, work.config!, schema, project.target, dialect);
    work.self = work.config!.materialized === 'ephemeral'
      ? new RelationValue({ schema, identifier: ephemeralCteName(work.name) }, ephemeralCteName(work.name))
      : relationValue(work.relation, dialect);
  }
  for (const work of modelWork) {
    const deps = new Set<string>();
    for (const r of work.refs) deps.add(lookupRef(r.name, r.package, work).uniqueId);
    for (const [src, table] of work.sources) deps.add(lookupSource(src, table, work));
    const dependsOn = [...deps];
    sortIds(dependsOn);
    work.dependsOn = dependsOn;
  }

  // Pass 2: execute-mode render, then ephemeral injection.
  const ephemerals = new Map<string, EphemeralInfo>();
  for (const work of modelWork) {
    state.current = work;
    work.compiled = renderTemplate(work.template!, work.file);
  }
  state.current = undefined;
  const ephemeralsById = new Map(modelWork.filter((w) => w.config!.materialized === 'ephemeral').map((w) => [w.uniqueId, w]));
  const isEphemeral = (id: string) => ephemeralsById.has(id);
  for (const w of ephemeralsById.values()) {
    ephemerals.set(w.uniqueId, { name: w.name, file: w.file, sql: w.compiled!, ephemeralParents: w.dependsOn.filter(isEphemeral) });
  }
  const injector = new EphemeralInjector(ephemerals);
  for (const work of modelWork) work.compiled = injector.inject(work.compiled!, work.dependsOn.filter(isEphemeral));

  const manifest = assemble(project, dialect, [...seedWork, ...modelWork], sources, macros, docs, render);
  addDataTests(manifest, {
    project, dialect, env, state, macros,
    refId: (name, pkgName, from) => lookupRef(name, pkgName, from).uniqueId,
    sourceId: lookupSource,
    inject: (sql, parents) => injector.inject(sql, parents.filter(isEphemeral)),
  });
  const modelsById = new Map(modelWork.map((w) => [w.uniqueId, w]));
  const renderNodeWith = createNodeRenderer({
    state,
    node: (id) => modelsById.get(id),
    refId: (name, pkgName, from) => lookupRef(name, pkgName, from).uniqueId,
    sourceId: (src, table, from) => lookupSource(src, table, from),
    injectEphemerals: (sql, parents) => injector.inject(sql, parents),
    isEphemeral,
  });
  addUnitTests(manifest, project, dialect, renderNodeWith);
  return { manifest, renderNodeWith };
}

/** A description as a compile renders it: only with Jinja in it (`{{ doc('x') }}`), outside any node. */
export function renderDescription(env: ReturnType<typeof createEnvironment>, state: RenderState, text: string | undefined, file: string): string {
  if (!text) return '';
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const saved = state.current;
  state.current = undefined;
  try {
    return renderTemplate(compileTemplate(env, text, file), file).trim();
  } finally {
    state.current = saved;
  }
}

/** The schema a node is built in: the project's generate_schema_name macro, or dbt's default rule. */
export function schemaName(work: Work, macros: MacroRegistry, project: Project): string {
  const custom = work.config!.schema === undefined || work.config!.schema === null ? null : String(work.config!.schema);
  const macro = macros.functions.get('generate_schema_name');
  if (!macro) return defaultSchemaName(custom, project.target);
  const node = { name: work.name, unique_id: work.uniqueId, resource_type: work.resourceType, fqn: work.source.fqn, original_file_path: work.file, config: work.config };
  let result: unknown;
  try {
    result = macro(custom, node);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const def = macros.nodes.get('generate_schema_name')!;
    throw new UserError(`generate_schema_name failed for '${work.name}': ${(e as Error).message ?? String(e)}`, { file: def.original_file_path, line: def.line, cause: e });
  }
  const schema = String(result ?? '').trim();
  if (!schema) {
    throw new UserError(`generate_schema_name returned an empty schema for '${work.name}'`, { file: macros.nodes.get('generate_schema_name')!.original_file_path });
  }
  return schema;
}

function assemble(
  project: Project,
  dialect: Dialect,
  works: Work[],
  sources: Map<string, SourceNode>,
  macros: MacroRegistry,
  docs: Map<string, DocBlock>,
  render: (text: string | undefined, file: string) => string,
): Manifest {
  const pkg = project.config.name;
  const manifest: Manifest = {
    projectName: pkg,
    adapterType: dialect.type,
    nodes: {},
    sources: Object.fromEntries(sources),
    macros: {},
    docs: {},
    parent_map: {},
    child_map: {},
  };
  for (const m of macros.nodes.values()) manifest.macros[m.unique_id] = m;
  for (const d of docs.values()) manifest.docs[d.unique_id] = d;
  for (const id of sources.keys()) {
    manifest.parent_map[id] = [];
    manifest.child_map[id] = [];
  }
  for (const w of works) {
    manifest.nodes[w.uniqueId] = fileNodeRecord(w, project, macros, render);
    manifest.parent_map[w.uniqueId] = w.dependsOn;
    manifest.child_map[w.uniqueId] = [];
  }
  // Child lists: sources first, then nodes in order (the order of parent_map), each sorted.
  for (const w of works) for (const parent of w.dependsOn) manifest.child_map[parent]?.push(w.uniqueId);
  for (const id of sources.keys()) sortIds(manifest.child_map[id]!);
  for (const w of works) sortIds(manifest.child_map[w.uniqueId]!);
  return manifest;
}

/** The manifest node of a rendered model or seed (also built alone by a cache patch for a new model file). */
export function fileNodeRecord(w: Work, project: Project, macros: MacroRegistry, render: (text: string | undefined, file: string) => string): ManifestNode {
  const pkg = project.config.name;
  const config = w.config as NodeConfig;
  const props = w.source.props;
  const patch = props?.file;
  // Two literals rather than a spread for patch_path: the same keys in the same order, built faster.
  const node = patch === undefined
    ? {
      unique_id: w.uniqueId, resource_type: w.resourceType, name: w.name, package_name: pkg, path: w.source.file.relPath,
      original_file_path: w.source.file.path, fqn: w.source.fqn, raw_code: w.raw, config, tags: config.tags,
      description: render(props?.description, w.file), columns: columnsOf(props?.columns, (text) => render(text, w.file)), meta: config.meta,
      depends_on: { nodes: w.dependsOn, macros: w.resourceType === 'model' ? macrosCalledIn(w.raw, macros) : [] },
      refs: w.refs, sources: w.sources, checksum: { name: 'sha256', checksum: w.source.file.checksum } as ManifestNode['checksum'], relation: w.relation!,
    } as ManifestNode
    : {
      unique_id: w.uniqueId, resource_type: w.resourceType, name: w.name, package_name: pkg, path: w.source.file.relPath,
      original_file_path: w.source.file.path, fqn: w.source.fqn, raw_code: w.raw, config, tags: config.tags,
      description: render(props?.description, patch), columns: columnsOf(props?.columns, (text) => render(text, patch)), meta: config.meta,
      depends_on: { nodes: w.dependsOn, macros: w.resourceType === 'model' ? macrosCalledIn(w.raw, macros) : [] },
      refs: w.refs, sources: w.sources, checksum: { name: 'sha256', checksum: w.source.file.checksum } as ManifestNode['checksum'], relation: w.relation!,
      patch_path: patch,
    } as ManifestNode;
  // What the file's own config() calls set: a cache patch (cache-patch.ts) compares it after a re-render.
  if (w.resourceType === 'model') node.inline_config = w.inlineConfig;
  if (w.compiled !== undefined) {
    node.compiled_code = w.compiled;
    node.compiled_path = [project.config.targetPath, '/compiled/', pkg, '/', w.source.file.path].join('');
  }
  return node;
}
