/** Ctrl-C during `strata run`: running statements are cancelled, the old relation survives, exit 1. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { run } from '../../src/api/build.js';
import { strata } from '../support/cli.js';
import { updateProject, writeProject } from '../support/project.js';

const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

it('SIGINT cancels the running model and keeps the previous table', async () => {
  const dir = writeProject({
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: wh.duckdb\n',
    'models/versioned.sql': "{{ config(materialized='table') }}\nselect 1 as version",
  });
  expect(strata(['run', '--project-dir', dir]).code).toBe(0);
  updateProject(dir, {
    'models/versioned.sql':
      "{{ config(materialized='table') }}\nselect 2 as version from (select sum(a.range * b.range) as s from range(100000000) a, range(100000000) b)",
  });
  const child = spawn(process.execPath, [BIN, '--log-format', 'json', 'run', '--project-dir', dir], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  // Interrupt once the model's statement is under way (node_start, then a moment for the query).
  await new Promise<void>((resolve) => {
    const check = () => (stdout.includes('"type":"node_start"') ? setTimeout(resolve, 300) : setTimeout(check, 50));
    check();
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(code).toBe(1);
  const done = stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'node_done');
  expect(done).toMatchObject({ uniqueId: 'model.demo.versioned', result: { status: 'error' } });

  const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
  expect(results.results[0].status).toBe('error');
  const db = await DuckDBInstance.create(join(dir, 'wh.duckdb'));
  const conn = await db.connect();
  try {
    const rows = (await conn.runAndReadAll('select version from main.versioned')).getRowObjectsJson();
    expect(rows).toEqual([{ version: 1 }]);
    const tmp = (await conn.runAndReadAll("select count(*)::int as n from information_schema.tables where table_name like '%strata_tmp%'")).getRowObjectsJson();
    expect(tmp).toEqual([{ n: 0 }]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

it('a run cancelled before its first node starts still exits 1, not 0', async () => {
  const dir = writeProject({ 'models/a.sql': 'select 1 as a' });
  const controller = new AbortController();
  controller.abort();
  const summary = await run({ projectDir: dir, signal: controller.signal });
  expect(summary.cancelled).toBe(true);
  expect(summary.success).toBe(false);
  expect(summary.results.map((r) => r.status)).toEqual(['skipped']);
});
