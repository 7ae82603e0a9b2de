import type { Connection } from './adapter.js';

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
