/** Human sentences for failing tests, as the validation report lists them: "order_id has duplicate values (3 rows)". */
import type { Manifest, ManifestNode } from '../compiler/types.js';

function num(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function rows(n: number | null): string {
  return n === null ? '' : ` (${n} row${n === 1 ? '' : 's'})`;
}

/** The name of the node a test reads (model, seed or source), for sentences about a whole table. */
export function attachedName(manifest: Manifest, test: ManifestNode): string {
  const id = test.attached_node ?? test.depends_on.nodes[0];
  if (!id) return test.name;
  const node = manifest.nodes[id];
  if (node) return node.name;
  const src = manifest.sources[id];
  return src ? `${src.source_name}.${src.name}` : id;
}

function rangeText(kwargs: Record<string, unknown>): string {
  const min = num(kwargs.min_value ?? kwargs.min);
  const max = num(kwargs.max_value ?? kwargs.max);
  if (min !== undefined && max !== undefined) return `outside [${min}, ${max}]`;
  if (min !== undefined) return Number(min) === 0 ? 'negative' : `below ${min}`;
  if (max !== undefined) return `above ${max}`;
  return 'out of range';
}

function refName(to: unknown): string {
  const text = String(to ?? '');
  const m = /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(text) ?? /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(text);
  if (!m) return text;
  return m[2] ? `${m[1]}.${m[2]}` : m[1]!;
}

/** What the failing rows of a generic test mean, without the subject. */
function what(test: ManifestNode, manifest: Manifest): string | undefined {
  const meta = test.test_metadata;
  if (!meta) return undefined;
  const k = meta.kwargs;
  switch (meta.name) {
    case 'unique':
      return 'has duplicate values';
    case 'not_null':
      return 'has null values';
    case 'accepted_values':
      return `has values outside the accepted list${Array.isArray(k.values) ? ` (${k.values.map(String).join(', ')})` : ''}`;
    case 'relationships':
      return `has values missing from ${refName(k.to)}${k.field ? `.${String(k.field)}` : ''}`;
    case 'accepted_range': {
      const range = rangeText(k);
      return range === 'negative' ? 'has negative values' : `has values ${range}`;
    }
    case 'no_future_timestamps':
      return 'has future timestamps';
    case 'expression_is_true':
      return `has rows where ${String(k.expression ?? 'the expression')} is not true`;
    case 'unique_combination_of_columns':
      return `has duplicate combinations of ${Array.isArray(k.combination_of_columns) ? k.combination_of_columns.join(', ') : 'columns'}`;
    case 'row_count': {
      const range = rangeText(k);
      return `has a row count ${range === 'negative' ? 'below 0' : range}`;
    }
    case 'not_empty':
      return 'is empty';
    case 'recency':
      return 'has no recent rows';
    case 'expected_columns':
      return 'does not have the expected columns';
    default:
      return `fails ${meta.name}`;
  }
}

/**
 * One sentence per failing (or warning) test; an errored test says it could not run.
 * A test may word its own sentence with `meta: {message: "order_ts has invalid timestamps"}`
 * (useful for singular tests, which have no generic test to describe them).
 */
export function failureSentence(
  manifest: Manifest,
  test: ManifestNode,
  status: string,
  failures: number | null,
  message: string,
): string {
  if (status === 'error') return `${test.name} could not run: ${message.split('\n')[0]}`;
  const own = test.meta?.message ?? test.config.meta?.message;
  if (typeof own === 'string' && own.trim()) return `${own.trim()}${rows(failures)}`;
  const verb = what(test, manifest);
  if (!verb) return `${test.name} returned failing rows${rows(failures)}`;
  const tableLevel = ['row_count', 'not_empty', 'recency', 'expected_columns', 'unique_combination_of_columns'];
  const subject =
    test.column_name && !tableLevel.includes(test.test_metadata!.name)
      ? test.column_name
      : attachedName(manifest, test);
  return `${subject} ${verb}${rows(failures)}`;
}
