/**
 * Advisory build locks: two builds of one target never interleave. The lock is a session-level
 * pg_advisory_lock on a dedicated connection (not a pooled one), held until release runs or the
 * session ends — so a crashed build can never leave it behind.
 */
import pg from 'pg';
import { UserError } from '../../errors.js';
import { wrapPgError } from './postgres-errors.js';

/** What the adapter lends the lock: where to register the session while it waits or holds. */
export interface LockSessions {
  /** Sessions running a statement (cancel() interrupts them). */
  busy: Set<pg.ClientBase>;
  /** Open lock sessions (close() ends them). */
  held: Set<pg.Client>;
  password: string | undefined;
}

/**
 * Take the lock `key` (hashed with hashtext) on an already connected `client`.
 * wait:false and the lock taken elsewhere → UserError. Resolves to the release function.
 */
export async function takeAdvisoryLock(
  client: pg.Client,
  key: string,
  wait: boolean,
  sessions: LockSessions,
): Promise<() => Promise<void>> {
  sessions.held.add(client);
  const end = async (): Promise<void> => {
    sessions.held.delete(client);
    await client.end().catch(() => undefined);
  };
  try {
    if (wait) {
      // While waiting, the session counts as busy so cancel() (Ctrl-C) can interrupt the wait.
      sessions.busy.add(client);
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
      } finally {
        sessions.busy.delete(client);
      }
    } else {
      const { rows } = await client.query('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
      if (rows[0]?.ok !== true) {
        throw new UserError(`another strata build is running against this target (advisory lock ${key})`, {
          hint: 'wait for it to finish or use --wait',
        });
      }
    }
  } catch (err) {
    await end();
    throw err instanceof UserError ? err : wrapPgError(err, sessions.password);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // Ending the session releases the lock even if the unlock itself fails.
    await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    await end();
  };
}
