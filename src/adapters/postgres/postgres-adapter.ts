/**
 * The PostgreSQL adapter: a pg Pool sized by `threads` (+1 spare for catalog checks),
 * transactional DDL for atomic swaps, COPY for seeds, advisory locks against concurrent builds,
 * and pg_cancel_backend for Ctrl-C.
 */
import pg from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { UserError } from '../../errors.js';
import type { Relation } from '../../compiler/types.js';
import type { ProfileTarget } from '../../project/types.js';
import type { Adapter, AdapterModule, ColumnMeta, Connection, CsvLoadOptions, RelationKind } from '../adapter.js';
import { inTransaction } from '../transaction.js';
import { PostgresConnection, type TypeNameCache } from './postgres-connection.js';
import { copyCsvIntoNewTable } from './postgres-csv.js';
import { postgresDialect, quotePgString } from './postgres-dialect.js';
import { connectError, isConnectionLost, wrapPgError } from './postgres-errors.js';
import { takeAdvisoryLock } from './postgres-lock.js';
import { jsonFriendlyTypes } from './postgres-types.js';

/** libpq sslmode → node-pg `ssl`. node-pg cannot fall back, so `prefer`/`allow` mean no TLS. */
function sslOption(target: ProfileTarget): PoolConfig['ssl'] {
  const mode = target.sslmode;
  switch (mode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      throw new UserError(`unknown sslmode '${mode}'`, {
        file: target.file,
        hint: 'use one of disable, allow, prefer, require, verify-ca, verify-full',
      });
  }
}

/** The pg connection settings of a profile target (shared by the pool and standalone clients). */
export function clientConfig(target: ProfileTarget): PoolConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.dbname ?? target.database,
    ssl: sslOption(target),
    connectionTimeoutMillis: target.connect_timeout ? target.connect_timeout * 1000 : 10_000,
    application_name: 'strata',
    types: jsonFriendlyTypes(),
  };
}

const TABLE_KINDS = new Set(['r', 'p', 'f']);
const VIEW_KINDS = new Set(['v', 'm']);

class PostgresAdapter implements Adapter {
  readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  private readonly config: PoolConfig;
  private readonly where: string;
  private readonly password: string | undefined;
  private readonly typeNames: TypeNameCache = new Map();
  /** Clients currently lent out, so cancel() knows which backends to interrupt. */
  private readonly busy = new Set<pg.ClientBase>();
  /** Dedicated lock sessions still open, ended by close(). */
  private readonly lockClients = new Set<pg.Client>();
  private closed = false;

  constructor(target: ProfileTarget) {
    this.config = clientConfig(target);
    this.password = target.password;
    this.where = `${target.host ?? 'localhost'}:${target.port ?? 5432} (database ${this.config.database ?? '?'}, user ${target.user ?? '?'})`;
    // connect_timeout bounds opening a session, not waiting for a free pooled one (a long model
    // may hold every client for minutes): the pool waits forever, each new client times out.
    const connectMs = this.config.connectionTimeoutMillis;
    class TimedClient extends pg.Client {
      constructor(config: pg.ClientConfig) {
        super({ ...config, connectionTimeoutMillis: connectMs });
      }
    }
    this.pool = new pg.Pool({ ...this.config, connectionTimeoutMillis: 0, Client: TimedClient as unknown as new () => pg.ClientBase, max: Math.max(1, target.threads) + 1 });
    // An idle client whose server went away emits 'error'; without a listener Node would crash.
    this.pool.on('error', () => undefined);
  }

