/** The materialization table: name → function. New materializations register here. */
import type { ManifestNode } from '../compiler/types.js';
import { UserError } from '../errors.js';
import type { Materialization } from '../execution/types.js';
import { didYouMean } from '../util/closest.js';
import { ephemeral } from './ephemeral.js';
import { seed } from './seed.js';
import { table } from './table.js';
import { view } from './view.js';

/** Every known materialization, keyed by its `materialized` name (seeds use "seed"). */
export const materializations: Readonly<Record<string, Materialization>> = Object.freeze({
  view,
  table,
  ephemeral,
  seed,
});

/** Names a user may set as `materialized` on a model. */
export function modelMaterializationNames(): string[] {
  return Object.keys(materializations).filter((n) => n !== 'seed');
}

/** 1-based line of the first `materialized` in the file, to point the error at it. */
function lineOf(text: string, word: string): number | undefined {
  const at = text.indexOf(word);
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

/**
 * The materialization called `name`; an unknown name is a UserError naming the node's
 * file and the known materializations.
 */
export function getMaterialization(name: string, node?: ManifestNode): Materialization {
  const found = Object.hasOwn(materializations, name) ? materializations[name] : undefined;
  if (found) return found;
  const known = modelMaterializationNames();
  throw new UserError(
    `unknown materialization '${name}'${node ? ` for ${node.resource_type} '${node.name}'` : ''}`,
    {
      file: node?.original_file_path,
      line: node ? lineOf(node.raw_code, 'materialized') : undefined,
      hint: `${didYouMean(name, known) ?? ''} known materializations: ${known.join(', ')}`.trim(),
    },
  );
}
