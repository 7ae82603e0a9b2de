#!/usr/bin/env node
/**
 * Time `loadProject` alone (project file, profiles, file discovery + reading, YAML, ajv),
 * one fresh process per run, from a given dist/ directory — for before/after comparisons
 * of loader changes (build the old commit's src into another folder and pass its dist/).
 *
 *   node bench/load.mjs --project-dir DIR [--dist dist] [--runs 5]
 *
 * Reports median/min ms of the loadProject call and the median peak RSS of the process.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === '--child') {
  const { loadProject } = await import(pathToFileURL(resolve(process.argv[3], 'project', 'load.js')).href);
  const t = performance.now();
  await loadProject({ projectDir: process.argv[4] });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ ms, rssKb: process.resourceUsage().maxRSS }) + '\n');
} else {
  const dir = arg('--project-dir');
  if (!dir) throw new Error('usage: node bench/load.mjs --project-dir DIR [--dist dist] [--runs 5]');
  const dist = resolve(arg('--dist', resolve(import.meta.dirname, '..', 'dist')));
  const runs = Number(arg('--runs', '5'));
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const r = spawnSync(process.execPath, [import.meta.filename, '--child', dist, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    if (i > 0) samples.push(JSON.parse(r.stdout)); // the first run only warms the fs cache
  }
  const ms = samples.map((s) => s.ms);
  process.stdout.write(
    `loadProject ${dist}: median ${Math.round(median(ms))} ms  min ${Math.round(Math.min(...ms))} ms  peak RSS ${Math.round(median(samples.map((s) => s.rssKb)) / 1024)} MB\n`,
  );
}
