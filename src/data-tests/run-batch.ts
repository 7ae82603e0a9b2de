/**
 * One scan per model: the batchable tests of one relation selected in a run are counted by ONE
 * aggregate query; the first of them to run issues it, the others await the same promise.
 */
import type { Adapter, Dialect } from '../adapters/adapter.js';
import type { Manifest, ManifestNode, Relation } from '../compiler/types.js';

/** Builds the aggregate query: one count column (alias) per test. Part of data-tests/batch.ts. */
export type BatchQueryBuilder = (
  dialect: Dialect,
  relationSql: string,
  tests: ManifestNode[],
) => { sql: string; aliases: Map<string, string> };

/** A test whose failing rows the batch query can count: it says how, and reads one relation. */
export function isBatchable(node: ManifestNode): boolean {
  const predicate = (node as { batch_predicate?: unknown }).batch_predicate;
  return (
    typeof predicate === 'string' &&
    predicate.trim() !== '' &&
    node.attached_node !== undefined &&
    node.depends_on.nodes.length <= 1
  );
}

/** The relation a test is attached to, when it is a built model/seed or a source. */
function attachedRelation(manifest: Manifest, id: string): Relation | undefined {
  const node = manifest.nodes[id];
  if (node) return node.config.materialized === 'ephemeral' ? undefined : node.relation;
  return manifest.sources[id]?.relation;
}

/** Per-run cache of batch counts, keyed by the attached node. */
export class BatchCounts {
  private readonly groups = new Map<string, ManifestNode[]>();
  private readonly pending = new Map<string, Promise<Map<string, number> | undefined>>();

  /** `tests`: the test nodes planned in this run; groups of two or more per relation are batched. */
  constructor(
    private readonly manifest: Manifest,
    tests: Iterable<ManifestNode>,
    private readonly build: BatchQueryBuilder,
  ) {
    for (const test of tests) {
      if (!isBatchable(test) || !attachedRelation(manifest, test.attached_node!)) continue;
      const group = this.groups.get(test.attached_node!);
      if (group) group.push(test);
      else this.groups.set(test.attached_node!, [test]);
    }
    for (const [id, group] of this.groups) if (group.length < 2) this.groups.delete(id);
  }

  /** Number of tests counted by batch queries in this run (for diagnostics and tests). */
  get batchedTests(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.length;
    return n;
  }

  /**
   * The failing-row count of `test` from its relation's batch query, or undefined when the
   * test is not batched (or the batch query failed: each test then runs alone, so one broken
   * test cannot turn its siblings into errors).
   */
  async count(adapter: Adapter, test: ManifestNode): Promise<number | undefined> {
    const attached = test.attached_node;
    if (attached === undefined || !this.groups.get(attached)?.includes(test)) return undefined;
    let counts = this.pending.get(attached);
    if (!counts) {
      counts = this.run(adapter, attached).catch(() => undefined);
      this.pending.set(attached, counts);
    }
    const value = (await counts)?.get(test.unique_id);
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  private async run(adapter: Adapter, attached: string): Promise<Map<string, number>> {
    const tests = this.groups.get(attached)!;
    const relation = attachedRelation(this.manifest, attached)!;
    const { sql, aliases } = this.build(adapter.dialect, adapter.dialect.renderRelation(relation), tests);
    const res = await adapter.withConnection((conn) => conn.query(sql));
    const row = res.rows[0] ?? {};
    const out = new Map<string, number>();
    // A sum over no rows is null (0 failures); a missing column means "count this test alone".
    for (const [testId, alias] of aliases) out.set(testId, alias in row ? Number(row[alias] ?? 0) : Number.NaN);
    return out;
  }
}
