#!/usr/bin/env node
/**
 * Deterministic generator of synthetic Strata projects for benchmarks.
 *
 *   node bench/generate.mjs --models 10000 [--out DIR] [--seed 1]
 *
 * Layout: N models in four layers (staging 30% from sources/seeds, intermediate 30%,
 * marts 25%, features 15%), 100 models per folder, one `_schema.yml` per folder with
 * ~3 tests per model (unique, not_null, accepted_values), 3 seeds, a sources file with
 * 20 raw tables, a macros file. SQL has CTEs, joins, a macro call and a Jinja loop.
 * Same arguments → byte-identical project. Prints the output directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prng } from '../scripts/prng.mjs';

const LAYERS = [
  ['staging', 0.3],
  ['intermediate', 0.3],
  ['marts', 0.25],
  ['features', 0.15],
];
const PER_FOLDER = 100;
const SOURCE_TABLES = 20;
const SEEDS = ['country_codes', 'status_codes', 'channel_map'];
const STATUSES = ['active', 'pending', 'closed'];


/** Model names per layer, in order. */
export function planModels(n) {
  const layers = [];
  let used = 0;
  LAYERS.forEach(([layer, share], i) => {
    const count = i === LAYERS.length - 1 ? n - used : Math.max(1, Math.round(n * share));
    used += count;
    const names = [];
    for (let k = 0; k < count; k++) names.push(`${layer.slice(0, 3)}_${String(k).padStart(6, '0')}`);
    layers.push({ layer, names });
  });
  return layers;
}

/** Pick `k` distinct parents near position `pos` of `names` (locality keeps fan-in realistic). */
function pickParents(names, pos, k, rand) {
  const out = new Set();
  const window = Math.min(names.length, 200);
  while (out.size < Math.min(k, names.length)) {
    const center = pos % names.length;
    const off = Math.floor(rand() * window) - Math.floor(window / 2);
    out.add(names[(((center + off) % names.length) + names.length) % names.length]);
  }
  return [...out];
}

function stagingSql(name, idx, rand) {
  const useSeed = idx % 10 === 0;
  const from = useSeed
    ? `{{ ref('${SEEDS[idx % SEEDS.length]}') }}`
    : `{{ source('raw', 'table_${String(idx % SOURCE_TABLES).padStart(2, '0')}') }}`;
  const tag = idx % 100 === 7 ? "tags=['x'], " : '';
  return `{{ config(${tag}materialized='view') }}
-- staging model ${name}: rename, cast, dedupe
with source as (
    select * from ${from}
),

renamed as (
    select
        cast(id as bigint) as id,
        lower(trim(status)) as status,
        {{ cents_to_dollars('amount_cents') }} as amount,
        cast(created_at as timestamp) as created_at,
        ${Math.floor(rand() * 1000)} as batch_key
    from source
    where id is not null
)

select * from renamed
`;
}

function joinSql(name, parents, layer) {
  const [a, b] = parents;
  const loop = `{%- for c in ['amount', 'batch_key'] %}
        sum({{ c }}) as {{ c }},
        {%- endfor %}`;
  const joinPart = b
    ? `    left join {{ ref('${b}') }} as b on a.id = b.id`
    : '';
  return `{{ config(materialized='${layer === 'intermediate' ? 'view' : 'table'}') }}
-- ${layer} model ${name}
with a as (
    select * from {{ ref('${a}') }}
),

joined as (
    select a.id, a.status, a.amount, a.batch_key, a.created_at
    from a
${joinPart}
),

aggregated as (
    select
        id,
        max(status) as status,
        ${loop}
        max(created_at) as created_at
    from joined
    group by id
)

select * from aggregated
`;
}

function featureSql(name, parents) {
  const [a, b] = parents;
  return `{{ config(materialized='table') }}
-- feature model ${name}: rolling windows
with base as (
    select * from {{ ref('${a}') }}
    ${b ? `union all select * from {{ ref('${b}') }}` : ''}
)

select
    id,
    status,
    created_at,
    {%- for w in [7, 30, 90] %}
    sum(amount) over (partition by id order by created_at rows between {{ w }} preceding and current row) as amount_{{ w }}d,
    {%- endfor %}
    {{ cents_to_dollars('batch_key') }} as batch_value,
    {{ var('feature_version', 1) }} as feature_version
from base
`;
}

function schemaYml(names, layer) {
  let out = 'version: 2\n\nmodels:\n';
  for (const name of names) {
    out += `  - name: ${name}
    description: ${layer} model ${name}, one row per id.
    columns:
      - name: id
        description: Primary key.
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: [${STATUSES.join(', ')}]
`;
  }
  return out;
}

/** Write a project with `n` models into `out`. */
export function generate(n, out, seed = 1) {
  const rand = prng(seed);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const w = (rel, text) => {
    const p = join(out, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  w(
    'project.yml',
    `name: bench
version: "1.0.0"
profile: bench
model-paths: [models]
seed-paths: [seeds]
macro-paths: [macros]
vars:
  feature_version: 1
models:
  bench:
    staging:
      +schema: staging
      +tags: [staging]
    intermediate:
      +schema: intermediate
    marts:
      +schema: marts
      +tags: [marts]
    features:
      +schema: features
      +tags: [features]
`,
  );
  w('profiles.yml', `bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      schema: main\n      threads: 2\n`);
  w(
    'macros/utils.sql',
    `{% macro cents_to_dollars(col, scale=2) -%}
    round(cast({{ col }} as double) / 100, {{ scale }})
{%- endmacro %}

{% macro safe_divide(a, b) -%}
    case when {{ b }} = 0 then null else {{ a }} / {{ b }} end
{%- endmacro %}
`,
  );
  for (const s of SEEDS) {
    let csv = 'id,status,amount_cents,created_at\n';
    for (let i = 1; i <= 20; i++) csv += `${i},${STATUSES[i % 3]},${i * 137},2024-01-${String((i % 28) + 1).padStart(2, '0')} 00:00:00\n`;
    w(`seeds/${s}.csv`, csv);
  }
  let sources = 'version: 2\n\nsources:\n  - name: raw\n    schema: raw\n    tables:\n';
  for (let t = 0; t < SOURCE_TABLES; t++) {
    sources += `      - name: table_${String(t).padStart(2, '0')}\n        columns:\n          - name: id\n            data_tests: [not_null]\n`;
  }
  w('models/sources.yml', sources);

  const layers = planModels(n);
  layers.forEach(({ layer, names }, li) => {
    for (let start = 0; start < names.length; start += PER_FOLDER) {
      const folder = `models/${layer}/group_${String(start / PER_FOLDER).padStart(4, '0')}`;
      const chunk = names.slice(start, start + PER_FOLDER);
      chunk.forEach((name, k) => {
        const idx = start + k;
        let sql;
        if (li === 0) sql = stagingSql(name, idx, rand);
        else {
          const up = layers[li - 1].names;
          const pos = Math.floor((idx / names.length) * up.length);
          const parents = pickParents(up, pos, 1 + Math.floor(rand() * 2), rand);
          sql = li === 3 ? featureSql(name, parents) : joinSql(name, parents, layer);
        }
        w(`${folder}/${name}.sql`, sql);
      });
      w(`${folder}/_schema.yml`, schemaYml(chunk, layer));
    }
  });
  return out;
}

function parseArgs(argv) {
  const args = { models: 1000, out: undefined, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--models' || a === '-n') args.models = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const out = args.out ?? mkdtempSync(join(tmpdir(), `strata-bench-${args.models}-`));
  generate(args.models, out, args.seed);
  process.stdout.write(`${out}\n`);
}
