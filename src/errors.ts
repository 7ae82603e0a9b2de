/**
 * Typed errors. Only the CLI entry turns them into exit codes:
 * UserError → 2 (invalid project or command), RunFailure → 1 (a node failed),
 * anything else → InternalError (exit 2 with a "this is a bug" note, stack only with --debug).
 */

/** A position in a user's file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface UserErrorOptions extends Partial<SourceLocation> {
  /** What the user can do about it ("did you mean 'stg_orders'?"). */
  hint?: string;
  cause?: unknown;
}

/** A mistake in the project, the profile or the command line. Exit code 2. */
export class UserError extends Error {
  readonly exitCode = 2;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
  }

  /** `file:line:column: message` followed by the hint, as printed by the CLI. */
  format(): string {
    const where = this.file ? `${formatLocation(this)}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** One or more nodes failed while running. Exit code 1. */
export class RunFailure extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** A bug in Strata itself. */
export class InternalError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function formatLocation(loc: Partial<SourceLocation>): string {
  if (!loc.file) return '';
  let out = loc.file;
  if (loc.line !== undefined) {
    out += `:${loc.line}`;
    if (loc.column !== undefined) out += `:${loc.column}`;
  }
  return out;
}

/** A non-fatal problem worth telling the user about (unknown key, deprecated form...). */
export interface Diagnostic extends Partial<SourceLocation> {
  level: 'warn' | 'info';
  message: string;
  hint?: string;
}
