import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { duckdbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import type { ManifestNode } from '../../src/compiler/types.js';
import { UserError } from '../../src/errors.js';
import { getMaterialization } from '../../src/materializations/index.js';
import { duckdbTarget, makeManifest, model, seedNode } from '../support/manifest-fixture.js';
import { writeProject } from '../support/project.js';

let adapter: Adapter;
let root: string;
beforeEach(async () => {
  adapter = await duckdbAdapter.create(duckdbTarget());
  root = writeProject({
    'seeds/people.csv': 'id|zip|name\n1|01234|ann\n2|98765|bob\n',
    'seeds/plain.csv': 'a,b\n1,x\n2,y\n3,z\n',
  });
});
afterEach(async () => {
  await adapter.close();
  rmSync(root, { recursive: true, force: true });
});

function build(node: ManifestNode) {
  const manifest = makeManifest([node]);
  return getMaterialization(node.resource_type === 'seed' ? 'seed' : node.config.materialized, node)({
    manifest,
    adapter,
    projectRoot: root,
    node,
    fullRefresh: false,
  });
}
const q = (sql: string) => adapter.withConnection((c) => c.query(sql)).then((r) => r.rows);
const kind = (schema: string, identifier: string) => adapter.relationKind({ schema, identifier });

describe('table materialization', () => {
  it('creates the schema and the table, and reports the row count', async () => {
    const res = await build(model('t', { materialized: 'table', schema: 'marts', sql: 'select * from range(5) r(x)' }));
    expect(res).toEqual({ message: 'CREATE TABLE (5 rows)', rowsAffected: 5 });
    expect(await kind('marts', 't')).toBe('table');
    expect(await q('select sum(x) as s from marts.t')).toEqual([{ s: 10 }]);
  });

  it('accepts SQL ending with a semicolon or a line comment', async () => {
    await build(model('t', { materialized: 'table', sql: 'select 1 as x;\n' }));
    await build(model('t', { materialized: 'table', sql: 'select 2 as x -- trailing comment' }));
    expect(await q('select x from main.t')).toEqual([{ x: 2 }]);
  });

  it('ATOMIC SWAP: a failing rebuild leaves the old table and its rows, and no tmp relation', async () => {
    await build(model('t', { materialized: 'table', sql: 'select * from range(3) r(x)' }));
    await expect(
      build(model('t', { materialized: 'table', sql: 'select no_such_column from range(3)' })),
    ).rejects.toThrow(/no_such_column/);
    expect(await q('select count(*) as n from main.t')).toEqual([{ n: 3 }]);
    expect(await kind('main', 't__strata_tmp')).toBeUndefined();
  });

  it('ATOMIC SWAP: a rebuild failing at run time (not bind time) also keeps the old table', async () => {
    await build(model('t', { materialized: 'table', sql: "select 'ok' as v" }));
    await expect(
      build(model('t', { materialized: 'table', sql: "select cast('not a number' as integer) as v" })),
    ).rejects.toThrow(/Conversion/i);
    expect(await q('select v from main.t')).toEqual([{ v: 'ok' }]);
    expect(await kind('main', 't__strata_tmp')).toBeUndefined();
  });

  it('replaces a table whose columns changed', async () => {
    await build(model('t', { materialized: 'table', sql: 'select 1 as a' }));
    await build(model('t', { materialized: 'table', sql: "select 'x' as b, 2 as c" }));
    expect((await adapter.columns({ schema: 'main', identifier: 't' })).map((c) => c.name)).toEqual(['b', 'c']);
  });

  it('removes a leftover tmp relation from a crashed run before building', async () => {
    await adapter.withConnection((c) => c.execute('create table main.t__strata_tmp as select 99 as junk'));
    await build(model('t', { materialized: 'table', sql: 'select 1 as a' }));
    expect(await kind('main', 't__strata_tmp')).toBeUndefined();
    expect(await q('select a from main.t')).toEqual([{ a: 1 }]);
  });
});

describe('view materialization', () => {
  it('creates and replaces a view', async () => {
    expect(await build(model('v', { sql: 'select 1 as a' }))).toEqual({ message: 'CREATE VIEW' });
    await build(model('v', { sql: "select 'changed' as b" }));
    expect(await kind('main', 'v')).toBe('view');
    expect(await q('select * from main.v')).toEqual([{ b: 'changed' }]);
  });

  it('a failing view leaves the old view intact', async () => {
    await build(model('v', { sql: 'select 1 as a' }));
    await expect(build(model('v', { sql: 'select * from missing_table' }))).rejects.toThrow(/missing_table/);
    expect(await kind('main', 'v')).toBe('view');
    expect(await q('select * from main.v')).toEqual([{ a: 1 }]);
  });

  it('switches view → table → view', async () => {
    await build(model('m', { sql: 'select 1 as a' }));
    expect(await kind('main', 'm')).toBe('view');
    await build(model('m', { materialized: 'table', sql: 'select 2 as a' }));
    expect(await kind('main', 'm')).toBe('table');
    expect(await q('select a from main.m')).toEqual([{ a: 2 }]);
    await build(model('m', { sql: 'select 3 as a' }));
    expect(await kind('main', 'm')).toBe('view');
    expect(await q('select a from main.m')).toEqual([{ a: 3 }]);
  });

  it('a failing view replacing a table keeps the table', async () => {
    await build(model('m', { materialized: 'table', sql: 'select 2 as a' }));
    await expect(build(model('m', { sql: 'select nope' }))).rejects.toThrow();
    expect(await kind('main', 'm')).toBe('table');
    expect(await q('select a from main.m')).toEqual([{ a: 2 }]);
  });
});

describe('ephemeral materialization', () => {
  it('builds nothing', async () => {
    expect(await build(model('e', { materialized: 'ephemeral', sql: 'select 1' }))).toEqual({ message: 'EPHEMERAL' });
    expect(await kind('main', 'e')).toBeUndefined();
  });
});

describe('seed materialization', () => {
  it('loads the CSV with column_types and delimiter and reports INSERT N', async () => {
    const node = seedNode('people', { schema: 'raw', config: { column_types: { zip: 'varchar' }, delimiter: '|' } });
    expect(await build(node)).toEqual({ message: 'INSERT 2', rowsAffected: 2 });
    expect(await q('select id, zip, name from raw.people order by id')).toEqual([
      { id: 1, zip: '01234', name: 'ann' },
      { id: 2, zip: '98765', name: 'bob' },
    ]);
  });

  it('defaults to a comma delimiter and inferred types', async () => {
    expect((await build(seedNode('plain'))).rowsAffected).toBe(3);
    const cols = await adapter.columns({ schema: 'main', identifier: 'plain' });
    expect(cols).toEqual([
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'VARCHAR' },
    ]);
  });
});

