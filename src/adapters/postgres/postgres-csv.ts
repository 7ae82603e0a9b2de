/**
 * Seeds on PostgreSQL: the server parses the CSV (COPY ... FROM STDIN), never row-by-row inserts.
 *
 * Column types: the header line is read here (first line only; this is not a CSV parser), every
 * column is created as `text` unless `column_types` overrides it, COPY loads the file, then a
 * single scan checks each un-overridden column against simple patterns and converts it:
 *   true/false → boolean, integers of ≤18 digits → bigint, decimals → numeric,
 *   YYYY-MM-DD → date, YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]] → timestamp; anything else stays text.
 * A column with no non-null value stays text. Conversions run under a savepoint, so a value the
 * pattern lets through but the cast rejects (2024-02-30) just leaves that column as text.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { UserError } from '../../errors.js';
import { didYouMean } from '../../util/closest.js';
import type { PostgresConnection } from './postgres-connection.js';
import { quotePgIdentifier as q, quotePgString } from './postgres-dialect.js';
import { wrapPgError } from './postgres-errors.js';

/** Split one header line on the delimiter, honouring double quotes ("a,b" and "" escapes). */
export function splitCsvHeader(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) { out.push(cur); cur = ''; i += delimiter.length - 1; }
    else cur += ch;
  }
  out.push(cur);
  return out.map((name, i) => name.trim() || `column${i}`);
}

/** Read the first line of a file (up to 1 MiB), without a BOM or trailing CR. */
export async function readFirstLine(absPath: string): Promise<string> {
  const fh = await open(absPath, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      chunks.push(buf.subarray(0, nl === -1 ? bytesRead : nl));
      total += bytesRead;
      if (nl !== -1 || total >= 1024 * 1024) break;
    }
    return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
  } finally {
    await fh.close();
  }
}

/** Candidate types, tried in order; the first whose pattern every non-null value matches wins. */
const INFERENCE: ReadonlyArray<{ type: string; pattern: string }> = [
  { type: 'boolean', pattern: '^(true|false|TRUE|FALSE|True|False)$' },
  { type: 'bigint', pattern: '^[-+]?[0-9]{1,18}$' },
  { type: 'numeric', pattern: '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$' },
  { type: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  { type: 'timestamp', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?$' },
];

/** Map column_types keys onto header names (exact, then case-insensitive); unknown keys are an error. */
function resolveOverrides(header: string[], columnTypes: Record<string, string>, seedPath: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, type] of Object.entries(columnTypes)) {
    const name = header.find((h) => h === key) ?? header.find((h) => h.toLowerCase() === key.toLowerCase());
    if (!name) {
      throw new UserError(`column_types names column '${key}', which is not in the header of ${seedPath}`, {
        hint: didYouMean(key, header) ?? `columns: ${header.join(', ')}`,
      });
    }
    out.set(name, type);
  }
  return out;
}

/**
 * Create `table` (schema-qualified, quoted) from the CSV and load it; runs on `conn`, which the
 * caller holds inside a transaction. Returns the number of rows copied.
 */
export async function copyCsvIntoNewTable(
  conn: PostgresConnection,
  table: string,
  absPath: string,
  options: { columnTypes: Record<string, string>; delimiter: string },
  password: string | undefined,
): Promise<number> {
  const header = splitCsvHeader(await readFirstLine(absPath), options.delimiter);
  const overrides = resolveOverrides(header, options.columnTypes, absPath);
  const defs = header.map((h) => `${q(h)} ${overrides.get(h) ?? 'text'}`);
  await conn.execute(`create table ${table} (${defs.join(', ')})`);

  const copySql = `copy ${table} (${header.map(q).join(', ')}) from stdin with (format csv, header true, delimiter ${quotePgString(options.delimiter)})`;
  const stream = conn.client.query(copyFrom(copySql));
  try {
    await pipeline(createReadStream(absPath), stream);
  } catch (err) {
    throw wrapPgError(err, password);
  }
  await inferTypes(conn, table, header.filter((h) => !overrides.has(h)));
  return stream.rowCount;
}

/** One scan decides every text column's type; conversions then run under a savepoint. */
async function inferTypes(conn: PostgresConnection, table: string, columns: string[]): Promise<void> {
  if (columns.length === 0) return;
  const aggs: string[] = [];
  columns.forEach((c, i) => {
    aggs.push(`count(${q(c)}) as n${i}`);
    INFERENCE.forEach((cand, j) => aggs.push(`bool_and(${q(c)} ~ ${quotePgString(cand.pattern)}) as m${i}_${j}`));
  });
  const row = (await conn.query(`select ${aggs.join(', ')} from ${table}`)).rows[0] ?? {};
  const changes: Array<{ column: string; type: string }> = [];
  columns.forEach((c, i) => {
    if (!Number(row[`n${i}`])) return;
    const j = INFERENCE.findIndex((_, k) => row[`m${i}_${k}`] === true);
    if (j >= 0) changes.push({ column: c, type: INFERENCE[j]!.type });
  });
  if (changes.length === 0) return;
  const alter = (list: typeof changes) =>
    `alter table ${table} ${list.map((ch) => `alter column ${q(ch.column)} type ${ch.type} using ${q(ch.column)}::${ch.type}`).join(', ')}`;
  // All at once (one table rewrite); on a failed cast, retry column by column.
  if (await trySavepoint(conn, alter(changes))) return;
  for (const ch of changes) await trySavepoint(conn, alter([ch]));
}

async function trySavepoint(conn: PostgresConnection, sql: string): Promise<boolean> {
  await conn.execute('savepoint strata_infer');
  try {
    await conn.execute(sql);
    await conn.execute('release savepoint strata_infer');
    return true;
  } catch {
    await conn.execute('rollback to savepoint strata_infer');
    return false;
  }
}
