/**
 * @duckdb/node-api, loaded through its CommonJS entry with `require`.
 *
 * Why not `import`: the package is CommonJS whose index re-exports ~60 files; an ES `import` of it
 * makes Node scan each of them for named exports (cjs-module-lexer) before evaluating, which costs
 * 100-250 ms of main-thread time per process on a 2-core machine — about 10% of a 2M-row build
 * (bench/README.md, "Build overhead"). `require` evaluates the same module without the scan, and
 * ES imports of the package elsewhere (tests) share this instance through the CommonJS cache.
 * Types still come from `import type`.
 */
import { createRequire } from 'node:module';

/** The @duckdb/node-api module object. */
export type DuckdbApi = typeof import('@duckdb/node-api');

/** The driver; loaded when this module is (only the DuckDB adapter imports it). */
export const duckdb: DuckdbApi = createRequire(import.meta.url)('@duckdb/node-api') as DuckdbApi;
