import { UserError } from '../errors.js';
import type { ProfileTarget } from '../project/types.js';
import { didYouMean } from '../util/closest.js';
import type { Adapter, AdapterModule, Dialect } from './adapter.js';
import { duckdbDialect } from './duckdb/duckdb-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';

/**
 * Each warehouse: its dialect (cheap, needed by compile) and a loader for its driver-backed
 * module, imported only when a command connects — `compile` and `ls` never load a driver.
 */
interface AdapterEntry {
  type: string;
  dialect: Dialect;
  load: () => Promise<AdapterModule>;
}

const ENTRIES: readonly AdapterEntry[] = [
  { type: 'duckdb', dialect: duckdbDialect, load: async () => (await import('./duckdb/duckdb-adapter.js')).duckdbAdapter },
  { type: 'postgres', dialect: postgresDialect, load: async () => (await import('./postgres/postgres-adapter.js')).postgresAdapter },
];

function entryFor(type: string, file?: string): AdapterEntry {
  const entry = ENTRIES.find((m) => m.type === type);
  if (!entry) {
    throw new UserError(`unknown warehouse type '${type}'`, {
      file,
      hint: didYouMean(type, adapterTypes()) ?? `supported: ${adapterTypes().join(', ')}`,
    });
  }
  return entry;
}

/** The dialect of a warehouse type, without connecting or loading its driver (used by compile). */
export function dialectFor(type: string, file?: string): Dialect {
  return entryFor(type, file).dialect;
}

export function adapterTypes(): string[] {
  return ENTRIES.map((m) => m.type);
}

/** Open an adapter for a profile target (loads the warehouse's driver on first use). */
export async function createAdapter(target: ProfileTarget): Promise<Adapter> {
  const mod = await entryFor(target.type, target.file).load();
  return mod.create(target);
}
