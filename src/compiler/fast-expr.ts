/**
 * Expressions of the fast template path (see fast-template.ts): a lexer for one `{{ ... }}` or
 * `{% ... %}` and a recursive-descent parser of names, literals, attribute access and calls into
 * closures. Lookups, calls and literals follow nunjucks' runtime exactly (same helpers).
 */
import { internals } from './jinja-compat.js';

/** Loop variables in scope while rendering (a prototype chain per nesting level). */
export type Scope = Record<string, unknown> | undefined;
/** A parsed expression, evaluated against the loop variables in scope. */
export interface Expr {
  ev(scope: Scope): unknown;
}
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
 * Parse `tokens` (all of them) into an expression tree; undefined if not supported. `locals` are
 * the loop variables in scope (looked up in the render scope, like nunjucks' frame variables);
 * inside a loop the name `loop` is not supported (nunjucks' loop.index etc. are not emulated).
 * The tree is plain objects (no closures): a template keeps only what it evaluates, not the
 * parser's state, which matters with 10,000 templates alive at once.
 */
export function parseExpr(tokens: Token[], globals: Record<string, unknown>, locals: ReadonlySet<string>, runtime: ExprRuntime = exprRuntime()): Expr | undefined {
  const parser = new Parser(tokens, globals, locals, runtime);
  try {
    const expr = parser.expression();
    return parser.i === tokens.length ? expr : undefined;
  } catch (e) {
    if (e === FAIL) return undefined;
    throw e;
  }
}

/** A literal (string, number, true/false/none, or a name's Python spelling). */
class Literal implements Expr {
  constructor(readonly value: unknown) {}
  ev(): unknown {
    return this.value;
  }
}

/** A global of the environment (looked up at render time: context globals are getters). */
class GlobalName implements Expr {
  constructor(
    readonly name: string,
    readonly globals: Record<string, unknown>,
  ) {}
  ev(): unknown {
    const v = this.globals[this.name];
    return v === undefined && Object.hasOwn(COMPAT, this.name) ? COMPAT[this.name] : v;
  }
}

/** A loop variable. */
class LocalName implements Expr {
  constructor(readonly name: string) {}
  ev(scope: Scope): unknown {
    return scope![this.name];
  }
}

/** `[a, b]`: a new array on each evaluation. */
class ListExpr implements Expr {
  constructor(readonly items: Expr[]) {}
  ev(scope: Scope): unknown {
    return this.items.map((e) => e.ev(scope));
  }
}

/** `{k: v}`: a new object on each evaluation. */
class DictExpr implements Expr {
  constructor(readonly entries: Array<[Expr, Expr]>) {}
  ev(scope: Scope): unknown {
    return Object.fromEntries(this.entries.map(([k, v]) => [k.ev(scope), v.ev(scope)]));
  }
}

/** `obj.name` / `obj[key]` through nunjucks' memberLookup. */
class Member implements Expr {
  constructor(
    readonly obj: Expr,
    readonly key: Expr,
    readonly runtime: ExprRuntime,
  ) {}
  ev(scope: Scope): unknown {
    return this.runtime.memberLookup(this.obj.ev(scope), this.key.ev(scope));
  }
}

/** `fn(a, k=v)` through nunjucks' callWrap; `name` is what its errors call the function. */
class Call implements Expr {
  constructor(
    readonly fn: Expr,
    readonly name: string,
    readonly args: Expr[],
    readonly kwargs: Array<[string, Expr]> | undefined,
    readonly runtime: ExprRuntime,
  ) {}
  ev(scope: Scope): unknown {
    const values: unknown[] = [];
    for (const a of this.args) values.push(a.ev(scope));
    if (this.kwargs) {
      // nunjucks' keyword-argument object: the keywords in order, then the marker.
      const named: Record<string, unknown> = {};
      for (const [k, v] of this.kwargs) named[k] = v.ev(scope);
      named.__keywords = true;
      values.push(named);
    }
    return this.runtime.callWrap(this.fn.ev(scope), this.name, undefined, values);
  }
}

/** Recursive descent over one tag's tokens; throws FAIL on anything unsupported. */
class Parser {
  i = 0;
  constructor(
    readonly tokens: Token[],
    readonly globals: Record<string, unknown>,
    readonly locals: ReadonlySet<string>,
    readonly runtime: ExprRuntime,
  ) {}

  private peek(value: string): boolean {
    const tok = this.tokens[this.i];
    return tok !== undefined && tok.kind === 'punct' && tok.value === value;
  }

  private expect(value: string): void {
    if (!this.peek(value)) throw FAIL;
    this.i++;
  }

  /** Items up to `close` (consumed), separated by commas, a trailing comma allowed. */
  private list(close: string, item: () => void): void {
    while (!this.peek(close)) {
      item();
      if (!this.peek(close)) this.expect(',');
    }
    this.i++;
  }

  /** A primary expression and the name nunjucks' errors would give it. */
  private primary(): [Expr, string] {
    const tok = this.tokens[this.i++];
    if (!tok) throw FAIL;
    if (tok.kind === 'string') return [new Literal(tok.value), JSON.stringify(tok.value)];
    if (tok.kind === 'number') return [new Literal(Number(tok.value)), tok.value];
    if (tok.kind === 'name') {
      const name = tok.value;
      if (Object.hasOwn(LITERALS, name)) return [new Literal(LITERALS[name]), name];
      if (this.locals.has(name)) return [new LocalName(name), name];
      if (name === 'loop' && this.locals.size > 0) throw FAIL;
      return [new GlobalName(name, this.globals), name];
    }
    if (tok.value === '[') {
      const items: Expr[] = [];
      this.list(']', () => items.push(this.expression()));
      return [new ListExpr(items), '[]'];
    }
    if (tok.value === '{') {
      const entries: Array<[Expr, Expr]> = [];
      this.list('}', () => {
        const key = this.expression();
        this.expect(':');
        entries.push([key, this.expression()]);
      });
      return [new DictExpr(entries), '{}'];
    }
    if (tok.value === '(') {
      const inner = this.expression();
      this.expect(')');
      return [inner, '()'];
    }
    throw FAIL;
  }

  expression(): Expr {
    let [expr, name] = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.i++;
        const tok = this.tokens[this.i++];
        if (!tok || tok.kind !== 'name') throw FAIL;
        expr = new Member(expr, new Literal(tok.value), this.runtime);
        name = `${name}["${tok.value}"]`;
      } else if (this.peek('[')) {
        this.i++;
        const key = this.expression();
        this.expect(']');
        expr = new Member(expr, key, this.runtime);
        name = `${name}[]`;
      } else if (this.peek('(')) {
        this.i++;
        const args: Expr[] = [];
        const kwargs: Array<[string, Expr]> = [];
        this.list(')', () => {
          const tok = this.tokens[this.i];
          const next = this.tokens[this.i + 1];
          if (tok?.kind === 'name' && next?.kind === 'punct' && next.value === '=') {
            if (tok.value === '__proto__') throw FAIL; // would set the prototype of the keyword object
            this.i += 2;
            kwargs.push([tok.value, this.expression()]);
          } else if (kwargs.length) throw FAIL;
          else args.push(this.expression());
        });
        expr = new Call(expr, name, args, kwargs.length ? kwargs : undefined, this.runtime);
      } else return expr;
    }
  }
}
