import type { Manifest } from '../compiler/types.js';
import type { GraphMember, ProjectGraph } from './graph.js';

/** What name, tag and fqn lookups read: a whole member, or a node's summary (compiler/cache-entry.ts). */
export interface NamedMember {
  unique_id: string;
  name: string;
  fqn: string[];
  package_name: string;
  tags: string[];
}

/**
 * The selectable members of a manifest (enabled nodes and sources) with lookup
 * tables built lazily, once per selection call, so no selector rescans the
 * manifest for a plain name or tag.
 */
export class SelectionIndex {
  readonly manifest: Manifest;
  private readonly graph: ProjectGraph;
  private readonly summaries?: () => ReadonlyMap<string, NamedMember>;
  private all?: GraphMember[];
  private named?: NamedMember[];
  private names?: Map<string, NamedMember[]>;
  private tags?: Map<string, NamedMember[]>;
  private fqnHeads?: Map<string, NamedMember[]>;

  /** `summaries` (per node: name, fqn, package, merged tags; read on first lookup) spare reading nodes for name/tag/fqn lookups. */
  constructor(manifest: Manifest, graph: ProjectGraph, summaries?: () => ReadonlyMap<string, NamedMember>) {
    this.manifest = manifest;
    this.graph = graph;
    this.summaries = summaries;
  }

  /** Enabled members as name/tag/fqn lookups see them: summaries where known, else the members. */
  private namedMembers(): NamedMember[] {
    if (this.named) return this.named;
    const summaries = this.summaries?.();
    if (!summaries) return (this.named = this.members);
    this.named = this.graph
      .ids()
      .filter((id) => this.graph.info(id)!.enabled)
      .map((id) => summaries.get(id) ?? this.graph.member(id)!);
    return this.named;
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
  byName(name: string): NamedMember[] {
    this.names ??= groupBy(this.namedMembers(), (m) => [m.name]);
    return this.names.get(name) ?? [];
  }

  /** Members carrying this exact tag (node tags and config tags). */
  byTag(tag: string): NamedMember[] {
    this.tags ??= groupBy(this.namedMembers(), namedTags);
    return this.tags.get(tag) ?? [];
  }

  /** Every distinct tag in the project. */
  allTags(): string[] {
    this.tags ??= groupBy(this.namedMembers(), namedTags);
    return [...this.tags.keys()];
  }

  /** Members whose fqn starts with `head`, with or without the project/package name. */
  byFqnHead(head: string): NamedMember[] {
    this.fqnHeads ??= groupBy(this.namedMembers(), (m) =>
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

/** Tags of a member (merged with config tags) or of a summary (already merged). */
function namedTags(m: NamedMember): string[] {
  return 'config' in m ? tagsOf(m as GraphMember) : m.tags;
}

/** Group members under each of their keys; `keys` must not repeat a key for one member. */
function groupBy<T>(members: T[], keys: (m: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const m of members) {
    for (const k of keys(m)) {
      const list = out.get(k);
      if (list) list.push(m);
      else out.set(k, [m]);
    }
  }
  return out;
}
