/** Collecting the nodes of a project (models, seeds, sources) before rendering. */
import type { Dialect } from '../adapters/adapter.js';
import { UserError } from '../errors.js';
import type { ColumnProperty, Project, ProjectFile, PropertyEntry, SourceTable } from '../project/types.js';
import { mergeRawConfig } from './config.js';
import type { ColumnInfo, Relation, SourceNode } from './types.js';

/** A file-backed node before it is rendered. */
export interface FileNode {
  name: string;
  uniqueId: string;
  file: ProjectFile;
  fqn: string[];
  props?: PropertyEntry;
}

/** A model's, seed's or singular test's name (its file name without `ext`) and its folders: `staging/stg_orders.sql` → stg_orders, [staging]. */
export function baseName(relPath: string, ext: string): { name: string; dirs: string[] } {
  const parts = relPath.split('/');
  const last = parts.pop()!;
  return { name: last.endsWith(ext) ? last.slice(0, -ext.length) : last, dirs: parts };
}

/**
 * Models and seeds of the project, in file order. One name may be used once across
 * models and seeds (refs must be unambiguous).
 */
export function collectFileNodes(project: Project): { models: FileNode[]; seeds: FileNode[] } {
  const pkg = project.config.name;
  const byName = new Map<string, FileNode>();
  const collect = (files: ProjectFile[], ext: string, type: 'model' | 'seed', props: Map<string, PropertyEntry>): FileNode[] =>
    files.map((file) => {
      const { name, dirs } = baseName(file.relPath, ext);
      const node: FileNode = { name, uniqueId: `${type}.${pkg}.${name}`, file, fqn: [pkg, ...dirs, name], props: props.get(name) };
      const previous = byName.get(name);
      if (previous) {
        throw new UserError(`two resources are named '${name}': ${previous.file.path} and ${file.path}`, {
          file: file.path,
          hint: 'names must be unique across models and seeds; rename one of the files',
        });
      }
      byName.set(name, node);
      return node;
    });
  const models = collect(project.files.models, '.sql', 'model', project.properties.models);
  const seeds = collect(project.files.seeds, '.csv', 'seed', project.properties.seeds);
  return { models, seeds };
}

/** The properties-YAML config layer of an entry: entry-level tags/meta, then its `config:`. */
export function yamlConfigLayer(entry: PropertyEntry | undefined): Record<string, unknown> | undefined {
  if (!entry) return undefined;
  const layer: Record<string, unknown> = {};
  if (entry.extra?.tags !== undefined) layer.tags = entry.extra.tags;
  if (entry.meta && Object.keys(entry.meta).length) layer.meta = entry.meta;
  mergeRawConfig(layer, entry.config ?? {});
  return layer;
}

/** ColumnProperty[] → manifest columns, descriptions rendered by `render`. */
export function columnsOf(columns: ColumnProperty[] | undefined, render: (text: string | undefined) => string): Record<string, ColumnInfo> {
  const out: Record<string, ColumnInfo> = {};
  for (const c of columns ?? []) {
    // Two literals rather than a spread: the same keys in the same order, built faster.
    out[c.name] = c.data_type === undefined
      ? { name: c.name, description: render(c.description), meta: c.meta ?? {}, tags: c.tags ?? [] }
      : { name: c.name, description: render(c.description), data_type: c.data_type, meta: c.meta ?? {}, tags: c.tags ?? [] };
  }
  return out;
}

/** Folders of a properties file below its model path: models/staging/x.yml → ['staging']. */
function foldersUnder(project: Project, file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  for (const root of project.config.modelPaths) {
    const rootParts = root.replace(/^\.\/|\/$/g, '').split('/');
    if (rootParts.every((p, i) => parts[i] === p)) return parts.slice(rootParts.length);
  }
  return parts;
}

/** Enabled sources by unique_id. */
export function buildSources(project: Project, dialect: Dialect, render: (text: string | undefined, file: string) => string): Map<string, SourceNode> {
  const pkg = project.config.name;
  const out = new Map<string, SourceNode>();
  for (const t of project.properties.sources) {
    if (t.config?.enabled === false) continue;
    const id = `source.${pkg}.${t.sourceName}.${t.name}`;
    out.set(id, {
      unique_id: id,
      resource_type: 'source',
      source_name: t.sourceName,
      name: t.name,
      package_name: pkg,
      fqn: [pkg, ...foldersUnder(project, t.file), t.sourceName, t.name],
      relation: sourceRelation(t, project, dialect),
      description: render(t.description, t.file),
      source_description: render(t.sourceDescription, t.file),
      loader: t.loader ?? '',
      ...(t.loadedAtField === undefined ? {} : { loaded_at_field: t.loadedAtField }),
      ...(t.freshness === undefined ? {} : { freshness: t.freshness }),
      ...(t.eventTime === undefined ? {} : { event_time: t.eventTime }),
      columns: columnsOf(t.columns, (text) => render(text, t.file)),
      meta: t.meta ?? {},
      tags: t.tags ?? [],
      config: t.config ?? {},
      original_file_path: t.file,
      line: t.line,
    });
  }
  return out;
}

function sourceRelation(t: SourceTable, project: Project, dialect: Dialect): Relation {
  const relation: Relation = { schema: t.schema, identifier: t.identifier };
  if (dialect.capabilities.usesDatabaseInRelation) {
    const database = t.database ?? project.target.database;
    if (database !== undefined) relation.database = database;
  }
  return relation;
}
