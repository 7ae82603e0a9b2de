/**
 * A fast path for the most common model templates: text with `{{ expr }}` holes whose
 * expressions are names, literals, attribute access and calls (`{{ ref('x') }}`,
 * `{{ config(materialized='table') }}`, `{{ this.schema }}`). nunjucks' code generation and
 * V8's compilation of the generated function cost ~0.25 ms per template, too much at 10,000
 * models. Anything else (tags, comments, filters, operators) returns undefined and goes to
 * nunjucks. Lookups, calls and output follow nunjucks' runtime exactly (same helpers).
 */
import type nunjucks from 'nunjucks';
import { UserError } from '../errors.js';
import { internals } from './jinja-compat.js';
import { templateErrorToUserError } from './template-errors.js';

type Expr = () => unknown;
type Token = { kind: 'name' | 'string' | 'number' | 'punct'; value: string };

/** Names the lexer turns into literals, and the Python spellings added by Jinja compat. */
const LITERALS: Record<string, unknown> = { true: true, false: false, none: null, null: null };
const COMPAT: Record<string, unknown> = { True: true, False: false, None: null };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
/** Thrown inside the parser for unsupported syntax (a constant: no stack capture per template). */
const FAIL: unique symbol = Symbol('unsupported');

/** A template rendered without nunjucks; same `render(ctx)` shape as nunjucks.Template. */
export class FastTemplate {
  constructor(
    private readonly parts: ReadonlyArray<string | { expr: Expr; line: number; column: number }>,
    private readonly file: string,
  ) {}

  render(): string {
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      let value: unknown;
      try {
        value = part.expr();
      } catch (e) {
        if (e instanceof UserError && e.line !== undefined) throw e;
        // Same shape as a nunjucks runtime error: 0-based position, original error as cause.
        const message = e instanceof Error ? e.message : String(e);
        throw templateErrorToUserError({ message, lineno: part.line - 1, colno: part.column - 1, cause: e }, this.file, 'render');
      }
      out += value ?? '';
    }
    return out;
  }
}

/** Parse `source` for the fast path, or undefined when it needs nunjucks. */
export function tryFastTemplate(env: nunjucks.Environment, source: string, file: string): FastTemplate | undefined {
  if (source.includes('{%') || source.includes('{#')) return undefined;
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  const parts: Array<string | { expr: Expr; line: number; column: number }> = [];
  let pos = 0;
  let line = 1;
  let trimNext = false;
  for (;;) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.trimStart();
    if (open < 0) {
      if (text) parts.push(text);
      return new FastTemplate(parts, file);
    }
    let start = open + 2;
    if (source[start] === '-') {
      text = text.trimEnd();
      start++;
    }
    if (text) parts.push(text);
    line += countNewlines(source, pos, open);
    const lexed = lex(source, start);
    if (!lexed) return undefined;
    const expr = parse(lexed.tokens, globals);
    if (!expr) return undefined;
    parts.push({ expr, line, column: open - source.lastIndexOf('\n', open - 1) });
    line += countNewlines(source, open, lexed.end);
    trimNext = lexed.trim;
    pos = lexed.end;
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Tokens of one `{{ ... }}` up to its closing braces; undefined on anything unsupported. */
function lex(src: string, pos: number): { tokens: Token[]; end: number; trim: boolean } | undefined {
  const tokens: Token[] = [];
  while (pos < src.length) {
    const c = src[pos]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++;
    else if (c === '}' && src[pos + 1] === '}') return { tokens, end: pos + 2, trim: false };
    else if (c === '-' && src[pos + 1] === '}' && src[pos + 2] === '}') return { tokens, end: pos + 3, trim: true };
    else if (/[A-Za-z_]/.test(c)) {
      let end = pos + 1;
      while (end < src.length && /\w/.test(src[end]!)) end++;
      tokens.push({ kind: 'name', value: src.slice(pos, end) });
      pos = end;
    } else if (/[0-9]/.test(c)) {
      const number = /\d+(?:\.\d+)?/y;
      number.lastIndex = pos;
      const m = number.exec(src)!;
      if (/[A-Za-z_]/.test(src[pos + m[0].length] ?? '')) return undefined;
      tokens.push({ kind: 'number', value: m[0] });
      pos += m[0].length;
    } else if (c === '"' || c === "'") {
      let value = '';
      let i = pos + 1;
      for (; i < src.length && src[i] !== c; i++) {
        if (src[i] === '\\') {
          i++;
          value += ESCAPES[src[i]!] ?? src[i] ?? '';
        } else value += src[i];
      }
      if (i >= src.length) return undefined;
      tokens.push({ kind: 'string', value });
      pos = i + 1;
    } else if ('.()[]{},=:'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      pos++;
    } else return undefined;
  }
  return undefined;
}

/** Recursive-descent parse of the supported subset into closures; undefined if not supported. */
function parse(tokens: Token[], globals: Record<string, unknown>): Expr | undefined {
  let i = 0;
  const runtime = internals.runtime as unknown as {
    memberLookup(obj: unknown, key: unknown): unknown;
    callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown;
  };
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
      return [() => {
        const v = globals[name];
        return v === undefined && Object.hasOwn(COMPAT, name) ? COMPAT[name] : v;
      }, name];
    }
    if (tok.value === '[') {
      const items: Expr[] = [];
      list(']', () => items.push(expression()));
      return [() => items.map((e) => e()), '[]'];
    }
    if (tok.value === '{') {
      const entries: Array<[Expr, Expr]> = [];
      list('}', () => {
        const key = expression();
        expect(':');
        entries.push([key, expression()]);
      });
      return [() => Object.fromEntries(entries.map(([k, v]) => [k(), v()])), '{}'];
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
        expr = () => runtime.memberLookup(obj(), tok.value);
        name = `${name}["${tok.value}"]`;
      } else if (peek('[')) {
        i++;
        const key = expression();
        expect(']');
        const obj = expr;
        expr = () => runtime.memberLookup(obj(), key());
        name = `${name}[]`;
      } else if (peek('(')) {
        i++;
        const args: Expr[] = [];
        const kwargs: Array<[string, Expr]> = [];
        list(')', () => {
          const tok = tokens[i];
          if (tok?.kind === 'name' && tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.value === '=') {
            i += 2;
            kwargs.push([tok.value, expression()]);
          } else if (kwargs.length) throw FAIL;
          else args.push(expression());
        });
        const fn = expr;
        const callName = name;
        expr = () => {
          const values = args.map((a) => a());
          if (kwargs.length) values.push(Object.fromEntries([...kwargs.map(([k, v]) => [k, v()]), ['__keywords', true]]));
          return runtime.callWrap(fn(), callName, undefined, values);
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
