/**
 * The materializations are written against the Adapter interface only; this suite proves
 * the same behaviour on every warehouse in ADAPTERS (DuckDB and PostgreSQL).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import type { ManifestNode } from '../../src/compiler/types.js';
import { executePlan } from '../../src/execution/execute.js';
import { planRun } from '../../src/execution/plan.js';
import { getMaterialization } from '../../src/materializations/index.js';
import { ADAPTERS } from '../support/adapters.js';
import { makeManifest, model, seedNode } from '../support/manifest-fixture.js';
import { writeProject } from '../support/project.js';

for (const ta of ADAPTERS) {
  describe.skipIf(!ta.available())(`materializations on ${ta.name}`, () => {
    let adapter: Adapter;
    let root: string;
    const schema = ta.uniqueSchema('mat');
    beforeAll(async () => {
      adapter = await createAdapter(ta.target());
      root = writeProject({ 'seeds/codes.csv': 'id;code\n1;007\n2;042\n' });
    });
    afterAll(async () => {
      await adapter.withConnection((c) => c.execute(`drop schema if exists ${adapter.dialect.quoteIdentifier(schema)} cascade`));
      await adapter.close();
      rmSync(root, { recursive: true, force: true });
    });

    const at = (f: Parameters<typeof model>[1] = {}) => ({ schema, ...f });
    const build = (node: ManifestNode) =>
      getMaterialization(node.resource_type === 'seed' ? 'seed' : node.config.materialized, node)({
        manifest: makeManifest([node], ta.name),
        adapter,
        projectRoot: root,
        node,
        fullRefresh: false,
      });
    const rel = (identifier: string) => adapter.dialect.renderRelation({ schema, identifier });
    const q = (sql: string) => adapter.withConnection((c) => c.query(sql)).then((r) => r.rows);
    const kind = (identifier: string) => adapter.relationKind({ schema, identifier });

    it('table: a failing rebuild keeps the old table and rows, and leaves no tmp', async () => {
      expect((await build(model('t', at({ materialized: 'table', sql: 'select 1 as a union all select 2' })))).message).toBe(
        'CREATE TABLE (2 rows)',
      );
      await expect(build(model('t', at({ materialized: 'table', sql: 'select no_such_col from (select 1 as a) x' })))).rejects.toThrow(
        /no_such_col/,
      );
      expect(await q(`select count(*) as n from ${rel('t')}`)).toEqual([{ n: 2 }]);
      expect(await kind('t__strata_tmp')).toBeUndefined();
    });

    it('table: the row count comes from the build and matches count(*), also when empty', async () => {
      const sql = 'select a.n * 10 + b.n as x from (select 1 as n union all select 2 union all select 3) a, (select 1 as n union all select 2) b';
      const res = await build(model('cnt', at({ materialized: 'table', sql })));
      expect(res).toMatchObject({ message: 'CREATE TABLE (6 rows)', rowsAffected: 6 });
      expect(await q(`select count(*) as n from ${rel('cnt')}`)).toEqual([{ n: 6 }]);
      const empty = await build(model('cnt', at({ materialized: 'table', sql: 'select 1 as x where 1 = 0' })));
      expect(empty).toMatchObject({ message: 'CREATE TABLE (0 rows)', rowsAffected: 0 });
    });

    it('table: rebuilds a table that a view depends on', async () => {
      await build(model('base', at({ materialized: 'table', sql: 'select 1 as a' })));
      await build(model('dep', at({ sql: `select a from ${rel('base')}` })));
      await build(model('base', at({ materialized: 'table', sql: 'select 5 as a' })));
      expect(await q(`select a from ${rel('base')}`)).toEqual([{ a: 5 }]);
    });

    it('view: a failing replacement keeps the old view; columns may change', async () => {
      await build(model('v', at({ sql: 'select 1 as a' })));
      await expect(build(model('v', at({ sql: 'select * from no_such_table_anywhere' })))).rejects.toThrow();
      expect(await q(`select a from ${rel('v')}`)).toEqual([{ a: 1 }]);
      await build(model('v', at({ sql: "select 'x' as b" })));
      expect(await q(`select b from ${rel('v')}`)).toEqual([{ b: 'x' }]);
    });

    it('switches view ↔ table', async () => {
      await build(model('sw', at({ sql: 'select 1 as a' })));
      await build(model('sw', at({ materialized: 'table', sql: 'select 2 as a' })));
      expect(await kind('sw')).toBe('table');
      await build(model('sw', at({ sql: 'select 3 as a' })));
      expect(await kind('sw')).toBe('view');
      expect(await q(`select a from ${rel('sw')}`)).toEqual([{ a: 3 }]);
    });

    it('seed: column_types and delimiter, INSERT N; hooks run', async () => {
      await adapter.withConnection((c) => c.execute(`create table ${rel('audit')} (who varchar(20))`));
      const node = seedNode('codes', {
        schema,
        config: {
          column_types: { code: 'varchar(10)' },
          delimiter: ';',
          post_hook: [`insert into ${rel('audit')} values ('seed')`],
        },
      });
      expect(await build(node)).toEqual({ message: 'INSERT 2', rowsAffected: 2 });
      expect(await q(`select code from ${rel('codes')} order by id`)).toEqual([{ code: '007' }, { code: '042' }]);
      await build(model('h', at({ materialized: 'table', sql: 'select 1 as a', config: { pre_hook: [`insert into ${rel('audit')} values ('pre')`] } })));
      expect(await q(`select who from ${rel('audit')} order by who`)).toEqual([{ who: 'pre' }, { who: 'seed' }]);
    });

    it('execute: threads, DAG order and skip-downstream', async () => {
      const nodes = [
        model('e_a', at({ materialized: 'table', sql: 'select 1 as a' })),
        model('e_b', at({ sql: `select a + 1 as a from ${rel('e_a')}`, deps: ['e_a'] })),
        model('e_bad', at({ materialized: 'table', sql: 'select broken from (select 1 as a) x' })),
        model('e_after_bad', at({ sql: `select * from ${rel('e_bad')}`, deps: ['e_bad'] })),
      ];
      const manifest = makeManifest(nodes, ta.name);
      const plan = planRun(manifest, nodes.map((n) => n.unique_id));
      const results = await executePlan(plan, { manifest, adapter, projectRoot: root }, { threads: 4, failFast: false, fullRefresh: false });
      expect(results.map((r) => r.status)).toEqual(['success', 'success', 'error', 'skipped']);
      expect(results[3]!.message).toBe('skipped: upstream e_bad failed');
      expect(await q(`select a from ${rel('e_b')}`)).toEqual([{ a: 2 }]);
    });
  });
}
