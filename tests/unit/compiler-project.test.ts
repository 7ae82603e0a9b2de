import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { compileProject } from '../../src/compiler/compile.js';
import { writeCompiled } from '../../src/compiler/write.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';


describe('compile a project loaded from disk', () => {
  it('loads, compiles with the DuckDB dialect and writes compiled SQL', async () => {
    const dir = writeProject({
      'project.yml': 'name: demo\nprofile: demo\nvars:\n  min_amount: 0\nmodels:\n  demo:\n    marts:\n      +materialized: table\n      +tags: [marts]\n',
      'models/staging/stg_orders.sql': "select * from {{ source('raw', 'orders') }} where amount > {{ var('min_amount') }}",
      'models/staging/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n',
      'models/staging/base.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('stg_orders') }}",
      'models/marts/orders.sql': "-- orders fact\nselect {{ cents('amount') }} from {{ ref('base') }}",
      'models/marts/schema.yml': "version: 2\nmodels:\n  - name: orders\n    description: '{{ doc(\"orders\") }}'\n",
      'models/docs.md': '{% docs orders %}Orders fact.{% enddocs %}',
      'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
    });
    const project = await loadProject({ projectDir: dir, env: {} });
    const manifest = compileProject(project, { dialect: dialectFor(project.target.type), invocationId: 'i', runStartedAt: new Date(0) });
    const orders = manifest.nodes['model.demo.orders']!;
    expect(orders.config.materialized).toBe('table');
    expect(orders.tags).toEqual(['marts']);
    expect(orders.description).toBe('Orders fact.');
    expect(orders.compiled_code).toContain('with __strata_ephemeral__base as (');
    expect(orders.compiled_code).toMatch(/select amount \/ 100 from __strata_ephemeral__base$/);
    expect(manifest.nodes['model.demo.stg_orders']!.compiled_code).toMatch(/from "raw"\."orders" where amount > 0$/);
    expect(manifest.parent_map['model.demo.stg_orders']).toEqual(['source.demo.raw.orders']);
    writeCompiled(manifest, dir, project.config.targetPath);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/marts/orders.sql'), 'utf8')).toBe(orders.compiled_code);
  });
});
