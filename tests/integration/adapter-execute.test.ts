/**
 * Connection.execute reports rows written (CREATE TABLE AS, INSERT) from the driver itself, and
 * executeInTransaction applies a multi-statement swap all-or-nothing. On every warehouse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { executeInTransaction } from '../../src/adapters/transaction.js';
import { ADAPTERS } from '../support/adapters.js';

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`connection execute results: ${a.name}`, () => {
    let adapter: Adapter;
    const schema = a.uniqueSchema('exec');
    const r = (identifier: string) => adapter.dialect.renderRelation({ schema, identifier });
    const exec = (sql: string) => adapter.withConnection((c) => c.execute(sql));
    const rows = (sql: string) => adapter.withConnection((c) => c.query(sql)).then((res) => res.rows);

    beforeAll(async () => {
      adapter = await createAdapter(a.target({ schema }));
      await adapter.createSchema(schema);
    });
    afterAll(async () => {
      await exec(`drop schema if exists ${adapter.dialect.quoteIdentifier(schema)} cascade`).catch(() => undefined);
      await adapter?.close();
    });

    it('CREATE TABLE AS and INSERT report the rows written', async () => {
      const big = 'select x.a * 1000 + y.b as n from (select 1 as a union all select 2 union all select 3) x, (select 1 as b union all select 2) y';
      expect(await exec(`create table ${r('ctas')} as ${big}`)).toEqual({ rowsAffected: 6 });
      expect(await exec(`insert into ${r('ctas')} select n + 1 from ${r('ctas')} where n > 2000`)).toEqual({ rowsAffected: 4 });
      expect(await exec(`create table ${r('empty')} as select 1 as a where 1 = 0`)).toEqual({ rowsAffected: 0 });
      expect(await rows(`select count(*) as n from ${r('ctas')}`)).toEqual([{ n: 10 }]);
    });

    it('DDL without rows reports no count', async () => {
      expect((await exec(`create view ${r('v')} as select 1 as a`)).rowsAffected).toBeUndefined();
      expect((await exec(`drop view ${r('v')}`)).rowsAffected).toBeUndefined();
    });

    it('a multi-statement string reports its last statement', async () => {
      const res = await exec(`drop table if exists ${r('multi')}; create table ${r('multi')} as select 7 as a union all select 8`);
      expect(res).toEqual({ rowsAffected: 2 });
    });

    it('executeInTransaction: a failing statement rolls back the ones before it', async () => {
      await exec(`create table ${r('keep')} as select 1 as a`);
      await expect(
        adapter.withConnection((c) =>
          executeInTransaction(c, [`drop table ${r('keep')}`, `alter table ${r('no_such_tmp')} rename to keep`]),
        ),
      ).rejects.toThrow();
      expect(await rows(`select a from ${r('keep')}`)).toEqual([{ a: 1 }]);
      // The connection is usable afterwards (no transaction left open or aborted).
      await adapter.withConnection(async (c) => {
        await executeInTransaction(c, [`drop table ${r('keep')}`, `create table ${r('keep')} as select 2 as a`]);
        expect((await c.query(`select a from ${r('keep')}`)).rows).toEqual([{ a: 2 }]);
      });
    });
  });
}
