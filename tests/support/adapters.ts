/**
 * The warehouses every integration behaviour runs on (Kysely-style: tests loop over dialects).
 *
 *   for (const a of ADAPTERS) describe.skipIf(!a.available())(a.name, () => { ... })
 *
 * PostgreSQL settings come from the server started by tests/support/global-setup.ts
 * (`inject('pg')`). `available()` is false only locally without a server; in CI the global
 * setup already failed the run. Use `uniqueSchema()` so test files can share one server.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { ProfileTarget } from '../../src/project/types.js';

export type AdapterName = 'duckdb' | 'postgres';

export interface TestAdapter {
  name: AdapterName;
  /** False only when the warehouse cannot be used in this run (local run without PostgreSQL). */
  available(): boolean;
  /** A ProfileTarget for createAdapter(); defaults: schema 'main'/'public', threads 4. */
  target(overrides?: Partial<ProfileTarget>): ProfileTarget;
  /**
   * profiles.yml text: profile `profileName`, target `dev`, the given schema.
   * DuckDB writes to `dev.duckdb` inside the project dir (so a test can reopen it).
   */
  profilesYml(profileName: string, schema: string): string;
  /** `<prefix>_<random>`: a schema no other test uses. */
  uniqueSchema(prefix: string): string;
}

function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase();
}

function pgServer() {
  const pg = inject('pg');
  if (!pg) throw new Error('PostgreSQL test server not available (check available() first)');
  return pg;
}

const base = { file: '/dev/null/profiles.yml', profile: 'test', name: 'dev', threads: 4, extra: {} };

export const duckdbTestAdapter: TestAdapter = {
  name: 'duckdb',
  available: () => true,
  target: (overrides = {}) => ({ ...base, type: 'duckdb', schema: 'main', path: ':memory:', ...overrides }),
  profilesYml: (profileName, schema) =>
    `${profileName}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: ${schema}\n      threads: 4\n`,
  uniqueSchema,
};

export const postgresTestAdapter: TestAdapter = {
  name: 'postgres',
  available: () => inject('pg') != null,
  target: (overrides = {}) => {
    const pg = pgServer();
    return { ...base, type: 'postgres', schema: 'public', host: pg.host, port: pg.port, user: pg.user, dbname: pg.database, ...overrides };
  },
  profilesYml: (profileName, schema) => {
    const pg = pgServer();
    return (
      `${profileName}:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: ${pg.host}\n      port: ${pg.port}\n` +
      `      user: ${pg.user}\n      dbname: ${pg.database}\n      schema: ${schema}\n      threads: 4\n`
    );
  },
  uniqueSchema,
};

/** Every warehouse, in the order suites report them. */
export const ADAPTERS: readonly TestAdapter[] = [duckdbTestAdapter, postgresTestAdapter];
