#!/usr/bin/env node
/**
 * The floor of a cold `strata compile` on this machine: the work any compile of the project must
 * do whatever the compiler does, timed alone, each in a fresh process.
 *
 *   node bench/floor.mjs --project-dir DIR [--runs 5] [--files]
 *
 * DIR must have been compiled once (its target/manifest.json is what a compile writes).
 * - start:     `node -e 0` (process start, no module loaded), wall time around the spawn;
 * - read:      list the project's files (models, macros, seeds, tests) and read every one;
 * - stringify: JSON.stringify of the manifest (parsed from manifest.json first, not timed);
 * - write:     that string encoded as UTF-8 and written to a file under target/ (then removed);
 * - files (with --files): create one file per node with compiled SQL under a fresh directory, as
 *              target/compiled holds them (only reported, not added to the floor: a warm
 *              target/compiled needs no writes).
 * Medians per step; "floor" = start + read + stringify + write. A cold compile that writes a
 * manifest with these nodes cannot take less wall time than that on one core.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function listFiles(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, out);
    else out.push(path);
  }
  return out;
}

/** One measurement in this (fresh) process; prints { read, stringify, write, files, bytes, nodes }. */
function child(projectDir, withFiles) {
  const t0 = performance.now();
  const files = [];
  for (const sub of ['models', 'macros', 'seeds', 'tests']) {
    try {
      statSync(join(projectDir, sub));
    } catch {
      continue;
    }
    listFiles(join(projectDir, sub), files);
  }
  let chars = 0;
  for (const file of files) chars += readFileSync(file, 'utf8').length;
  const t1 = performance.now();
  const manifest = JSON.parse(readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8'));
  const t2 = performance.now();
  const text = JSON.stringify(manifest);
  const t3 = performance.now();
  const out = join(projectDir, 'target', `floor-${process.pid}.json`);
  // Encoded through one reused 1 MB buffer, as src/artifacts/write.ts does (a 78 MB Buffer.from
  // costs ~0.4 s here, mostly first touches of fresh pages).
  const fd = openSync(out, 'w');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const step = (1 << 20) / 3; // a UTF-16 unit is at most 3 UTF-8 bytes
  for (let at = 0; at < text.length; at += step) writeSync(fd, buffer, 0, buffer.write(text.slice(at, at + step)));
  closeSync(fd);
  const t4 = performance.now();
  rmSync(out);
  const root = join(projectDir, 'target', `floor-compiled-${process.pid}`);
  const t5 = performance.now();
  let written = 0;
  const made = new Set();
  if (withFiles) for (const node of Object.values(manifest.nodes)) {
    if (node.compiled_code === undefined || !node.compiled_path) continue;
    const file = join(root, node.compiled_path);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, node.compiled_code);
    written += 1;
  }
  const t6 = performance.now();
  if (withFiles) rmSync(root, { recursive: true, force: true });
  const result = { read: t1 - t0, stringify: t3 - t2, write: t4 - t3, files: t6 - t5, inputFiles: files.length, inputChars: chars, bytes: text.length, nodes: Object.keys(manifest.nodes).length, written };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4] === '--files');
else {
  const dir = arg('--project-dir');
  if (!dir) throw new Error('usage: node bench/floor.mjs --project-dir DIR [--runs 5] [--files]');
  const projectDir = resolve(dir);
  const runs = Number(arg('--runs', '5'));
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const started = `${new Date().toISOString()} load ${load()}`;
  const starts = [];
  const rows = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    starts.push(performance.now() - t);
    const run = spawnSync(process.execPath, [import.meta.filename, '--child', projectDir, ...(process.argv.includes('--files') ? ['--files'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new Error(`floor run failed: ${run.stderr.slice(0, 2000)}`);
    rows.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
  }
  const m = (k) => median(rows.map((x) => x[k]));
  const start = median(starts);
  const floor = start + m('read') + m('stringify') + m('write');
  const r0 = rows[0];
  process.stdout.write(`${started} → ${new Date().toISOString()} load ${load()}; ${runs} runs, medians (ms)\n`);
  process.stdout.write(`project: ${r0.inputFiles} input files (${(r0.inputChars / 1e6).toFixed(1)} M chars), ${r0.nodes} nodes, manifest ${(r0.bytes / 1e6).toFixed(1)} MB\n`);
  process.stdout.write(`start ${start.toFixed(0)}  read ${m('read').toFixed(0)}  stringify ${m('stringify').toFixed(0)}  write ${m('write').toFixed(0)}  => floor ${floor.toFixed(0)} ms\n`);
  if (r0.written > 0) process.stdout.write(`(not in the floor) ${r0.written} compiled files into a fresh directory: ${m('files').toFixed(0)} ms\n`);
}
