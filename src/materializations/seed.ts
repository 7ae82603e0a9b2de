/** `seed`: load a CSV with the warehouse's own reader (swapped in atomically by the adapter). */
import { join } from 'node:path';
import type { Materialization } from '../execution/types.js';
import { runHooks } from './sql.js';

export const seed: Materialization = async ({ adapter, node, projectRoot }) => {
  const relation = node.relation;
  await adapter.withConnection((conn) => runHooks(conn, node, 'pre_hook'));
  const rows = await adapter.loadCsv(relation, join(projectRoot, node.original_file_path), {
    columnTypes: node.config.column_types ?? {},
    delimiter: node.config.delimiter ?? ',',
  });
  await adapter.withConnection((conn) => runHooks(conn, node, 'post_hook'));
  return { message: `INSERT ${rows}`, rowsAffected: rows };
};
