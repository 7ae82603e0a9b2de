#!/usr/bin/env node
/**
 * Build overhead on DuckDB: `strata build` of a generated pipeline (a model producing
 * --rows rows with range(), then 10 downstream models of joins, aggregations and windows)
 * versus running the same compiled SQL (target/manifest.json, DAG order) directly through
 * @duckdb/node-api, as a hand-written script would.
 *
 *   npm run build && node bench/build-overhead.mjs [--rows 2000000] [--runs 5] [--threads 2] [--bin PATH]
 *     [--direct-load require|import]
 *
 * `--bin` points at another checkout's bin/strata.js (a "before" build for comparisons); several,
 * comma-separated, are run interleaved (each run: every bin, then direct) so they share the load.
 *
 * What each side does (both timed from spawn to exit, so both include node's start):
 * - strata: a fresh `node bin/strata.js build` process on a fresh database file: CLI start,
 *   project load + compile (the compile cache is warm: an unchanged project, as in CI reruns),
 *   manifest.json, compiled SQL, open DuckDB, per model create schema / build into a tmp table
 *   and swap it in (views: drop + create in a transaction), run_results.json and the validation
 *   report, checkpoint + close.
 * - direct: a fresh node process on a fresh database file at the SAME path: loads
 *   @duckdb/node-api, reads the manifest, opens the file, `create schema if not exists` for each
 *   schema, then `create or replace table|view <relation> as <compiled SQL>` per model in DAG
 *   order on one connection (DuckDB parallelises inside each statement), then closes the
 *   instance (closeSync: DuckDB checkpoints the WAL into the file, as Strata's close does).
 *   `--direct-load require` (default) loads the driver through its CommonJS entry (createRequire),
 *   the fastest way to load it (no ESM named-export scan of its ~60 re-exported files);
 *   `--direct-load import` uses `await import('@duckdb/node-api')` (100-250 ms slower to load).
 * The project has no tests, seeds or hooks, so neither side runs any.
 * Reports medians and mins, the ratios strata / direct (goal ≤ 1.10) of the medians and of the mins,
 * and the median of the per-run ratios (run i's strata over run i's direct, which ran right after it:
 * less sensitive to a load that drifts during the benchmark on a shared machine).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const DEFAULT_BIN = join(import.meta.dirname, '..', 'bin', 'strata.js');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** name → [materialization, SQL]. */
function models(rows) {
  return {
    events: ['table', `select i as event_id, i % 50000 as customer_id, i % 7 as channel_id,
    ((i * 37) % 10000) / 100.0 as amount,
    timestamp '2024-01-01' + to_seconds(i % 31536000) as event_ts
from range(${rows}) t(i)`],
    customers: ['table', `select c as customer_id, 'c' || c as customer_name, c % 40 as country_id
from range(50000) t(c)`],
    channels: ['view', `select c as channel_id, 'channel_' || c as channel_name from range(7) t(c)`],
    events_enriched: ['table', `with e as (select * from {{ ref('events') }}),
c as (select * from {{ ref('customers') }}),
ch as (select * from {{ ref('channels') }})
select e.*, c.country_id, ch.channel_name, cast(e.event_ts as date) as event_date
from e join c using (customer_id) join ch using (channel_id)`],
    daily_revenue: ['table', `select event_date, count(*) as events, sum(amount) as revenue
from {{ ref('events_enriched') }} group by event_date`],
    customer_revenue: ['table', `select customer_id, country_id, count(*) as events, sum(amount) as revenue,
    min(event_ts) as first_ts, max(event_ts) as last_ts
from {{ ref('events_enriched') }} group by customer_id, country_id`],
    channel_daily: ['table', `select channel_name, event_date, count(*) as events, sum(amount) as revenue
from {{ ref('events_enriched') }} group by channel_name, event_date`],
    country_revenue: ['table', `select country_id, sum(revenue) as revenue, sum(events) as events
from {{ ref('customer_revenue') }} group by country_id`],
    customer_features: ['table', `with r as (select * from {{ ref('customer_revenue') }})
select r.*, revenue / nullif(events, 0) as avg_order,
    rank() over (partition by country_id order by revenue desc) as country_rank
from r`],
    daily_rolling: ['table', `select event_date, revenue,
{%- for w in [7, 30] %}
    avg(revenue) over (order by event_date rows between {{ w - 1 }} preceding and current row) as revenue_{{ w }}d,
{%- endfor %}
    events
from {{ ref('daily_revenue') }}`],
    top_customers: ['table', `select f.customer_id, f.revenue, f.country_rank, c.customer_name
from {{ ref('customer_features') }} f join {{ ref('customers') }} c using (customer_id)
where f.country_rank <= 10`],
    channel_share: ['view', `select d.channel_name, d.event_date, d.revenue / nullif(t.revenue, 0) as share
from {{ ref('channel_daily') }} d join {{ ref('daily_revenue') }} t using (event_date)`],
  };
}

