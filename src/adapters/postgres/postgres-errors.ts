/**
 * Turning pg driver errors into messages a user can act on: a dead connection says so,
 * and no message ever carries the password.
 */

/** SQLSTATEs and socket codes that mean the session is gone, not that the SQL was wrong. */
const CONNECTION_LOST_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

const CONNECTION_LOST_TEXT = /Connection terminated|connection error|not queryable|terminating connection|server closed the connection/i;

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when the error means the server connection died (the client must be discarded). */
export function isConnectionLost(err: unknown): boolean {
  const code = codeOf(err);
  return (code !== undefined && CONNECTION_LOST_CODES.has(code)) || CONNECTION_LOST_TEXT.test(messageOf(err));
}

/** Replace the password wherever it appears (it could come back inside a connection string). */
export function scrub(text: string, password: string | undefined): string {
  // A very short password would blank out ordinary words; such passwords are not echoed by pg anyway.
  if (!password || password.length < 4) return text;
  return text.split(password).join('****');
}

/** An Error carrying the driver's SQLSTATE (`code`) and, for SQL errors, pg's position/detail text. */
export class PostgresError extends Error {
  readonly code?: string;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'PostgresError';
    this.code = code;
  }
}

/**
 * Wrap a driver error: a lost connection gets a message that says so (the executor adds the
 * node name); SQL errors keep pg's message plus its detail/hint; the password is scrubbed.
 */
export function wrapPgError(err: unknown, password: string | undefined): Error {
  if (err instanceof PostgresError) return err;
  const code = codeOf(err);
  const base = messageOf(err);
  let message: string;
  if (isConnectionLost(err)) {
    message = `the connection to PostgreSQL was lost: ${base}`;
  } else {
    const e = err as { detail?: string; hint?: string };
    message = base + (e.detail ? `\n  detail: ${e.detail}` : '') + (e.hint ? `\n  hint: ${e.hint}` : '');
  }
  return new PostgresError(scrub(message, password), code, err);
}

/** Error for a connection that could not be opened at all. */
export function connectError(err: unknown, where: string, password: string | undefined): Error {
  return new PostgresError(scrub(`could not connect to PostgreSQL at ${where}: ${messageOf(err)}`, password), codeOf(err), err);
}
