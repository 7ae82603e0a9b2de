/** Every test declared in properties YAML, with the node it is attached to. */
import type { Manifest } from '../compiler/types.js';
import type { Project, TestDeclaration } from '../project/types.js';

/** One YAML test declaration and what it tests. */
export interface AttachedDeclaration {
  decl: TestDeclaration;
  /** unique_id of the model, seed, snapshot or source. */
  attachedId: string;
  /** Name used in synthesized test names: the model name, or `source_<source>_<table>`. */
  targetName: string;
  /** Column-level declarations: the column. */
  column?: string;
}

/**
 * Declarations on models, seeds, snapshots (table- then column-level, in file order) and sources.
 * Declarations on nodes that are disabled or absent from the manifest are left out (they are not built).
 */
export function collectDeclarations(project: Project, manifest: Manifest): AttachedDeclaration[] {
  const pkg = project.config.name;
  const out: AttachedDeclaration[] = [];
  const entries = [
    ...[...project.properties.models.values()].map((e) => ['model', e] as const),
    ...[...project.properties.seeds.values()].map((e) => ['seed', e] as const),
    ...[...project.properties.snapshots.values()].map((e) => ['snapshot', e] as const),
  ];
  for (const [type, entry] of entries) {
    // The node's own unique_id string (not an equal new one): later lookups by it are cheaper.
    const attachedId = manifest.nodes[`${type}.${pkg}.${entry.name}`]?.unique_id;
    if (attachedId === undefined) continue;
    for (const decl of entry.tests ?? []) out.push({ decl, attachedId, targetName: entry.name });
    for (const c of entry.columns ?? []) for (const decl of c.tests ?? []) out.push({ decl, attachedId, targetName: entry.name, column: c.name });
  }
  for (const t of project.properties.sources) {
    const attachedId = manifest.sources[`source.${pkg}.${t.sourceName}.${t.name}`]?.unique_id;
    if (attachedId === undefined) continue;
    const targetName = `source_${t.sourceName}_${t.name}`;
    for (const decl of t.tests ?? []) out.push({ decl, attachedId, targetName });
    for (const c of t.columns ?? []) for (const decl of c.tests ?? []) out.push({ decl, attachedId, targetName, column: c.name });
  }
  return out;
}
