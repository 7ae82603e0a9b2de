/**
 * Per-warehouse defaults for profile outputs, as a table (no `if (type === ...)` chains).
 * A new adapter adds one entry here.
 */
import { isAbsolute, resolve } from 'node:path';

/** What a warehouse type needs to turn a rendered output into a ProfileTarget. */
export interface TargetTypeSpec {
  defaultSchema: string;
  defaultPort?: number;
  /** Adjust fields that depend on the project (e.g. DuckDB paths relative to the project dir). */
  resolve?(output: Record<string, unknown>, projectRoot: string): Record<string, unknown>;
}

/** DuckDB paths that are not files on disk. */
function isSpecialDuckdbPath(path: string): boolean {
  return path === ':memory:' || path.startsWith(':memory:') || path.startsWith('md:') || path.startsWith('motherduck:');
}

export const TARGET_TYPES: Readonly<Record<string, TargetTypeSpec>> = {
  duckdb: {
    defaultSchema: 'main',
    resolve(output, root) {
      const path = typeof output.path === 'string' && output.path !== '' ? output.path : 'strata.duckdb';
      return { ...output, path: isSpecialDuckdbPath(path) || isAbsolute(path) ? path : resolve(root, path) };
    },
  },
  postgres: {
    defaultSchema: 'public',
    defaultPort: 5432,
    resolve(output) {
      const dbname = output.dbname ?? output.database;
      return { ...output, dbname, database: dbname };
    },
  },
};
