import { UserError } from '../errors.js';
import { didYouMean } from '../util/closest.js';
import type { ResourceType } from '../compiler/types.js';
import type { GraphMember } from './graph.js';
import { globMatcher, hasWildcard } from './glob.js';
import { tagsOf, type NamedMember, type SelectionIndex } from './selection-index.js';
import type { SelectorSpec } from './selector-spec.js';

/** A selector method: the ids of the members a `method:value` matches (before graph operators). */
export type SelectorMethod = (index: SelectionIndex, spec: SelectorSpec) => Iterable<string>;

const RESOURCE_TYPES: ResourceType[] = ['model', 'seed', 'test', 'snapshot', 'source', 'unit_test'];

/** The built-in methods, dbt's names. Callers may add more (e.g. `state`) via `selectNodes` options. */
export const SELECTOR_METHODS: Readonly<Record<string, SelectorMethod>> = {
  fqn: (index, { value }) => matchFqn(index, value),
  name: (index, { value }) =>
    hasWildcard(value) ? filter(index, (m) => globMatcher(value)(m.name)) : ids(index.byName(value)),
  tag: (index, { value }) => {
    if (!hasWildcard(value)) return ids(index.byTag(value));
    const match = globMatcher(value);
    return filter(index, (m) => tagsOf(m).some(match));
  },
  path: (index, { value }) => matchPath(index, value),
  file: (index, { value }) => {
    const match = globMatcher(value);
    return filter(index, (m) => {
      const base = m.original_file_path.slice(m.original_file_path.lastIndexOf('/') + 1);
      return match(base) || match(base.replace(/\.[^.]*$/, ''));
    });
  },
  config: (index, spec) => {
    if (spec.methodArgs.length === 0) {
      throw new UserError(`selector '${spec.raw}' needs a config key`, { hint: 'e.g. config.materialized:table' });
    }
    const match = globMatcher(spec.value);
    return filter(index, (m) => configMatches(lookup(m.config, spec.methodArgs), match));
  },
  resource_type: (index, { value, raw }) => {
    if (!RESOURCE_TYPES.includes(value as ResourceType)) {
      throw new UserError(`selector '${raw}': unknown resource type '${value}'`, {
        hint: didYouMean(value, RESOURCE_TYPES) ?? `one of ${RESOURCE_TYPES.join(', ')}`,
      });
    }
    return filter(index, (m) => m.resource_type === value);
  },
  source: (index, { value }) => {
    const parts = value.split('.').map(globMatcher);
    if (parts.length > 3) return [];
    const [pkg, src, table] = parts.length === 3 ? parts : [undefined, parts[0]!, parts[1]];
    return filter(
      index,
      (m) =>
        'source_name' in m &&
        src(m.source_name) &&
        (!table || table(m.name)) &&
        (!pkg || pkg(m.package_name)),
    );
  },
  package: (index, { value }) => {
    const match = globMatcher(value === 'this' ? index.manifest.projectName : value);
    return filter(index, (m) => match(m.package_name));
  },
  unique_id: (index, { value }) => {
    const match = globMatcher(value);
    return filter(index, (m) => match(m.unique_id));
  },
  test_type: (index, { value }) => filter(index, (m) => testTypeMatches(m, value)),
  test_name: (index, { value }) => {
    const match = globMatcher(value);
    return filter(index, (m) => m.resource_type === 'test' && match(testName(m)));
  },
};

/** Look a method up; an unknown one is a UserError naming the closest method. */
export function resolveMethod(spec: SelectorSpec, methods: Readonly<Record<string, SelectorMethod>>): SelectorMethod {
  const method = Object.hasOwn(methods, spec.method) ? methods[spec.method] : undefined;
  if (method) return method;
  const known = Object.keys(methods);
  throw new UserError(`selector '${spec.raw}': unknown selector method '${spec.method}'`, {
    hint: didYouMean(spec.method, known) ?? `known methods: ${known.join(', ')}`,
  });
}

/**
 * dbt's fqn match: a bare name matches the node of that name; otherwise the dotted
 * parts are a prefix of the fqn (with or without the project name), and from the first
 * part holding a wildcard on, the rest is globbed against the rest of the fqn.
 */
function matchFqn(index: SelectionIndex, value: string): string[] {
  const parts = value.split('.');
  const leaf = globMatcher(value);
  const prefix = fqnPrefixMatcher(parts);
  // Without a wildcard in the first part, only members under that head (or of that name) can match.
  const candidates: NamedMember[] = hasWildcard(parts[0]!) ? index.members : [...index.byName(value), ...index.byFqnHead(parts[0]!)];
  const out = new Set<string>();
  for (const m of candidates) {
    const hit = leaf(m.name) || prefix(m.fqn, 0) || (m.fqn[0] === m.package_name && prefix(m.fqn, 1));
    if (hit) out.add(m.unique_id);
  }
  return [...out];
}

/**
 * Compiled once per selector: literal parts compare by equality up to the first part
 * holding a wildcard, whose glob then covers the rest of the fqn (from `offset`).
 */
function fqnPrefixMatcher(parts: string[]): (fqn: string[], offset: number) => boolean {
  const wild = parts.findIndex(hasWildcard);
  const fixed = wild === -1 ? parts : parts.slice(0, wild);
  const rest = wild === -1 ? undefined : globMatcher(parts.slice(wild).join('.'));
  return (fqn, offset) => {
    if (fqn.length - offset < parts.length) return false;
    for (let i = 0; i < fixed.length; i++) if (fqn[offset + i] !== fixed[i]) return false;
    return rest === undefined || rest(fqn.slice(offset + wild).join('.'));
  };
}

/** A file, or a folder and everything under it, relative to the project root. */
function matchPath(index: SelectionIndex, value: string): string[] {
  const wanted = value.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const match = globMatcher(wanted);
  const wild = hasWildcard(wanted);
  return filter(index, (m) => {
    const p = m.original_file_path;
    if (!wild) return p === wanted || p.startsWith(`${wanted}/`);
    // A glob may name the file or any folder above it.
    for (let cut = p.length; cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
      if (match(p.slice(0, cut))) return true;
    }
    return false;
  });
}

function lookup(config: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = config;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Lists match if an element matches; scalars compare as text (true → "true"). */
function configMatches(value: unknown, match: (s: string) => boolean): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => configMatches(v, match));
  if (typeof value === 'object') return false;
  return match(String(value));
}

/** unit | data (generic or singular) | generic | singular. */
function testTypeMatches(m: GraphMember, wanted: string): boolean {
  if (m.resource_type === 'unit_test') return wanted === 'unit';
  if (m.resource_type !== 'test') return false;
  const loose = m as unknown as { test_type?: unknown; test_metadata?: unknown; config: { test_type?: unknown } };
  const declared = loose.test_type ?? loose.config.test_type;
  if (declared === 'unit') return wanted === 'unit';
  // A data test (test_type 'data' or unset) is generic when it has test_metadata, else singular.
  if (wanted === 'data') return true;
  return wanted === (loose.test_metadata ? 'generic' : 'singular');
}

/** A generic test's name (`not_null`), else the test's own name. */
function testName(m: GraphMember): string {
  const meta = (m as unknown as { test_metadata?: { name?: unknown } }).test_metadata;
  return typeof meta?.name === 'string' ? meta.name : m.name;
}

function ids(members: NamedMember[]): string[] {
  return members.map((m) => m.unique_id);
}

function filter(index: SelectionIndex, keep: (m: GraphMember) => boolean): string[] {
  const out: string[] = [];
  for (const m of index.members) if (keep(m)) out.push(m.unique_id);
  return out;
}
