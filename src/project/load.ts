/**
 * loadProject: project file → profile target → vars → files → properties.
 * Plain data out; no warehouse access. Every YAML file is parsed once and validated.
 */
import { discoverFiles } from './discover.js';
import { loadProfileTarget } from './profiles.js';
import { readProperties } from './properties.js';
import type { LoadOptions, Project, ProjectProperties } from './types.js';
import { loadProjectConfig } from './load-config.js';
import type { Validators } from './validate.js';
import { mergeVars } from './vars.js';

/**
 * Everything loadProject reads except the parsed properties YAML: the project file, target,
 * vars and every discovered file (property files included, read but not parsed). Enough to
 * decide a compile-cache hit before any properties file is parsed or validated.
 */
export interface ProjectInputs extends Omit<Project, 'properties'> {
  files: Project['files'] & { propertyFiles: NonNullable<Project['files']['propertyFiles']> };
  validators: Validators;
}

/**
 * Load and validate the project in `options.projectDir` (default: the working directory).
 * Throws UserError (with file:line:column) on invalid input; warnings land in `diagnostics`.
 */
export async function loadProject(options: LoadOptions = {}): Promise<Project> {
  const inputs = await loadProjectInputs(options);
  return withProperties(inputs, readProperties(inputs.files.propertyFiles, inputs.validators, inputs.diagnostics));
}

/** The first stage of loadProject: everything but the properties YAML (see ProjectInputs). */
export async function loadProjectInputs(options: LoadOptions = {}): Promise<ProjectInputs> {
  const { root, config, diagnostics, validators } = await loadProjectConfig(options);
  // --vars is checked before the profile so a bad flag is reported even without a profile.
  const vars = mergeVars(config.vars, options.vars);
  const target = loadProfileTarget(root, config.profile, options, validators, diagnostics);
  const { propertyFiles, ...files } = discoverFiles(root, config);
  return { root, config, target, vars, files: { ...files, propertyFiles }, diagnostics, validators };
}

/** The Project of `inputs` with its parsed properties (the validators are dropped). */
export function withProperties(inputs: ProjectInputs, properties: ProjectProperties): Project {
  const { root, config, target, vars, files, diagnostics } = inputs;
  return { root, config, target, vars, files, properties, diagnostics };
}

/**
 * The Project of `inputs` whose properties are parsed on first access only. For a compile-cache
 * hit: the files are byte-identical to those of a compile that succeeded, so parsing cannot fail,
 * and its warnings were already reported from the cache entry (they go to a scratch list here).
 */
export function withLazyProperties(inputs: ProjectInputs): Project {
  let parsed: ProjectProperties | undefined;
  const project = withProperties(inputs, undefined as unknown as ProjectProperties);
  Object.defineProperty(project, 'properties', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= readProperties(inputs.files.propertyFiles, inputs.validators, [])),
    set: (value: ProjectProperties) => {
      parsed = value;
    },
  });
  return project;
}
