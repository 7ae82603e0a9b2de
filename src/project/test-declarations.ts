/** `data_tests:` / `tests:` lists in properties YAML → TestDeclaration, as written (no rendering). */
import { UserError } from '../errors.js';
import type { TestDeclaration } from './types.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

/**
 * Read both spellings under `owner` (a model, column or source table):
 * `- not_null`, `- accepted_values: {values: [...]}`, `- {test_name: unique, ...}`,
 * and dbt 1.10's `arguments:` nesting, flattened into args (config kept as `config`).
 */
export function readTests(yaml: YamlFile, owner: Record<string, unknown>, path: YamlPath): TestDeclaration[] {
  const out: TestDeclaration[] = [];
  for (const key of ['data_tests', 'tests'] as const) {
    const list = owner[key];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => out.push(readTest(yaml, item, [...path, key, i])));
  }
  return out;
}

function readTest(yaml: YamlFile, item: unknown, path: YamlPath): TestDeclaration {
  const loc = yaml.locate(path);
  const at = { file: yaml.file, line: loc.line ?? 1 };
  if (typeof item === 'string') return { name: item, args: {}, ...at };
  const obj = item as Record<string, unknown>;
  if (typeof obj.test_name === 'string') {
    const { test_name, ...rest } = obj;
    return { name: test_name, args: flatten(rest), ...at };
  }
  const keys = Object.keys(obj);
  if (keys.length !== 1) {
    throw new UserError(`a test must be a name or a mapping with one key (the test name), found keys ${keys.map((k) => `'${k}'`).join(', ')}`, {
      ...loc,
      hint: "indent the arguments under the test name, e.g. '- accepted_values: {values: [a, b]}'",
    });
  }
  const name = keys[0]!;
  const value = obj[name];
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new UserError(`arguments of test '${name}' must be a mapping`, {
      ...yaml.locate([...path, name]),
      hint: `e.g. '- ${name}: {values: [a, b]}'`,
    });
  }
  return { name, args: flatten((value ?? {}) as Record<string, unknown>), ...at };
}

/** `{arguments: {values: [..]}, config: {...}}` → `{values: [..], config: {...}}`. */
function flatten(args: Record<string, unknown>): Record<string, unknown> {
  const nested = args.arguments;
  if (!nested || typeof nested !== 'object' || Array.isArray(nested)) return args;
  const { arguments: _, ...rest } = args;
  return { ...rest, ...(nested as Record<string, unknown>) };
}
