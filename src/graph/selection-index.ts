import type { Manifest } from '../compiler/types.js';
import type { GraphMember, ProjectGraph } from './graph.js';

/**
 * The selectable members of a manifest (enabled nodes and sources) with lookup
 * tables built lazily, once per selection call, so no selector rescans the
 * manifest for a plain name or tag.
 */
export class SelectionIndex {
  readonly manifest: Manifest;
  private readonly graph: ProjectGraph;
  private all?: GraphMember[];
  private names?: Map<string, GraphMember[]>;
  private tags?: Map<string, GraphMember[]>;
  private fqnHeads?: Map<string, GraphMember[]>;

  constructor(manifest: Manifest, graph: ProjectGraph) {
    this.manifest = manifest;
    this.graph = graph;
  }

  /** Every enabled node and source (read on first use: a selection without methods never reads them). */
  get members(): GraphMember[] {
    this.all ??= this.graph
      .ids()
      .filter((id) => this.graph.info(id)!.enabled)
      .map((id) => this.graph.member(id)!);
    return this.all;
  }

  /** Members with this exact name. */
  byName(name: string): GraphMember[] {
    this.names ??= groupBy(this.members, (m) => [m.name]);
    return this.names.get(name) ?? [];
  }

  /** Members carrying this exact tag (node tags and config tags). */
  byTag(tag: string): GraphMember[] {
    this.tags ??= groupBy(this.members, tagsOf);
    return this.tags.get(tag) ?? [];
  }

  /** Every distinct tag in the project. */
  allTags(): string[] {
    this.tags ??= groupBy(this.members, tagsOf);
    return [...this.tags.keys()];
  }

  /** Members whose fqn starts with `head`, with or without the project/package name. */
  byFqnHead(head: string): GraphMember[] {
    this.fqnHeads ??= groupBy(this.members, (m) =>
      m.fqn.length > 1 && m.fqn[0] !== m.fqn[1] ? [m.fqn[0]!, m.fqn[1]!] : m.fqn.slice(0, 1),
    );
    return this.fqnHeads.get(head) ?? [];
  }
}

/** A member's tags: `tags` plus `config.tags`, deduplicated. */
export function tagsOf(m: GraphMember): string[] {
  const fromConfig = (m.config as { tags?: unknown }).tags;
  const extra = Array.isArray(fromConfig) ? fromConfig.filter((t): t is string => typeof t === 'string') : [];
  return extra.length ? [...new Set([...m.tags, ...extra])] : m.tags;
}

/** Group members under each of their keys; `keys` must not repeat a key for one member. */
function groupBy(members: GraphMember[], keys: (m: GraphMember) => string[]): Map<string, GraphMember[]> {
  const out = new Map<string, GraphMember[]>();
  for (const m of members) {
    for (const k of keys(m)) {
      const list = out.get(k);
      if (list) list.push(m);
      else out.set(k, [m]);
    }
  }
  return out;
}
