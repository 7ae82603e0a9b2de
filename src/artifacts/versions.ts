/**
 * The one place artifact schema versions are stamped. Artifacts are shaped like dbt's
 * where the concept is the same, so tools reading dbt artifacts mostly work.
 */
export const STRATA_VERSION = '0.1.0';

export const SCHEMA_VERSIONS = {
  manifest: 'https://strata.dev/schemas/manifest/v1.json',
  runResults: 'https://strata.dev/schemas/run-results/v1.json',
} as const;

/** The dbt schema each artifact mirrors (for tools that key on dbt_schema_version). */
export const DBT_SCHEMA_VERSIONS = {
  manifest: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
  runResults: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
} as const;

export interface ArtifactMetadata {
  strata_schema_version: string;
  dbt_schema_version: string;
  strata_version: string;
  generated_at: string;
  invocation_id: string;
  env: Record<string, string>;
}

export function metadata(kind: keyof typeof SCHEMA_VERSIONS, invocationId: string, generatedAt: Date): ArtifactMetadata {
  return {
    strata_schema_version: SCHEMA_VERSIONS[kind],
    dbt_schema_version: DBT_SCHEMA_VERSIONS[kind],
    strata_version: STRATA_VERSION,
    generated_at: generatedAt.toISOString(),
    invocation_id: invocationId,
    env: {},
  };
}
