/**
 * loadCsv on every warehouse: the warehouse parses the file (DuckDB read_csv, PostgreSQL COPY),
 * types are inferred unless overridden, and a failed load leaves the previous table intact.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { ADAPTERS } from '../support/adapters.js';

const ORDERS = [
  'id,name,amount,created_at,paid,code',
  '1,"Smith, John",10.5,2024-01-05 10:30:00,true,007',
  '2,"say ""hi""",-3,2024-01-06 00:00:00,false,010',
  '3,plain,7,2024-01-07 12:00:00,true,100',
  '',
].join('\n');

for (const a of ADAPTERS) {
  describe.skipIf(!a.available())(`loadCsv: ${a.name}`, () => {
    let adapter: Adapter;
    let dir: string;
    const schema = a.uniqueSchema('csv');
    const rel = (identifier: string) => ({ schema, identifier });
    const r = (identifier: string) => adapter.dialect.renderRelation(rel(identifier));
    const file = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const rows = async (sql: string) => (await adapter.withConnection((c) => c.query(sql))).rows;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'strata-csv-'));
      adapter = await createAdapter(a.target({ schema }));
    });
    afterAll(async () => {
      await adapter?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads a CSV with a header, keeps quoted commas and quotes, and returns the row count', async () => {
      const n = await adapter.loadCsv(rel('orders'), file('orders.csv', ORDERS), { columnTypes: {}, delimiter: ',' });
      expect(n).toBe(3);
      expect(await rows(`select id, name from ${r('orders')} order by id`)).toEqual([
        { id: 1, name: 'Smith, John' },
        { id: 2, name: 'say "hi"' },
        { id: 3, name: 'plain' },
      ]);
    });

    it('infers integer, decimal, timestamp and boolean columns', async () => {
      await adapter.loadCsv(rel('orders_typed'), file('orders2.csv', ORDERS), { columnTypes: {}, delimiter: ',' });
      expect(await rows(`select sum(id) as ids, sum(amount) as total, max(created_at) as last, count(*) filter (where paid) as paid from ${r('orders_typed')}`)).toEqual([
        { ids: 6, total: 14.5, last: '2024-01-07 12:00:00', paid: 2 },
      ]);
      const types = Object.fromEntries((await adapter.columns(rel('orders_typed'))).map((c) => [c.name, c.type.toLowerCase()]));
      expect(types.created_at).toContain('timestamp');
      expect(types.paid).toContain('bool');
      expect(types.name).toMatch(/text|varchar|character/);
    });

    it('column_types overrides inference (leading zeros kept as text)', async () => {
      await adapter.loadCsv(rel('orders_override'), file('orders3.csv', ORDERS), {
        columnTypes: { code: 'varchar', id: 'integer' },
        delimiter: ',',
      });
      expect(await rows(`select code from ${r('orders_override')} order by id`)).toEqual([{ code: '007' }, { code: '010' }, { code: '100' }]);
      const id = (await adapter.columns(rel('orders_override'))).find((c) => c.name === 'id')!;
      expect(id.type.toLowerCase()).toMatch(/^int/);
    });

    it('honours another delimiter and reads empty fields as null', async () => {
      const p = file('semi.csv', 'k;v;note\na;1;x, y\nb;;\n');
      expect(await adapter.loadCsv(rel('semi'), p, { columnTypes: {}, delimiter: ';' })).toBe(2);
      expect(await rows(`select k, v, note from ${r('semi')} order by k`)).toEqual([
        { k: 'a', v: 1, note: 'x, y' },
        { k: 'b', v: null, note: null },
      ]);
    });

    it('replaces an existing table, and a failing load leaves the old table intact', async () => {
      await adapter.loadCsv(rel('swap'), file('v1.csv', 'id,label\n1,one\n2,two\n'), { columnTypes: {}, delimiter: ',' });
      expect(await adapter.loadCsv(rel('swap'), file('v2.csv', 'id,label\n1,uno\n2,dos\n3,tres\n'), { columnTypes: {}, delimiter: ',' })).toBe(3);
      expect(await rows(`select count(*) as n from ${r('swap')}`)).toEqual([{ n: 3 }]);

      const bad = file('bad.csv', 'id,label\n1,x\nnot-a-number,y\n');
      await expect(adapter.loadCsv(rel('swap'), bad, { columnTypes: { id: 'integer' }, delimiter: ',' })).rejects.toThrow();
      expect(await rows(`select label from ${r('swap')} order by id`)).toEqual([{ label: 'uno' }, { label: 'dos' }, { label: 'tres' }]);
      expect(await adapter.relationKind(rel('swap__strata_tmp'))).toBeUndefined();
    });

    it('replaces a view of the same name', async () => {
      await adapter.createSchema(schema);
      await adapter.withConnection((c) => c.execute(`create view ${r('was_view')} as select 1 as x`));
      await adapter.loadCsv(rel('was_view'), file('wv.csv', 'x\n5\n'), { columnTypes: {}, delimiter: ',' });
      expect(await adapter.relationKind(rel('was_view'))).toBe('table');
      expect(await rows(`select x from ${r('was_view')}`)).toEqual([{ x: 5 }]);
    });

    it('creates the schema when it does not exist', async () => {
      const s = a.uniqueSchema('csvnew');
      await adapter.loadCsv({ schema: s, identifier: 't' }, file('t.csv', 'a\n1\n'), { columnTypes: {}, delimiter: ',' });
      expect(await adapter.relationKind({ schema: s, identifier: 't' })).toBe('table');
    });
  });
}
