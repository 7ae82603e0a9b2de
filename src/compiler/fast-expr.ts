/**
 * Expressions of the fast template path (see fast-template.ts): a lexer for one `{{ ... }}` or
 * `{% ... %}` and a recursive-descent parser of names, literals, attribute access and calls into
 * closures. Lookups, calls and literals follow nunjucks' runtime exactly (same helpers).
 */
import { internals } from './jinja-compat.js';

/** Loop variables in scope while rendering (a prototype chain per nesting level). */
export type Scope = Record<string, unknown> | undefined;
/** A parsed expression, evaluated against the loop variables in scope. */
export type Expr = (scope: Scope) => unknown;
/** One lexed token. */
export type Token = { kind: 'name' | 'string' | 'number' | 'punct'; value: string };

/** Names the lexer turns into literals, and the Python spellings added by Jinja compat. */
export const LITERALS: Record<string, unknown> = { true: true, false: false, none: null, null: null };
const COMPAT: Record<string, unknown> = { True: true, False: false, None: null };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
/** Thrown inside the parser for unsupported syntax (a constant: no stack capture per template). */
const FAIL: unique symbol = Symbol('unsupported');

/**
 * Tokens from `pos` up to the closing `}}` (close = '}') or `%}` (close = '%'), with `-` trimming;
 * undefined on anything unsupported.
 */
export function lex(src: string, pos: number, close: '}' | '%'): { tokens: Token[]; end: number; trim: boolean } | undefined {
  const tokens: Token[] = [];
  const closeCode = close.charCodeAt(0);
  const n = src.length;
  while (pos < n) {
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
    else if (c === closeCode && src.charCodeAt(pos + 1) === 125) return { tokens, end: pos + 2, trim: false };
    else if (c === 45 && src.charCodeAt(pos + 1) === closeCode && src.charCodeAt(pos + 2) === 125) return { tokens, end: pos + 3, trim: true };
    else if (isNameStart(c)) {
      let end = pos + 1;
      while (end < n && isWord(src.charCodeAt(end))) end++;
      tokens.push({ kind: 'name', value: src.slice(pos, end) });
      pos = end;
    } else if (isDigit(c)) {
      // \d+(?:\.\d+)?
      let end = pos + 1;
      while (isDigit(src.charCodeAt(end))) end++;
      if (src.charCodeAt(end) === 46 && isDigit(src.charCodeAt(end + 1))) {
        end += 2;
        while (isDigit(src.charCodeAt(end))) end++;
      }
      if (isNameStart(src.charCodeAt(end))) return undefined;
      tokens.push({ kind: 'number', value: src.slice(pos, end) });
      pos = end;
    } else if (c === 34 || c === 39) {
      let value = '';
      let i = pos + 1;
      let from = i; // start of the current run without escapes
      for (; i < n && src.charCodeAt(i) !== c; i++) {
        if (src.charCodeAt(i) === 92) {
          value += src.slice(from, i);
          i++;
          value += ESCAPES[src[i]!] ?? src[i] ?? '';
          from = i + 1;
        }
      }
      if (i >= n) return undefined;
      value += src.slice(from, i);
      tokens.push({ kind: 'string', value });
      pos = i + 1;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', value: src[pos]! });
      pos++;
    } else return undefined;
  }
  return undefined;
}

/** Character codes of `.()[]{},=:`. */
const PUNCT: ReadonlySet<number> = new Set([...'.()[]{},=:'].map((ch) => ch.charCodeAt(0)));

