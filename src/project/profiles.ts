/**
 * profiles.yml: find it (--profiles-dir, the project dir, ~/.strata/), pick the profile and
 * target, render env_var() in the selected output only, validate it and apply defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { UserError, type Diagnostic } from '../errors.js';
import { didYouMean } from '../util/closest.js';
import { createEnvRenderer } from './env-render.js';
import { TARGET_TYPES } from './target-types.js';
import type { LoadOptions, ProfileTarget } from './types.js';
import { validateYaml, type Validators } from './validate.js';
import { parseYamlFile, type YamlFile, type YamlPath } from './yaml-file.js';

/** Keys mapped onto ProfileTarget fields; everything else goes to `extra`. */
const KNOWN_KEYS = new Set([
  'type', 'schema', 'threads', 'database', 'path', 'host', 'port', 'user', 'password', 'dbname', 'sslmode', 'connect_timeout',
]);
const NUMERIC_KEYS = ['threads', 'port', 'connect_timeout'];

/** The folders searched for profiles.yml, in order. */
export function profileSearchDirs(root: string, options: Pick<LoadOptions, 'profilesDir' | 'env'>): string[] {
  const env = options.env ?? process.env;
  const home = env.HOME ?? homedir();
  const dirs = [root, join(home, '.strata')];
  if (options.profilesDir) dirs.unshift(resolve(options.profilesDir));
  return dirs;
}

/** Load the target selected by the project's `profile:` and options.target. */
export function loadProfileTarget(
  root: string,
  profileName: string,
  options: LoadOptions,
  validators: Validators,
  diagnostics: Diagnostic[],
): ProfileTarget {
  const dirs = profileSearchDirs(root, options);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir) {
    throw new UserError('profiles.yml not found', {
      hint: `looked in: ${dirs.join(', ')}. Create one there or pass --profiles-dir`,
    });
  }
  const abs = join(dir, 'profiles.yml');
  const rel = relative(root, abs);
  const label = rel.startsWith('..') || isAbsolute(rel) ? abs : rel.replace(/\\/g, '/');
  const yaml = parseYamlFile(readFileSync(abs, 'utf8'), label);

  const all = isObject(yaml.data) ? yaml.data : {};
  const names = Object.keys(all).filter((k) => k !== 'config');
  const profile = all[profileName];
  if (profile === undefined) {
    throw new UserError(`profile '${profileName}' not found in ${label}`, {
      file: label,
      line: 1,
      hint: didYouMean(profileName, names) ?? (names.length ? `profiles there: ${names.join(', ')}` : 'the file defines no profile'),
    });
  }
  validateYaml(yaml, validators.profile, diagnostics, profile, [profileName]);
  const { target: defaultTarget, outputs } = profile as { target?: string; outputs: Record<string, unknown> };
  const outputNames = Object.keys(outputs);
  const targetName = options.target ?? defaultTarget ?? (outputNames.length === 1 ? outputNames[0]! : undefined);
  if (targetName === undefined) {
    throw new UserError(`profile '${profileName}' has no 'target:'`, {
      ...yaml.locate([profileName]),
      hint: `add 'target: ${outputNames[0]}' or pass --target`,
    });
  }
  const base: YamlPath = [profileName, 'outputs', targetName];
  if (!(targetName in outputs)) {
    throw new UserError(`target '${targetName}' not found in profile '${profileName}'`, {
      ...yaml.locate(options.target ? [profileName, 'outputs'] : [profileName, 'target']),
      hint: didYouMean(targetName, outputNames) ?? `targets: ${outputNames.join(', ')}`,
    });
  }

  const output = renderOutput(yaml, outputs[targetName] as Record<string, unknown>, base, options);
  validateYaml(yaml, validators.output, diagnostics, output, base);
  return toTarget(yaml, output, base, { root, abs, profileName, targetName, threads: options.threads });
}

/** Render env_var() in every string of the output, then coerce numeric fields. */
function renderOutput(yaml: YamlFile, output: Record<string, unknown>, base: YamlPath, options: LoadOptions): Record<string, unknown> {
  const render = createEnvRenderer(options.env ?? process.env);
  const walk = (value: unknown, path: YamlPath): unknown => {
    if (typeof value === 'string') {
      return value.includes('{{') || value.includes('{%') ? render(value, yaml.locate(path)) : value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  const out = walk(output, base) as Record<string, unknown>;
  for (const key of NUMERIC_KEYS) {
    const v = out[key];
    if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) out[key] = Number(v);
  }
  if (typeof out.password === 'number') out.password = String(out.password);
  return out;
}

interface TargetContext {
  root: string;
  abs: string;
  profileName: string;
  targetName: string;
  threads?: number;
}

function toTarget(yaml: YamlFile, output: Record<string, unknown>, base: YamlPath, ctx: TargetContext): ProfileTarget {
  const type = output.type as string;
  const spec = TARGET_TYPES[type];
  if (!spec) {
    const known = Object.keys(TARGET_TYPES);
    throw new UserError(`unknown warehouse type '${type}'`, {
      ...yaml.locate([...base, 'type']),
      hint: didYouMean(type, known) ?? `supported: ${known.join(', ')}`,
    });
  }
  const o = spec.resolve ? spec.resolve(output, ctx.root) : output;
  const threads = ctx.threads ?? (o.threads as number | undefined) ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UserError(`--threads must be a positive integer, got ${String(ctx.threads)}`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  return {
    file: ctx.abs,
    profile: ctx.profileName,
    name: ctx.targetName,
    type,
    schema: (o.schema as string | undefined) ?? spec.defaultSchema,
    threads,
    database: o.database as string | undefined,
    path: o.path as string | undefined,
    host: o.host as string | undefined,
    port: (o.port as number | undefined) ?? spec.defaultPort,
    user: o.user as string | undefined,
    password: o.password as string | undefined,
    dbname: o.dbname as string | undefined,
    sslmode: o.sslmode as string | undefined,
    connect_timeout: o.connect_timeout as number | undefined,
    extra,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
