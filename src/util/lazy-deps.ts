/**
 * Heavy dependencies, loaded on first use instead of at import time, so `strata --version`
 * and a warm compile (served from the compile cache) do not pay for parsing nunjucks, ajv,
 * yaml or graphology. They are CommonJS packages (graphology ships both), needed from
 * synchronous code, hence `require`; Node's require cache keeps each loaded once.
 * Import their types with `import type`; get their values from these functions.
 * tests/e2e/cli-startup.test.ts checks which commands load which of them.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The nunjucks module (templates of models, macros and profiles.yml). */
export function nunjucksModule(): typeof import('nunjucks') {
  return require('nunjucks') as typeof import('nunjucks');
}

/** The ajv module: only for schemas without a (fresh) precompiled validator. */
export function ajvModule(): typeof import('ajv') {
  return require('ajv') as typeof import('ajv');
}

/** The full `yaml` parser: for files the fast path in project/yaml-fast.ts does not take, and --vars. */
export function yamlModule(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/** graphology (only ProjectGraph's `graph` getter builds a graphology graph). */
export function graphologyModule(): typeof import('graphology') {
  return require('graphology') as typeof import('graphology');
}
