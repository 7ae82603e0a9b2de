/**
 * What the declarations of one generic test share when they have the same arguments on the same
 * column (a project's thousands of `unique` / `not_null` / `accepted_values` declarations are a
 * handful of shapes): the test's definition, the tested column, the arguments' part of the
 * synthesized name and, for built-ins whose SQL does not depend on the tested relation, the
 * prepared SQL parts. Worked out once per compile and shape instead of once per declaration.
 */
import { UserError } from '../errors.js';
import type { MacroFunction } from '../compiler/macros.js';
import { didYouMean } from '../util/closest.js';
import type { TestBuildState } from './compile-tests.js';
import type { AttachedDeclaration } from './declarations.js';
import { GENERIC_TESTS, type GenericTestDef, type PreparedTest } from './generic-tests.js';
import { argsNamePart } from './test-names.js';
import type { TestFolder } from './test-config.js';

/** `to: ref('x')`-style arguments, rendered as `{{ ref('x') }}`. */
export const RELATION_ARG = /^\s*(ref|source)\s*\(.*\)\s*$/s;

/** One test shape; see the module comment. */
export interface TestShape {
  testName: string;
  namespace?: string;
  custom?: MacroFunction;
  builtin?: GenericTestDef;
  /** The tested column: the declaration's, or a non-null `column_name` argument. */
  column?: string;
  /** Whether a `column_name` argument names the column (it is then removed from the kwargs). */
  columnFromArgs: boolean;
  /** `__a__b` (argsNamePart), or ''. */
  argsName: string;
  /** Some argument is rendered (a ref/source call or Jinja): the arguments then differ per test. */
  rendersArgs: boolean;
  /** raw_code of the nodes. */
  rawCode: string;
  /** A built-in's prepare result, once a test of this shape computed it (see sharesPrepared). */
  prepared?: PreparedTest;
}

/** Folders of a properties file and the path prefixes its tests use. */
export interface TestFileInfo {
  /** Below its resource root: models/staging/x.yml → ['staging']. */
  folders: string[];
  /** `staging/` (folders joined, with a trailing slash), or ''. */
  pathPrefix: string;
  /** `<target>/compiled/<pkg>/<file>/`. */
  compiledPrefix: string;
  /** Test configs of the folder. */
  configFolder: TestFolder;
}

/**
 * The shape of a declaration, from the compile's cache. `kwargs` are its test arguments
 * (splitTestArgs, before `column_name` is taken out), `argsJson` = canonicalJson of its args.
 * Declarations whose args JSON does not say everything about them (dates, NaN, undefined...) get
 * a shape of their own.
 */
export function testShape(s: TestBuildState, d: AttachedDeclaration, kwargs: Record<string, unknown>, argsJson: string | undefined): TestShape {
  if (argsJson === undefined || !jsonExact(d.decl.args, 0)) return computeShape(s, d, kwargs);
  const key = `${d.decl.name}\0${d.column === undefined ? '\u0001' : d.column}\0${argsJson}`;
  let shape = s.shapes.get(key);
  if (!shape) s.shapes.set(key, (shape = computeShape(s, d, kwargs)));
  return shape;
}

/** Whether tests of `shape` can share its built-in's prepared SQL parts. */
export function sharesPrepared(shape: TestShape): boolean {
  return !shape.rendersArgs && shape.builtin !== undefined && shape.custom === undefined && !shape.builtin.usesRelation;
}

/** Plain JSON data that JSON.stringify renders without loss: strings, finite numbers (not -0), booleans, null, plain arrays and objects. */
function jsonExact(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > 20) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!jsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

function computeShape(s: TestBuildState, d: AttachedDeclaration, kwargs: Record<string, unknown>): TestShape {
  const { decl } = d;
  const at = { file: decl.file, line: decl.line };
  const dot = decl.name.lastIndexOf('.');
  const testName = dot < 0 ? decl.name : decl.name.slice(dot + 1);
  const namespace = dot < 0 ? undefined : decl.name.slice(0, dot);
  const custom = s.macros.functions.get(`test_${testName}`);
  const builtin = Object.hasOwn(GENERIC_TESTS, testName) ? GENERIC_TESTS[testName] : undefined;
  if (!custom && !builtin) {
    const known = [...Object.keys(GENERIC_TESTS), ...[...s.macros.nodes.keys()].filter((n) => n.startsWith('test_')).map((n) => n.slice(5))];
    throw new UserError(`unknown test '${decl.name}'`, { ...at, hint: didYouMean(testName, known) ?? `built-in tests: ${Object.keys(GENERIC_TESTS).join(', ')}; or define {% test ${testName}(model, column_name) %} in macros` });
  }
  const columnFromArgs = kwargs.column_name !== undefined && kwargs.column_name !== null;
  const column = columnFromArgs ? String(kwargs.column_name) : d.column;
  if (builtin && !custom) {
    if (builtin.column === 'required' && column === undefined) throw new UserError(`test '${testName}' tests a column: declare it under a column, or give column_name`, { ...at, hint: `columns:\n  - name: id\n    data_tests: [${testName}]` });
    if (builtin.column === 'none' && d.column !== undefined) throw new UserError(`test '${testName}' tests a whole table: declare it under the model's data_tests, not a column's`, at);
  }
  let rendersArgs = false;
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'column_name' && columnFromArgs) continue;
    if (typeof value === 'string' && (RELATION_ARG.test(value) || value.includes('{{'))) rendersArgs = true;
  }
  return {
    testName, ...(namespace === undefined ? {} : { namespace }), ...(custom ? { custom } : {}), ...(builtin ? { builtin } : {}),
    ...(column === undefined ? {} : { column }), columnFromArgs, argsName: argsNamePart(kwargs), rendersArgs, rawCode: `{{ test_${testName}(**kwargs) }}`,
  };
}
