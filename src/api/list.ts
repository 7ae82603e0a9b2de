import type { ResourceType } from '../compiler/types.js';
import type { SelectionOptions } from './options.js';
import { prepare, selectIds } from './prepare.js';

export interface ListedNode {
  unique_id: string;
  name: string;
  resource_type: ResourceType;
  original_file_path: string;
  fqn: string[];
  materialized?: string;
  tags: string[];
  relation?: string;
  depends_on: string[];
}

export interface ListOptions extends SelectionOptions {
  resourceTypes?: ResourceType[];
}

/** `strata ls`: the selected nodes (and sources, when asked for) in DAG order. */
export async function list(options: ListOptions = {}): Promise<ListedNode[]> {
  const prepared = await prepare(options);
  const types = options.resourceTypes ?? ['model', 'seed', 'snapshot', 'test', 'source'];
  const ids = selectIds(prepared, options, types);
  const { manifest, dialect, graph, facts } = prepared;
  // From the node summaries: a listing of a cached manifest parses no node.
  const summaries = facts.summaries;
  return ids.map((id): ListedNode => {
    const node = summaries.get(id);
    if (node) {
      const info = graph.info(id)!;
      return {
        unique_id: id,
        name: node.name,
        resource_type: info.resource_type,
        original_file_path: node.original_file_path,
        fqn: node.fqn,
        materialized: node.materialized,
        tags: node.tags,
        relation: node.materialized === 'ephemeral' ? undefined : (node.relation_name ?? undefined),
        depends_on: [...info.depends_on],
      };
    }
    const src = manifest.sources[id]!;
    return {
      unique_id: id,
      name: `${src.source_name}.${src.name}`,
      resource_type: 'source',
      original_file_path: src.original_file_path,
      fqn: src.fqn,
      tags: src.tags,
      relation: dialect.renderRelation(src.relation),
      depends_on: [],
    };
  });
}