function writeProject(dir, rows, threads) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), 'name: overhead\nprofile: overhead\nmodel-paths: [models]\n');
  writeFileSync(
    join(dir, 'profiles.yml'),
    `overhead:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      schema: main\n      threads: ${threads}\n`,
  );
  for (const [name, [mat, sql]] of Object.entries(models(rows))) {
    writeFileSync(join(dir, 'models', `${name}.sql`), `{{ config(materialized='${mat}') }}\n${sql}\n`);
  }
}

/** Child mode: run the manifest's compiled SQL directly, as a hand-written script would. */
async function direct(manifestPath, dbPath, load) {
  const { DuckDBInstance } = load === 'import' ? await import('@duckdb/node-api') : createRequire(import.meta.url)('@duckdb/node-api');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const nodes = Object.values(manifest.nodes).filter((n) => n.resource_type === 'model');
  // Topological order (Kahn), ties by name: the same DAG order Strata follows.
  const byId = new Map(nodes.map((n) => [n.unique_id, n]));
  const indeg = new Map(nodes.map((n) => [n.unique_id, n.depends_on.nodes.filter((d) => byId.has(d)).length]));
  const order = [];
  const ready = nodes.filter((n) => indeg.get(n.unique_id) === 0).map((n) => n.unique_id).sort();
  while (ready.length) {
    const id = ready.shift();
    order.push(byId.get(id));
    for (const n of nodes) {
      if (!n.depends_on.nodes.includes(id)) continue;
      indeg.set(n.unique_id, indeg.get(n.unique_id) - 1);
      if (indeg.get(n.unique_id) === 0) ready.push(n.unique_id);
    }
    ready.sort();
  }
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  for (const schema of new Set(order.map((n) => n.schema))) await conn.run(`create schema if not exists "${schema}"`);
  for (const n of order) {
    const kind = n.config.materialized === 'view' ? 'view' : 'table';
    await conn.run(`create or replace ${kind} ${n.relation_name} as ${n.compiled_code}`);
  }
  conn.closeSync();
  instance.closeSync(); // checkpoints: the file is complete without its WAL, as after Strata's close
}

/** Wall ms of one child process; it must exit 0 and leave the database checkpointed (no WAL). */
function timed(cmd, args, cwd, db) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`.slice(0, 3000));
  if (!existsSync(db) || existsSync(`${db}.wal`)) throw new Error(`${args.join(' ')} left no database or an unflushed WAL`);
  return ms;
}

async function main() {
  const rows = Number(arg('--rows', '2000000'));
  const runs = Number(arg('--runs', '5'));
  const threads = Number(arg('--threads', '2'));
  const directLoad = arg('--direct-load', 'require');
  if (directLoad !== 'require' && directLoad !== 'import') throw new Error('--direct-load: require or import');
  const bins = arg('--bin', DEFAULT_BIN).split(',').map((b) => resolve(b));
  const loadBefore = loadavg()[0].toFixed(2);
  const dir = mkdtempSync(join(tmpdir(), 'strata-overhead-'));
  try {
    writeProject(dir, rows, threads);
    const db = join(dir, 'bench.duckdb');
    const fresh = () => rmSync(db, { force: true }) ?? rmSync(`${db}.wal`, { force: true });
    const strataRun = (bin) => (fresh(), timed(process.execPath, [bin, 'build', '--project-dir', dir], dir, db));
    for (const bin of bins) strataRun(bin); // writes target/manifest.json; warms caches; not counted
    const manifest = join(dir, 'target', 'manifest.json');
    const manifestCopy = join(dir, 'manifest.bench.json');
    writeFileSync(manifestCopy, readFileSync(manifest));
    const directRun = () => (fresh(), timed(process.execPath, [import.meta.filename, '--direct', manifestCopy, db, directLoad], dir, db));
    directRun();
    const s = bins.map(() => []);
    const d = [];
    for (let i = 0; i < runs; i++) {
      bins.forEach((bin, b) => s[b].push(strataRun(bin)));
      d.push(directRun());
    }
    const dm = median(d);
    let out = `rows=${rows} models=12 threads=${threads} runs=${runs} direct-load=${directLoad} load average ${loadBefore} before, ${loadavg().map((x) => x.toFixed(2)).join(' ')} after\n` +
      `direct duckdb  median ${Math.round(dm)} ms  min ${Math.round(Math.min(...d))} ms\n`;
    bins.forEach((bin, b) => {
      const sm = median(s[b]);
      out += `strata build (${bin})  median ${Math.round(sm)} ms  min ${Math.round(Math.min(...s[b]))} ms  ` +
        `ratio (median) ${(sm / dm).toFixed(3)}  ratio (min) ${(Math.min(...s[b]) / Math.min(...d)).toFixed(3)}  ` +
        `paired ratio (median of run i's strata / direct) ${median(s[b].map((x, i) => x / d[i])).toFixed(3)}\n`;
    });
    process.stdout.write(out);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--direct');
  if (i >= 0) await direct(process.argv[i + 1], process.argv[i + 2], process.argv[i + 3]);
  else await main();
}
