#!/usr/bin/env node
/**
 * `strata compile` on a fresh checkout (CI): every project file is new to the file stamps (new
 * inode and times), and `target/` is restored from a kept copy (as a CI cache would), or not.
 *
 *   node bench/fresh-checkout.mjs [-n 10000] [--runs 3]
 *
 * Rows: "kept target/" (.strata-cache and compiled/ restored, timestamps preserved),
 * "kept .strata-cache only" (compiled files written again), "nothing kept" (a cold compile that
 * also writes every compiled file). Run after `npm run build`; prints median and min wall ms and
 * peak RSS per row.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from './generate.mjs';

const BIN = join(import.meta.dirname, '..', 'bin', 'strata.js');
const option = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const n = Number(option('-n', '10000'));
const runs = Number(option('--runs', '3'));

/** Wall ms and peak RSS (MB, GNU time) of one `strata compile`. */
function compile(dir) {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', process.execPath, BIN, 'compile', '--project-dir', dir], { encoding: 'utf8' });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`strata compile exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return { wall, rss: Number(/RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024 };
}

/** What a checkout does to the project's files: new times (and, for a real clone, new inodes). */
function touchSources(dir) {
  const now = new Date();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !path.includes(`${join(dir, 'target')}`)) utimesSync(path, now, now);
  }
}

const work = mkdtempSync(join(tmpdir(), 'strata-fresh-'));
const dir = join(work, 'project');
const kept = join(work, 'kept-target');
generate(n, dir);
compile(dir);
cpSync(join(dir, 'target'), kept, { recursive: true, preserveTimestamps: true });
const scenarios = {
  'kept target/': () => cpSync(kept, join(dir, 'target'), { recursive: true, preserveTimestamps: true }),
  'kept .strata-cache only': () => cpSync(join(kept, '.strata-cache'), join(dir, 'target', '.strata-cache'), { recursive: true, preserveTimestamps: true }),
  'nothing kept': () => {},
};
console.log(`${n} models, runs=${runs}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
try {
  for (const [label, restore] of Object.entries(scenarios)) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      restore();
      touchSources(dir);
      samples.push(compile(dir));
    }
    const walls = samples.map((s) => s.wall).sort((a, b) => a - b);
    const rss = samples.map((s) => s.rss).sort((a, b) => a - b);
    console.log(`${label.padEnd(24)} median ${Math.round(walls[Math.floor(runs / 2)])} ms  min ${Math.round(walls[0])} ms  ${Math.round(rss[Math.floor(runs / 2)])} MB`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
