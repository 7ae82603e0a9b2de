/** JSON Schema of properties YAML (models/**\/*.yml): models, seeds, snapshots, sources, unit tests. */
import { configRef } from './config.schema.js';

/** `- not_null`, `- accepted_values: {values: [...]}`, `- {test_name: unique, ...}`. */
const testList = { type: 'array', items: { type: ['string', 'object'] } } as const;
const stringOrList = { type: ['string', 'array'], items: { type: 'string' } } as const;
const freshness = { type: ['object', 'null'] } as const;

const columnSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    data_type: { type: 'string' },
    meta: { type: 'object' },
    tags: stringOrList,
    tests: testList,
    data_tests: testList,
    constraints: { type: 'array' },
    quote: { type: ['boolean', 'null'] },
    config: { type: 'object' },
    policy_tags: { type: 'array' },
    granularity: { type: 'string' },
    docs: { type: 'object' },
  },
  additionalProperties: false,
} as const;

const columns = { type: 'array', items: columnSchema } as const;

const nodeEntryProperties = {
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  config: configRef,
  columns,
  tests: testList,
  data_tests: testList,
  meta: { type: 'object' },
  docs: { type: 'object' },
  tags: stringOrList,
  access: { type: 'string' },
  group: { type: 'string' },
  constraints: { type: 'array' },
  versions: { type: 'array' },
  latest_version: { type: ['string', 'number'] },
  deprecation_date: { type: ['string', 'null'] },
  time_spine: { type: 'object' },
} as const;

const nodeEntry = { type: 'object', required: ['name'], properties: nodeEntryProperties, additionalProperties: false } as const;

const snapshotEntry = {
  type: 'object',
  required: ['name'],
  properties: { ...nodeEntryProperties, relation: { type: 'string' } },
  additionalProperties: false,
} as const;

const sourceTable = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    identifier: { type: 'string' },
    description: { type: ['string', 'null'] },
    columns,
    tests: testList,
    data_tests: testList,
    freshness,
    loaded_at_field: { type: ['string', 'null'] },
    loaded_at_query: { type: 'string' },
    meta: { type: 'object' },
    tags: stringOrList,
    config: configRef,
    event_time: { type: 'string' },
    quoting: { type: 'object' },
    external: { type: 'object' },
    docs: { type: 'object' },
  },
  additionalProperties: false,
} as const;

const source = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    database: { type: 'string' },
    schema: { type: 'string' },
    loader: { type: 'string' },
    loaded_at_field: { type: ['string', 'null'] },
    loaded_at_query: { type: 'string' },
    freshness,
    meta: { type: 'object' },
    tags: stringOrList,
    config: configRef,
    quoting: { type: 'object' },
    overrides: { type: 'string' },
    tables: { type: 'array', items: sourceTable },
  },
  additionalProperties: false,
} as const;

const unitTest = {
  type: 'object',
  required: ['name', 'model'],
  properties: {
    name: { type: 'string' },
    model: { type: 'string' },
    description: { type: 'string' },
    given: { type: 'array' },
    expect: { type: 'object' },
    overrides: { type: 'object' },
    config: { type: 'object' },
    versions: { type: 'object' },
  },
  additionalProperties: false,
} as const;

/** Ignored sections still have to be lists, so a mis-indented file is caught. */
const ignoredList = { type: ['array', 'null'] } as const;

export const propertiesSchema = {
  type: 'object',
  properties: {
    version: { type: ['integer', 'string'] },
    models: { type: ['array', 'null'], items: nodeEntry },
    seeds: { type: ['array', 'null'], items: nodeEntry },
    snapshots: { type: ['array', 'null'], items: snapshotEntry },
    sources: { type: ['array', 'null'], items: source },
    unit_tests: { type: ['array', 'null'], items: unitTest },
    macros: ignoredList,
    exposures: ignoredList,
    metrics: ignoredList,
    semantic_models: ignoredList,
    saved_queries: ignoredList,
    analyses: ignoredList,
    groups: ignoredList,
    data_tests: ignoredList,
  },
  additionalProperties: false,
} as const;
