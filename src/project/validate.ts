/**
 * ajv validation of YAML files against the schemas in ./schemas. A schema error becomes a
 * UserError at the offending value's file:line:column; an unknown key becomes a warning
 * naming the closest known key (dbt silently ignores typos, we don't).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UserError, type Diagnostic } from '../errors.js';
import { ajvModule } from '../util/lazy-deps.js';
import { closestNames, didYouMean, editDistance } from '../util/closest.js';
import { AJV_OPTIONS, SCHEMAS } from './schemas/precompiled.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

/** Compiled validators, created once per load (no module-level state). */
export interface Validators {
  project: ValidateFunction;
  /** One profile of profiles.yml (target + outputs). */
  profile: ValidateFunction;
  /** One output (target) of a profile, after env_var rendering. */
  output: ValidateFunction;
  properties: ValidateFunction;
  config: ValidateFunction;
  /** One level of a project.yml folder config tree. */
  configTreeLevel: ValidateFunction;
}

/**
 * The validators of one load: the build's precompiled ones when given (see
 * schemas/precompiled.ts), else compiled here, each schema at most once.
 */
export function createValidators(precompiled?: Validators): Validators {
  if (precompiled) return precompiled;
  // inlineRefs off: the config schema is referenced from several places and compiled once.
  const ajv = new (ajvModule().Ajv)({ ...AJV_OPTIONS });
  // Annotation: in an open object, unknown keys are custom settings unless they look like typos.
  ajv.addKeyword({ keyword: 'x-open', schemaType: 'boolean' });
  ajv.addSchema(SCHEMAS.config);
  // Compiled on first use: a project without properties files never pays for that schema.
  const cache: Partial<Validators> = {};
  return {
    get project() {
      return (cache.project ??= ajv.compile(SCHEMAS.project));
    },
    get profile() {
      return (cache.profile ??= ajv.compile(SCHEMAS.profile));
    },
    get output() {
      return (cache.output ??= ajv.compile(SCHEMAS.output));
    },
    get properties() {
      return (cache.properties ??= ajv.compile(SCHEMAS.properties));
    },
    get config() {
      return (cache.config ??= ajv.getSchema('strata:config')!);
    },
    get configTreeLevel() {
      return (cache.configTreeLevel ??= ajv.compile(SCHEMAS.configTreeLevel));
    },
  };
}

/**
 * Validate `data` (by default the whole file; `basePath` says where `data` sits in the
 * file). Throws the first schema error; pushes unknown-key warnings into `diagnostics`.
 */
export function validateYaml(
  yaml: YamlFile,
  validate: ValidateFunction,
  diagnostics: Diagnostic[],
  data: unknown = yaml.data,
  basePath: YamlPath = [],
): void {
  if (validate(data)) return;
  const errors = validate.errors ?? [];
  let first: ErrorObject | undefined;
  const warnings: Diagnostic[] = [];
  for (const err of errors) {
    if (err.keyword === 'additionalProperties') {
      const warning = unknownKeyWarning(yaml, err, data, basePath);
      if (warning) warnings.push(warning);
    } else if (!first) {
      first = err;
    }
  }
  // ajv reports by schema traversal ($ref'd parts last); users read files top to bottom.
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  diagnostics.push(...warnings);
  if (first) throw schemaError(yaml, first, data, basePath);
}

function unknownKeyWarning(yaml: YamlFile, err: ErrorObject, data: unknown, basePath: YamlPath): Diagnostic | undefined {
  const key = String((err.params as { additionalProperty: string }).additionalProperty);
  const parent = err.parentSchema as { properties?: Record<string, unknown>; 'x-open'?: boolean } | undefined;
  const known = Object.keys(parent?.properties ?? {});
  // In open objects (config, profile outputs) only a likely typo is worth a warning.
  if (parent?.['x-open'] && likelyTypos(key, known).length === 0) return undefined;
  const path = [...basePath, ...pointerToPath(err.instancePath, data), key];
  const loc = yaml.locateKey(path);
  const hint = didYouMean(key, known);
  return {
    level: 'warn',
    ...loc,
    // Location and hint are separate fields: the reporter prints `file:line:col: message (hint)`.
    message: `unknown key '${key}'`,
    hint,
  };
}

function schemaError(yaml: YamlFile, err: ErrorObject, data: unknown, basePath: YamlPath): UserError {
  const rel = pointerToPath(err.instancePath, data);
  const path = [...basePath, ...rel];
  const name = pathName(path);
  const subject = name ? `'${name}'` : yaml.file;
  const params = err.params as Record<string, unknown>;
  let message: string;
  let hint: string | undefined;
  switch (err.keyword) {
    case 'type': {
      const expected = ([] as string[]).concat(params.type as string | string[]).map(typeWord);
      message = `${subject} must be ${expected.join(' or ')}, got ${typeWord(jsonType(err.data))}`;
      break;
    }
    case 'required':
      message = `${subject} is missing required key '${String(params.missingProperty)}'`;
      break;
    case 'enum':
      message = `${subject} must be one of ${(params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
      hint = typeof err.data === 'string' ? didYouMean(err.data, (params.allowedValues as unknown[]).map(String)) : undefined;
      break;
    case 'pattern':
      message = `${subject} must match ${String(params.pattern)}`;
      hint = 'use letters, digits and underscores, starting with a letter or underscore';
      break;
    case 'minProperties':
      message = `${subject} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`;
      break;
    default:
      message = `${subject} ${err.message ?? 'is invalid'}`;
  }
  return new UserError(message, { ...yaml.locate(path), hint });
}

/** Decode an ajv instancePath ("/models/0/name") into keys and indexes, using the data for types. */
function pointerToPath(pointer: string, data: unknown): Array<string | number> {
  if (!pointer) return [];
  const out: Array<string | number> = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/**
 * Known keys `name` is probably a misspelling of (small edit distance), best first.
 * Stricter than closestNames: in open objects, custom keys are legitimate.
 */
export function likelyTypos(name: string, known: readonly string[]): string[] {
  const limit = name.length >= 5 ? 2 : 1;
  return closestNames(name, known).filter((c) => editDistance(name.toLowerCase(), c.toLowerCase()) <= limit);
}

/** "outputs.dev.threads", "models[0].columns[2].name". */
export function pathName(path: YamlPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeWord(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'null') return 'empty';
  if (type === 'integer') return 'an integer';
  return `a ${type}`;
}
