import type { ListedNode } from '../api/list.js';

/** Lines printed by `strata ls --output name|path|json`. */
export function formatListing(nodes: ListedNode[], format: string): string[] {
  switch (format) {
    case 'path':
      return nodes.map((n) => n.original_file_path);
    case 'json':
      return nodes.map((n) => JSON.stringify(n));
    default:
      return nodes.map((n) => (n.resource_type === 'source' ? `source:${n.name}` : n.fqn.join('.')));
  }
}