describe('hooks', () => {
  it('runs pre_hook before and post_hook after the build', async () => {
    await adapter.withConnection((c) => c.execute('create table main.audit (step varchar, n integer)'));
    const node = model('t', {
      materialized: 'table',
      sql: 'select 1 as a union all select 2',
      config: {
        pre_hook: ["insert into main.audit select 'pre', (select count(*) from information_schema.tables where table_name = 't')"],
        post_hook: ["insert into main.audit select 'post', (select count(*) from main.t)"],
      },
    });
    await build(node);
    expect(await q('select step, n from main.audit order by step desc')).toEqual([
      { step: 'pre', n: 0 },
      { step: 'post', n: 2 },
    ]);
  });

  it('runs hooks on views and seeds too', async () => {
    await adapter.withConnection((c) => c.execute('create table main.audit (who varchar)'));
    await build(model('v', { sql: 'select 1 as a', config: { post_hook: ["insert into main.audit values ('view')"] } }));
    await build(seedNode('plain', { config: { pre_hook: ["insert into main.audit values ('seed')"] } }));
    expect(await q('select who from main.audit order by who')).toEqual([{ who: 'seed' }, { who: 'view' }]);
  });
});

describe('materialization table', () => {
  it('an unknown materialization is a UserError naming the model file and the known ones', () => {
    const node = model('m', { materialized: 'tabel', sql: "{{ config(materialized='tabel') }}\nselect 1" });
    let err: unknown;
    try {
      getMaterialization('tabel', node);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const u = err as UserError;
    expect(u.file).toBe('models/m.sql');
    expect(u.line).toBe(1);
    expect(u.message).toContain("'tabel'");
    expect(u.hint).toContain("did you mean 'table'");
    expect(u.hint).toContain('view, table, ephemeral');
  });
});
