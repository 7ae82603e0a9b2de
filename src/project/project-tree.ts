/**
 * Loose checks of project.yml config trees (`models:`, `seeds:`, `data_tests:`, `snapshots:`).
 * The trees stay raw (the compiler resolves config by folder); here we only check that
 * known config values have the right shape and warn about likely typos of config keys.
 */
import type { Diagnostic } from '../errors.js';
import { configProperties } from './schemas/config.schema.js';
import { likelyTypos, validateYaml, type Validators } from './validate.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

const KNOWN = Object.keys(configProperties);
const KNOWN_SET = new Set(KNOWN);

/** Walk one config tree; throws on a badly typed known config, warns on likely typos. */
export function checkConfigTree(
  yaml: YamlFile,
  tree: Record<string, unknown>,
  path: YamlPath,
  validators: Validators,
  diagnostics: Diagnostic[],
): void {
  validateYaml(yaml, validators.configTreeLevel, diagnostics, tree, path);
  for (const [key, value] of Object.entries(tree)) {
    const plus = key.startsWith('+');
    const bare = plus ? key.slice(1) : key;
    if (KNOWN_SET.has(bare)) continue;
    const isFolder = !plus && value !== null && typeof value === 'object' && !Array.isArray(value);
    if (isFolder) {
      checkConfigTree(yaml, value as Record<string, unknown>, [...path, key], validators, diagnostics);
      continue;
    }
    // An unknown scalar is a custom config (dbt allows those); warn only when it looks like a typo.
    const close = likelyTypos(bare, KNOWN);
    if (close.length === 0) continue;
    const loc = yaml.locateKey([...path, key]);
    const hint = `did you mean ${close.map((c) => `'+${c}'`).join(', ')}?`;
    diagnostics.push({ level: 'warn', ...loc, message: `unknown config '${key}'`, hint });
  }
}
