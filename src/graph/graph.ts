import type { DirectedGraph } from 'graphology';
import { graphologyModule } from '../util/lazy-deps.js';
import { UserError } from '../errors.js';
import type { Manifest, ManifestNode, ResourceType, SourceNode } from '../compiler/types.js';
import { kahnOrder } from './order.js';
import { findCycle } from './cycle.js';
import { Members } from './members.js';

/** A node or a source: anything that can sit in the DAG. */
export type GraphMember = ManifestNode | SourceNode;

/**
 * What the graph and selection need of a member without reading the member itself: a compile
 * cache hit supplies these from its index, so an unchanged project never parses 40k nodes.
 */
export interface MemberInfo {
  resource_type: ResourceType;
  /** config.enabled !== false. */
  enabled: boolean;
  /** depends_on.nodes as compiled (unsorted, may repeat); [] for sources. */
  depends_on: readonly string[];
  /** The model a unit test (or a data test) is attached to. */
  attached_node?: string;
}

/** The structural info of a manifest entry. */
export function memberInfo(m: GraphMember): MemberInfo {
  if (m.resource_type === 'source') return { resource_type: 'source', enabled: (m.config as { enabled?: unknown }).enabled !== false, depends_on: NONE };
  const info: MemberInfo = { resource_type: m.resource_type, enabled: m.config.enabled !== false, depends_on: m.depends_on.nodes };
  if (m.attached_node !== undefined) info.attached_node = m.attached_node;
  return info;
}

const NONE: readonly string[] = Object.freeze([]);
/**
 * The project DAG: nodes and sources of a manifest, edges parent → child
 * (from `depends_on.nodes`). Derived orders are computed once per instance.
 *
 * Walks run on plain adjacency lists: graphology costs ~4 µs per edge to build,
 * too much for 10,000-model compiles, so its DirectedGraph is built only when asked for.
 * Members are read from the manifest only when asked for (`member`): structure comes from
 * `MemberInfo`, so a lazily loaded manifest stays unparsed.
 */
export class ProjectGraph {
  private directed?: DirectedGraph;
  private levels?: Map<string, number>;
  private sorted?: string[];
  private adjacency?: { parents: Map<string, string[]>; children: Map<string, string[]> };

  private constructor(
    private readonly manifest: Manifest,
    private readonly infos: Members,
    private order?: string[],
  ) {}

  /**
   * Build the graph of every node and source. Dependencies on unknown ids are ignored (the
   * compiler reports them). `nodeInfo` (from a cache index) spares reading `manifest.nodes`;
   * `order`, the topological order `topoOrder()` gave for the same members, spares computing it.
   * Adjacency lists are built on first use, so a run that never walks the graph never pays for them.
   */
  static fromManifest(manifest: Manifest, nodeInfo?: ReadonlyMap<string, MemberInfo>, order?: string[]): ProjectGraph {
    const sources = new Map<string, MemberInfo>();
    for (const s of Object.values(manifest.sources)) sources.set(s.unique_id, memberInfo(s));
    let nodes = nodeInfo;
    if (!nodes) {
      const built = new Map<string, MemberInfo>();
      for (const n of Object.values(manifest.nodes)) built.set(n.unique_id, memberInfo(n));
      nodes = built;
    }
    const infos = new Members(nodes, sources);
    return new ProjectGraph(manifest, infos, order?.length === infos.size ? order : undefined);
  }

  /** Ids in code-unit order (the default sort: like `<`, and much faster than a comparator). */
  private sortedIds(): string[] {
    this.sorted ??= this.infos.ids().sort();
    return this.sorted;
  }

  /** Parent and child lists, sorted by id, built once. */
  private lists(): { parents: Map<string, string[]>; children: Map<string, string[]> } {
    if (this.adjacency) return this.adjacency;
    const parents = new Map<string, string[]>();
    const children = new Map<string, string[]>();
    for (const id of this.sortedIds()) {
      const raw = this.infos.get(id)!.depends_on;
      if (raw.length === 0) continue;
      const deps = raw.length > 1 ? [...new Set(raw)].sort() : raw;
      // A self-ref is kept as a loop so assertAcyclic reports it as a cycle of one.
      for (const dep of deps) {
        if (!this.infos.has(dep)) continue;
        (parents.get(id) ?? parents.set(id, []).get(id)!).push(dep);
        // Members are visited in id order, so children lists come out sorted.
        (children.get(dep) ?? children.set(dep, []).get(dep)!).push(id);
      }
    }
    this.adjacency = { parents, children };
    return this.adjacency;
  }

