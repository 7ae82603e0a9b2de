import { describe, expect, it } from 'vitest';
import { resolveNodeConfig } from '../../src/compiler/config.js';
import { compileFixture, makeProject } from './compiler-fixture.js';

describe('resolveNodeConfig', () => {
  const project = makeProject({
    modelsConfig: {
      '+tags': 'all',
      materialized: 'view',
      demo: {
        '+meta': { owner: 'a', team: 't' },
        staging: {
          materialized: 'table',
          '+tags': ['staging'],
          '+pre-hook': 'select 1',
          inner: { '+schema': 'inner_s', tags: 'deep' },
        },
        marts: { '+materialized': 'incremental', unique_key: 'id' },
      },
    },
    seedsConfig: { demo: { '+column_types': { id: 'integer' }, delimiter: ';' } },
  });

  it('applies folder < nested folder < YAML < inline, tags union, meta merge, hooks accumulate', () => {
    const c = resolveNodeConfig(project, 'model', ['demo', 'staging', 'inner', 'm'], { tags: ['yaml'], meta: { owner: 'b' }, materialized: 'ephemeral', pre_hook: 'select 2' }, { materialized: 'table', tags: 'inline', 'pre-hook': ['select 3'] });
    expect(c.materialized).toBe('table');
    expect(c.tags).toEqual(['all', 'staging', 'deep', 'yaml', 'inline']);
    expect(c.meta).toEqual({ owner: 'b', team: 't' });
    expect(c.pre_hook).toEqual(['select 1', 'select 2', 'select 3']);
    expect(c.schema).toBe('inner_s');
    expect(c.enabled).toBe(true);
  });

  it('most specific folder wins; YAML beats folders', () => {
    expect(resolveNodeConfig(project, 'model', ['demo', 'staging', 'm']).materialized).toBe('table');
    expect(resolveNodeConfig(project, 'model', ['demo', 'other', 'm']).materialized).toBe('view');
    const marts = resolveNodeConfig(project, 'model', ['demo', 'marts', 'm']);
    expect(marts.materialized).toBe('incremental');
    expect(marts.unique_key).toBe('id');
    expect(resolveNodeConfig(project, 'model', ['demo', 'marts', 'm'], { materialized: 'view' }).materialized).toBe('view');
  });

  it('seeds use the seeds tree and their own defaults', () => {
    const c = resolveNodeConfig(project, 'seed', ['demo', 'countries']);
    expect(c.materialized).toBe('seed');
    expect(c.column_types).toEqual({ id: 'integer' });
    expect(c.delimiter).toBe(';');
    expect(c.tags).toEqual([]);
  });

  it('defaults when nothing is configured', () => {
    const c = resolveNodeConfig(makeProject({}), 'model', ['demo', 'm']);
    expect(c).toEqual({ enabled: true, materialized: 'view', tags: [], meta: {}, pre_hook: [], post_hook: [] });
    expect(resolveNodeConfig(makeProject({}), 'test', ['demo', 't']).materialized).toBe('test');
  });
});

describe('config in compiled nodes', () => {
  it('combines project folders, properties YAML and in-file config()', () => {
    const m = compileFixture({
      models: {
        'staging/a.sql': "{{ config(tags=['inline']) }}{{ config(materialized='table') }}select 1",
        'staging/b.sql': 'select 2',
      },
      modelsConfig: { demo: { staging: { '+materialized': 'view', '+schema': 'stg', '+tags': 'staging' } } },
      modelProps: { a: { config: { materialized: 'incremental', tags: ['yaml'] }, description: 'A model' } },
    });
    const a = m.nodes['model.demo.a']!;
    expect(a.config.materialized).toBe('table');
    expect(a.tags).toEqual(['staging', 'yaml', 'inline']);
    expect(a.description).toBe('A model');
    expect(a.patch_path).toBe('models/schema.yml');
    expect(a.relation).toEqual({ schema: 'main_stg', identifier: 'a' });
    expect(a.fqn).toEqual(['demo', 'staging', 'a']);
    const b = m.nodes['model.demo.b']!;
    expect(b.config.materialized).toBe('view');
    expect(b.compiled_code).toBe('select 2');
  });

  it('database is set only when the dialect uses it', async () => {
    const { fixtureDialect } = await import('./compiler-fixture.js');
    const spec = { models: { 'a.sql': "{{ config(database='warehouse') }}select 1", 'b.sql': 'select * from {{ ref("a") }}' }, database: 'dev_db' };
    const withDb = compileFixture(spec, {}, fixtureDialect('postgres', true));
    expect(withDb.nodes['model.demo.a']!.relation).toEqual({ database: 'warehouse', schema: 'main', identifier: 'a' });
    expect(withDb.nodes['model.demo.b']!.compiled_code).toBe('select * from "warehouse"."main"."a"');
    expect(compileFixture(spec).nodes['model.demo.a']!.relation).toEqual({ schema: 'main', identifier: 'a' });
  });
});
