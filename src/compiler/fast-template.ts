/**
 * A fast path for the most common model templates: text with `{{ expr }}` holes whose
 * expressions are names, literals, attribute access and calls (`{{ ref('x') }}`,
 * `{{ config(materialized='table') }}`, `{{ this.schema }}`), and `{% for x in [literal list] %}`
 * loops around such text (with `-` whitespace control). nunjucks' code generation and V8's
 * compilation of the generated function cost ~0.25 ms per template, too much at 10,000 models.
 * Anything else (other tags, comments, filters, operators, `loop.*`) returns undefined and goes
 * to nunjucks. Lookups, calls and output follow nunjucks' runtime exactly (same helpers);
 * tests/unit/compiler-fast-template.test.ts proves parity.
 */
import type nunjucks from 'nunjucks';
import { UserError } from '../errors.js';
import { exprRuntime, lex, LITERALS, parseExpr, type Expr, type ExprRuntime, type Scope, type Token } from './fast-expr.js';
import { templateErrorToUserError } from './template-errors.js';

interface Position {
  line: number;
  column: number;
}
type Part = string | (Position & { expr: Expr }) | (Position & { loopVar: string; items: Expr; body: Part[] });

/** A template rendered without nunjucks; same `render(ctx)` shape as nunjucks.Template. */
export class FastTemplate {
  constructor(
    private readonly parts: ReadonlyArray<Part>,
    private readonly file: string,
  ) {}

  render(): string {
    // Pieces joined once: one flat string instead of a rope of a concatenation per piece.
    const out: string[] = [];
    this.renderInto(this.parts, undefined, out);
    return out.join('');
  }

  private renderInto(parts: ReadonlyArray<Part>, scope: Scope, out: string[]): void {
    for (const part of parts) {
      if (typeof part === 'string') {
        out.push(part);
        continue;
      }
      if ('expr' in part) {
        // `'' + value` converts like nunjucks' `output += value` (valueOf before toString).
        out.push('' + (this.evaluate(part, part.expr, scope) ?? ''));
        continue;
      }
      const items = this.evaluate(part, part.items, scope) as unknown[];
      for (const item of items) {
        const inner: Record<string, unknown> = Object.create(scope ?? null);
        inner[part.loopVar] = item;
        this.renderInto(part.body, inner, out);
      }
    }
  }

  private evaluate(at: Position, expr: Expr, scope: Scope): unknown {
    try {
      return expr.ev(scope);
    } catch (e) {
      if (e instanceof UserError && e.line !== undefined) throw e;
      // Same shape as a nunjucks runtime error: 0-based position, original error as cause.
      const message = e instanceof Error ? e.message : String(e);
      throw templateErrorToUserError({ message, lineno: at.line - 1, colno: at.column - 1, cause: e }, this.file, 'render');
    }
  }
}

/** Where tryFastTemplate keeps its ParseCache on the Environment it parses for. */
const CACHE: unique symbol = Symbol('strata.fastTemplateCache');

/**
 * Per Environment (one per compile): nunjucks' runtime (a `require` per lookup costs ~1-3 µs),
 * and what the `{{ ... }}` / `{% ... %}` texts seen so far parsed to. Most of a project's tags
 * (`{{ config(materialized='table') }}`, `{%- endfor %}`, `{{ c }}` in loops...) repeat across
 * files; parsed expressions are immutable, so templates share them.
 */
interface ParseCache {
  runtime: ExprRuntime;
  /** By loop variables in scope + tag text (from after `{{`/`{{-` through `}}`): the expression, or null if unsupported. */
  exprs: Map<string, Expr | null>;
  /** By tag text (from after `{%`/`{%-` through `%}`): its tokens, or null if unsupported. */
  tags: Map<string, { tokens: Token[]; trim: boolean } | null>;
}

/** A loop being parsed: its parts so far and the loop variables in scope. */
interface Level {
  parts: Part[];
  locals: Set<string>;
  /** `locals` as part of an expression cache key. */
  localsKey: string;
}

