/** A Strata Connection over one @duckdb/node-api connection. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';
import type { Connection, ExecuteResult, QueryResult } from '../adapter.js';
import { toJsValue } from './duckdb-values.js';

/** Wraps a DuckDB connection; statements on it run one at a time (the pool guarantees it). */
export class DuckdbConnection implements Connection {
  constructor(readonly raw: DuckDBConnection) {}

  /** CREATE TABLE AS / INSERT answer with one `Count` value: that is the row count. */
  async execute(sql: string): Promise<ExecuteResult> {
    const res = await this.raw.run(sql);
    if (res.returnType === duckdb.ResultReturnType.QUERY_RESULT || res.columnCount !== 1 || res.columnName(0) !== 'Count') {
      return {};
    }
    const n = (await res.getRows())[0]?.[0];
    return typeof n === 'bigint' || typeof n === 'number' ? { rowsAffected: Number(n) } : {};
  }

  async query(sql: string): Promise<QueryResult> {
    const reader = await this.raw.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const columns = names.map((name, i) => ({ name, type: types[i]!.toString() }));
    const rows = reader.convertRowObjects(toJsValue) as Array<Record<string, unknown>>;
    return { columns, rows };
  }

  /** Stop the statement running on this connection (it fails with an "Interrupted" error). */
  interrupt(): void {
    this.raw.interrupt();
  }

  close(): void {
    this.raw.closeSync();
  }
}
