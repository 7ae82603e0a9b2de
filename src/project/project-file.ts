/**
 * project.yml (or dbt_project.yml): find it, validate it, apply defaults.
 * Per-folder config trees (`models:`, `seeds:` ...) stay raw; the compiler resolves them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, type Diagnostic } from '../errors.js';
import type { ProjectConfig } from './types.js';
import { checkConfigTree } from './project-tree.js';
import type { Validators } from './validate.js';
import { validateYaml } from './validate.js';
import { parseYamlFile, type YamlFile } from './yaml-file.js';

/** File names looked for, in order. */
export const PROJECT_FILE_NAMES = ['project.yml', 'dbt_project.yml'] as const;

/** The parsed project file together with its positions, for later messages. */
export interface LoadedProjectFile {
  config: ProjectConfig;
  yaml: YamlFile;
}

/** Read and validate the project file in `root`; throws a UserError when absent or invalid. */
export function readProjectFile(root: string, validators: Validators, diagnostics: Diagnostic[]): LoadedProjectFile {
  const fileName = PROJECT_FILE_NAMES.find((n) => existsSync(join(root, n)));
  if (!fileName) {
    throw new UserError(`no project.yml or dbt_project.yml in ${root}`, {
      hint: 'run strata from the project folder, or pass --project-dir <folder containing project.yml>',
    });
  }
  const yaml = parseYamlFile(readFileSync(join(root, fileName), 'utf8'), fileName);
  if (yaml.data === null || yaml.data === undefined) {
    throw new UserError(`${fileName} is empty`, { file: fileName, line: 1, hint: "add at least 'name: my_project'" });
  }
  validateYaml(yaml, validators.project, diagnostics);
  const raw = yaml.data as Record<string, unknown>;
  const name = raw.name as string;

  const trees = {
    models: asTree(raw.models),
    seeds: asTree(raw.seeds),
    // dbt accepts both spellings; data_tests wins on conflicts
    dataTests: { ...asTree(raw.tests), ...asTree(raw.data_tests) },
    snapshots: asTree(raw.snapshots),
  };
  for (const key of ['models', 'seeds', 'snapshots', 'tests', 'data_tests'] as const) {
    if (raw[key]) checkConfigTree(yaml, raw[key] as Record<string, unknown>, [key], validators, diagnostics);
  }

  const config: ProjectConfig = {
    file: fileName,
    name,
    profile: (raw.profile as string | undefined) ?? name,
    version: raw.version === undefined ? undefined : String(raw.version),
    modelPaths: paths(raw['model-paths'], ['models']),
    seedPaths: paths(raw['seed-paths'], ['seeds']),
    macroPaths: paths(raw['macro-paths'], ['macros']),
    testPaths: paths(raw['test-paths'], ['tests']),
    snapshotPaths: paths(raw['snapshot-paths'], ['snapshots']),
    docsPaths: paths(raw['docs-paths'], []),
    targetPath: (raw['target-path'] as string | undefined) ?? 'target',
    cleanTargets: paths(raw['clean-targets'], [(raw['target-path'] as string | undefined) ?? 'target']),
    vars: asTree(raw.vars),
    ...trees,
    sources: asTree(raw.sources),
    analysisPaths: paths(raw['analysis-paths'], []),
    onRunStart: hooks(raw['on-run-start']),
    onRunEnd: hooks(raw['on-run-end']),
  };
  return { config, yaml };
}

function asTree(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Path lists without trailing slashes, so "models/" and "models" mean the same folder. */
function paths(value: unknown, fallback: string[]): string[] {
  const list = Array.isArray(value) ? (value as string[]) : fallback;
  return list.map((p) => p.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '') || '.');
}

function hooks(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}
