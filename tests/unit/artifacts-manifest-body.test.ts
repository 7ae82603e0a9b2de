/** manifest.json written in pieces equals the whole artifact, and its nodes give back the in-memory nodes exactly. */
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { manifestArtifact, manifestMiddle, manifestPrefix, nodeArtifact, nodeFromArtifact, writeManifestBody } from '../../src/artifacts/manifest.js';
import { compileProject } from '../../src/compiler/compile.js';
import type { Manifest } from '../../src/compiler/types.js';
import { loadProject } from '../../src/project/load.js';
import { writeProject } from '../support/project.js';

const FILES = {
  'models/orders.sql': "select 1 as id, 'a''b' as note -- é ünïcode",
  'models/eph.sql': "{{ config(materialized='ephemeral', alias='e2') }} select * from {{ ref('orders') }}",
  'models/big.sql': "{{ config(materialized='table', schema='marts', tags=['x']) }}\nselect o.id from {{ ref('eph') }} o join {{ source('raw', 'customers') }} c on c.id = o.id",
  'models/props.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: customers
models:
  - name: big
    description: "Big {{ '{{' }} model"
    columns:
      - name: id
        data_tests: [unique, not_null, {accepted_range: {min_value: 0, where: "id > 0"}}]
unit_tests:
  - name: t1
    model: big
    given:
      - input: ref('eph')
        rows: [{id: 1}]
      - input: source('raw', 'customers')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
`,
  'tests/singular.sql': "select * from {{ ref('big') }} where id < 0",
};

async function compiled(type: 'duckdb' | 'postgres'): Promise<{ manifest: Manifest; dialect: ReturnType<typeof dialectFor> }> {
  const dir = writeProject(FILES);
  const project = await loadProject({ projectDir: dir });
  const dialect = dialectFor(type, 'profiles.yml');
  return { manifest: compileProject(project, { dialect, invocationId: 'inv-1', runStartedAt: new Date(0) }), dialect };
}

describe('manifest.json in pieces', () => {
  for (const type of ['duckdb', 'postgres'] as const) {
    it(`prefix + streamed body = the whole artifact, with byte ranges that find each node (${type})`, async () => {
      const { manifest, dialect } = await compiled(type);
      const pieces: string[] = [];
      const ranges = writeManifestBody((t) => (pieces.push(t), Buffer.byteLength(t)), manifest, dialect);
      const body = Buffer.from(pieces.join(''));
      const whole = JSON.stringify(manifestArtifact(manifest, dialect, 'inv-1', new Date(0)));
      expect(manifestPrefix(manifest, 'inv-1', new Date(0)) + body.toString('utf8')).toBe(`${whole}\n`);
      expect(ranges.size).toBe(body.length);
      const ids = Object.keys(manifest.nodes);
      expect(ranges.nodes.length).toBe(2 * ids.length);
      ids.forEach((id, i) => {
        const [at, length] = [ranges.nodes[2 * i]!, ranges.nodes[2 * i + 1]!];
        expect(JSON.parse(body.toString('utf8', at, at + length))).toEqual(JSON.parse(JSON.stringify(nodeArtifact(manifest.nodes[id]!, dialect))));
      });
      const slice = ([at, length]: [number, number]) => JSON.parse(body.toString('utf8', at, at + length)) as unknown;
      expect(slice(ranges.parent_map)).toEqual(manifest.parent_map);
      expect(slice(ranges.child_map)).toEqual(manifest.child_map);
      // The middle part (sources, macros, docs) is what a cache patch rewrites when macros change.
      const [at, length] = ranges.middle;
      expect(body.toString('utf8', at, at + length)).toBe(manifestMiddle(manifest, dialect));
      expect(at).toBe(ranges.nodes[ranges.nodes.length - 2]! + ranges.nodes[ranges.nodes.length - 1]!);
      expect(at + length).toBe(ranges.parent_map[0]);
    });
  }

  it('every kind of node (model, ephemeral model, data test, singular test, unit test) comes back exactly', async () => {
    const { manifest, dialect } = await compiled('duckdb');
    const kinds = new Set(Object.values(manifest.nodes).map((n) => n.resource_type));
    expect([...kinds].sort()).toEqual(['model', 'test', 'unit_test']);
    for (const node of Object.values(manifest.nodes)) {
      const back = nodeFromArtifact(JSON.parse(JSON.stringify(nodeArtifact(node, dialect))) as Record<string, unknown>, Object.keys(node));
      expect(JSON.stringify(back), node.unique_id).toBe(JSON.stringify(node));
    }
    // dbt's test fields are in manifest.json too.
    const test = Object.values(manifest.nodes).find((n) => n.test_metadata?.name === 'accepted_range')!;
    const artifact = nodeArtifact(test, dialect);
    expect(artifact.test_metadata).toEqual(test.test_metadata);
    expect(artifact.column_name).toBe('id');
    expect(artifact.attached_node).toBe('model.demo.big');
  });
});
