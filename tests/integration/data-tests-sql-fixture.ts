/** Shared by the data-tests SQL suites: a table with nulls, duplicates, out-of-range and tricky values. */
import type { Adapter } from '../../src/adapters/adapter.js';
import type { TestDeclaration } from '../../src/project/types.js';

/** The value a test must treat as a value, never as SQL. */
export const TRICKY = "it's; drop table items --";

/** Create `items` and `parents` in `schema`. */
export async function createItems(adapter: Adapter, schema: string): Promise<void> {
  const q = (s: string) => adapter.dialect.quoteString(s);
  const r = (t: string) => adapter.dialect.renderRelation({ schema, identifier: t });
  await adapter.withConnection(async (c) => {
    await c.execute(`create table ${r('items')} (id integer, status varchar(100), amount integer, ts timestamp, code varchar(10), parent_id integer)`);
    await c.execute(
      `insert into ${r('items')} values
        (1, 'a', 5, timestamp '2020-01-01 00:00:00', 'x', 10),
        (2, 'b', 50, timestamp '2020-01-02 00:00:00', 'x', 20),
        (2, null, -1, null, 'y', null),
        (3, ${q(TRICKY)}, 100, timestamp '2999-01-01 00:00:00', null, 99),
        (null, 'c', 10, timestamp '2021-01-01 00:00:00', 'x', 10),
        (4, 'A', 0, timestamp '2022-01-01 00:00:00', 'z', 30)`,
    );
    await c.execute(`create table ${r('parents')} (id integer, name varchar(20))`);
    await c.execute(`insert into ${r('parents')} values (10, 'p10'), (20, 'p20'), (30, 'p30')`);
  });
}

/** A YAML declaration at models/schema.yml:line. */
export function decl(name: string, args: Record<string, unknown> = {}, line = 5): TestDeclaration {
  return { name, args, file: 'models/schema.yml', line };
}

/** count(*) of a test's failing-rows query. */
export async function failures(adapter: Adapter, sql: string): Promise<number> {
  const res = await adapter.withConnection((c) => c.query(`select count(*) as n from (${sql}) as failing`));
  return Number(res.rows[0]!.n);
}
