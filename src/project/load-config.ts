import { resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { readProjectFile } from './project-file.js';
import { loadPrecompiled } from './schemas/precompiled.js';
import type { LoadOptions, ProjectConfig } from './types.js';
import { createValidators, type Validators } from './validate.js';

/**
 * Only the validated project file (project.yml / dbt_project.yml), for commands that need no
 * profile nor models (`clean`): they work before profiles.yml exists.
 */
export async function loadProjectConfig(options: Pick<LoadOptions, 'projectDir'> = {}): Promise<LoadedConfig> {
  const root = resolve(options.projectDir ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const validators = createValidators(await loadPrecompiled());
  const { config } = readProjectFile(root, validators, diagnostics);
  return { root, config, diagnostics, validators };
}

export interface LoadedConfig {
  root: string;
  config: ProjectConfig;
  diagnostics: Diagnostic[];
  /** Compiled once; loadProject reuses them for profiles and properties. */
  validators: Validators;
}
