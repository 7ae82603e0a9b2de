import { rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadProjectConfig } from '../project/load-config.js';
import type { CommonOptions } from './options.js';

/** `strata clean`: delete the clean-targets (default: target/); needs no profile. Returns the removed paths. */
export async function clean(options: CommonOptions = {}): Promise<string[]> {
  const project = await loadProjectConfig(options);
  for (const diagnostic of project.diagnostics) options.onEvent?.({ type: 'diagnostic', diagnostic });
  const removed: string[] = [];
  for (const entry of project.config.cleanTargets) {
    const abs = resolve(project.root, entry);
    const rel = relative(project.root, abs);
    // Never delete outside the project, nor the project itself.
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
      throw new UserError(`clean-targets entry '${entry}' is outside the project directory`, {
        file: project.config.file,
        hint: 'list folders inside the project, e.g. target',
      });
    }
    rmSync(abs, { recursive: true, force: true });
    removed.push(rel);
  }
  return removed;
}
