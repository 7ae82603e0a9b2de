/**
 * Unit tests (dbt 1.8 style) → manifest nodes. Each `unit_tests:` entry names a model, gives
 * fixture rows for its inputs and the rows it must return; the model is re-rendered with each
 * ref()/source() replaced by a CTE over the fixture, and that SQL is the node's compiled code.
 */
import type { Dialect } from '../adapters/adapter.js';
import type { NodeRenderer } from '../compiler/render-with.js';
import type { Manifest, ManifestNode } from '../compiler/types.js';
import { UserError } from '../errors.js';
import type { Project, UnitTestDeclaration } from '../project/types.js';
import { didYouMean } from '../util/closest.js';
import { sha256 } from '../util/hash.js';
import { FixtureError, fixtureSql, readFixture } from './unit-fixtures.js';

type Obj = Record<string, unknown>;

const REF = /^\s*ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*$/;
const SOURCE = /^\s*source\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*$/;

/** Add a `unit_test` node per declaration. Throws UserError at the declaration's file:line. */
export function addUnitTests(manifest: Manifest, project: Project, dialect: Dialect, render: NodeRenderer): void {
  for (const decl of project.properties.unitTests) {
    const node = unitTestNode(manifest, project, dialect, render, decl);
    manifest.nodes[node.unique_id] = node;
    manifest.parent_map[node.unique_id] = node.depends_on.nodes;
    manifest.child_map[node.unique_id] = [];
    for (const parent of node.depends_on.nodes) manifest.child_map[parent]?.push(node.unique_id);
  }
}

function unitTestNode(manifest: Manifest, project: Project, dialect: Dialect, render: NodeRenderer, decl: UnitTestDeclaration): ManifestNode {
  const pkg = manifest.projectName;
  const fail = (message: string, hint?: string): never => {
    throw new UserError(`unit test '${decl.name}': ${message}`, { file: decl.file, line: decl.line, ...(hint ? { hint } : {}) });
  };
  const modelId = `model.${pkg}.${decl.model}`;
  const model = manifest.nodes[modelId];
  if (!model) {
    const models = Object.values(manifest.nodes).filter((n) => n.resource_type === 'model').map((n) => n.name);
    fail(`unknown model '${decl.model}'`, didYouMean(decl.model, models) ?? 'model: must name an enabled model of this project');
  }
  const raw = decl.raw as Obj;
  const refs: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const given: NonNullable<ManifestNode['given']> = [];
  const givenRaw = raw.given ?? [];
  if (!Array.isArray(givenRaw)) fail('given must be a list of {input, rows} entries');
  (givenRaw as unknown[]).forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || typeof (entry as Obj).input !== 'string') {
      fail(`given entry ${i + 1} needs input: ref('model') or source('source', 'table')`);
    }
    const e = entry as Obj;
    const input = e.input as string;
    const id = inputId(manifest, input) ?? fail(`given entry ${i + 1}: unknown input ${input}`, inputHint(manifest, input));
    let fixture;
    try {
      fixture = readFixture(e, `given ${input}`);
    } catch (err) {
      if (err instanceof FixtureError) fail(err.message);
      throw err;
    }
    (id.startsWith('source.') ? sources : refs)[id] = fixtureSql(fixture, dialect);
    given.push({ input, rows: fixture.rows });
  });
  if (!raw.expect || typeof raw.expect !== 'object') fail('expect: {rows: [...]} is required');
  let expect;
  try {
    expect = readFixture(raw.expect as Obj, 'expect');
  } catch (err) {
    if (err instanceof FixtureError) fail(err.message);
    throw err;
  }
  const overrides = (raw.overrides ?? {}) as Obj;
  const vars = overrides.vars as Obj | undefined;
  const macros = (overrides.macros ?? {}) as Obj;
  let sql: string;
  try {
    sql = render(modelId, {
      refs,
      sources,
      requireAll: true,
      ...(vars ? { vars } : {}),
      ...('is_incremental' in macros ? { isIncremental: Boolean(macros.is_incremental) } : {}),
    });
  } catch (err) {
    if (err instanceof UserError) fail(err.message, err.hint);
    throw err;
  }
  const tags = Array.isArray((raw.config as Obj | undefined)?.tags) ? ((raw.config as Obj).tags as string[]) : [];
  return {
    unique_id: `unit_test.${pkg}.${decl.model}.${decl.name}`,
    resource_type: 'unit_test',
    name: decl.name,
    package_name: pkg,
    path: decl.file.split('/').slice(1).join('/'),
    original_file_path: decl.file,
    fqn: [...model!.fqn, decl.name],
    raw_code: '',
    compiled_code: sql!,
    // Beside the YAML's data tests (`<yml>/<test>.sql`), in a folder per model: never the YAML path itself.
    compiled_path: `${project.config.targetPath}/compiled/${pkg}/${decl.file}/${decl.model}/${decl.name}.sql`,
    config: { enabled: true, materialized: 'unit_test', tags, meta: {}, pre_hook: [], post_hook: [] },
    tags,
    description: typeof raw.description === 'string' ? raw.description : '',
    columns: {},
    meta: {},
    depends_on: { nodes: [...model!.depends_on.nodes], macros: [] },
    refs: [],
    sources: [],
    checksum: { name: 'sha256', checksum: sha256(JSON.stringify(raw)) },
    relation: model!.relation,
    patch_path: decl.file,
    attached_node: modelId,
    test_type: 'unit',
    line: decl.line,
    given,
    expect: expect!,
    overrides: { ...(vars ? { vars } : {}), ...(overrides.macros ? { macros } : {}) },
  };
}

/** unique_id of a given's input, or undefined when it names nothing known. */
function inputId(manifest: Manifest, input: string): string | undefined {
  const ref = REF.exec(input);
  if (ref) {
    const name = ref[4] ?? ref[2]!;
    return Object.values(manifest.nodes).find((n) => n.name === name && (n.resource_type === 'model' || n.resource_type === 'seed'))?.unique_id;
  }
  const src = SOURCE.exec(input);
  if (src) return Object.values(manifest.sources).find((s) => s.source_name === src[2] && s.name === src[4])?.unique_id;
  return undefined;
}

function inputHint(manifest: Manifest, input: string): string {
  if (!REF.test(input) && !SOURCE.test(input)) return `write input: ref('model_name') or input: source('source_name', 'table_name')`;
  const names = [
    ...Object.values(manifest.nodes).filter((n) => n.resource_type === 'model' || n.resource_type === 'seed').map((n) => `ref('${n.name}')`),
    ...Object.values(manifest.sources).map((s) => `source('${s.source_name}', '${s.name}')`),
  ];
  return didYouMean(input.trim(), names) ?? 'check the name of the model, seed or source';
}
