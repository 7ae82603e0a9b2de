/**
 * JSON Schema of node config (`config:` in properties YAML and `+key` leaves under
 * `models:` / `seeds:` in project.yml). Custom config keys are allowed (`x-open`): an
 * unknown key only warns when it looks like a typo of a known one.
 */
const stringOrList = { type: ['string', 'array'], items: { type: 'string' } } as const;
const hooks = {
  type: ['string', 'array', 'object'],
  items: { type: ['string', 'object'] },
} as const;

/** Known config keys and the shape of their values. */
export const configProperties = {
  enabled: { type: 'boolean' },
  materialized: { type: 'string' },
  schema: { type: ['string', 'null'] },
  database: { type: ['string', 'null'] },
  alias: { type: ['string', 'null'] },
  tags: stringOrList,
  meta: { type: 'object' },
  docs: { type: 'object' },
  'pre-hook': hooks,
  'post-hook': hooks,
  pre_hook: hooks,
  post_hook: hooks,
  persist_docs: { type: 'object' },
  full_refresh: { type: ['boolean', 'null'] },
  grants: { type: 'object' },
  contract: { type: 'object' },
  group: { type: ['string', 'null'] },
  access: { type: 'string', enum: ['private', 'protected', 'public'] },
  event_time: { type: ['string', 'null'] },
  sql_header: { type: 'string' },
  on_configuration_change: { type: 'string' },
  unique_key: stringOrList,
  incremental_strategy: { type: 'string' },
  on_schema_change: { type: 'string' },
  batch_size: { type: 'string' },
  begin: { type: 'string' },
  lookback: { type: 'integer' },
  concurrent_batches: { type: ['boolean', 'null'] },
  partition_by: {},
  cluster_by: {},
  indexes: { type: 'array' },
  quoting: { type: 'object' },
  // seeds
  column_types: { type: 'object', additionalProperties: { type: 'string' } },
  delimiter: { type: 'string' },
  quote_columns: { type: 'boolean' },
  // snapshots
  strategy: { type: 'string' },
  updated_at: { type: 'string' },
  check_cols: stringOrList,
  target_schema: { type: 'string' },
  target_database: { type: 'string' },
  snapshot_meta_column_names: { type: 'object' },
  hard_deletes: { type: 'string' },
  invalidate_hard_deletes: { type: 'boolean' },
  dbt_valid_to_current: { type: 'string' },
  // tests
  severity: { type: 'string' },
  error_if: { type: 'string' },
  warn_if: { type: 'string' },
  store_failures: { type: ['boolean', 'null'] },
  store_failures_as: { type: 'string' },
  where: { type: ['string', 'null'] },
  limit: { type: ['integer', 'null'] },
  fail_calc: { type: 'string' },
  // features (point-in-time models)
  entity: stringOrList,
  feature_time: { type: 'string' },
} as const;

/** Config object schema (open: custom keys are allowed). */
export const configSchema = {
  $id: 'strata:config',
  type: 'object',
  properties: configProperties,
  additionalProperties: false,
  'x-open': true,
} as const;

/**
 * One folder level of a project.yml config tree (`models: {my_project: {staging: {+materialized: view}}}`):
 * known config keys in both `+key` and `key` form. Other keys are folders or custom
 * config, walked by project-tree.ts.
 */
export const configTreeLevelSchema = {
  type: 'object',
  properties: Object.fromEntries(
    Object.keys(configProperties).flatMap((k) => {
      const ref = { $ref: `strata:config#/properties/${k}` };
      return [
        [k, ref],
        [`+${k}`, ref],
      ];
    }),
  ),
} as const;

/** Reference to configSchema, so ajv compiles it once however often it is used. */
export const configRef = { $ref: 'strata:config' } as const;
