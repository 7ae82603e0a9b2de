import { UserError } from '../errors.js';
import type { ProfileTarget } from '../project/types.js';
import { didYouMean } from '../util/closest.js';
import type { Adapter, AdapterModule, Dialect } from './adapter.js';
import { duckdbAdapter } from './duckdb/duckdb-adapter.js';
import { postgresAdapter } from './postgres/postgres-adapter.js';

const MODULES: readonly AdapterModule[] = [duckdbAdapter, postgresAdapter];

function moduleFor(type: string, file?: string): AdapterModule {
  const mod = MODULES.find((m) => m.type === type);
  if (!mod) {
    throw new UserError(`unknown warehouse type '${type}'`, {
      file,
      hint: didYouMean(type, MODULES.map((m) => m.type)) ?? `supported: ${MODULES.map((m) => m.type).join(', ')}`,
    });
  }
  return mod;
}

/** The dialect of a warehouse type, without connecting (used by compile). */
export function dialectFor(type: string, file?: string): Dialect {
  return moduleFor(type, file).dialect;
}

export function adapterTypes(): string[] {
  return MODULES.map((m) => m.type);
}

/** Open an adapter for a profile target. */
export function createAdapter(target: ProfileTarget): Promise<Adapter> {
  return moduleFor(target.type, target.file).create(target);
}
