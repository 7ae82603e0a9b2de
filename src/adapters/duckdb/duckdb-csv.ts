/** SQL for loading a CSV with DuckDB's own reader. */
import type { CsvLoadOptions, Dialect } from '../adapter.js';

/** `select * from read_csv(...)` with header, auto-detection, delimiter and type overrides. */
export function readCsvSql(dialect: Dialect, absPath: string, options: CsvLoadOptions): string {
  const args = [
    dialect.quoteString(absPath),
    'header = true',
    'auto_detect = true',
    `delim = ${dialect.quoteString(options.delimiter)}`,
  ];
  const typed = Object.entries(options.columnTypes);
  if (typed.length > 0) {
    const struct = typed.map(([col, type]) => `${dialect.quoteString(col)}: ${dialect.quoteString(type)}`);
    args.push(`types = {${struct.join(', ')}}`);
  }
  return `select * from read_csv(${args.join(', ')})`;
}