/** [A-Za-z_] */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** [0-9] (false for NaN past the end) */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** \w: [A-Za-z0-9_] */
function isWord(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** The nunjucks runtime helpers the closures call. */
export interface ExprRuntime {
  memberLookup(obj: unknown, key: unknown): unknown;
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown;
}

/** nunjucks' runtime (a `require` per call: callers parsing many expressions get it once and pass it). */
export function exprRuntime(): ExprRuntime {
  return internals.runtime as unknown as ExprRuntime;
}

/**
 * Parse `tokens` (all of them) into a closure; undefined if not supported. `locals` are the loop
 * variables in scope (looked up in the render scope, like nunjucks' frame variables); inside a
 * loop the name `loop` is not supported (nunjucks' loop.index etc. are not emulated).
 */
export function parseExpr(tokens: Token[], globals: Record<string, unknown>, locals: ReadonlySet<string>, runtime: ExprRuntime = exprRuntime()): Expr | undefined {
  let i = 0;
  const peek = (value: string) => tokens[i]?.kind === 'punct' && tokens[i]!.value === value;
  const expect = (value: string) => {
    if (!peek(value)) throw FAIL;
    i++;
  };

  const list = (close: string, item: () => void) => {
    while (!peek(close)) {
      item();
      if (!peek(close)) expect(',');
    }
    i++;
  };

  const primary = (): [Expr, string] => {
    const tok = tokens[i++];
    if (!tok) throw FAIL;
    if (tok.kind === 'string') return [() => tok.value, JSON.stringify(tok.value)];
    if (tok.kind === 'number') {
      const n = Number(tok.value);
      return [() => n, tok.value];
    }
    if (tok.kind === 'name') {
      const name = tok.value;
      if (Object.hasOwn(LITERALS, name)) {
        const v = LITERALS[name];
        return [() => v, name];
      }
      if (locals.has(name)) return [(scope) => scope![name], name];
      if (name === 'loop' && locals.size > 0) throw FAIL;
      return [() => {
        const v = globals[name];
        return v === undefined && Object.hasOwn(COMPAT, name) ? COMPAT[name] : v;
      }, name];
    }
    if (tok.value === '[') {
      const items: Expr[] = [];
      list(']', () => items.push(expression()));
      return [(scope) => items.map((e) => e(scope)), '[]'];
    }
    if (tok.value === '{') {
      const entries: Array<[Expr, Expr]> = [];
      list('}', () => {
        const key = expression();
        expect(':');
        entries.push([key, expression()]);
      });
      return [(scope) => Object.fromEntries(entries.map(([k, v]) => [k(scope), v(scope)])), '{}'];
    }
    if (tok.value === '(') {
      const inner = expression();
      expect(')');
      return [inner, '()'];
    }
    throw FAIL;
  };

  const expression = (): Expr => {
    let [expr, name] = primary();
    for (;;) {
      if (peek('.')) {
        i++;
        const tok = tokens[i++];
        if (!tok || tok.kind !== 'name') throw FAIL;
        const obj = expr;
        expr = (scope) => runtime.memberLookup(obj(scope), tok.value);
        name = `${name}["${tok.value}"]`;
      } else if (peek('[')) {
        i++;
        const key = expression();
        expect(']');
        const obj = expr;
        expr = (scope) => runtime.memberLookup(obj(scope), key(scope));
        name = `${name}[]`;
      } else if (peek('(')) {
        i++;
        const args: Expr[] = [];
        const kwargs: Array<[string, Expr]> = [];
        list(')', () => {
          const tok = tokens[i];
          if (tok?.kind === 'name' && tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.value === '=') {
            if (tok.value === '__proto__') throw FAIL; // would set the prototype of the keyword object below
            i += 2;
            kwargs.push([tok.value, expression()]);
          } else if (kwargs.length) throw FAIL;
          else args.push(expression());
        });
        const fn = expr;
        const callName = name;
        expr = (scope) => {
          const values: unknown[] = [];
          for (const a of args) values.push(a(scope));
          if (kwargs.length) {
            // nunjucks' keyword-argument object: the keywords in order, then the marker.
            const named: Record<string, unknown> = {};
            for (const [k, v] of kwargs) named[k] = v(scope);
            named.__keywords = true;
            values.push(named);
          }
          return runtime.callWrap(fn(scope), callName, undefined, values);
        };
      } else return expr;
    }
  };

  try {
    const expr = expression();
    return i === tokens.length ? expr : undefined;
  } catch (e) {
    if (e === FAIL) return undefined;
    throw e;
  }
}
