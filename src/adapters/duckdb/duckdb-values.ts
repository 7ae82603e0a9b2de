/** Converts DuckDB values to JSON-friendly JS values for QueryResult rows. */
import type { DuckDBType, DuckDBTypeId, DuckDBValue, DuckDBValueConverter } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';

const { DuckDBDecimalValue, DuckDBTypeId: TypeId, JsonDuckDBValueConverter } = duckdb;

const BIG_INTEGER_TYPES = new Set<DuckDBTypeId>([
  TypeId.BIGINT,
  TypeId.UBIGINT,
  TypeId.HUGEINT,
  TypeId.UHUGEINT,
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
  if (type.typeId === TypeId.DECIMAL && value instanceof DuckDBDecimalValue) {
    return value.toDouble();
  }
  // Recurse through this converter so list/struct members get the same treatment.
  return (JsonDuckDBValueConverter as DuckDBValueConverter<unknown>)(value, type, converter);
};
