/**
 * The template context (dbt-style): one API, two providers. In parse mode `ref`/`source`/`config`
 * record what a node uses; in execute mode they resolve relations. Everything is installed as
 * environment globals that read the node being rendered from a per-compile RenderState, so
 * macros defined in other files see the calling node's context, as in dbt.
 */
import type nunjucks from 'nunjucks';
import type { Dialect } from '../adapters/adapter.js';
import { UserError } from '../errors.js';
import type { Project } from '../project/types.js';
import { didYouMean } from '../util/closest.js';
import { callLine, indexCalls, type CallIndex } from './call-line.js';
import { mergeRawConfig } from './config.js';
import { splitArgs } from './environment.js';
import { RelationValue, relationValue } from './relations.js';
import type { ManifestNode, NodeConfig } from './types.js';
import type { UseRecorder } from './uses.js';

/** A node while it is being compiled. */
export interface RenderNode {
  name: string;
  uniqueId: string;
  resourceType: ManifestNode['resource_type'];
  /** Project-relative path, used in errors. */
  file: string;
  raw: string;
  refs: ManifestNode['refs'];
  sources: Array<[string, string]>;
  /** `config(...)` calls of the file, merged in call order. */
  inlineConfig: Record<string, unknown>;
  /** Resolved config (available in execute mode). */
  config?: NodeConfig;
  /** What `this` resolves to in execute mode. */
  self?: RelationValue;
  /** Lines of literal ref()/source() calls, built on first use. */
  calls?: CallIndex;
}

/** 1-based line of a ref()/source() call in a node's raw code (best effort). */
export function lineOfCall(node: RenderNode, fn: 'ref' | 'source', args: readonly string[]): number | undefined {
  node.calls ??= indexCalls(node.raw);
  return callLine(node.calls, fn, args);
}

export interface RenderState {
  mode: 'parse' | 'execute';
  /** The node being rendered; undefined while rendering macro files or descriptions. */
  current?: RenderNode;
  /** Set for one re-render with substituted inputs (unit tests, point-in-time, leakage checks). */
  override?: RenderOverride;
  /** Records the vars and macro files each node uses (for the compile cache; uses.ts). */
  uses?: UseRecorder;
}

/** What a re-render changes: ref()/source() targets, vars, is_incremental(). */
export interface RenderOverride {
  /** A relation to use instead of the ref's; undefined keeps the normal resolution. */
  ref?(name: string, packageName: string | undefined, from: RenderNode): RelationValue | undefined;
  source?(sourceName: string, tableName: string, from: RenderNode): RelationValue | undefined;
  /** Overlaid on the project's vars. */
  vars?: Record<string, unknown>;
  isIncremental?: boolean;
}

/** What the context needs from the compile that owns it. */
export interface ContextServices {
  project: Project;
  dialect: Dialect;
  invocationId: string;
  runStartedAt: Date;
  env: Record<string, string | undefined>;
  /** Execute mode: the relation a ref resolves to (throws UserError when unknown). */
  resolveRef(name: string, packageName: string | undefined, from: RenderNode): RelationValue;
  resolveSource(sourceName: string, tableName: string, from: RenderNode): RelationValue;
  macro(name: string): ((...args: unknown[]) => unknown) | undefined;
  macroNames(): Iterable<string>;
  doc(name: string, from: RenderNode | undefined): string;
}

/** Names the context defines; a project macro may not reuse them. */
export const CONTEXT_NAMES: ReadonlySet<string> = new Set([
  'ref', 'source', 'config', 'var', 'env_var', 'this', 'target', 'is_incremental', 'run_started_at',
  'invocation_id', 'log', 'print', 'execute', 'adapter', 'exceptions', 'doc', 'model', 'project_name',
  'return', 'namespace', 'none',
]);

/** `run_started_at`: prints as ISO-8601, with a few Python datetime methods. */
export class RunStartedAt {
  constructor(private readonly date: Date) {}
  toString(): string {
    return this.date.toISOString();
  }
  toJSON(): string {
    return this.date.toISOString();
  }
  isoformat(): string {
    return this.date.toISOString();
  }
  timestamp(): number {
    return this.date.getTime() / 1000;
  }
  /** %Y %m %d %H %M %S %f, in UTC. */
  strftime(format: string): string {
    const d = this.date;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const parts: Record<string, string> = {
      Y: String(d.getUTCFullYear()), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()), M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000, 6), '%': '%',
    };
    return format.replace(/%([YmdHMSf%])/g, (_, c: string) => parts[c]!);
  }
}

function strings(args: unknown[], fn: string, file: string | undefined): string[] {
  return args.map((a) => {
    if (typeof a !== 'string') throw new UserError(`${fn}() expects string arguments, got ${a === null ? 'none' : typeof a}`, { file });
    return a;
  });
}

