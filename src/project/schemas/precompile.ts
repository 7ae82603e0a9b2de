/**
 * Build step (run by `npm run build` after tsc): write dist/project/schemas/validators.standalone.js,
 * ajv's standalone code for every schema plus the fingerprint they were made from.
 *   node dist/project/schemas/precompile.js
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, SCHEMAS, STANDALONE_FILE, schemaFingerprint } from './precompiled.js';

/** ESM source exporting one validate function per schema name, and `fingerprint`. */
export function standaloneSource(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  ajv.addKeyword({ keyword: 'x-open', schemaType: 'boolean' });
  // The config schema carries its own $id (the others $ref it); the rest get one here.
  ajv.addSchema(SCHEMAS.config);
  const refs: Record<string, string> = { config: 'strata:config' };
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    if (name === 'config') continue;
    refs[name] = `strata:precompiled:${name}`;
    ajv.addSchema(schema, refs[name]);
  }
  return `${standalone.default(ajv, refs)}\nexport const fingerprint = ${JSON.stringify(schemaFingerprint())};\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(fileURLToPath(new URL(`./${STANDALONE_FILE}`, import.meta.url)), standaloneSource());
}
