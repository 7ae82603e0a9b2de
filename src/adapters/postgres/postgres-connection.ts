/**
 * A Connection over one checked-out pg client. Values come back JSON-friendly thanks to the
 * pool's type parsers (postgres-types.ts); errors are wrapped by postgres-errors.ts.
 */
import type { PoolClient, QueryResult as PgResult } from 'pg';
import type { ColumnMeta, Connection, ExecuteResult, QueryResult } from '../adapter.js';
import { COMMON_TYPE_NAMES } from './postgres-types.js';
import { wrapPgError } from './postgres-errors.js';

/** Commands whose tag carries a count of rows written. */
const ROW_COMMANDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/** Per-adapter cache of type OID → name for types outside COMMON_TYPE_NAMES. */
export type TypeNameCache = Map<number, string>;

export class PostgresConnection implements Connection {
  constructor(
    /** The underlying client; exposed for COPY streams (postgres-csv.ts). */
    readonly client: PoolClient,
    private readonly typeNames: TypeNameCache,
    private readonly password: string | undefined,
  ) {}

  /** rowsAffected: the command tag's count (`SELECT n` of CREATE TABLE AS, `INSERT 0 n`, `COPY n`). */
  async execute(sql: string): Promise<ExecuteResult> {
    const raw = await this.run(sql);
    const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    const n = last?.rowCount;
    return typeof n === 'number' && ROW_COMMANDS.has(last?.command ?? '') ? { rowsAffected: n } : {};
  }

  async query(sql: string): Promise<QueryResult> {
    const raw = await this.run(sql);
    // A multi-statement string returns one result per statement: the last one is the answer.
    const result = Array.isArray(raw) ? (raw[raw.length - 1] as PgResult | undefined) : raw;
    if (!result || !result.fields) return { columns: [], rows: [] };
    const columns: ColumnMeta[] = [];
    for (const f of result.fields) columns.push({ name: f.name, type: await this.typeName(f.dataTypeID) });
    return { columns, rows: result.rows as Array<Record<string, unknown>> };
  }

  /** Parameterized query (internal use by the adapter: catalog lookups with user-supplied names). */
  async queryParams(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    try {
      return (await this.client.query(sql, params)).rows as Array<Record<string, unknown>>;
    } catch (err) {
      throw wrapPgError(err, this.password);
    }
  }

  private async run(sql: string): Promise<PgResult | PgResult[]> {
    try {
      return (await this.client.query(sql)) as PgResult | PgResult[];
    } catch (err) {
      throw wrapPgError(err, this.password);
    }
  }

  private async typeName(oid: number): Promise<string> {
    const known = COMMON_TYPE_NAMES.get(oid) ?? this.typeNames.get(oid);
    if (known) return known;
    const rows = await this.queryParams('select format_type($1::oid, null) as name', [oid]);
    const name = String(rows[0]?.name ?? oid);
    this.typeNames.set(oid, name);
    return name;
  }
}
