import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { compileProject } from '../../src/compiler/compile.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';


async function compileDir(files: Record<string, string>) {
  const dir = writeProject(files);
  const project = await loadProject({ projectDir: dir, env: {} });
  return compileProject(project, { dialect: dialectFor(project.target.type), invocationId: 'i', runStartedAt: new Date(0) });
}

describe('data tests from a project on disk', () => {
  it('reads data_tests:/tests: in YAML, project.yml data_tests: config and singular tests', async () => {
    const m = await compileDir({
      'project.yml': 'name: demo\nprofile: demo\ndata_tests:\n  demo:\n    staging:\n      +severity: warn\n',
      'models/staging/stg_orders.sql': 'select 1 as id',
      'models/staging/schema.yml':
        'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: id\n        data_tests:\n          - not_null\n          - accepted_values:\n              arguments:\n                values: [1, 2]\n              config:\n                where: "id > 0"\n        tests:\n          - unique\n',
      'tests/assert_positive.sql': "{{ config(severity='warn', tags=['sing']) }}\nselect * from {{ ref('stg_orders') }} where id < 0;\n",
      'macros/not_null.sql': '{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} is null -- custom{% endtest %}',
    });
    const nn = m.nodes['test.demo.not_null_stg_orders_id']!;
    expect(nn).toMatchObject({ original_file_path: 'models/staging/schema.yml', line: 7, fqn: ['demo', 'staging', 'not_null_stg_orders_id'] });
    expect(nn.config.severity).toBe('warn');
    // A project's {% test not_null %} overrides the built-in, and is not batched.
    expect(nn.compiled_code).toContain('-- custom');
    expect(nn.batch_predicate).toBeUndefined();
    const av = m.nodes['test.demo.accepted_values_stg_orders_id__1__2']!;
    expect(av.config.where).toBe('id > 0');
    expect(av.line).toBe(8);
    expect(m.nodes['test.demo.unique_stg_orders_id']).toBeDefined();
    const sing = m.nodes['test.demo.assert_positive']!;
    expect(sing.config).toMatchObject({ severity: 'warn', tags: ['sing'] });
    expect(sing.compiled_code).toBe('select * from "main"."stg_orders" where id < 0');
    expect(sing.fqn).toEqual(['demo', 'assert_positive']);
  });

  it('points at the YAML line of an unknown test', async () => {
    await expect(
      compileDir({
        'models/m.sql': 'select 1 as id',
        'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - uniqe\n',
      }),
    ).rejects.toMatchObject({ file: 'models/schema.yml', line: 7, hint: expect.stringContaining('unique') });
  });
});
