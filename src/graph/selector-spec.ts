import { UserError } from '../errors.js';

/** One parsed selector token, e.g. `2+config.materialized:table+1`. */
export interface SelectorSpec {
  /** The token as written. */
  raw: string;
  /** `@x`: x, its descendants, and every ancestor of those. */
  childrensParents: boolean;
  /** `+x` / `N+x`: include ancestors. */
  parents: boolean;
  parentsDepth?: number;
  /** `x+` / `x+N`: include descendants. */
  children: boolean;
  childrenDepth?: number;
  /** "fqn", "tag", "config"...; when none is written, the default (see `defaultMethod`). */
  method: string;
  /** Whether the method was written in the token. */
  methodExplicit: boolean;
  /** Dotted method arguments: `config.materialized:` → ["materialized"]. */
  methodArgs: string[];
  value: string;
}

/**
 * The one grammar, as dbt's: [@][N+][method[.arg...]:]value[+N].
 * The value is lazy so a trailing `+N` is read as the children operator.
 */
const SELECTOR = /^(?<at>@)?(?<parents>(?<parentsDepth>\d*)\+)?(?:(?<method>[A-Za-z_][\w.]*):)?(?<value>.*?)(?<children>\+(?<childrenDepth>\d*))?$/s;

const HINT =
  'selectors look like [@][N+][method:]value[+N], e.g. "stg_orders", "+orders", "tag:nightly+", "2+path:models/marts+1"';

/** Parse one selector token (no spaces, no commas). Bad syntax → UserError with a hint. */
export function parseSelector(token: string): SelectorSpec {
  const m = SELECTOR.exec(token);
  const g = m?.groups;
  if (!g) throw bad(token, 'is not a valid selector');
  const value = g.value ?? '';
  if (value === '') throw bad(token, 'has no value to select');
  if (/[+@,\s]/.test(value)) {
    throw bad(token, `has a misplaced '${/[+@,\s]/.exec(value)![0]}' in '${value}'`);
  }
  if (g.at && g.children) {
    throw bad(token, "combines '@' with a '+' suffix; '@' already includes every descendant");
  }
  const [method = defaultMethod(value), ...methodArgs] = g.method ? g.method.split('.') : [];
  if (methodArgs.some((a) => a === '')) throw bad(token, `has an empty method argument in '${g.method}'`);
  return {
    raw: token,
    childrensParents: g.at !== undefined,
    parents: g.parents !== undefined,
    parentsDepth: depth(g.parentsDepth),
    children: g.children !== undefined,
    childrenDepth: depth(g.childrenDepth),
    method,
    methodExplicit: g.method !== undefined,
    methodArgs,
    value,
  };
}

/**
 * Split one --select/--exclude argument into a union of intersections:
 * "a b,c" → [["a"], ["b", "c"]] (space = union, comma = intersection).
 */
export function splitSelectorArgument(arg: string): string[][] {
  const out: string[][] = [];
  for (const word of arg.split(/\s+/)) {
    if (word === '') continue;
    const parts = word.split(',');
    if (parts.some((p) => p === '')) throw bad(word, 'has an empty part around a comma');
    out.push(parts);
  }
  return out;
}

/**
 * dbt's default for a bare value: something path-like is a path, a file name is a file,
 * anything else is an fqn match (which also matches a bare node name).
 */
export function defaultMethod(value: string): string {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv|yml|yaml)$/i.test(value)) return 'file';
  return 'fqn';
}

function depth(text: string | undefined): number | undefined {
  return text ? Number(text) : undefined;
}

function bad(token: string, what: string): UserError {
  return new UserError(`selector '${token}' ${what}`, { hint: HINT });
}
