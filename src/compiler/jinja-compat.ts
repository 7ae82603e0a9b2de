/**
 * Jinja/dbt compatibility on top of nunjucks: Python-style methods, `return()` from macros,
 * `{% set obj.attr = ... %}`. nunjucks keeps its runtime as a shared module, so the runtime
 * patches are installed once per process (idempotent, flagged on the runtime itself).
 */
import { nunjucksModule } from '../util/lazy-deps.js';

/** The parts of nunjucks' internals we touch (absent from its type definitions). */
export interface NunjucksInternals {
  runtime: Record<string | symbol, unknown> & {
    makeMacro: (argNames: string[], kwargNames: string[], func: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown;
    memberLookup: (obj: unknown, val: unknown) => unknown;
    SafeString: new (value: string) => { toString(): string };
  };
  nodes: Record<string, new (...args: unknown[]) => unknown>;
  installJinjaCompat: () => void;
}

/** nunjucks' internals, read through on each access: nunjucks itself loads on first use. */
export const internals: NunjucksInternals = Object.freeze({
  get runtime() {
    return (nunjucksModule() as unknown as NunjucksInternals).runtime;
  },
  get nodes() {
    return (nunjucksModule() as unknown as NunjucksInternals).nodes;
  },
  installJinjaCompat: () => (nunjucksModule() as unknown as NunjucksInternals).installJinjaCompat(),
});

/**
 * Thrown by the `return()` global and caught by the macro that is running, which then
 * evaluates to `value` instead of its rendered text (dbt semantics). Deliberately not an
 * Error: macros may return thousands of times per compile and stack capture is costly.
 */
export class MacroReturn {
  constructor(readonly value: unknown) {}
  toString(): string {
    return 'return() can only be used inside a macro';
  }
}

const INSTALLED = Symbol.for('strata.jinjaCompatInstalled');

/** Python str methods dbt SQL commonly calls on strings. */
const STRING_METHODS: Record<string, (s: string, ...args: any[]) => unknown> = {
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  strip: (s, chars?: string) => (chars ? stripChars(s, chars, true, true) : s.trim()),
  lstrip: (s, chars?: string) => (chars ? stripChars(s, chars, true, false) : s.trimStart()),
  rstrip: (s, chars?: string) => (chars ? stripChars(s, chars, false, true) : s.trimEnd()),
  startswith: (s, p: string) => s.startsWith(p),
  endswith: (s, p: string) => s.endsWith(p),
  replace: (s, a: string, b: string) => s.split(a).join(b),
  title: (s) => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  isdigit: (s) => /^\d+$/.test(s),
};

function stripChars(s: string, chars: string, left: boolean, right: boolean): string {
  let start = 0;
  let end = s.length;
  while (left && start < end && chars.includes(s[start]!)) start++;
  while (right && end > start && chars.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Install nunjucks' Jinja compat plus Strata's additions. Safe to call many times. */
export function installJinjaCompat(): void {
  const runtime = internals.runtime;
  if (runtime[INSTALLED]) return;
  runtime[INSTALLED] = true;
  internals.installJinjaCompat();

  // Every macro (global or local to a template) catches a return() raised in its own body.
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames, kwargNames, func) => {
    const macro = makeMacro(argNames, kwargNames, func);
    return function wrapped(this: unknown, ...args: unknown[]) {
      try {
        return macro.apply(this, args);
      } catch (e) {
        if (e instanceof MacroReturn) return e.value;
        throw e;
      }
    };
  };

  const memberLookup = runtime.memberLookup;
  runtime.memberLookup = (obj, val) => {
    if (typeof obj === 'string' && typeof val === 'string' && Object.hasOwn(STRING_METHODS, val)) {
      const fn = STRING_METHODS[val]!;
      return (...args: unknown[]) => fn(obj, ...args);
    }
    return memberLookup(obj, val);
  };
}


/**
 * Rewrite `{% set ns.attr = expr %}` (Jinja namespaces; nunjucks only sets plain names)
 * into `{% do __strata_setattr(ns, "attr", expr) %}`. Newlines are kept so line numbers hold.
 */
export function rewriteSetAttr(source: string): string {
  if (!source.includes('set')) return source;
  const SET_ATTR = /\{%(-?)\s*set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=/g;
  let out = '';
  let last = 0;
  for (let m = SET_ATTR.exec(source); m; m = SET_ATTR.exec(source)) {
    const exprStart = m.index + m[0].length;
    const end = findTagEnd(source, exprStart);
    if (end < 0) break;
    const trimRight = source[end - 1] === '-';
    const expr = source.slice(exprStart, trimRight ? end - 1 : end);
    out += source.slice(last, m.index);
    out += `{%${m[1]} do __strata_setattr(${m[2]}, "${m[3]}", ${expr})${trimRight ? '-' : ''}%}`;
    last = end + 2;
    SET_ATTR.lastIndex = last;
  }
  return last === 0 ? source : out + source.slice(last);
}

/** Index of the `%}` closing the tag whose body starts at `from`, skipping quoted strings. */
function findTagEnd(source: string, from: number): number {
  let quote = '';
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '%' && source[i + 1] === '}') return i;
  }
  return -1;
}
