import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors.js';
import { loadPrecompiled, schemaFingerprint, type ValidatorName } from '../../src/project/schemas/precompiled.js';
import { standaloneSource } from '../../src/project/schemas/precompile.js';
import { createValidators, validateYaml, type Validators } from '../../src/project/validate.js';
import { parseYamlFile } from '../../src/project/yaml-file.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-precompiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function precompiled(): Promise<Validators> {
  const file = join(dir, 'validators.mjs');
  writeFileSync(file, standaloneSource());
  const mod = (await import(pathToFileURL(file).href)) as Validators & { fingerprint: string };
  expect(mod.fingerprint).toBe(schemaFingerprint());
  return mod;
}

/** What validating gives: the thrown error's fields, and the warnings. */
function outcome(validators: Validators, name: ValidatorName, text: string) {
  const yaml = parseYamlFile(text, 'f.yml');
  const diagnostics: Diagnostic[] = [];
  try {
    validateYaml(yaml, validators[name], diagnostics);
    return { ok: true, diagnostics };
  } catch (err) {
    const e = err as { message: string; file?: string; line?: number; column?: number; hint?: string };
    return { ok: false, error: { message: e.message, file: e.file, line: e.line, column: e.column, hint: e.hint }, diagnostics };
  }
}

const CASES: Array<[ValidatorName, string]> = [
  ['properties', 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n'],
  ['properties', 'version: 2\nmodels:\n  - name: a\n    descripton: typo\n    config: {materialzed: table, my_custom: 1}\n'],
  ['properties', 'version: 2\nmodels:\n  - name: a\n    columns: 3\n'],
  ['properties', 'version: 2\nmodels:\n  - description: no name\n'],
  ['properties', 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n        freshness: {warn_after: {count: x}}\n'],
  ['project', 'name: p\nprofile: p\nmodel-paths: models\n'],
  ['project', 'name: 1bad\nprofile: p\n'],
  ['configTreeLevel', '+materialized: 3\n'],
  ['profile', 'target: dev\noutputs:\n  dev: {type: duckdb, threds: 2}\n'],
];

describe('precompiled (standalone) validators', () => {
  it('give the same errors, positions and warnings as runtime-compiled ones', async () => {
    const fast = await precompiled();
    const runtime = createValidators();
    for (const [name, text] of CASES) {
      expect([name, text, outcome(fast, name, text)]).toEqual([name, text, outcome(runtime, name, text)]);
    }
    // The cases exercise both outcomes.
    expect(CASES.some(([n, t]) => outcome(runtime, n, t).ok)).toBe(true);
    expect(CASES.some(([n, t]) => !outcome(runtime, n, t).ok)).toBe(true);
  });

  it('are absent when running from src/ (no generated module): loading falls back to runtime compilation', async () => {
    expect(await loadPrecompiled()).toBeUndefined();
  });
});