/** Install the context globals on `env`. `state` is read on every call. */
export function installContext(env: nunjucks.Environment, services: ContextServices, state: RenderState): void {
  const { project, dialect } = services;
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  const define = (name: string, get: () => unknown) =>
    Object.defineProperty(globals, name, { get, enumerable: true, configurable: true });

  const current = (fn: string): RenderNode => {
    if (!state.current) throw new UserError(`${fn}() can only be used while compiling a model`);
    return state.current;
  };
  // Parse-mode stand-ins, one per name: templates may print or inspect them before relations exist.
  const placeholders = new Map<string, RelationValue>();
  const placeholder = (identifier: string) => {
    let value = placeholders.get(identifier);
    if (!value) placeholders.set(identifier, (value = relationValue({ schema: project.target.schema, identifier }, dialect)));
    return value;
  };

  env.addGlobal('ref', (...args: unknown[]) => {
    const node = current('ref');
    const { positional } = splitArgs(args);
    if (positional.length < 1 || positional.length > 2) {
      throw new UserError(`ref() takes a model name, or a package name and a model name; got ${positional.length} arguments`, { file: node.file });
    }
    const [first, second] = strings(positional, 'ref', node.file);
    const name = (second ?? first)!;
    const pkg = second === undefined ? undefined : first;
    if (state.mode === 'execute') return state.override?.ref?.(name, pkg, node) ?? services.resolveRef(name, pkg, node);
    if (!node.refs.some((r) => r.name === name && r.package === pkg)) {
      const line = lineOfCall(node, 'ref', pkg === undefined ? [name] : [pkg, name]);
      node.refs.push({ name, ...(pkg === undefined ? {} : { package: pkg }), ...(line === undefined ? {} : { line }) });
    }
    return placeholder(name);
  });

  env.addGlobal('source', (...args: unknown[]) => {
    const node = current('source');
    const { positional } = splitArgs(args);
    if (positional.length !== 2) throw new UserError(`source() takes a source name and a table name; got ${positional.length} arguments`, { file: node.file });
    const [src, table] = strings(positional, 'source', node.file) as [string, string];
    if (state.mode === 'execute') return state.override?.source?.(src, table, node) ?? services.resolveSource(src, table, node);
    if (!node.sources.some(([s, t]) => s === src && t === table)) node.sources.push([src, table]);
    return placeholder(table);
  });

  const config = (...args: unknown[]) => {
    const node = current('config');
    if (state.mode === 'parse') {
      const { positional, kwargs } = splitArgs(args);
      for (const p of positional) if (p && typeof p === 'object') mergeRawConfig(node.inlineConfig, p as Record<string, unknown>);
      mergeRawConfig(node.inlineConfig, kwargs);
    }
    return '';
  };
  const configValue = (key: string): unknown => {
    const node = current('config.get');
    return state.mode === 'execute' && node.config ? node.config[key] : node.inlineConfig[key];
  };
  env.addGlobal('config', Object.assign(config, {
    get: (key: string, fallback: unknown = null) => configValue(key) ?? fallback,
    require: (key: string) => {
      const value = configValue(key);
      if (value === undefined && state.mode === 'execute') throw new UserError(`config '${key}' is required but not set`, { file: state.current?.file });
      return value ?? null;
    },
  }));

  env.addGlobal('var', (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const name = String(positional[0]);
    state.uses?.variable(name, state.current);
    const overrides = state.override?.vars;
    if (overrides && Object.hasOwn(overrides, name)) return overrides[name];
    if (Object.hasOwn(project.vars, name)) return project.vars[name];
    if (positional.length >= 2) return positional[1];
    const names = Object.keys(project.vars);
    throw new UserError(`required var '${name}' is not set`, {
      file: state.current?.file,
      hint: didYouMean(name, names) ?? `set it under vars: in ${project.config.file}, pass --vars '{${name}: ...}', or give a default: var('${name}', ...)`,
    });
  });

  env.addGlobal('env_var', (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const name = String(positional[0]);
    state.uses?.envVar(name, state.current);
    const value = services.env[name];
    if (value !== undefined) return value;
    if (positional.length >= 2) return positional[1];
    throw new UserError(`environment variable '${name}' is not set`, {
      file: state.current?.file,
      hint: `export ${name}=... or give a default: env_var('${name}', '...')`,
    });
  });

  define('this', () => {
    const node = state.current;
    if (!node) return undefined;
    return state.mode === 'execute' && node.self ? node.self : placeholder(node.name);
  });
  define('execute', () => state.mode === 'execute');
  define('model', () => {
    const node = state.current;
    return node && { name: node.name, unique_id: node.uniqueId, resource_type: node.resourceType, original_file_path: node.file, config: node.config ?? node.inlineConfig };
  });

  const t = project.target;
  env.addGlobal('target', {
    ...t.extra,
    name: t.name, type: t.type, schema: t.schema, threads: t.threads, database: t.database ?? t.dbname,
    profile_name: t.profile, path: t.path, host: t.host, port: t.port, user: t.user, dbname: t.dbname,
  });
  env.addGlobal('project_name', project.config.name);
  env.addGlobal('is_incremental', () => state.override?.isIncremental ?? false);
  env.addGlobal('run_started_at', new RunStartedAt(services.runStartedAt));
  env.addGlobal('invocation_id', services.invocationId);
  env.addGlobal('log', () => '');
  env.addGlobal('print', () => '');
  env.addGlobal('doc', (name: unknown) => services.doc(String(name), state.current));

  env.addGlobal('exceptions', {
    raise_compiler_error: (message: unknown) => {
      throw new UserError(String(message), { file: state.current?.file });
    },
    warn: () => '',
  });

  env.addGlobal('adapter', {
    type: dialect.type,
    quote: (identifier: unknown) => dialect.quoteIdentifier(String(identifier)),
    dispatch: (name: unknown) => {
      const macroName = String(name);
      const fn = services.macro(`${dialect.type}__${macroName}`) ?? services.macro(`default__${macroName}`);
      if (fn) return fn;
      throw new UserError(`adapter.dispatch('${macroName}') found neither '${dialect.type}__${macroName}' nor 'default__${macroName}'`, {
        file: state.current?.file,
        hint: didYouMean(`default__${macroName}`, services.macroNames()) ?? `define a macro named default__${macroName}`,
      });
    },
  });
}
