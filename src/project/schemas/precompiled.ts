/**
 * Validators precompiled at build time with ajv's standalone code generation, so a CLI run
 * does not pay for compiling the schemas (~100–200 ms per process). `npm run build` runs
 * `node dist/project/schemas/precompile.js`, which writes `validators.standalone.js` next to
 * this file in dist/. The generated module records a fingerprint of the schemas and ajv
 * options it was made from; a missing or stale module is ignored (runtime compilation).
 */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { configSchema, configTreeLevelSchema } from './config.schema.js';
import { outputSchema, profileSchema } from './profiles.schema.js';
import { projectSchema } from './project.schema.js';
import { propertiesSchema } from './properties.schema.js';

/** The ajv options every validator is compiled with (runtime and standalone alike). */
export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true, inlineRefs: false } as const;

/** Top-level schemas by validator name; `config` is also referenced by the others. */
export const SCHEMAS = {
  project: projectSchema,
  profile: profileSchema,
  output: outputSchema,
  properties: propertiesSchema,
  config: configSchema,
  configTreeLevel: configTreeLevelSchema,
} as const;

export type ValidatorName = keyof typeof SCHEMAS;

/** Fingerprint of the schemas and options: a generated module is used only when it matches. */
export function schemaFingerprint(): string {
  return createHash('sha256').update(JSON.stringify([AJV_OPTIONS, SCHEMAS])).digest('hex');
}

/** File name of the generated module, next to this one. */
export const STANDALONE_FILE = 'validators.standalone.js';

/** The precompiled validators, or undefined when absent (running from src/) or stale. */
export async function loadPrecompiled(): Promise<Record<ValidatorName, ValidateFunction> | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(new URL(`./${STANDALONE_FILE}`, import.meta.url).href)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (mod.fingerprint !== schemaFingerprint()) return undefined;
  return mod as unknown as Record<ValidatorName, ValidateFunction>;
}
