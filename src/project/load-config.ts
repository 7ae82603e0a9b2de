import { resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { readProjectFile } from './project-file.js';
import { loadPrecompiled } from './schemas/precompiled.js';
import type { LoadOptions, ProjectConfig } from './types.js';
import { createValidators } from './validate.js';

/**
 * Only the validated project file (project.yml / dbt_project.yml), for commands that need no
 * profile nor models (`clean`): they work before profiles.yml exists.
 */
export async function loadProjectConfig(options: Pick<LoadOptions, 'projectDir'> = {}): Promise<{ root: string; config: ProjectConfig; diagnostics: Diagnostic[] }> {
  const root = resolve(options.projectDir ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const { config } = readProjectFile(root, createValidators(await loadPrecompiled()), diagnostics);
  return { root, config, diagnostics };
}
