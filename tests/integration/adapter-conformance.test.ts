/**
 * Adapter conformance: the same behaviour, asserted on every warehouse (ADAPTERS).
 * Values, transactions, catalog lookups, schemas, cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { ADAPTERS } from '../support/adapters.js';

/** A statement that runs for many seconds unless cancelled. */
const SLOW_SQL: Record<string, string> = {
  postgres: 'select pg_sleep(30)',
  duckdb: 'select sum(a.range * b.range) as s from range(100000000) a, range(100000000) b',
};

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`adapter conformance: ${a.name}`, () => {
    let adapter: Adapter;
    const schema = a.uniqueSchema('conf');
    const rel = (identifier: string) => ({ schema, identifier });
    const r = (identifier: string) => adapter.dialect.renderRelation(rel(identifier));

    beforeAll(async () => {
      adapter = await createAdapter(a.target({ schema }));
      await adapter.createSchema(schema);
    });
    afterAll(async () => {
      await adapter?.close();
    });

    it('ping reports the server version', async () => {
      expect(await adapter.ping()).toMatch(/\d+\.\d+/);
    });

    it('query converts values to JSON-friendly JS values', async () => {
      const res = await adapter.withConnection((c) =>
        c.query(
          `select 1::integer as i, 42::bigint as small_big, 9007199254740993::bigint as huge,
             12.50::numeric(10,2) as n, 'it''s' as t, true as b, false as f,
             timestamp '2024-01-05 10:30:00' as ts, timestamp '2024-01-05 10:30:00.123456' as ts_us,
             date '2024-01-05' as d, cast(null as integer) as nul, count(*) as cnt`,
        ),
      );
      expect(res.rows).toEqual([
        {
          i: 1,
          small_big: 42,
          huge: '9007199254740993',
          n: 12.5,
          t: "it's",
          b: true,
          f: false,
          ts: '2024-01-05 10:30:00',
          ts_us: '2024-01-05 10:30:00.123456',
          d: '2024-01-05',
          nul: null,
          cnt: 1,
        },
      ]);
      expect(res.columns.map((c) => c.name)).toEqual(Object.keys(res.rows[0]!));
      expect(res.columns.find((c) => c.name === 'b')!.type.toLowerCase()).toContain('bool');
      expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
    });

    it('execute runs DDL and DML; query reads rows back in order', async () => {
      await adapter.withConnection(async (c) => {
        await c.execute(`create table ${r('people')} (id integer, name text)`);
        await c.execute(`insert into ${r('people')} values (1, 'a'), (2, 'b'), (3, null)`);
        const res = await c.query(`select id, name from ${r('people')} order by id`);
        expect(res.rows).toEqual([
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
          { id: 3, name: null },
        ]);
      });
    });

    it('a SQL error rejects with the warehouse message and leaves the adapter usable', async () => {
      await expect(adapter.withConnection((c) => c.query(`select * from ${r('no_such_table')}`))).rejects.toThrow(/no_such_table/);
      const ok = await adapter.withConnection((c) => c.query('select 1 as one'));
      expect(ok.rows).toEqual([{ one: 1 }]);
    });

    it('transaction commits on success', async () => {
      await adapter.transaction(async (c) => {
        await c.execute(`create table ${r('tx_ok')} as select 1 as x`);
      });
      expect(await adapter.relationKind(rel('tx_ok'))).toBe('table');
    });

    it('transaction rolls back DML and DDL when fn throws', async () => {
      await adapter.withConnection((c) => c.execute(`create table ${r('tx_keep')} as select 1 as x`));
      await expect(
        adapter.transaction(async (c) => {
          await c.execute(`insert into ${r('tx_keep')} values (2)`);
          await c.execute(`create table ${r('tx_new')} as select 1 as x`);
          await c.execute(`drop table ${r('tx_keep')}`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(adapter.dialect.capabilities.transactionalDdl).toBe(true);
      expect(await adapter.relationKind(rel('tx_new'))).toBeUndefined();
      const res = await adapter.withConnection((c) => c.query(`select x from ${r('tx_keep')}`));
      expect(res.rows).toEqual([{ x: 1 }]);
    });

    it('relationKind tells tables, views and absent relations apart', async () => {
      await adapter.withConnection(async (c) => {
        await c.execute(`create table ${r('rk_table')} (id integer)`);
        await c.execute(`create view ${r('rk_view')} as select * from ${r('rk_table')}`);
      });
      expect(await adapter.relationKind(rel('rk_table'))).toBe('table');
      expect(await adapter.relationKind(rel('rk_view'))).toBe('view');
      expect(await adapter.relationKind(rel('rk_absent'))).toBeUndefined();
      expect(await adapter.relationKind({ schema: 'no_such_schema_x', identifier: 'rk_table' })).toBeUndefined();
      // With a caller's connection, inside its transaction: sees the uncommitted table.
      await adapter.transaction(async (c) => {
        await c.execute(`create table ${r('rk_in_tx')} (id integer)`);
        expect(await adapter.relationKind(rel('rk_in_tx'), c)).toBe('table');
      });
    });

    it('columns lists names in order with their types', async () => {
      await adapter.withConnection((c) =>
        c.execute(`create table ${r('cols')} (id integer, name text, amount double precision, created_at timestamp)`),
      );
      const cols = await adapter.columns(rel('cols'));
      expect(cols.map((c) => c.name)).toEqual(['id', 'name', 'amount', 'created_at']);
      expect(cols[0]!.type.toLowerCase()).toContain('int');
      expect(cols[3]!.type.toLowerCase()).toContain('timestamp');
      expect(await adapter.columns(rel('cols_absent'))).toEqual([]);
    });

    it('createSchema is idempotent and safe when called concurrently', async () => {
      const s = a.uniqueSchema('conc');
      await adapter.createSchema(s);
      await adapter.createSchema(s);
      const s2 = a.uniqueSchema('race');
      await Promise.all(Array.from({ length: 6 }, () => adapter.createSchema(s2)));
      await adapter.withConnection((c) => c.execute(`create table ${adapter.dialect.renderRelation({ schema: s2, identifier: 't' })} (x integer)`));
      expect(await adapter.relationKind({ schema: s2, identifier: 't' })).toBe('table');
    });

    it('dialect quotes identifiers and strings', () => {
      expect(adapter.dialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
      expect(adapter.dialect.quoteString("O'Brien")).toBe("'O''Brien'");
      expect(adapter.dialect.renderRelation({ schema: 's', identifier: 'Mixed' })).toContain('"s"."Mixed"');
    });

    it('cancel interrupts a long query promptly, and the adapter keeps working', async () => {
      const slow = adapter.withConnection((c) => c.query(SLOW_SQL[a.name]!));
      const outcome = slow.then(
        () => 'finished',
        (err: Error) => err.message,
      );
      await new Promise((res) => setTimeout(res, 500));
      await adapter.cancel();
      const message = await outcome;
      expect(message).not.toBe('finished');
      expect(message).toMatch(/cancel|interrupt/i);
      const ok = await adapter.withConnection((c) => c.query('select 2 as two'));
      expect(ok.rows).toEqual([{ two: 2 }]);
    });
  });
}
