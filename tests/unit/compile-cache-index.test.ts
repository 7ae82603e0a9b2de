/** The cache index rows collected while the body is written equal the facts of the in-memory manifest. */
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/api/prepare.js';
import { nodeFacts } from '../../src/compiler/node-facts.js';
import { writeProject } from '../support/project.js';

const FILES = {
  'models/a.sql': "{{ config(tags=['x'], schema='s1') }} select 1 as id from {{ ref('raw') }}",
  'models/b.sql': "{{ config(materialized='ephemeral') }} select id from {{ ref('a') }}",
  'models/c.sql': "{{ config(materialized='table', tags=['y', 'x']) }} select * from {{ ref('b') }}",
  'models/d.sql': 'select 2 as id',
  'models/schema.yml': `version: 2
models:
  - name: a
    description: described
    tags: [z]
    columns:
      - name: id
        data_tests: [unique, {not_null: {config: {tags: [t1]}}}]
  - name: c
    data_tests:
      - accepted_rows: {}
unit_tests:
  - name: u1
    model: c
    given:
      - input: ref('b')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
`,
  'macros/rows.sql': '{% test accepted_rows(model) %}select * from {{ model }} where 1 = 0{% endtest %}',
  'seeds/raw.csv': 'id\n1\n',
  'tests/singular.sql': "select * from {{ ref('d') }} where id < 0",
};

describe('compile cache index', () => {
  it('a hit reads the graph info, compiled files, summaries and key orders a fresh compile has', async () => {
    const dir = writeProject(FILES);
    const options = { projectDir: dir, env: {}, invocationId: 'inv', runStartedAt: new Date(0) };
    const miss = await prepare(options);
    const fresh = nodeFacts(miss.manifest, miss.dialect);
    const hit = await prepare(options);
    expect(hit.entryId).toBe(miss.entryId);
    const types = new Set([...fresh.info.values()].map((i) => i.resource_type));
    expect([...types].sort()).toEqual(['model', 'seed', 'test', 'unit_test']);
    expect([...hit.facts.info]).toEqual([...fresh.info]);
    expect([...hit.facts.compiled]).toEqual([...fresh.compiled]);
    expect([...hit.facts.summaries]).toEqual([...fresh.summaries]);
    // An ephemeral model has no relation; a test's is where its failures are stored.
    expect(hit.facts.summaries.get('model.demo.b')!.relation_name).toBeNull();
    expect(hit.facts.summaries.get('model.demo.a')!.relation_name).toBe('"main_s1"."a"');
    expect(hit.facts.summaries.get('model.demo.c')!.tags).toEqual(['y', 'x']);
    expect(hit.facts.order).toEqual(miss.facts.order);
    // Each node comes back with its own key order (nodes with and without patch_path, tests, unit tests).
    for (const [id, node] of Object.entries(miss.manifest.nodes)) {
      expect(Object.keys(hit.manifest.nodes[id]!), id).toEqual(Object.keys(node));
    }
  });
});
