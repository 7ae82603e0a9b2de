/** Strata's public API: one verb per function; typed options in, typed results out; no printing. */
export { build, run, seed } from './api/build.js';
export { test } from './api/test.js';
export { compile } from './api/compile.js';
export { list } from './api/list.js';
export { debug } from './api/debug.js';
export { clean } from './api/clean.js';
export type { StrataEvent, EventSink } from './api/events.js';
export type { CommonOptions, SelectionOptions, RunOptions } from './api/options.js';
export type { RunSummary } from './api/execute-selection.js';
export type { ValidationReport, ReportFailure } from './data-tests/report.js';
export { UserError, RunFailure, InternalError } from './errors.js';
export { loadProject } from './project/load.js';
export { compileProject } from './compiler/compile.js';
export type { Manifest, ManifestNode, SourceNode, Relation } from './compiler/types.js';
export type { Project, ProfileTarget } from './project/types.js';
