/** The DuckDB adapter: an embedded database file (or :memory:) with a small connection pool. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Relation } from '../../compiler/types.js';
import { UserError } from '../../errors.js';
import type { ProfileTarget } from '../../project/types.js';
import type {
  Adapter,
  AdapterModule,
  ColumnMeta,
  Connection,
  CsvLoadOptions,
  RelationKind,
} from '../adapter.js';
import { executeInTransaction, inTransaction } from '../transaction.js';
import { readCsvSql } from './duckdb-csv.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { duckdb } from './duckdb-driver.js';
import { DuckdbPool } from './duckdb-pool.js';

const MEMORY = ':memory:';

/** Suffix of the relation a table or seed is built into before being swapped in. */
const TMP_SUFFIX = '__strata_tmp';

class DuckdbAdapter implements Adapter {
  readonly dialect = duckdbDialect;
  /** Serializes CREATE SCHEMA: concurrent ones conflict in DuckDB ("write-write conflict"). */
  private schemaLock: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: DuckdbPool,
    private readonly isFile: boolean,
  ) {}

  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.pool.use(fn);
  }

  transaction<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.pool.use((conn) => inTransaction(conn, fn));
  }

  async ping(): Promise<string> {
    const res = await this.withConnection((c) => c.query('select version() as v'));
    return `DuckDB ${String(res.rows[0]?.v ?? '')}`.trim();
  }

  private on<T>(conn: Connection | undefined, fn: (c: Connection) => Promise<T>): Promise<T> {
    return conn ? fn(conn) : this.withConnection(fn);
  }

  /** WHERE clause matching a relation in information_schema (DuckDB names are case-insensitive). */
  private whereRelation(relation: Relation): string {
    const q = (s: string) => this.dialect.quoteString(s);
    const catalog = relation.database ? q(relation.database) : 'current_database()';
    return (
      `lower(table_catalog) = lower(${catalog}) and lower(table_schema) = lower(${q(relation.schema)})` +
      ` and lower(table_name) = lower(${q(relation.identifier)})`
    );
  }

  async relationKind(relation: Relation, conn?: Connection): Promise<RelationKind | undefined> {
    const sql = `select table_type from information_schema.tables where ${this.whereRelation(relation)}`;
    const res = await this.on(conn, (c) => c.query(sql));
    const type = res.rows[0]?.table_type;
    if (type === undefined) return undefined;
    return type === 'VIEW' ? 'view' : 'table';
  }

  async columns(relation: Relation, conn?: Connection): Promise<ColumnMeta[]> {
    const sql =
      `select column_name, data_type from information_schema.columns where ${this.whereRelation(relation)}` +
      ' order by ordinal_position';
    const res = await this.on(conn, (c) => c.query(sql));
    return res.rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  createSchema(schema: string, database?: string, conn?: Connection): Promise<void> {
    const name = database
      ? `${this.dialect.quoteIdentifier(database)}.${this.dialect.quoteIdentifier(schema)}`
      : this.dialect.quoteIdentifier(schema);
    const run = () => this.on(conn, async (c) => void (await c.execute(`create schema if not exists ${name}`)));
    const next = this.schemaLock.then(run, run);
    this.schemaLock = next.catch(() => undefined);
    return next;
  }

  async loadCsv(relation: Relation, absPath: string, options: CsvLoadOptions): Promise<number> {
    const target = this.dialect.renderRelation(relation);
    const tmpRel = { ...relation, identifier: relation.identifier + TMP_SUFFIX };
    const tmp = this.dialect.renderRelation(tmpRel);
    await this.createSchema(relation.schema, relation.database);
    return this.withConnection(async (c) => {
      // One round trip for the build (a crashed run may have left the tmp), one lookup, one for the swap.
      const built = await c.execute(`drop table if exists ${tmp}; create table ${tmp} as ${readCsvSql(this.dialect, absPath, options)}`);
      try {
        const kind = await this.relationKind(relation, c);
        await executeInTransaction(c, [
          ...(kind ? [`drop ${kind} if exists ${target} cascade`] : []),
          `alter table ${tmp} rename to ${this.dialect.quoteIdentifier(relation.identifier)}`,
        ]);
      } catch (err) {
        await c.execute(`drop table if exists ${tmp}`).catch(() => undefined);
        throw err;
      }
      if (built.rowsAffected !== undefined) return built.rowsAffected;
      const res = await c.query(`select count(*) as n from ${target}`);
      return Number(res.rows[0]?.n ?? 0);
    });
  }

  async cancel(): Promise<void> {
    this.pool.interruptAll();
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    // Flush the WAL into the file so another process opens a complete database.
    if (this.isFile) await this.withConnection((c) => c.execute('checkpoint')).catch(() => undefined);
    this.pool.close();
    this.instance.closeSync();
  }
}

async function createDuckdbAdapter(target: ProfileTarget): Promise<Adapter> {
  const path = target.path ?? MEMORY;
  const isFile = path !== MEMORY && path !== '';
  if (isFile) mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await duckdb.DuckDBInstance.create(isFile ? path : MEMORY);
  } catch (err) {
    throw new UserError(`cannot open DuckDB database '${path}': ${(err as Error).message}`, {
      file: target.file,
      hint: 'check the `path` of the duckdb output in profiles.yml, and that no other process holds the file',
      cause: err,
    });
  }
  return new DuckdbAdapter(instance, new DuckdbPool(instance), isFile);
}

/** The DuckDB adapter module registered in src/adapters/registry.ts. */
export const duckdbAdapter: AdapterModule = {
  type: 'duckdb',
  dialect: duckdbDialect,
  create: createDuckdbAdapter,
};
