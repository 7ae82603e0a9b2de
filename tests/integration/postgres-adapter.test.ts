/**
 * PostgreSQL-only behaviour, on the real throwaway server: advisory build lock, lost
 * connections, pool concurrency, time zones, careful type inference, and no password in errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { UserError } from '../../src/errors.js';
import { freePort } from '../support/postgres-server.js';
import { postgresTestAdapter as a } from '../support/adapters.js';

describe.skipIf(!a.available())('postgres adapter', () => {
  let adapter: Adapter;
  const schema = a.uniqueSchema('pgonly');
  const rel = (identifier: string) => ({ schema, identifier });
  const r = (identifier: string) => adapter.dialect.renderRelation(rel(identifier));

  /** A plain pg client on the test server, standing in for "another session". */
  async function otherSession<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const t = a.target();
    const client = new pg.Client({ host: t.host, port: t.port, user: t.user, database: t.dbname });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    adapter = await createAdapter(a.target({ schema }));
    await adapter.createSchema(schema);
  });
  afterAll(async () => {
    await adapter?.close();
  });

  it('buildLock: a second build fails clearly with wait:false, and succeeds once released', async () => {
    const other = await createAdapter(a.target({ schema }));
    try {
      const key = `strata:${schema}`;
      const release = await adapter.buildLock!(key, { wait: false });
      const err = await other.buildLock!(key, { wait: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe(`another strata build is running against this target (advisory lock ${key})`);
      expect((err as UserError).hint).toMatch(/--wait/);
      await release();
      const release2 = await other.buildLock!(key, { wait: false });
      await release2();
    } finally {
      await other.close();
    }
  });

  it('buildLock with wait:true waits for the holder to release', async () => {
    const other = await createAdapter(a.target({ schema }));
    try {
      const key = `strata:wait:${schema}`;
      const release = await adapter.buildLock!(key, { wait: true });
      let acquired = false;
      const waiting = other.buildLock!(key, { wait: true }).then((rel) => {
        acquired = true;
        return rel;
      });
      await new Promise((res) => setTimeout(res, 300));
      expect(acquired).toBe(false);
      await release();
      const release2 = await waiting;
      expect(acquired).toBe(true);
      await release2();
    } finally {
      await other.close();
    }
  });

  it('cancel() interrupts a build waiting for the lock', async () => {
    const other = await createAdapter(a.target({ schema }));
    try {
      const key = `strata:cancel-wait:${schema}`;
      const release = await adapter.buildLock!(key, { wait: true });
      const waiting = other.buildLock!(key, { wait: true }).then(
        () => 'acquired',
        (e: Error) => e.message,
      );
      await new Promise((res) => setTimeout(res, 300));
      await other.cancel();
      expect(await waiting).toMatch(/cancel/i);
      await release();
    } finally {
      await other.close();
    }
  });

  it('a connection terminated mid-query gives a clear error, and the adapter recovers', async () => {
    const marker = `strata_kill_me_${schema}`;
    const running = adapter
      .withConnection((c) => c.query(`select pg_sleep(20) as ${marker}`))
      .then(
        () => 'finished',
        (e: Error) => e.message,
      );
    // Wait until the query is visible, then terminate its backend from another session.
    await otherSession(async (c) => {
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query(
          `select pg_terminate_backend(pid) as ok from pg_stat_activity where query like $1 and pid <> pg_backend_pid()`,
          [`%${marker}%`],
        );
        if (rows.length > 0) return;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('query never showed up in pg_stat_activity');
    });
    const message = await running;
    expect(message).toMatch(/connection to PostgreSQL was lost/);
    expect(await adapter.ping()).toMatch(/PostgreSQL/);
    // Every pooled client still works (the dead one was discarded, not reused).
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => adapter.withConnection((c) => c.query(`select ${i} as i`))));
    expect(results.map((res) => res.rows[0]!.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs up to `threads` statements at once', async () => {
    const four = await createAdapter(a.target({ schema, threads: 4 }));
    try {
      // A barrier: each connection checks in, then waits until all four have. Run one at a
      // time, the first would never see the others and hit the statement timeout instead.
      await four.withConnection((c) => c.execute(`create table "${schema}".barrier (n int)`));
      const loop = `set statement_timeout = '20s'; do $$ begin
        while (select count(*) from "${schema}".barrier) < 4 loop perform pg_sleep(0.02); end loop; end $$`;
      await Promise.all(
        Array.from({ length: 4 }, () =>
          four.withConnection(async (c) => {
            await c.execute(`insert into "${schema}".barrier values (1)`);
            await c.execute(loop);
          }),
        ),
      );
    } finally {
      await four.close();
    }
  });

  it('connect_timeout limits opening a session, not waiting for a busy pool', async () => {
    const small = await createAdapter(a.target({ schema, threads: 1, connect_timeout: 1 }));
    try {
      // Pool of threads + 1 = 2 clients, both busy for longer than connect_timeout; a third waits.
      const busy = Array.from({ length: 2 }, () => small.withConnection((c) => c.execute('select pg_sleep(1.5)')));
      await new Promise((res) => setTimeout(res, 100));
      const waited = await small.withConnection((c) => c.query('select 3 as three'));
      expect(waited.rows).toEqual([{ three: 3 }]);
      await Promise.all(busy);
    } finally {
      await small.close();
    }
  });

  it('timestamptz comes back in UTC whatever the session time zone', async () => {
    const res = await adapter.withConnection(async (c) => {
      await c.execute(`set time zone 'Asia/Kolkata'`);
      try {
        return await c.query(`select timestamptz '2024-01-05 10:30:00.25+02' as tz, array[1,2]::bigint[] as ids`);
      } finally {
        await c.execute('reset time zone');
      }
    });
    expect(res.rows).toEqual([{ tz: '2024-01-05 08:30:00.25+00', ids: [1, 2] }]);
  });

  it('keeps identifier case: quoted mixed-case relations are found', async () => {
    await adapter.withConnection((c) => c.execute(`create table ${r('MixedCase')} ("Id" integer)`));
    expect(await adapter.relationKind(rel('MixedCase'))).toBe('table');
    expect(await adapter.relationKind(rel('mixedcase'))).toBeUndefined();
    expect((await adapter.columns(rel('MixedCase'))).map((c) => c.name)).toEqual(['Id']);
  });

  it('seed inference: a value the pattern admits but the cast rejects keeps the column as text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-pgcsv-'));
    try {
      const p = join(dir, 'dates.csv');
      writeFileSync(p, 'id,day,ok_day\n1,2024-02-30,2024-02-28\n2,2024-03-01,2024-03-01\n');
      expect(await adapter.loadCsv(rel('dates'), p, { columnTypes: {}, delimiter: ',' })).toBe(2);
      const types = Object.fromEntries((await adapter.columns(rel('dates'))).map((c) => [c.name, c.type]));
      expect(types).toEqual({ id: 'bigint', day: 'text', ok_day: 'date' });
      await expect(adapter.loadCsv(rel('dates'), p, { columnTypes: { nope: 'integer' }, delimiter: ',' })).rejects.toThrow(
        /column_types names column 'nope'/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('connection failures name the server but never the password', async () => {
    const password = 'Sup3r-Secret-Pw';
    const bad = await createAdapter(a.target({ port: await freePort(), password, connect_timeout: 2 }));
    try {
      const err = await bad.ping().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/could not connect to PostgreSQL at 127\.0\.0\.1:\d+/);
      expect(err?.message).not.toContain(password);
      expect(String(err?.stack)).not.toContain(password);
    } finally {
      await bad.close();
    }
  });
});
