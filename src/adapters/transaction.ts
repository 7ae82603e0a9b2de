import type { Connection, ExecuteResult } from './adapter.js';

/**
 * BEGIN, run fn, COMMIT; ROLLBACK if it throws. A rollback that fails too (a dead
 * connection) is ignored: the original error is the one worth reporting.
 */
export async function inTransaction<C extends Connection, T>(conn: C, fn: (conn: C) => Promise<T>): Promise<T> {
  await conn.execute('begin');
  try {
    const out = await fn(conn);
    await conn.execute('commit');
    return out;
  } catch (err) {
    await conn.execute('rollback').catch(() => undefined);
    throw err;
  }
}

/**
 * Run `statements` as one transaction in ONE round trip (`begin; ...; commit`): both drivers
 * run a multi-statement string in order and stop at the first error, which leaves the
 * transaction open — it is then rolled back, so nothing of it is applied.
 */
export async function executeInTransaction<C extends Connection>(conn: C, statements: string[]): Promise<ExecuteResult> {
  try {
    return await conn.execute(['begin', ...statements, 'commit'].join('; '));
  } catch (err) {
    await conn.execute('rollback').catch(() => undefined);
    throw err;
  }
}
