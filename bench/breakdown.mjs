#!/usr/bin/env node
/**
 * In-process breakdown of `strata compile` for one generated project, by importing dist/
 * modules (run `npm run build` first): where does the time go?
 *
 *   node bench/breakdown.mjs --project-dir DIR [--runs 5]
 *
 * Phases: module import, load (project + YAML + ajv + file reading), compile (templates →
 * manifest), graph (build + cycle check), select (`tag:x+`), write (compiled SQL + manifest.json).
 * Each run is in the same process after the first, so runs 2+ are "warm" (JIT, fs cache);
 * the first run is what a CLI invocation pays. Reports per-phase first-run and median ms.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dist = (p) => pathToFileURL(join(import.meta.dirname, '..', 'dist', p)).href;

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run the phases `runs` times; returns { importMs, phases: {name: number[]} }. */
export async function breakdown(projectDir, runs = 5) {
  const t0 = performance.now();
  const [{ loadProject }, { compileProject }, { ProjectGraph }, { selectWithReport }, { writeCompiled }, { manifestArtifact }, { writeJsonAtomic }, { dialectFor }] =
    await Promise.all([
      import(dist('project/load.js')),
      import(dist('compiler/compile.js')),
      import(dist('graph/graph.js')),
      import(dist('graph/select.js')),
      import(dist('compiler/write.js')),
      import(dist('artifacts/manifest.js')),
      import(dist('artifacts/write.js')),
      import(dist('adapters/registry.js')),
    ]);
  const importMs = performance.now() - t0;
  const phases = { load: [], compile: [], graph: [], select: [], write: [], total: [] };
  for (let r = 0; r < runs; r++) {
    const marks = [performance.now()];
    const project = await loadProject({ projectDir });
    marks.push(performance.now());
    const dialect = dialectFor(project.target.type, project.target.file);
    const runStartedAt = new Date();
    const manifest = compileProject(project, { dialect, invocationId: 'bench', runStartedAt });
    marks.push(performance.now());
    const graph = ProjectGraph.fromManifest(manifest);
    graph.assertAcyclic();
    marks.push(performance.now());
    selectWithReport(manifest, graph, { select: ['tag:x+'] });
    marks.push(performance.now());
    writeCompiled(manifest, project.root, project.config.targetPath);
    writeJsonAtomic(join(project.root, project.config.targetPath, 'manifest.json'), manifestArtifact(manifest, dialect, 'bench', runStartedAt));
    marks.push(performance.now());
    ['load', 'compile', 'graph', 'select', 'write'].forEach((k, i) => phases[k].push(marks[i + 1] - marks[i]));
    phases.total.push(marks[5] - marks[0]);
  }
  return { importMs, phases };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = arg('--project-dir');
  if (!dir) throw new Error('usage: node bench/breakdown.mjs --project-dir DIR [--runs 5]');
  const { importMs, phases } = await breakdown(dir, Number(arg('--runs', '5')));
  const rows = Object.entries(phases).map(([k, xs]) => ({ phase: k, first_ms: Math.round(xs[0]), median_ms: Math.round(median(xs)) }));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ importMs, rows }) + '\n');
  else {
    process.stdout.write(`import dist/: ${Math.round(importMs)} ms\n`);
    for (const r of rows) process.stdout.write(`${r.phase.padEnd(8)} first ${String(r.first_ms).padStart(6)} ms   median ${String(r.median_ms).padStart(6)} ms\n`);
  }
}
