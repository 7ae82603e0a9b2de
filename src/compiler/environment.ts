/**
 * The one nunjucks Environment of a compile: Jinja-compatible filters, tests and globals,
 * the `{% do %}` tag, and helpers to compile each template once and render it with errors
 * turned into UserErrors that point at the user's file and line.
 */
import type nunjucks from 'nunjucks';
import { nunjucksModule } from '../util/lazy-deps.js';
import { internals, installJinjaCompat, MacroReturn, rewriteSetAttr } from './jinja-compat.js';
import { templateErrorToUserError } from './template-errors.js';
import { FastTemplate, tryFastTemplate } from './fast-template.js';
import { UserError } from '../errors.js';

/** A compiled template: nunjucks', or the fast path for plain `{{ call() }}` templates. */
export type Template = nunjucks.Template | FastTemplate;

/** `{% do expr %}`: evaluate an expression for its side effects, print nothing. */
class DoExtension {
  readonly tags = ['do'];
  parse(parser: any, nodes: any): unknown {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]));
  }
  run(): string {
    return '';
  }
}

/** Strip nunjucks' trailing keyword-argument object from a call's arguments. */
export function splitArgs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && (last as Record<string, unknown>).__keywords === true) {
    const { __keywords: _, ...kwargs } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: args, kwargs: {} };
}

function toJsonValue(_key: string, value: unknown): unknown {
  return value instanceof internals.runtime.SafeString ? String(value) : value;
}

function asBool(value: unknown): boolean {
  if (typeof value === 'string') return !['false', 'no', '0', '', 'none', 'null'].includes(value.trim().toLowerCase());
  return Boolean(value);
}

/** Create the Environment. Context globals (ref, source, ...) are added by context.ts. */
export function createEnvironment(): nunjucks.Environment {
  installJinjaCompat();
  // dev: true keeps the original error as `cause` so UserErrors thrown by context functions survive.
  const env = new (nunjucksModule().Environment)(null, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: false,
    lstripBlocks: false,
    dev: true,
  } as nunjucks.ConfigureOptions);
  env.addExtension('do', new DoExtension());

  env.addFilter('tojson', (value: unknown, indent?: number) => JSON.stringify(value ?? null, toJsonValue, indent));
  env.addFilter('as_bool', asBool);
  env.addFilter('as_number', (value: unknown) => Number(value));
  env.addFilter('as_text', (value: unknown) => (value == null ? '' : String(value)));
  (env as unknown as { addTest(name: string, fn: (v: unknown) => boolean): void }).addTest('none', (value: unknown) => value === null || value === undefined);

  env.addGlobal('none', null);
  env.addGlobal('namespace', (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const ns: Record<string, unknown> = {};
    for (const p of positional) if (p && typeof p === 'object') Object.assign(ns, p);
    return Object.assign(ns, kwargs);
  });
  env.addGlobal('__strata_setattr', (obj: unknown, key: string, value: unknown) => {
    if (obj === null || typeof obj !== 'object') throw new Error(`cannot set attribute '${key}' on ${String(obj)}`);
    (obj as Record<string, unknown>)[key] = value;
    return '';
  });
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
  });
  return env;
}

/**
 * Compile a template once (eagerly, so syntax errors surface here with their position).
 * `file` is the project-relative path used in errors.
 */
export function compileTemplate(env: nunjucks.Environment, source: string, file: string): Template {
  return tryFastTemplate(env, source, file) ?? compileNunjucks(env, source, file);
}

/** Always a nunjucks Template (macro files need getExported). */
export function compileNunjucks(env: nunjucks.Environment, source: string, file: string): nunjucks.Template {
  try {
    return new (nunjucksModule().Template)(rewriteSetAttr(source), env, file, true);
  } catch (e) {
    throw templateErrorToUserError(e, file, 'compile');
  }
}

/** Render a compiled template; any failure becomes a UserError at `file`. */
export function renderTemplate(template: Template, file: string, ctx: object = {}): string {
  try {
    return template.render(ctx);
  } catch (e) {
    if (e instanceof UserError && e.file !== undefined && e.line !== undefined) throw e;
    throw templateErrorToUserError(e, file, 'render');
  }
}

/** Collect the macros a template defines (renders its top level once). */
export function exportedMacros(template: nunjucks.Template, file: string): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  let error: unknown;
  // getExported runs synchronously for templates without async parts.
  (template as unknown as { getExported(cb: (err: unknown, exported: unknown) => void): void }).getExported((err, exported) => {
    if (err) error = err;
    else result = exported as Record<string, unknown>;
  });
  if (error) throw templateErrorToUserError(error, file, 'render');
  return result;
}