/** Parse `source` for the fast path, or undefined when it needs nunjucks. */
export function tryFastTemplate(env: nunjucks.Environment, source: string, file: string): FastTemplate | undefined {
  if (source.includes('{#')) return undefined;
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  const holder = env as unknown as { [CACHE]?: ParseCache };
  const cache = (holder[CACHE] ??= { runtime: exprRuntime(), exprs: new Map(), tags: new Map() });
  const stack: Level[] = [{ parts: [], locals: new Set(), localsKey: '' }];
  let pos = 0;
  let line = 1;
  let trimNext = false;
  for (;;) {
    const open = nextOpen(source, pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.trimStart();
    const level = stack[stack.length - 1]!;
    if (open < 0) {
      if (text) level.parts.push(text);
      return stack.length === 1 ? new FastTemplate(level.parts, file) : undefined;
    }
    const isTag = source[open + 1] === '%';
    let start = open + 2;
    if (source[start] === '-') {
      text = text.trimEnd();
      start++;
    }
    if (text) level.parts.push(text);
    line += countNewlines(source, pos, open);
    // The lexer stops at the first closing `}}` / `%}` outside a string: when that is the first one
    // at all, the text up to it decides everything, and its parse is cached under that text.
    const close = source.indexOf(isTag ? '%}' : '}}', start);
    if (close < 0) return undefined;
    const end = close + 2;
    const key = source.slice(start, end);
    const at = { line, column: open - source.lastIndexOf('\n', open - 1) };
    let trim: boolean;
    let next: number;
    if (!isTag) {
      const exprKey = level.localsKey + key;
      let expr = cache.exprs.get(exprKey);
      if (expr !== undefined) {
        next = end;
        trim = key.charCodeAt(key.length - 3) === 45; // `-}}`
      } else {
        const lexed = lex(source, start, '}');
        if (!lexed) return undefined;
        expr = parseExpr(lexed.tokens, globals, level.locals, cache.runtime) ?? null;
        if (lexed.end === end) cache.exprs.set(exprKey, expr);
        next = lexed.end;
        trim = lexed.trim;
      }
      if (!expr) return undefined;
      level.parts.push({ expr, line: at.line, column: at.column });
    } else {
      let lexed = cache.tags.get(key);
      if (lexed !== undefined) next = end;
      else {
        const fresh = lex(source, start, '%');
        lexed = fresh ? { tokens: fresh.tokens, trim: fresh.trim } : null;
        if (fresh && fresh.end === end) cache.tags.set(key, lexed);
        next = fresh ? fresh.end : end;
      }
      if (!lexed || !tag(lexed.tokens, stack, globals, at, cache.runtime)) return undefined;
      trim = lexed.trim;
    }
    line += countNewlines(source, open, next);
    trimNext = trim;
    pos = next;
  }
}

/** Apply a `{% for x in [...] %}` or `{% endfor %}` tag to the stack; false if unsupported. */
function tag(tokens: Token[], stack: Level[], globals: Record<string, unknown>, at: Position, runtime: ExprRuntime): boolean {
  const level = stack[stack.length - 1]!;
  const [head, name, kwIn, bracket] = tokens;
  if (head?.kind !== 'name') return false;
  if (head.value === 'endfor' && tokens.length === 1) {
    if (stack.length === 1) return false;
    stack.pop();
    return true;
  }
  if (head.value !== 'for' || name?.kind !== 'name' || kwIn?.kind !== 'name' || kwIn.value !== 'in') return false;
  if (Object.hasOwn(LITERALS, name.value) || name.value === 'loop' || name.value === 'in') return false;
  // Only a literal list, so the value is always an array (nunjucks iterates objects differently).
  if (bracket?.kind !== 'punct' || bracket.value !== '[' || closingBracket(tokens, 3) !== tokens.length - 1) return false;
  const items = parseExpr(tokens.slice(3), globals, level.locals, runtime);
  if (!items) return false;
  const body: Part[] = [];
  level.parts.push({ loopVar: name.value, items, body, ...at });
  const locals = new Set([...level.locals, name.value]);
  stack.push({ parts: body, locals, localsKey: `${[...locals].join(',')}\0` });
  return true;
}

/** Index of the `]` closing the `[` at `from`, or -1. */
function closingBracket(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.value === '[') depth++;
    else if (t.value === ']' && --depth === 0) return i;
  }
  return -1;
}

/** Position of the next `{{` or `{%`, or -1. */
function nextOpen(source: string, from: number): number {
  for (let i = source.indexOf('{', from); i !== -1; i = source.indexOf('{', i + 1)) {
    const c = source[i + 1];
    if (c === '{' || c === '%') return i;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
