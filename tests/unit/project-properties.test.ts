import { describe, expect, it } from 'vitest';
import { UserError, formatLocation } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';

const project = writeProject;
async function loadError(projectDir: string): Promise<UserError> {
  try {
    await loadProject({ projectDir, env: {} });
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected loadProject to throw');
}

const schemaYml = `version: 2
models:
  - name: stg_orders
    description: Cleaned orders
    config:
      materialized: table
      tags: [daily]
    meta: {owner: data}
    access: public
    data_tests:
      - dbt_utils.unique_combination_of_columns:
          combination_of_columns: [order_id, line]
    columns:
      - name: order_id
        description: The order
        data_type: integer
        tags: pii
        data_tests:
          - not_null
          - unique:
              config: {severity: warn}
        tests:
          - accepted_values:
              values: [1, 2]
          - relationships:
              arguments:
                to: ref('customers')
                field: id
              config: {where: "id > 0"}
          - test_name: expression_is_true
            expression: "order_id > 0"
      - name: amount
        constraints: [{type: not_null}]
seeds:
  - name: raw_orders
    config:
      column_types: {id: integer}
unit_tests:
  - name: test_dedupe
    model: stg_orders
    given: []
    expect: {rows: []}
exposures:
  - name: dashboard
    type: dashboard
`;

describe('properties YAML', () => {
  it('reads models, seeds, columns and tests in both spellings', async () => {
    const p = await loadProject({ projectDir: project({ 'models/staging/schema.yml': schemaYml }), env: {} });
    const m = p.properties.models.get('stg_orders')!;
    expect(m).toMatchObject({
      name: 'stg_orders',
      resourceType: 'model',
      description: 'Cleaned orders',
      config: { materialized: 'table', tags: ['daily'] },
      meta: { owner: 'data' },
      extra: { access: 'public' },
      file: 'models/staging/schema.yml',
      line: 3,
    });
    expect(m.tests).toEqual([
      {
        name: 'dbt_utils.unique_combination_of_columns',
        args: { combination_of_columns: ['order_id', 'line'] },
        file: 'models/staging/schema.yml',
        line: 11,
      },
    ]);
    const [orderId, amount] = m.columns;
    expect(orderId).toMatchObject({ name: 'order_id', description: 'The order', data_type: 'integer', tags: ['pii'], line: 14 });
    expect(orderId!.tests.map((t) => [t.name, t.args, t.line])).toEqual([
      ['not_null', {}, 19],
      ['unique', { config: { severity: 'warn' } }, 20],
      ['accepted_values', { values: [1, 2] }, 23],
      ['relationships', { to: "ref('customers')", field: 'id', config: { where: 'id > 0' } }, 25],
      ['expression_is_true', { expression: 'order_id > 0' }, 30],
    ]);
    expect(amount!.extra).toEqual({ constraints: [{ type: 'not_null' }] });
    expect(p.properties.seeds.get('raw_orders')?.config).toEqual({ column_types: { id: 'integer' } });
    expect(p.properties.unitTests).toEqual([
      expect.objectContaining({ name: 'test_dedupe', model: 'stg_orders', file: 'models/staging/schema.yml', line: 39 }),
    ]);
    expect(p.diagnostics).toEqual([]);
  });

  it('reads sources, one entry per table, inheriting from the source', async () => {
    const yml = `version: 2
sources:
  - name: raw
    schema: landing
    loader: fivetran
    loaded_at_field: _loaded_at
    freshness: {warn_after: {count: 12, period: hour}}
    meta: {team: ingest}
    tags: [raw]
    tables:
      - name: orders
        identifier: orders_v2
        event_time: ordered_at
        columns:
          - name: id
            tests: [unique]
      - name: customers
        freshness: null
        tags: [crm]
        config:
          event_time: signed_up_at
  - name: crm
    tables:
      - name: accounts
`;
    const p = await loadProject({ projectDir: project({ 'models/sources.yml': yml }), env: {} });
    expect(p.properties.sources.map((s) => [s.sourceName, s.name, s.schema, s.identifier])).toEqual([
      ['raw', 'orders', 'landing', 'orders_v2'],
      ['raw', 'customers', 'landing', 'customers'],
      ['crm', 'accounts', 'crm', 'accounts'],
    ]);
    const [orders, customers] = p.properties.sources;
    expect(orders).toMatchObject({
      loader: 'fivetran',
      loadedAtField: '_loaded_at',
      freshness: { warn_after: { count: 12, period: 'hour' } },
      eventTime: 'ordered_at',
      meta: { team: 'ingest' },
      tags: ['raw'],
      file: 'models/sources.yml',
      line: 11,
    });
    expect(orders!.columns[0]!.tests.map((t) => t.name)).toEqual(['unique']);
    expect(customers).toMatchObject({ freshness: null, eventTime: 'signed_up_at', tags: ['raw', 'crm'] });
  });

  it('rejects the same model described in two files, naming both', async () => {
    const dir = project({
      'models/a.yml': 'version: 2\nmodels:\n  - name: orders\n',
      'models/b/b.yml': 'version: 2\nmodels:\n  - name: other\n  - name: orders\n',
    });
    const err = await loadError(dir);
    expect(err.message).toBe("model 'orders' is declared twice: in models/a.yml:3 and in models/b/b.yml:4");
    expect([err.file, err.line]).toEqual(['models/b/b.yml', 4]);
  });

  it('rejects duplicate source tables', async () => {
    const dir = project({
      'models/s.yml': 'version: 2\nsources:\n  - name: raw\n    tables: [{name: t}]\n  - name: raw\n    tables: [{name: t}]\n',
    });
    expect((await loadError(dir)).message).toMatch(/source table 'raw\.t' is declared twice/);
  });

  it('reports schema errors with file:line:column and what was expected', async () => {
    const err = await loadError(project({ 'models/x.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - description: no name\n' }));
    expect(err.message).toBe("'models[0].columns[0]' is missing required key 'name'");
    expect([err.file, err.line, err.column]).toEqual(['models/x.yml', 5, 9]);

    const err2 = await loadError(project({ 'models/x.yml': 'version: 2\nmodels:\n  name: a\n' }));
    expect(err2.message).toBe("'models' must be a list or empty, got a mapping");
    expect(err2.line).toBe(3);

    const err3 = await loadError(project({ 'models/x.yml': 'version: 2\nmodels:\n  - name: a\n    data_tests:\n      - accepted_values: [a, b]\n' }));
    expect(err3.message).toBe("arguments of test 'accepted_values' must be a mapping");
    expect(err3.line).toBe(5);
  });

  it('warns about unknown keys and config typos with the closest key', async () => {
    const dir = project({
      'models/x.yml': 'version: 2\nmodels:\n  - name: a\n    config:\n      materialised: table\n      my_team_setting: x\n    colums: []\n',
    });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.diagnostics.map((d) => `${formatLocation(d)}: ${d.message} (${d.hint})`)).toEqual([
      "models/x.yml:5:7: unknown key 'materialised' (did you mean 'materialized'?)",
      "models/x.yml:7:5: unknown key 'colums' (did you mean 'columns'?)",
    ]);
    // custom config keys are kept as written
    expect(p.properties.models.get('a')!.config).toEqual({ materialised: 'table', my_team_setting: 'x' });
  });

  it('reads properties files under seed and test paths and skips empty files', async () => {
    const dir = project({
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: s\n',
      'tests/props.yaml': 'version: 2\nmodels:\n  - name: m\n',
      'models/empty.yml': '',
    });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect([...p.properties.seeds.keys()]).toEqual(['s']);
    expect([...p.properties.models.keys()]).toEqual(['m']);
  });
});
