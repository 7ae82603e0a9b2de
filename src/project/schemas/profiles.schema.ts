/**
 * JSON Schema of profiles.yml. Outputs are open (adapters take extra keys such as
 * DuckDB `extensions`); an unknown output key only warns when it looks like a typo.
 */
const numberish = { type: ['integer', 'string'] } as const;

export const outputSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    schema: { type: 'string' },
    threads: { type: 'integer', minimum: 1 },
    database: { type: 'string' },
    path: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    user: { type: 'string' },
    password: { type: ['string', 'number'] },
    dbname: { type: 'string' },
    sslmode: { type: 'string' },
    connect_timeout: { type: 'integer', minimum: 0 },
    keepalives_idle: numberish,
    search_path: { type: 'string' },
    role: { type: 'string' },
    extensions: { type: 'array' },
    settings: { type: 'object' },
    attach: { type: 'array' },
  },
  additionalProperties: false,
  'x-open': true,
} as const;

/** One profile: its default target and its outputs (each checked with outputSchema once selected). */
export const profileSchema = {
  type: 'object',
  required: ['outputs'],
  properties: {
    target: { type: 'string' },
    outputs: {
      type: 'object',
      minProperties: 1,
      additionalProperties: { type: 'object' },
    },
  },
  additionalProperties: false,
} as const;
