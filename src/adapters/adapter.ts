/**
 * The one boundary between Strata and a warehouse (Kysely-style): a small interface,
 * capability flags instead of `if (type === ...)`, one folder per database.
 */
import type { Relation } from '../compiler/types.js';
import type { ProfileTarget } from '../project/types.js';

export interface Capabilities {
  /** CREATE/DROP/ALTER can be rolled back inside a transaction. */
  transactionalDdl: boolean;
  /** Relations need a database/catalog part when rendered. */
  usesDatabaseInRelation: boolean;
  /** Several connections may run statements at once (false: one serialized connection). */
  concurrentConnections: boolean;
  /**
   * Column tests of one relation are cheaper as ONE aggregate scan than one query each.
   * True for row stores (PostgreSQL: ~2.3x faster for 9 tests on 10M rows); false where single
   * predicate counts are pruned by column statistics and a batch would force a full scan
   * (DuckDB: measured in bench/README.md). `--batch-tests`/`batchTests` overrides it.
   */
  prefersBatchedTests: boolean;
}

/**
 * What the compiler needs of a warehouse without connecting to it:
 * quoting, relation rendering and small SQL fragments that differ by dialect.
 */
export interface Dialect {
  readonly type: string;
  readonly capabilities: Capabilities;
  quoteIdentifier(name: string): string;
  /** Quote a string literal: O'Brien → 'O''Brien'. */
  quoteString(value: string): string;
  /** Fully-qualified, quoted relation name. */
  renderRelation(relation: Relation): string;
  /** Type names used by generated SQL ("text", "timestamp", ...). */
  typeName(kind: 'string' | 'integer' | 'bigint' | 'float' | 'boolean' | 'timestamp' | 'date'): string;
}

export interface ColumnMeta {
  name: string;
  /** Warehouse type name as reported ("INTEGER", "character varying"). */
  type: string;
}

export interface QueryResult {
  columns: ColumnMeta[];
  /** Row objects, values converted to JSON-friendly JS values (bigint → number when safe, dates → ISO strings). */
  rows: Array<Record<string, unknown>>;
}

export type RelationKind = 'table' | 'view';

/** What the driver reports about an executed statement (the last one, for a multi-statement string). */
export interface ExecuteResult {
  /**
   * Rows written, when the driver reports them: CREATE TABLE AS, INSERT, COPY (PostgreSQL's
   * command tag `SELECT n` / `INSERT 0 n`; DuckDB's `Count` result). Undefined otherwise.
   */
  rowsAffected?: number;
}

/** One session with the warehouse. Statements on one connection run one at a time. */
export interface Connection {
  /**
   * Run statements that return no rows of interest. `sql` may hold several statements
   * separated by `;` (one round trip; they run in order and stop at the first error).
   */
  execute(sql: string): Promise<ExecuteResult>;
  /** Run a query and read all rows. */
  query(sql: string): Promise<QueryResult>;
}

export interface Adapter {
  readonly dialect: Dialect;
  /** Borrow a connection for the duration of fn. */
  withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  /** Run fn inside BEGIN/COMMIT on one connection; ROLLBACK if it throws. */
  transaction<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
  /** Check the connection works; returns a short description (server version). */
  ping(): Promise<string>;
  /** Existing relation kind, or undefined when absent. */
  relationKind(relation: Relation, conn?: Connection): Promise<RelationKind | undefined>;
  columns(relation: Relation, conn?: Connection): Promise<ColumnMeta[]>;
  createSchema(schema: string, database?: string, conn?: Connection): Promise<void>;
  /**
   * Load a CSV file into `relation` (replacing it), letting the warehouse parse it
   * (DuckDB read_csv, PostgreSQL COPY). Builds into a temporary relation and swaps it in.
   * Returns the number of rows loaded.
   */
  loadCsv(relation: Relation, absPath: string, options: CsvLoadOptions): Promise<number>;
  /** Cancel running statements (Ctrl-C). */
  cancel(): Promise<void>;
  /**
   * Optional: take a target-wide lock so two builds never interleave (PostgreSQL advisory lock).
   * With wait:false and the lock held elsewhere, throws a UserError. Resolves to a release function.
   */
  buildLock?(key: string, options: { wait: boolean }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface CsvLoadOptions {
  /** column name → SQL type; others are inferred by the warehouse. */
  columnTypes: Record<string, string>;
  delimiter: string;
}

/** Creates an adapter for a profile target. Connecting may happen lazily. */
export type AdapterFactory = (target: ProfileTarget) => Promise<Adapter>;

export interface AdapterModule {
  type: string;
  dialect: Dialect;
  create: AdapterFactory;
}
