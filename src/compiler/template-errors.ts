/** Turn nunjucks errors into UserErrors with the user's file, line and column. */
import { UserError } from '../errors.js';
import { MacroReturn } from './jinja-compat.js';

interface NunjucksError {
  message?: string;
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

/**
 * nunjucks messages look like "(path) [Line N, Column M]\n  Error: text". Parser errors count
 * lines from 1; runtime errors carry the 0-based line of the running statement.
 * A UserError raised by a context function (ref, var, ...) is kept, gaining the line if it had none.
 */
export function templateErrorToUserError(error: unknown, file: string, phase: 'compile' | 'render'): UserError {
  const e = (error ?? {}) as NunjucksError;
  const cause = e.cause ?? (error instanceof UserError ? error : undefined);
  let line = typeof e.lineno === 'number' ? e.lineno : undefined;
  let column = typeof e.colno === 'number' ? e.colno : undefined;
  if (phase === 'render' && line !== undefined) {
    line += 1;
    if (column !== undefined) column += 1;
  }
  if (line === 0) line = undefined;
  if (column === 0) column = undefined;
  const fromMessage = /\[Line (\d+)(?:, Column (\d+))?\]/.exec(e.message ?? '');
  if (line === undefined && fromMessage) {
    line = Number(fromMessage[1]);
    column = fromMessage[2] ? Number(fromMessage[2]) : undefined;
  }

  if (cause instanceof UserError) {
    if (cause.file && cause.line !== undefined) return cause;
    return new UserError(cause.message, { file: cause.file ?? file, line: cause.line ?? line, column: cause.line === undefined ? column : cause.column, hint: cause.hint, cause: cause.cause });
  }
  if (cause instanceof MacroReturn || String(e.message ?? '').includes(new MacroReturn(undefined).toString())) {
    return new UserError('return() was called outside a macro', { file, line, column, hint: 'use return() only inside {% macro %} ... {% endmacro %}' });
  }
  const text = stripPrefix(e.message ?? String(error));
  return new UserError(`${phase === 'compile' ? 'template syntax error' : 'template error'}: ${text}`, { file, line, column, cause: error });
}

/** Drop nunjucks' "(path) [Line N, Column M]" prefix and the "Error: " label. */
function stripPrefix(message: string): string {
  return message
    .replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '')
    .replace(/^(?:Template render error: )?(?:\w*Error: )?/, '')
    .trim();
}
