/** Converts DuckDB values to JSON-friendly JS values for QueryResult rows. */
import {
  DuckDBDecimalValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';

const BIG_INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

/**
 * Like DuckDB's JSON converter (timestamps/dates as strings, nested types recursed), but
 * big integers become numbers when they fit exactly and decimals become numbers, so that
 * `count(*)` and money columns are plain numbers for callers.
 */
export const toJsValue: DuckDBValueConverter<unknown> = (
  value: DuckDBValue,
  type: DuckDBType,
  converter: DuckDBValueConverter<unknown>,
): unknown => {
  if (value === null) return null;
  if (BIG_INTEGER_TYPES.has(type.typeId) && typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (type.typeId === DuckDBTypeId.DECIMAL && value instanceof DuckDBDecimalValue) {
    return value.toDouble();
  }
  // Recurse through this converter so list/struct members get the same treatment.
  return (JsonDuckDBValueConverter as DuckDBValueConverter<unknown>)(value, type, converter);
};
