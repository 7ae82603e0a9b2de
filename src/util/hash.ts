import { createHash } from 'node:crypto';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Collapse runs of whitespace so formatting-only edits keep the same hash. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
