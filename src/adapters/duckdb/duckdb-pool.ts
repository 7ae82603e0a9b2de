/** A small pool of connections to one DuckDB instance: one connection per concurrent user. */
import type { DuckDBInstance } from '@duckdb/node-api';
import { DuckdbConnection } from './duckdb-connection.js';

/**
 * DuckDB serializes statements per connection but runs several connections in parallel,
 * so each borrower (one per scheduler thread) gets its own connection; idle ones are reused.
 */
export class DuckdbPool {
  private readonly idle: DuckdbConnection[] = [];
  private readonly busy = new Set<DuckdbConnection>();
  private closed = false;

  constructor(private readonly instance: DuckDBInstance) {}

  async use<T>(fn: (conn: DuckdbConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the DuckDB adapter is closed');
    const conn = this.idle.pop() ?? new DuckdbConnection(await this.instance.connect());
    this.busy.add(conn);
    try {
      return await fn(conn);
    } finally {
      this.busy.delete(conn);
      if (this.closed) conn.close();
      else this.idle.push(conn);
    }
  }

  /** Interrupt every statement in flight. */
  interruptAll(): void {
    for (const conn of this.busy) conn.interrupt();
  }

  /** Close idle connections now; busy ones are closed when their borrower returns them. */
  close(): void {
    this.closed = true;
    for (const conn of this.idle.splice(0)) conn.close();
  }
}
