#!/usr/bin/env node
/**
 * One scan per model: k column tests of one 10M-row table, batched into one aggregate query vs
 * each test alone, on DuckDB and on a throwaway PostgreSQL (initdb + pg_ctl, stopped at the end).
 *
 *   npm run build && node bench/test-batching.mjs [--rows 10000000] [--runs 5] [--warehouses duckdb,postgres] [--dist DIR]
 *
 * A generated Strata project has one table model `events` (built once through the API in dist/)
 * with 9 batchable tests: not_null ×4, accepted_values, accepted_range ×2, expression_is_true,
 * no_future_timestamps (all pass). Timed per run, in one process, through `test()` of dist/:
 *   (a) one test alone — not_null(id), and accepted_values(status) (a test that must read its column)
 *   (b) the 9 tests with batchTests: true  (one aggregate query)
 *   (c) the 9 tests with batchTests: false (one count query each)
 * `--dist a,b` measures several builds of Strata interleaved (before/after). Each figure is the median of --runs (one warm-up not counted) of the whole `test()` call
 * (load + compile + connect + queries). Reports ratios vs (a); the goal is (b) ≤ 1.5 × (a).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const DIST = join(import.meta.dirname, '..', 'dist');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The 10M-row model: range() on DuckDB, generate_series on PostgreSQL. */
function modelSql(warehouse, rows) {
  const from = warehouse === 'duckdb' ? `range(${rows}) t(i)` : `generate_series(0, ${rows - 1}) t(i)`;
  const ts = warehouse === 'duckdb' ? `timestamp '2024-01-01' + to_seconds(i % 31536000)` : `timestamp '2024-01-01' + (i % 31536000) * interval '1 second'`;
  return `{{ config(materialized='table') }}
select i as id,
    case i % 4 when 0 then 'placed' when 1 then 'shipped' when 2 then 'returned' else 'cancelled' end as status,
    (i % 10000) / 100.0 as amount,
    i % 10 as qty,
    i % 40 as country_id,
    ${ts} as created_at
from ${from}
`;
}

/** Test names (each test gets its own `name:` so one can be selected alone). */
export const TESTS = [
  't1_not_null_id', 't2_not_null_status', 't3_accepted_values_status', 't4_not_null_amount', 't5_range_amount',
  't6_range_qty', 't7_expression', 't8_no_future_created_at', 't9_not_null_country',
];

const SCHEMA_YML = `version: 2
models:
  - name: events
    data_tests:
      - expression_is_true: {name: t7_expression, expression: "amount >= 0 and qty < 10"}
    columns:
      - name: id
        data_tests: [{not_null: {name: t1_not_null_id}}]
      - name: status
        data_tests:
          - not_null: {name: t2_not_null_status}
          - accepted_values: {name: t3_accepted_values_status, values: [placed, shipped, returned, cancelled]}
      - name: amount
        data_tests:
          - not_null: {name: t4_not_null_amount}
          - accepted_range: {name: t5_range_amount, min_value: 0, max_value: 100}
      - name: qty
        data_tests: [{accepted_range: {name: t6_range_qty, min_value: 0, max_value: 9}}]
      - name: created_at
        data_tests: [{no_future_timestamps: {name: t8_no_future_created_at}}]
      - name: country_id
        data_tests: [{not_null: {name: t9_not_null_country}}]
`;

function writeProject(dir, warehouse, rows, pg) {
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), 'name: batching\nprofile: batching\nmodel-paths: [models]\n');
  const out =
    warehouse === 'duckdb'
      ? '      type: duckdb\n      path: bench.duckdb\n      schema: main\n'
      : `      type: postgres\n      host: 127.0.0.1\n      port: ${pg.port}\n      user: postgres\n      dbname: postgres\n      schema: public\n`;
  writeFileSync(join(dir, 'profiles.yml'), `batching:\n  target: dev\n  outputs:\n    dev:\n${out}      threads: 1\n`);
  writeFileSync(join(dir, 'models', 'events.sql'), modelSql(warehouse, rows));
  writeFileSync(join(dir, 'models', '_schema.yml'), SCHEMA_YML);
}

