/**
 * vitest globalSetup: one throwaway PostgreSQL for the whole run, shared by test files through
 * `inject('pg')`. Each test file uses its own schemas, so files can run in parallel on it.
 * Without a server: CI=true fails the run; locally, PostgreSQL suites are skipped with one warning.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres-server.js';

/** Connection settings of the test server (trust auth: no password). */
export interface PgTestServer {
  host: string;
  port: number;
  user: string;
  database: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    pg: PgTestServer | null;
  }
}

export const TEST_DATABASE = 'strata_test';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: PostgresServer;
  try {
    server = await startPostgres();
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    console.warn(`[strata tests] PostgreSQL unavailable, skipping PostgreSQL suites: ${(err as Error).message.split('\n')[0]}`);
    project.provide('pg', null);
    return async () => undefined;
  }
  try {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
    await client.connect();
    await client.query(`create database ${TEST_DATABASE}`);
    await client.end();
  } catch (err) {
    await server.stop();
    throw err;
  }
  project.provide('pg', { host: server.host, port: server.port, user: server.user, database: TEST_DATABASE });
  return () => server.stop();
}
