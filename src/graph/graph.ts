import { DirectedGraph } from 'graphology';
import { UserError } from '../errors.js';
import type { Manifest, ManifestNode, SourceNode } from '../compiler/types.js';
import { StringMinHeap } from './min-heap.js';
import { findCycle } from './cycle.js';

/** A node or a source: anything that can sit in the DAG. */
export type GraphMember = ManifestNode | SourceNode;

/**
 * The project DAG: nodes and sources of a manifest, edges parent → child
 * (from `depends_on.nodes`). Derived orders are computed once per instance.
 */
export class ProjectGraph {
  /** The underlying graphology graph; node keys are unique_ids. */
  readonly graph: DirectedGraph;
  private readonly members: Map<string, GraphMember>;
  private order?: string[];
  private levels?: Map<string, number>;

  private constructor(graph: DirectedGraph, members: Map<string, GraphMember>) {
    this.graph = graph;
    this.members = members;
  }

  /** Build the graph of every node and source. Dependencies on unknown ids are ignored (the compiler reports them). */
  static fromManifest(manifest: Manifest): ProjectGraph {
    const graph = new DirectedGraph();
    const members = new Map<string, GraphMember>();
    // Insert in id order so neighbour lists, and everything derived, are deterministic.
    const all: GraphMember[] = [...Object.values(manifest.sources), ...Object.values(manifest.nodes)];
    all.sort((a, b) => (a.unique_id < b.unique_id ? -1 : a.unique_id > b.unique_id ? 1 : 0));
    for (const m of all) {
      graph.addNode(m.unique_id);
      members.set(m.unique_id, m);
    }
    for (const m of all) {
      if (m.resource_type === 'source') continue;
      const deps = [...new Set((m as ManifestNode).depends_on.nodes)].sort();
      // A self-ref is kept as a loop so assertAcyclic reports it as a cycle of one.
      for (const dep of deps) if (members.has(dep)) graph.addDirectedEdge(dep, m.unique_id);
    }
    return new ProjectGraph(graph, members);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  get size(): number {
    return this.members.size;
  }

  /** Every id in the graph, sorted. */
  ids(): string[] {
    return [...this.members.keys()];
  }

  /** The manifest entry behind an id. */
  member(id: string): GraphMember | undefined {
    return this.members.get(id);
  }

  /** Direct parents (upstream), sorted by id. */
  parents(id: string): string[] {
    return this.graph.inNeighbors(id);
  }

  /** Direct children (downstream), sorted by id. */
  children(id: string): string[] {
    return this.graph.outNeighbors(id);
  }

  /** All upstream ids of one or more starts (starts excluded unless reachable), at most `depth` hops away. */
  ancestors(start: string | Iterable<string>, depth?: number): Set<string> {
    return this.walk(start, depth, (id) => this.graph.inNeighbors(id));
  }

  /** All downstream ids of one or more starts, at most `depth` hops away. */
  descendants(start: string | Iterable<string>, depth?: number): Set<string> {
    return this.walk(start, depth, (id) => this.graph.outNeighbors(id));
  }

  /** Multi-source BFS, one visited set: linear in the edges reached. */
  private walk(start: string | Iterable<string>, depth: number | undefined, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = (typeof start === 'string' ? [start] : [...start]).filter((id) => this.members.has(id));
    const starts = new Set(frontier);
    for (let hop = 0; frontier.length > 0 && (depth === undefined || hop < depth); hop++) {
      const nextFrontier: string[] = [];
      for (const id of frontier) {
        for (const n of next(id)) {
          if (seen.has(n)) continue;
          seen.add(n);
          // A start reached again is only in the result through a cycle; no need to expand it twice.
          if (!starts.has(n)) nextFrontier.push(n);
        }
      }
      frontier = nextFrontier;
    }
    return seen;
  }

  /**
   * Ids in dependency order (Kahn's algorithm, ties broken by unique_id), optionally
   * restricted to `ids`: the full order filtered, so indirect dependencies still order them.
   */
  topoOrder(ids?: Set<string>): string[] {
    const order = this.fullOrder();
    return ids ? order.filter((id) => ids.has(id)) : [...order];
  }

  /**
   * Generations: nodes grouped by their longest distance from a root (raw → staging → marts ...),
   * each group sorted by id. With `ids`, only those nodes are kept (empty groups dropped).
   */
  layers(ids?: Set<string>): string[][] {
    const levels = this.levelMap();
    const out: string[][] = [];
    for (const id of this.fullOrder()) {
      if (ids && !ids.has(id)) continue;
      const level = levels.get(id)!;
      (out[level] ??= []).push(id);
    }
    return out.filter((layer) => layer !== undefined).map((layer) => layer.sort());
  }

  /** Throw a UserError naming the nodes of one actual cycle, in order, if the graph has one. */
  assertAcyclic(): void {
    const cycle = this.findCycle();
    if (!cycle) return;
    const first = this.members.get(cycle[0]!)!;
    const next = this.members.get(cycle[1]!)!;
    const names = cycle.map((id) => this.members.get(id)!.name);
    const ref = 'refs' in first ? first.refs.find((r) => r.name === next.name) : undefined;
    throw new UserError(`dependency cycle: ${names.join(' → ')}`, {
      file: first.original_file_path,
      line: ref?.line,
      hint: 'remove one of these refs',
    });
  }

  /** One cycle as ids [a, b, ..., a], rotated to start at its smallest id; undefined if acyclic. */
  findCycle(): string[] | undefined {
    return findCycle(this.graph, this.members.keys());
  }

  private fullOrder(): string[] {
    if (this.order) return this.order;
    const indegree = new Map<string, number>();
    const ready = new StringMinHeap();
    for (const id of this.members.keys()) {
      const d = this.graph.inDegree(id);
      indegree.set(id, d);
      if (d === 0) ready.push(id);
    }
    const order: string[] = [];
    for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
      order.push(id);
      for (const kid of this.graph.outNeighbors(id)) {
        const d = indegree.get(kid)! - 1;
        indegree.set(kid, d);
        if (d === 0) ready.push(kid);
      }
    }
    if (order.length < this.members.size) this.assertAcyclic();
    this.order = order;
    return order;
  }

  private levelMap(): Map<string, number> {
    if (this.levels) return this.levels;
    const levels = new Map<string, number>();
    for (const id of this.fullOrder()) {
      let level = 0;
      for (const p of this.graph.inNeighbors(id)) level = Math.max(level, levels.get(p)! + 1);
      levels.set(id, level);
    }
    this.levels = levels;
    return levels;
  }
}