// ---- a throwaway PostgreSQL (as tests/support/postgres-server.ts does) ----

function pgBin() {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'initdb'))) return d;
  const root = '/usr/lib/postgresql';
  const v = existsSync(root) ? readdirSync(root).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))[0] : undefined;
  if (!v) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found');
  return join(root, v, 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startPostgres() {
  const bin = pgBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:')).split(':');
    chownSync(dir, Number(uid), Number(gid));
  }
  const run = (cmd, args) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { cwd: dir, stdio: 'pipe' });
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  // Default planner/parallelism settings; durability off as in the test server (a bench, not a database).
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  return {
    port,
    stop: () => {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---- the measurement ----

async function measure(apis, dir, runs) {
  const cases = [
    ['a: not_null(id) alone', { select: ['t1_not_null_id'] }],
    ['a2: accepted_values(status) alone', { select: ['t3_accepted_values_status'] }],
    ['b: 9 tests batched', { select: TESTS, batchTests: true }],
    ['c: 9 tests each alone', { select: TESTS, batchTests: false }],
  ];
  const times = apis.map(() => cases.map(() => []));
  for (let r = -1; r < runs; r++) {
    for (const [k, [name, opts]] of cases.entries()) for (const [j, api] of apis.entries()) {
      const t = performance.now();
      const summary = await api.test({ projectDir: dir, ...opts });
      const ms = performance.now() - t;
      const bad = summary.results.filter((x) => x.status !== 'pass');
      const expected = opts.select.length;
      if (bad.length || summary.results.length !== expected) throw new Error(`${name}: ${JSON.stringify(summary.results.map((x) => [x.unique_id, x.status, x.message]))}`);
      if (r >= 0) times[j][k].push(ms);
    }
  }
  return apis.map((_, j) => cases.map(([name], k) => ({ name, median: median(times[j][k]), min: Math.min(...times[j][k]) })));
}

function report(warehouse, rows, results) {
  const [a, a2] = results;
  let out = `\n${warehouse}: rows=${rows} load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`;
  for (const r of results) {
    out += `  ${r.name.padEnd(36)} median ${String(Math.round(r.median)).padStart(6)} ms  min ${String(Math.round(r.min)).padStart(6)} ms` +
      `  ×${(r.median / a.median).toFixed(2)} vs a, ×${(r.median / a2.median).toFixed(2)} vs a2\n`;
  }
  return out;
}

async function main() {
  const rows = Number(arg('--rows', '10000000'));
  const runs = Number(arg('--runs', '5'));
  const warehouses = arg('--warehouses', 'duckdb,postgres').split(',');
  // Several comma-separated dist/ dirs (before/after) are measured interleaved, run by run.
  const dists = arg('--dist', DIST).split(',').map((d) => resolve(d));
  const apis = [];
  for (const d of dists) apis.push(await import(pathToFileURL(join(d, 'index.js')).href));
  const api = apis[0];
  for (const warehouse of warehouses) {
    const dir = mkdtempSync(join(tmpdir(), `strata-batching-${warehouse}-`));
    const pg = warehouse === 'postgres' ? await startPostgres() : undefined;
    try {
      writeProject(dir, warehouse, rows, pg);
      const t = performance.now();
      const built = await api.build({ projectDir: dir, select: ['events'], exclude: ['test_type:data'] });
      if (built.results.some((x) => x.status !== 'success')) throw new Error(JSON.stringify(built.results));
      process.stdout.write(`${warehouse}: built events (${rows} rows) in ${Math.round(performance.now() - t)} ms\n`);
      const results = await measure(apis, dir, runs);
      dists.forEach((d, k) => process.stdout.write(`dist=${d}` + report(warehouse, rows, results[k])));
    } finally {
      pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
