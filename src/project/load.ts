/**
 * loadProject: project file → profile target → vars → files → properties.
 * Plain data out; no warehouse access. Every YAML file is parsed once and validated.
 */
import { resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { discoverFiles } from './discover.js';
import { loadProfileTarget } from './profiles.js';
import { readProjectFile } from './project-file.js';
import { readProperties } from './properties.js';
import type { LoadOptions, Project } from './types.js';
import { loadPrecompiled } from './schemas/precompiled.js';
import { createValidators } from './validate.js';
import { mergeVars } from './vars.js';

/**
 * Load and validate the project in `options.projectDir` (default: the working directory).
 * Throws UserError (with file:line:column) on invalid input; warnings land in `diagnostics`.
 */
export async function loadProject(options: LoadOptions = {}): Promise<Project> {
  const root = resolve(options.projectDir ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const validators = createValidators(await loadPrecompiled());
  const { config } = readProjectFile(root, validators, diagnostics);
  // --vars is checked before the profile so a bad flag is reported even without a profile.
  const vars = mergeVars(config.vars, options.vars);
  const target = loadProfileTarget(root, config.profile, options, validators, diagnostics);
  const { propertyFiles, ...files } = discoverFiles(root, config);
  const properties = readProperties(propertyFiles, validators, diagnostics);
  return { root, config, target, vars, files: { ...files, propertyFiles }, properties, diagnostics };
}
