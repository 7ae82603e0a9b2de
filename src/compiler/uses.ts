/**
 * What each node's render used beyond its own file: the macro files whose macros it called, the
 * vars and the environment variables (env_var) it read (directly or through macros, in parse or
 * execute mode). Recorded during a
 * compile and stored with the cache entry, so that a change to a macro file, var or env var re-renders
 * exactly the nodes that used it (cache-patch.ts). Uses outside any node's render — a macro
 * file's top level, descriptions, the relation pass that calls generate_schema_name — are
 * recorded under OUTSIDE: a change to what they used recompiles the whole project.
 */
import type { RenderNode } from './context.js';

/** The owner of uses made outside any node's render. */
export const OUTSIDE = '';

/** Macro file path, var name, env var name → node ids (OUTSIDE among them when used outside a node). Ids sorted. */
export interface UseLog {
  macroFiles: Record<string, string[]>;
  vars: Record<string, string[]>;
  env: Record<string, string[]>;
}

/** Records uses for the node being rendered (`current`), or for `pinned` when set. */
export class UseRecorder {
  private readonly macroFiles = new Map<string, Set<string>>();
  private readonly vars = new Map<string, Set<string>>();
  private readonly env = new Map<string, Set<string>>();
  /** While set, uses are recorded for this owner whatever node is current (e.g. OUTSIDE during the relation pass). */
  private pinned: string | undefined;

  macroFile(path: string, current: Pick<RenderNode, 'uniqueId'> | undefined): void {
    add(this.macroFiles, path, this.pinned ?? current?.uniqueId ?? OUTSIDE);
  }

  variable(name: string, current: Pick<RenderNode, 'uniqueId'> | undefined): void {
    add(this.vars, name, this.pinned ?? current?.uniqueId ?? OUTSIDE);
  }

  envVar(name: string, current: Pick<RenderNode, 'uniqueId'> | undefined): void {
    add(this.env, name, this.pinned ?? current?.uniqueId ?? OUTSIDE);
  }

  /** Run `fn` with every use recorded for `owner`. */
  pin<T>(owner: string, fn: () => T): T {
    const saved = this.pinned;
    this.pinned = owner;
    try {
      return fn();
    } finally {
      this.pinned = saved;
    }
  }

  log(): UseLog {
    return { macroFiles: sortedRecord(this.macroFiles), vars: sortedRecord(this.vars), env: sortedRecord(this.env) };
  }
}

function add(map: Map<string, Set<string>>, key: string, owner: string): void {
  let owners = map.get(key);
  if (!owners) map.set(key, (owners = new Set()));
  owners.add(owner);
}

function sortedRecord(map: Map<string, Set<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) out[key] = [...map.get(key)!].sort();
  return out;
}

/**
 * `stored` with the uses of the re-rendered nodes `redone` replaced by `fresh` (a patch's
 * recording, which also holds the OUTSIDE uses of loading the macro files again: kept with the
 * stored ones).
 */
export function mergeUses(stored: UseLog, redone: ReadonlySet<string>, fresh: UseLog): UseLog {
  const merge = (a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> => {
    const map = new Map<string, Set<string>>();
    for (const [key, ids] of Object.entries(a)) for (const id of ids) if (!redone.has(id)) add(map, key, id);
    for (const [key, ids] of Object.entries(b)) for (const id of ids) add(map, key, id);
    return sortedRecord(map);
  };
  return { macroFiles: merge(stored.macroFiles, fresh.macroFiles), vars: merge(stored.vars, fresh.vars), env: merge(stored.env, fresh.env) };
}
