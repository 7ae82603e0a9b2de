#!/usr/bin/env node
/**
 * A cold `strata compile` (compile cache removed, compiled files in place) phase by phase, in
 * process, the way api/prepare.ts runs a cache miss: what each phase costs in main-thread CPU
 * (utime + stime of the main thread, /proc/self/task/<pid>/stat: moves less with the load of a
 * shared machine than wall time) and wall time, and the peak RSS. Each run is a fresh process
 * (everything runs once, before the JIT has warmed up, as in the CLI). With several builds the
 * runs alternate build by build, so they share the load.
 *
 *   node bench/cold-phases.mjs --project-dir DIR [--dist dist,/tmp/old/dist] [--runs 5] [--json]
 *
 * Phases: import, inputs (discovery, file stamps), key, properties (YAML), compile, facts
 * (node facts: graph info, SQL hashes), order (graph + topological order), entry (cache entry:
 * nodes.json body + index.json), inputsIdx (what cache patches compare), manifest
 * (manifest.json from the entry body), written (compiled files checked / written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ms of the main thread (Linux), else of the process. */
function mainCpu() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** One cold compile from `dist` on `projectDir`; prints { phase: [wall ms, cpu ms], rssMB } as JSON. */
async function child(dist, projectDir) {
  const marks = [];
  const mark = (name) => marks.push([name, performance.now(), mainCpu(), process.memoryUsage.rss()]);
  mark('start');
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const [{ loadProjectInputs, withProperties }, { readProperties }, { dialectFor }, cache, miss, { nodeFacts }, { ProjectGraph }, { writeCompiled }] = await Promise.all([
    load('project/load.js'), load('project/properties.js'), load('adapters/registry.js'), load('compiler/cache.js'),
    load('compiler/cache-miss.js'), load('compiler/node-facts.js'), load('graph/graph.js'), load('compiler/write.js'),
  ]);
  const manifestFile = existsSync(join(dist, 'api/manifest-file.js')) ? await load('api/manifest-file.js') : undefined;
  mark('import');
  rmSync(join(projectDir, 'target', '.strata-cache'), { recursive: true, force: true });
  const inputs = await loadProjectInputs({ projectDir });
  mark('inputs');
  const dialect = dialectFor(inputs.target.type, inputs.target.file);
  const targetDir = join(inputs.root, inputs.config.targetPath);
  const cacheDir = join(targetDir, '.strata-cache');
  const parts = cache.cacheKeyParts(inputs, { dialect });
  mark('key');
  const project = withProperties(inputs, readProperties(inputs.files.propertyFiles, inputs.validators, inputs.diagnostics));
  mark('properties');
  const invocationId = 'bench';
  const runStartedAt = new Date();
  const compiled = miss.compileRecordingEnv(project, { dialect, invocationId, runStartedAt });
  const { manifest } = compiled;
  mark('compile');
  const facts = nodeFacts(manifest, dialect);
  mark('facts');
  facts.order = ProjectGraph.fromManifest(manifest, facts.info, facts.order).topoOrder();
  mark('order');
  const entryId = cache.writeCacheEntry(cacheDir, { key: parts.key, env: compiled.reads, diagnostics: [], manifest, facts, targetPath: project.config.targetPath, dialect });
  mark('entry');
  miss.writeInputs?.(cacheDir, entryId, parts, compiled.uses, miss.propertyIndex(manifest, project.properties));
  mark('inputsIdx');
  manifestFile?.writeManifest(join(targetDir, 'manifest.json'), { manifest, dialect, invocationId, runStartedAt }, cacheDir, entryId);
  mark('manifest');
  writeCompiled(manifest, project.root, project.config.targetPath, Object.keys(manifest.nodes), facts, entryId, undefined);
  mark('written');
  const out = {};
  for (let i = 1; i < marks.length; i++) out[marks[i][0]] = [marks[i][1] - marks[i - 1][1], marks[i][2] - marks[i - 1][2]];
  out.total = [marks.at(-1)[1] - marks[0][1], marks.at(-1)[2] - marks[0][2]];
  out.rssMB = Math.max(...marks.map((m) => m[3])) / 1e6;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else {
  const dir = arg('--project-dir');
  if (!dir) throw new Error('usage: node bench/cold-phases.mjs --project-dir DIR [--dist dist,OTHER/dist] [--runs 5] [--json]');
  const dists = arg('--dist', join(import.meta.dirname, '..', 'dist')).split(',').map((d) => resolve(d));
  const runs = Number(arg('--runs', '5'));
  const results = dists.map(() => []);
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const started = `${new Date().toISOString()} load ${load()}`;
  for (let r = 0; r < runs; r++) {
    dists.forEach((dist, i) => {
      const run = spawnSync(process.execPath, [import.meta.filename, '--child', dist, resolve(dir)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (run.status !== 0) throw new Error(`run from ${dist} failed: ${run.stderr.slice(0, 2000)}`);
      results[i].push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
    });
  }
  const summary = dists.map((dist, i) => {
    const rows = results[i];
    const phases = Object.keys(rows[0]).filter((k) => k !== 'rssMB');
    return {
      dist,
      phases: Object.fromEntries(phases.map((p) => [p, { cpu: Math.round(median(rows.map((x) => x[p][1]))), wall: Math.round(median(rows.map((x) => x[p][0]))) }])),
      rssMB: Math.round(median(rows.map((x) => x.rssMB))),
    };
  });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ started, ended: new Date().toISOString(), runs, summary })}\n`);
  else {
    process.stdout.write(`${started} → ${new Date().toISOString()} load ${load()}; ${runs} runs per build, medians: main-thread CPU ms / wall ms\n`);
    const phases = Object.keys(summary[0].phases);
    process.stdout.write(`${'phase'.padEnd(11)}${summary.map((s) => s.dist.slice(-28).padStart(30)).join('')}\n`);
    for (const p of phases) process.stdout.write(`${p.padEnd(11)}${summary.map((s) => `${s.phases[p].cpu} / ${s.phases[p].wall}`.padStart(30)).join('')}\n`);
    process.stdout.write(`${'peak RSS'.padEnd(11)}${summary.map((s) => `${s.rssMB} MB`.padStart(30)).join('')}\n`);
  }
}
