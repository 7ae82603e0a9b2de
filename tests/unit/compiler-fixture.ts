/** Hand-built Project objects and a tiny double-quoting dialect for compiler unit tests. */
import { createHash } from 'node:crypto';
import type { Dialect } from '../../src/adapters/adapter.js';
import { compileProject } from '../../src/compiler/compile.js';
import type { Manifest } from '../../src/compiler/types.js';
import type { ColumnProperty, Project, ProjectFile, PropertyEntry, SourceTable } from '../../src/project/types.js';

export function fixtureDialect(type = 'duckdb', usesDatabaseInRelation = false): Dialect {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    type,
    capabilities: { transactionalDdl: true, usesDatabaseInRelation, concurrentConnections: false, prefersBatchedTests: true },
    quoteIdentifier: q,
    quoteString: (v) => `'${v.replace(/'/g, "''")}'`,
    renderRelation: (r) => [r.database, r.schema, r.identifier].filter((p) => p !== undefined).map((p) => q(p!)).join('.'),
    typeName: (kind) => kind,
  };
}

function file(root: string, rel: string, content: string): ProjectFile {
  return {
    path: `${root}/${rel}`,
    absPath: `/nowhere/${root}/${rel}`,
    relPath: rel,
    content,
    checksum: createHash('sha256').update(content).digest('hex'),
  };
}

export interface FixtureSpec {
  name?: string;
  /** relPath under models/ → SQL. */
  models?: Record<string, string>;
  seeds?: Record<string, string>;
  macros?: Record<string, string>;
  docs?: Record<string, string>;
  vars?: Record<string, unknown>;
  modelsConfig?: Record<string, unknown>;
  seedsConfig?: Record<string, unknown>;
  /** Properties entries by model name (file defaults to models/schema.yml). */
  modelProps?: Record<string, Omit<Partial<PropertyEntry>, 'columns'> & { columns?: Array<Partial<ColumnProperty> & { name: string }> }>;
  sources?: Array<Partial<SourceTable> & { sourceName: string; name: string }>;
  schema?: string;
  database?: string;
}

export function makeProject(spec: FixtureSpec): Project {
  const name = spec.name ?? 'demo';
  const entries = (rec: Record<string, string> | undefined, root: string) => Object.entries(rec ?? {}).map(([rel, c]) => file(root, rel, c));
  const models = new Map<string, PropertyEntry>();
  for (const [model, p] of Object.entries(spec.modelProps ?? {})) {
    models.set(model, {
      name: model,
      resourceType: 'model',
      config: {},
      meta: {},
      extra: {},
      tests: [],
      file: 'models/schema.yml',
      line: 3,
      ...p,
      columns: (p.columns ?? []).map((c): ColumnProperty => Object.assign({ meta: {}, tags: [], tests: [], line: 1 }, c)),
    });
  }
  return {
    root: '/nowhere',
    config: {
      file: 'project.yml', name, profile: name,
      modelPaths: ['models'], seedPaths: ['seeds'], macroPaths: ['macros'], testPaths: ['tests'],
      snapshotPaths: ['snapshots'], docsPaths: [], targetPath: 'target', cleanTargets: ['target'],
      vars: spec.vars ?? {}, models: spec.modelsConfig ?? {}, seeds: spec.seedsConfig ?? {},
      dataTests: {}, snapshots: {}, onRunStart: [], onRunEnd: [],
    },
    target: {
      file: '/nowhere/profiles.yml', profile: name, name: 'dev', type: 'duckdb', schema: spec.schema ?? 'main',
      threads: 4, ...(spec.database ? { database: spec.database } : {}), path: ':memory:', extra: {},
    },
    vars: spec.vars ?? {},
    files: {
      models: entries(spec.models, 'models'),
      seeds: entries(spec.seeds, 'seeds'),
      macros: entries(spec.macros, 'macros'),
      tests: [],
      snapshots: [],
      docs: entries(spec.docs, 'models'),
    },
    properties: {
      models,
      seeds: new Map(),
      snapshots: new Map(),
      sources: (spec.sources ?? []).map((s) => ({
        schema: s.sourceName, identifier: s.name, columns: [], tests: [], meta: {}, tags: [], config: {},
        file: 'models/sources.yml', line: 2, ...s,
      })),
      unitTests: [],
    },
    diagnostics: [],
  };
}

export const RUN_STARTED_AT = new Date('2024-05-06T07:08:09.000Z');

/** Compile a fixture project with the fixture dialect. */
export function compileFixture(spec: FixtureSpec | Project, env: Record<string, string> = {}, dialect = fixtureDialect()): Manifest {
  const project = 'root' in spec ? spec : makeProject(spec);
  return compileProject(project, { dialect, invocationId: 'inv-1', runStartedAt: RUN_STARTED_AT, env });
}

/** compiled_code of model `name` in project `demo`. */
export function compiledOf(manifest: Manifest, name: string): string {
  const node = manifest.nodes[`model.${manifest.projectName}.${name}`];
  if (!node) throw new Error(`no model ${name}`);
  return node.compiled_code ?? '';
}

/** The UserError thrown by fn (fails the test when nothing is thrown). */
export function thrown(fn: () => unknown): { message: string; file?: string; line?: number; column?: number; hint?: string; name: string } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}
