/**
 * Properties YAML (models/**\/*.yml ...): models, seeds, snapshots, sources and unit tests,
 * each keeping the file and line it was declared at. Exposures, metrics, semantic models
 * and macro docs are accepted and ignored.
 */
import { UserError, type Diagnostic } from '../errors.js';
import { readTests } from './test-declarations.js';
import type { ColumnProperty, ProjectFile, ProjectProperties, PropertyEntry, SourceTable } from './types.js';
import { validateYaml, type Validators } from './validate.js';
import { parseYamlFile, type YamlFile, type YamlPath } from './yaml-file.js';

type Obj = Record<string, unknown>;
const ENTRY_SECTIONS = [
  ['models', 'model'],
  ['seeds', 'seed'],
  ['snapshots', 'snapshot'],
] as const;
const ENTRY_FIELDS = new Set(['name', 'description', 'config', 'columns', 'tests', 'data_tests', 'meta']);
const COLUMN_FIELDS = new Set(['name', 'description', 'data_type', 'meta', 'tags', 'tests', 'data_tests']);

/** Parse and validate every properties file; duplicates across files are errors naming both places. */
export function readProperties(files: ProjectFile[], validators: Validators, diagnostics: Diagnostic[]): ProjectProperties {
  const props: ProjectProperties = { models: new Map(), seeds: new Map(), snapshots: new Map(), sources: [], unitTests: [] };
  const sourceSeen = new Map<string, SourceTable>();
  const unitSeen = new Map<string, { file: string; line: number }>();
  for (const f of files) {
    const yaml = parseYamlFile(f.content, f.path);
    if (yaml.data === null || yaml.data === undefined) continue;
    validateYaml(yaml, validators.properties, diagnostics);
    const data = yaml.data as Obj;

    for (const [section, resourceType] of ENTRY_SECTIONS) {
      const target = props[section];
      list(data[section]).forEach((raw, i) => {
        const entry = readEntry(yaml, raw, [section, i], resourceType);
        const prev = target.get(entry.name);
        if (prev) throw duplicate(`${resourceType} '${entry.name}'`, prev, entry);
        target.set(entry.name, entry);
      });
    }
    list(data.sources).forEach((src, i) => {
      list(src.tables).forEach((table, j) => {
        const t = readSourceTable(yaml, src, table, [i, j]);
        const key = `${t.sourceName}.${t.name}`;
        const prev = sourceSeen.get(key);
        if (prev) throw duplicate(`source table '${key}'`, prev, t);
        sourceSeen.set(key, t);
        props.sources.push(t);
      });
    });
    list(data.unit_tests).forEach((raw, i) => {
      const line = lineOf(yaml, ['unit_tests', i, 'name']);
      const ut = { name: raw.name as string, model: raw.model as string, raw, file: yaml.file, line };
      const key = `${ut.model}.${ut.name}`;
      const prev = unitSeen.get(key);
      if (prev) throw duplicate(`unit test '${ut.name}' of model '${ut.model}'`, prev, ut);
      unitSeen.set(key, ut);
      props.unitTests.push(ut);
    });
  }
  return props;
}

function readEntry(yaml: YamlFile, raw: Obj, path: YamlPath, resourceType: PropertyEntry['resourceType']): PropertyEntry {
  return {
    name: raw.name as string,
    resourceType,
    description: text(raw.description),
    config: (raw.config as Obj | undefined) ?? {},
    columns: list(raw.columns).map((c, i) => readColumn(yaml, c, [...path, 'columns', i])),
    tests: readTests(yaml, raw, path),
    meta: (raw.meta as Obj | undefined) ?? {},
    extra: rest(raw, ENTRY_FIELDS),
    file: yaml.file,
    line: lineOf(yaml, [...path, 'name']),
  };
}

function readColumn(yaml: YamlFile, raw: Obj, path: YamlPath): ColumnProperty {
  return {
    name: raw.name as string,
    description: text(raw.description),
    data_type: raw.data_type as string | undefined,
    meta: (raw.meta as Obj | undefined) ?? {},
    tags: tags(raw.tags),
    tests: readTests(yaml, raw, path),
    line: lineOf(yaml, [...path, 'name']),
    extra: rest(raw, COLUMN_FIELDS),
  };
}

/** One table of a source, inheriting the source's schema, loader, freshness, meta, tags and config. */
function readSourceTable(yaml: YamlFile, src: Obj, table: Obj, [i, j]: [number, number]): SourceTable {
  const path: YamlPath = ['sources', i, 'tables', j];
  const srcConfig = (src.config as Obj | undefined) ?? {};
  const tableConfig = (table.config as Obj | undefined) ?? {};
  const config = { ...srcConfig, ...tableConfig };
  return {
    sourceName: src.name as string,
    name: table.name as string,
    database: src.database as string | undefined,
    schema: (src.schema as string | undefined) ?? (src.name as string),
    identifier: (table.identifier as string | undefined) ?? (table.name as string),
    description: text(table.description),
    sourceDescription: text(src.description),
    loader: src.loader as string | undefined,
    loadedAtField: ((table.loaded_at_field ?? src.loaded_at_field) as string | null | undefined) ?? undefined,
    // `freshness: null` on a table switches the source's freshness off, so presence matters.
    freshness: ('freshness' in table ? table.freshness : src.freshness) as Obj | null | undefined,
    eventTime: ((table.event_time ?? config.event_time) as string | null | undefined) ?? undefined,
    columns: list(table.columns).map((c, k) => readColumn(yaml, c, [...path, 'columns', k])),
    tests: readTests(yaml, table, path),
    meta: { ...((src.meta as Obj | undefined) ?? {}), ...((table.meta as Obj | undefined) ?? {}) },
    tags: [...new Set([...tags(src.tags), ...tags(table.tags)])],
    config,
    file: yaml.file,
    line: lineOf(yaml, [...path, 'name']),
  };
}

function duplicate(what: string, first: { file: string; line: number }, second: { file: string; line: number }): UserError {
  return new UserError(`${what} is declared twice: in ${first.file}:${first.line} and in ${second.file}:${second.line}`, {
    file: second.file,
    line: second.line,
    hint: 'keep one of the two entries (merge their columns and tests)',
  });
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}

function lineOf(yaml: YamlFile, path: YamlPath): number {
  return yaml.locate(path).line ?? 1;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function tags(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? (value as string[]) : [];
}

function rest(raw: Obj, known: Set<string>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(raw)) if (!known.has(k)) out[k] = v;
  return out;
}
