import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { duckdbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { duckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { duckdbTarget } from '../support/manifest-fixture.js';

const open: Adapter[] = [];
const dirs: string[] = [];
async function adapter(path?: string): Promise<Adapter> {
  const a = await duckdbAdapter.create(duckdbTarget(path));
  open.push(a);
  return a;
}
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-duck-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('duckdb dialect', () => {
  it('double-quotes identifiers and escapes embedded quotes', () => {
    expect(duckdbDialect.quoteIdentifier('orders')).toBe('"orders"');
    expect(duckdbDialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(duckdbDialect.quoteString("O'Brien")).toBe("'O''Brien'");
  });

  it('renders schema.name, and the database only when given', () => {
    expect(duckdbDialect.renderRelation({ schema: 'main', identifier: 'a' })).toBe('"main"."a"');
    expect(duckdbDialect.renderRelation({ database: 'db', schema: 's', identifier: 'a' })).toBe('"db"."s"."a"');
    const { renderRelation } = duckdbDialect; // usable detached
    expect(renderRelation({ schema: 's', identifier: 'x' })).toBe('"s"."x"');
  });

  it('names types', () => {
    expect(duckdbDialect.typeName('string')).toBe('varchar');
    expect(duckdbDialect.typeName('float')).toBe('double');
  });

  it('quoted identifiers survive a round trip through the database', async () => {
    const a = await adapter();
    const rel = { schema: 'main', identifier: 'we"ird name' };
    await a.withConnection((c) => c.execute(`create table ${duckdbDialect.renderRelation(rel)} as select 1 as x`));
    expect(await a.relationKind(rel)).toBe('table');
  });
});

describe('duckdb query value conversion', () => {
  it('converts ints, bigints, decimals, timestamps, dates, nulls and strings to JSON-friendly values', async () => {
    const a = await adapter();
    const res = await a.withConnection((c) =>
      c.query(
        `select 42::integer as i, 3::bigint as b, 9007199254740993::bigint as huge, 12.34::decimal(10,2) as d,
                timestamp '2024-01-02 03:04:05' as ts, date '2024-01-02' as dt, null as n, 'x''y' as v,
                [1, 2]::bigint[] as l, count(*) over () as cnt`,
      ),
    );
    expect(res.rows).toEqual([
      {
        i: 42,
        b: 3,
        huge: '9007199254740993',
        d: 12.34,
        ts: '2024-01-02 03:04:05',
        dt: '2024-01-02',
        n: null,
        v: "x'y",
        l: [1, 2],
        cnt: 1,
      },
    ]);
    expect(res.columns.map((c) => c.type)).toEqual(
      expect.arrayContaining(['INTEGER', 'BIGINT', 'DECIMAL(10,2)', 'TIMESTAMP', 'DATE', 'VARCHAR']),
    );
    expect(res.columns[0]).toEqual({ name: 'i', type: 'INTEGER' });
  });
});

describe('duckdb adapter', () => {
  it('pings and reports relation kinds and columns', async () => {
    const a = await adapter();
    expect(await a.ping()).toMatch(/^DuckDB v\d/);
    await a.createSchema('s');
    await a.withConnection(async (c) => {
      await c.execute('create table s.t as select 1::integer as id, \'a\' as name');
      await c.execute('create view s.v as select id from s.t');
    });
    expect(await a.relationKind({ schema: 's', identifier: 't' })).toBe('table');
    expect(await a.relationKind({ schema: 's', identifier: 'v' })).toBe('view');
    expect(await a.relationKind({ schema: 's', identifier: 'nope' })).toBeUndefined();
    expect(await a.columns({ schema: 's', identifier: 't' })).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
    ]);
  });

  it('creates the same schema from many concurrent callers without write-write conflicts', async () => {
    const a = await adapter();
    await Promise.all(Array.from({ length: 8 }, () => a.createSchema('many')));
    expect(
      (await a.withConnection((c) => c.query("select count(*) as n from information_schema.schemata where schema_name = 'many'"))).rows[0]!.n,
    ).toBe(1);
  });

  it('commits a transaction, and rolls it back when the callback throws', async () => {
    const a = await adapter();
    await a.transaction((c) => c.execute('create table kept as select 1 as x'));
    await expect(
      a.transaction(async (c) => {
        await c.execute('create table gone as select 1 as x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await a.relationKind({ schema: 'main', identifier: 'kept' })).toBe('table');
    expect(await a.relationKind({ schema: 'main', identifier: 'gone' })).toBeUndefined();
  });

  it('runs statements on separate connections concurrently', async () => {
    const a = await adapter();
    // Both borrowers hold a connection at the same time: they cannot be the same one.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ids: unknown[] = [];
    const hold = (c: import('../../src/adapters/adapter.js').Connection) =>
      c.query('select 1').then(async () => {
        ids.push(c);
        if (ids.length === 2) release();
        await gate;
      });
    await Promise.all([a.withConnection(hold), a.withConnection(hold)]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('loads a CSV with column_types and a delimiter, replacing the old relation', async () => {
    const a = await adapter();
    const dir = tempDir();
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, 'id;zip;name\n1;01234;ann\n2;98765;bob\n3;00001;cy\n');
    const rel = { schema: 'raw', identifier: 'people' };
    const n = await a.loadCsv(rel, csv, { columnTypes: { zip: 'varchar' }, delimiter: ';' });
    expect(n).toBe(3);
    const cols = await a.columns(rel);
    expect(cols.map((c) => c.name)).toEqual(['id', 'zip', 'name']);
    expect(cols.find((c) => c.name === 'zip')!.type).toBe('VARCHAR');
    const rows = await a.withConnection((c) => c.query('select zip from raw.people order by id'));
    expect(rows.rows.map((r) => r.zip)).toEqual(['01234', '98765', '00001']);

    // Reload with fewer rows; a view in the way is replaced too; no tmp left behind.
    writeFileSync(csv, 'id;zip;name\n7;11111;dee\n');
    expect(await a.loadCsv(rel, csv, { columnTypes: {}, delimiter: ';' })).toBe(1);
    expect(await a.relationKind({ schema: 'raw', identifier: 'people__strata_tmp' })).toBeUndefined();
  });

  it('keeps the old seed table when the CSV cannot be loaded', async () => {
    const a = await adapter();
    const dir = tempDir();
    const csv = join(dir, 's.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const rel = { schema: 'main', identifier: 's' };
    await a.loadCsv(rel, csv, { columnTypes: {}, delimiter: ',' });
    writeFileSync(csv, 'a,b\nnot-a-number,2\n');
    await expect(a.loadCsv(rel, csv, { columnTypes: { a: 'integer' }, delimiter: ',' })).rejects.toThrow();
    const rows = await a.withConnection((c) => c.query('select a, b from main.s'));
    expect(rows.rows).toEqual([{ a: 1, b: 2 }]);
    expect(await a.relationKind({ schema: 'main', identifier: 's__strata_tmp' })).toBeUndefined();
  });

  it('closes a file database so a second adapter instance can reopen it', async () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'dir', 'dev.duckdb');
    const first = await duckdbAdapter.create(duckdbTarget(path));
    await first.createSchema('s');
    await first.withConnection((c) => c.execute('create table s.t as select range as x from range(1000)'));
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(path)).toBe(true);
    const second = await adapter(path);
    const res = await second.withConnection((c) => c.query('select count(*) as n, sum(x) as s from s.t'));
    expect(res.rows[0]).toEqual({ n: 1000, s: 499500 });
    await second.close();

    // Another process can open the file too (no lock or unflushed WAL left behind).
    const script =
      "const { DuckDBInstance } = await import('@duckdb/node-api');" +
      'const i = await DuckDBInstance.create(process.argv[1]); const c = await i.connect();' +
      "const r = await c.runAndReadAll('select count(*)::integer as n from s.t'); console.log(r.getRowObjectsJson()[0].n);";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, path], { cwd: process.cwd() });
    expect(out.toString().trim()).toBe('1000');
  });

  it('cancel() interrupts a running statement', async () => {
    const a = await adapter();
    const running = a.withConnection((c) =>
      c.query('select count(*) from range(100000000000) t1, range(1000) t2 where t1.range % 7 = t2.range'),
    );
    let settled = false;
    const outcome = running.then(
      () => 'finished',
      (e: Error) => e.message,
    ).finally(() => (settled = true));
    // Keep interrupting until the statement notices (it may not have started on the first try).
    while (!settled) {
      await a.cancel();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await outcome).toMatch(/interrupt/i);
  });
});