  private async checkout(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw connectError(err, this.where, this.password);
    }
  }

  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.withPgConnection(fn);
  }

  private async withPgConnection<T>(fn: (conn: PostgresConnection) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    // A checked-out client's connection can die between statements; keep that from crashing Node.
    const onError = (): void => undefined;
    client.on('error', onError);
    this.busy.add(client);
    let broken = false;
    try {
      return await fn(new PostgresConnection(client, this.typeNames, this.password));
    } catch (err) {
      broken = isConnectionLost(err);
      throw err;
    } finally {
      this.busy.delete(client);
      client.off('error', onError);
      // A dead client goes back destroyed, so the next borrower gets a fresh session.
      client.release(broken ? true : undefined);
    }
  }

  transaction<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.pgTransaction(fn);
  }

  private pgTransaction<T>(fn: (conn: PostgresConnection) => Promise<T>): Promise<T> {
    return this.withPgConnection((conn) => inTransaction(conn, fn));
  }

  ping(): Promise<string> {
    return this.withPgConnection(async (conn) => {
      const { rows } = await conn.query('select version() as v');
      return String(rows[0]?.v ?? 'PostgreSQL');
    });
  }

  private onConn<T>(conn: Connection | undefined, fn: (c: Connection) => Promise<T>): Promise<T> {
    return conn ? fn(conn) : this.withConnection(fn);
  }

  relationKind(relation: Relation, conn?: Connection): Promise<RelationKind | undefined> {
    return this.onConn(conn, async (c) => {
      const { rows } = await c.query(
        `select c.relkind::text as kind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where n.nspname = ${quotePgString(relation.schema)} and c.relname = ${quotePgString(relation.identifier)}`,
      );
      const kind = String(rows[0]?.kind ?? '');
      if (TABLE_KINDS.has(kind)) return 'table';
      if (VIEW_KINDS.has(kind)) return 'view';
      return undefined;
    });
  }

  columns(relation: Relation, conn?: Connection): Promise<ColumnMeta[]> {
    return this.onConn(conn, async (c) => {
      // pg_attribute rather than information_schema: it also covers materialized views.
      const { rows } = await c.query(
        `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
         from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where n.nspname = ${quotePgString(relation.schema)} and c.relname = ${quotePgString(relation.identifier)}
           and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      );
      return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
    });
  }

  /**
   * Race-safe: the advisory xact lock serializes creators of the same schema (one simple-query
   * string is one implicit transaction, so the lock lasts until the create commits); the
   * duplicate errors are still tolerated for callers outside a transaction.
   */
  createSchema(schema: string, _database?: string, conn?: Connection): Promise<void> {
    return this.onConn(conn, async (c) => {
      if ((await this.schemaExists(c, schema))) return;
      try {
        await c.execute(
          `select pg_advisory_xact_lock(hashtext('strata.schema'), hashtext(${quotePgString(schema)}));
           create schema if not exists ${postgresDialect.quoteIdentifier(schema)}`,
        );
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== '42P06' && code !== '23505') throw err;
      }
    });
  }

  private async schemaExists(c: Connection, schema: string): Promise<boolean> {
    const { rows } = await c.query(`select 1 as x from pg_catalog.pg_namespace where nspname = ${quotePgString(schema)}`);
    return rows.length > 0;
  }

  /** Builds `<name>__strata_tmp`, then drops the old relation and renames, all in one transaction. */
  async loadCsv(relation: Relation, absPath: string, options: CsvLoadOptions): Promise<number> {
    const q = postgresDialect.quoteIdentifier;
    const tmpName = `${relation.identifier.slice(0, 50)}__strata_tmp`;
    const tmp = postgresDialect.renderRelation({ schema: relation.schema, identifier: tmpName });
    await this.createSchema(relation.schema);
    return this.pgTransaction(async (conn) => {
      await conn.execute(`drop table if exists ${tmp}`);
      const rows = await copyCsvIntoNewTable(conn, tmp, absPath, options, this.password);
      const existing = await this.relationKind(relation, conn);
      if (existing) await conn.execute(`drop ${existing} ${postgresDialect.renderRelation(relation)} cascade`);
      await conn.execute(`alter table ${tmp} rename to ${q(relation.identifier)}`);
      return rows;
    });
  }

  async cancel(): Promise<void> {
    const pids = [...this.busy].map((c) => (c as unknown as { processID?: number }).processID).filter((p): p is number => typeof p === 'number');
    if (pids.length === 0) return;
    // A fresh session: every pooled one may be busy with the very queries we are cancelling.
    const client = new pg.Client(this.config);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids]);
    } catch (err) {
      throw wrapPgError(err, this.password);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** A session-level advisory lock held on its own connection until the returned release runs. */
  async buildLock(key: string, options: { wait: boolean }): Promise<() => Promise<void>> {
    const client = new pg.Client(this.config);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      throw connectError(err, this.where, this.password);
    }
    return takeAdvisoryLock(client, key, options.wait, { busy: this.busy, held: this.lockClients, password: this.password });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.lockClients].map((c) => c.end().catch(() => undefined)));
    this.lockClients.clear();
    await this.pool.end();
  }
}

/** The PostgreSQL adapter module, registered in src/adapters/registry.ts. Connects lazily. */
export const postgresAdapter: AdapterModule = {
  type: 'postgres',
  dialect: postgresDialect,
  create: async (target: ProfileTarget) => new PostgresAdapter(target),
};
