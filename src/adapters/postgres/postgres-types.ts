/**
 * Result value conversion for PostgreSQL: every value a query returns is JSON-friendly
 * (int8 → number when safe, numeric → number, dates and timestamps → ISO 8601 strings shaped
 * like the DuckDB adapter's: "2024-01-05", "2024-01-05 10:30:00", "2024-01-05 08:30:00+00").
 * The parsers are handed to each pool through its own `types` option, so the global
 * `pg.types` registry is never mutated.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

/** Type OIDs we convert (stable across PostgreSQL versions: they are in pg_type.dat). */
const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  int8Array: 1016,
  numericArray: 1231,
  dateArray: 1182,
  timestampArray: 1115,
  timestamptzArray: 1185,
} as const;

/** int8 text → number when it fits exactly, otherwise the decimal string (never a lossy number). */
export function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** numeric text → number; NaN/Infinity stay strings (they are not JSON). */
export function parseNumeric(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * timestamp without time zone: PostgreSQL already prints "2024-01-05 10:30:00[.123456]" (ISO 8601
 * with a space, microseconds kept) — exactly what the DuckDB adapter returns, so it is kept as is.
 */
export function parseTimestamp(text: string): string {
  return text;
}

/**
 * timestamptz is printed in the session time zone ("2024-01-05 10:30:00.5+02"); normalize it to
 * UTC in the same shape DuckDB returns ("2024-01-05 08:30:00.5+00") so results do not depend on
 * the server's TimeZone setting. Infinity and BC values are returned as printed.
 */
export function parseTimestamptz(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, sec, frac, sign, oh, om, os] = m;
  const offsetMs = (sign === '-' ? -1 : 1) * ((Number(oh) * 60 + Number(om ?? 0)) * 60 + Number(os ?? 0)) * 1000;
  const utc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) - offsetMs);
  if (Number.isNaN(utc.getTime())) return text;
  const iso = utc.toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z; the fraction is re-attached verbatim
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ?? ''}+00`;
}

type Parser = (text: string) => unknown;

const SCALAR: ReadonlyMap<number, Parser> = new Map<number, Parser>([
  [OID.int8, parseInt8],
  [OID.numeric, parseNumeric],
  [OID.date, (t) => t],
  [OID.timestamp, parseTimestamp],
  [OID.timestamptz, parseTimestamptz],
]);

const ARRAY_ELEMENT: ReadonlyMap<number, Parser> = new Map<number, Parser>([
  [OID.int8Array, parseInt8],
  [OID.numericArray, parseNumeric],
  [OID.dateArray, (t) => t],
  [OID.timestampArray, parseTimestamp],
  [OID.timestamptzArray, parseTimestamptz],
]);

/** Apply an element parser through nested arrays (the default array parser yields strings here). */
function mapDeep(value: unknown, parse: Parser): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, parse));
  return typeof value === 'string' ? parse(value) : value;
}

/**
 * A pool-local type registry: our parsers for the types above, pg's defaults for the rest.
 * Array element conversion reuses pg's text array parsing with strings in, ours on top.
 */
export function jsonFriendlyTypes(): CustomTypesConfig {
  const textArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0], 'text') as Parser; // text[]: splits, keeps strings
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      const id = oid as Parameters<typeof pg.types.getTypeParser>[0];
      if (format === 'binary') return pg.types.getTypeParser(id, 'binary');
      const scalar = SCALAR.get(oid);
      if (scalar) return scalar;
      const element = ARRAY_ELEMENT.get(oid);
      if (element) return (text: string) => mapDeep(textArray(text), element);
      return pg.types.getTypeParser(id, 'text');
    }) as CustomTypesConfig['getTypeParser'],
  };
}

/** Names for the common type OIDs, so query() can report column types without a catalog lookup. */
export const COMMON_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [16, 'boolean'],
  [17, 'bytea'],
  [18, '"char"'],
  [19, 'name'],
  [20, 'bigint'],
  [21, 'smallint'],
  [23, 'integer'],
  [25, 'text'],
  [26, 'oid'],
  [114, 'json'],
  [700, 'real'],
  [701, 'double precision'],
  [1042, 'character'],
  [1043, 'character varying'],
  [1082, 'date'],
  [1083, 'time without time zone'],
  [1114, 'timestamp without time zone'],
  [1184, 'timestamp with time zone'],
  [1186, 'interval'],
  [1700, 'numeric'],
  [2950, 'uuid'],
  [3802, 'jsonb'],
  [2278, 'void'],
]);
