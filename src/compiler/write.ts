/** Writing compiled SQL under target/compiled. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Manifest } from './types.js';

/**
 * Write each node's compiled_code to `<targetPath>/compiled/<project>/<original_file_path>`.
 * `targetPath` is relative to `projectRoot` (or absolute).
 */
export function writeCompiled(manifest: Manifest, projectRoot: string, targetPath: string): void {
  const base = resolve(projectRoot, targetPath, 'compiled', manifest.projectName);
  const made = new Set<string>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.compiled_code === undefined) continue;
    // Tests declared in YAML share their YAML file: they carry their own compiled_path.
    const file = node.compiled_path ? resolve(projectRoot, node.compiled_path) : resolve(base, node.original_file_path);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, node.compiled_code);
  }
}
