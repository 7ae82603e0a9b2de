/**
 * Macro files in a compile cache patch (cache-patch-render.ts): whether the macros loaded from the
 * project now may replace the stored manifest.macros while every node stays as stored (apart from
 * those the patch renders again).
 *
 * A changed file must define the same macros. A new file may define new names, a removed file may
 * take names away, when no node can have seen the difference: the stored compile succeeded, so a
 * node that called a new macro would have failed — unless it looked the name up some other way.
 * So each new or removed name must be mentioned in no other project file — no model, test, macro,
 * properties, docs or snapshot file, nor the project config (`is defined` checks, macros calling
 * macros and `depends_on.macros`, which lists the names a node's code calls, all name it) — but
 * the model and test files the patch renders again (changed or new: they see the macros as they
 * are now), and must not be one Strata looks up by itself: `test_<name>` (a generic test),
 * `<adapter>__<name>` / `default__<name>` (adapter.dispatch) and `generate_<x>_name`. Nodes that
 * used a removed file are rendered again (cache-changes.ts), and they name it: this refuses first.
 */
import type { Project } from '../project/types.js';
import type { FileSetChange } from './cache-changes.js';
import type { MacroRegistry } from './macros.js';
import type { Manifest } from './types.js';

/** Names Strata resolves without a call in a template. */
const LOOKED_UP = /^test_|__|^generate_\w*_name$/;

/**
 * Whether `registry` (loaded from the project now) may stand for the stored macros after
 * `changed` files changed and `files` were added or removed (see the header).
 */
export function macrosPatchable(
  registry: MacroRegistry,
  stored: Manifest['macros'],
  changed: readonly string[],
  files: FileSetChange,
  project: Project,
  rendered: readonly string[],
): boolean {
  if (changed.length + files.added.length + files.removed.length === 0) return true;
  const added = new Set(files.added);
  const removed = new Set(files.removed);
  const names: string[] = [];
  for (const m of registry.nodes.values()) {
    const before = stored[m.unique_id];
    if (added.has(m.original_file_path)) {
      if (before) return false; // moved from another file
      names.push(m.name);
    } else if (before?.original_file_path !== m.original_file_path) return false;
  }
  for (const m of Object.values(stored)) {
    if (registry.nodes.get(m.name)?.unique_id === m.unique_id) continue;
    if (!removed.has(m.original_file_path)) return false; // a changed file lost a macro
    names.push(m.name);
  }
  if (names.length === 0) return true;
  if (names.some((name) => LOOKED_UP.test(name))) return false;
  return !mentioned(project, names, new Set([...added, ...rendered]));
}

/** Whether a project file (other than the files in `skip`) or the project config mentions any of `names`. */
function mentioned(project: Project, names: readonly string[], skip: ReadonlySet<string>): boolean {
  const { models, tests, macros, snapshots, docs, propertyFiles } = project.files;
  const config = JSON.stringify(project.config);
  if (names.some((name) => config.includes(name))) return true;
  for (const list of [models, tests, macros, snapshots, docs, propertyFiles ?? []]) {
    for (const f of list) {
      if (skip.has(f.path)) continue;
      const { content } = f;
      if (names.some((name) => content.includes(name))) return true;
    }
  }
  return false;
}
