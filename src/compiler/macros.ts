/**
 * Project macros: every `{% macro %}` (and `{% test %}`, recorded as `test_<name>`) in files
 * under macro-paths becomes a global callable from models and from other macros.
 */
import type nunjucks from 'nunjucks';
import { UserError } from '../errors.js';
import type { Project } from '../project/types.js';
import { lineAt } from './call-line.js';
import { CONTEXT_NAMES } from './context.js';
import { compileNunjucks, exportedMacros } from './environment.js';
import type { MacroNode } from './types.js';

export type MacroFunction = (...args: unknown[]) => unknown;

export interface MacroRegistry {
  /** By macro name. */
  nodes: Map<string, MacroNode>;
  functions: Map<string, MacroFunction>;
  /** `name(` of any macro in `nodes` (built by macrosCalledIn on first use, for `size` macros). */
  callPattern?: { size: number; pattern: RegExp };
}

const MACRO_HEADER = /\{%-?\s*(macro|test)\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/g;

/** `{% test x(...) %}...{% endtest %}` → `{% macro test_x(...) %}...{% endmacro %}`. */
function rewriteTests(source: string): string {
  if (!/\{%-?\s*test\s/.test(source)) return source;
  return source
    .replace(/(\{%-?\s*)test(\s+)([A-Za-z_]\w*)/g, '$1macro$2test_$3')
    .replace(/(\{%-?\s*)endtest(\s*-?%\})/g, '$1endmacro$2');
}

/** Argument names of a macro signature: "a, b=1, c='x'" → [a, b, c]. */
function argumentNames(signature: string): string[] {
  const names: string[] = [];
  for (const m of signature.matchAll(/(?:^|,)\s*([A-Za-z_]\w*)/g)) names.push(m[1]!);
  // Commas inside default values (e.g. b=[1, 2]) can yield non-argument words only after '=';
  // good enough for documentation purposes.
  return names;
}

/**
 * Compile each macro file once, render its top level to collect the macros, and expose them
 * as environment globals. With `onCall`, each macro reports its file when called (uses.ts).
 */
export function loadMacros(env: nunjucks.Environment, project: Project, onCall?: (file: string) => void): MacroRegistry {
  const registry: MacroRegistry = { nodes: new Map(), functions: new Map() };
  const pkg = project.config.name;
  for (const file of project.files.macros) {
    const source = rewriteTests(file.content);
    const exported = exportedMacros(compileNunjucks(env, source, file.path), file.path);
    for (const m of file.content.matchAll(MACRO_HEADER)) {
      const name = m[1] === 'test' ? `test_${m[2]}` : m[2]!;
      const line = lineAt(file.content, m.index);
      if (CONTEXT_NAMES.has(name)) {
        throw new UserError(`macro '${name}' has the name of a built-in`, { file: file.path, line, hint: `rename the macro` });
      }
      const previous = registry.nodes.get(name);
      if (previous) {
        throw new UserError(`macro '${name}' is defined twice: in ${previous.original_file_path}:${previous.line} and ${file.path}:${line}`, {
          file: file.path,
          line,
          hint: 'rename or remove one of them',
        });
      }
      const exportedFn = exported[name];
      if (typeof exportedFn !== 'function') continue;
      const fn = onCall ? reporting(exportedFn as MacroFunction, file.path, onCall) : exportedFn;
      registry.nodes.set(name, {
        unique_id: `macro.${pkg}.${name}`,
        name,
        package_name: pkg,
        original_file_path: file.path,
        line,
        arguments: argumentNames(m[3] ?? ''),
      });
      registry.functions.set(name, fn as MacroFunction);
      env.addGlobal(name, fn);
    }
  }
  return registry;
}

/** `fn`, reporting `file` on every call (nunjucks calls macros with its context as `this`). */
function reporting(fn: MacroFunction, file: string, onCall: (file: string) => void): MacroFunction {
  return function (this: unknown, ...args: unknown[]) {
    onCall(file);
    return fn.apply(this, args);
  };
}

/**
 * unique_ids of known macros called (as `name(`) in a template's raw code, sorted. One regex pass
 * that matches only the registry's names: the same calls as matching every `identifier(` and
 * keeping the known ones (a name is matched only at a word start and only before `\s*(`).
 */
export function macrosCalledIn(raw: string, registry: MacroRegistry): string[] {
  if (registry.nodes.size === 0) return [];
  let cached = registry.callPattern;
  if (!cached || cached.size !== registry.nodes.size) {
    const names = [...registry.nodes.keys()].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    registry.callPattern = cached = { size: registry.nodes.size, pattern: new RegExp(`\\b(${names.join('|')})\\s*\\(`, 'g') };
  }
  let found: Set<string> | undefined;
  for (const m of raw.matchAll(cached.pattern)) (found ??= new Set()).add(registry.nodes.get(m[1]!)!.unique_id);
  return found ? [...found].sort() : [];
}