  /** The graph as a graphology DirectedGraph (node keys are unique_ids), built on first use. */
  get graph(): DirectedGraph {
    if (this.directed) return this.directed;
    const graph = new (graphologyModule().DirectedGraph)();
    for (const id of this.sortedIds()) graph.addNode(id);
    for (const [child, parents] of this.lists().parents) for (const p of parents) graph.addDirectedEdge(p, child);
    this.directed = graph;
    return graph;
  }

  /** Whether the id is a node or source of the graph. */
  has(id: string): boolean {
    return this.infos.has(id);
  }
  /** Number of nodes and sources. */
  get size(): number {
    return this.infos.size;
  }

  /** Every id in the graph, sorted. */
  ids(): string[] {
    return [...this.sortedIds()];
  }

  /** Every id with its info, in no particular order (cheaper than ids() when order does not matter). */
  entries(): IterableIterator<[string, MemberInfo]> {
    return this.infos.entries();
  }

  /** The manifest entry behind an id (read from the manifest: on a lazy manifest this parses the node). */
  member(id: string): GraphMember | undefined {
    if (!this.infos.has(id)) return undefined;
    return this.infos.get(id)!.resource_type === 'source' ? this.manifest.sources[id] : this.manifest.nodes[id];
  }

  /** Type, enabled flag, dependencies and attachment of an id, without reading the member. */
  info(id: string): MemberInfo | undefined {
    return this.infos.get(id);
  }

  /** Direct parents (upstream), sorted by id. */
  parents(id: string): readonly string[] {
    return this.lists().parents.get(id) ?? NONE;
  }

  /** Direct children (downstream), sorted by id. */
  children(id: string): readonly string[] {
    return this.lists().children.get(id) ?? NONE;
  }

  /** All upstream ids of one or more starts (starts excluded unless reachable), at most `depth` hops away. */
  ancestors(start: string | Iterable<string>, depth?: number): Set<string> {
    return this.walk(start, depth, (id) => this.parents(id));
  }

  /** All downstream ids of one or more starts, at most `depth` hops away. */
  descendants(start: string | Iterable<string>, depth?: number): Set<string> {
    return this.walk(start, depth, (id) => this.children(id));
  }

  /** Multi-source BFS, one visited set: linear in the edges reached. */
  private walk(start: string | Iterable<string>, depth: number | undefined, next: (id: string) => readonly string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = (typeof start === 'string' ? [start] : [...start]).filter((id) => this.infos.has(id));
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

  /** Throw a UserError naming the nodes of one actual cycle, in ref order, if the graph has one. */
  assertAcyclic(): void {
    // Edges run parent → child; reversed, each node is followed by the node it refs,
    // so the message reads "b refs c refs d refs b" and the line is b's ref to c.
    const cycle = this.findCycle()?.reverse();
    if (!cycle) return;
    const first = this.member(cycle[0]!)!;
    const next = this.member(cycle[1]!)!;
    const names = cycle.map((id) => this.member(id)!.name);
    const ref = 'refs' in first ? first.refs.find((r) => r.name === next.name) : undefined;
    throw new UserError(`dependency cycle: ${names.join(' → ')}`, {
      file: first.original_file_path,
      line: ref?.line,
      hint: 'remove one of these refs',
    });
  }

  /** One cycle as ids [a, b, ..., a] along edges (parent → child), starting at its smallest id; undefined if acyclic. */
  findCycle(): string[] | undefined {
    return findCycle(this.sortedIds(), (id) => this.children(id));
  }

  private fullOrder(): string[] {
    if (this.order) return this.order;
    const order = kahnOrder(this.sortedIds(), this.infos);
    // Fewer ids than members: the rest sit on or behind a cycle (reported; no order is kept).
    if (order.length < this.infos.size) this.assertAcyclic();
    this.order = order;
    return order;
  }

  private levelMap(): Map<string, number> {
    if (this.levels) return this.levels;
    const levels = new Map<string, number>();
    for (const id of this.fullOrder()) {
      let level = 0;
      for (const p of this.parents(id)) level = Math.max(level, levels.get(p)! + 1);
      levels.set(id, level);
    }
    this.levels = levels;
    return levels;
  }
}
