#!/usr/bin/env node
/**
 * End-to-end CLI timings on generated projects (process start included):
 * `strata compile`, `strata ls`, `strata ls -s tag:x+`, for each N.
 *
 *   npm run build && node bench/compile.mjs [--sizes 1000,10000,50000] [--runs 5] [--commands compile,ls] [--rows 'file +/-'] [--breakdown]
 *
 * Wall time is measured around the spawned process; peak RSS comes from GNU time
 * (`/usr/bin/time -f %M`, the child's maxrss) when present, else from a tiny runner that
 * imports the CLI in-process and prints `process.resourceUsage().maxRSS` at exit.
 * Reports median and min wall time and the median peak RSS. Projects are generated once
 * per N under the OS temp dir (deterministic, see generate.mjs) and removed afterwards
 * unless --keep.
 *
 * `compile (cold)` removes the compile cache (<target>/.strata-cache) before every run;
 * `compile` and `ls` rows then run with the cache in place (warm: an unchanged project);
 * `compile (1 edit)` appends a comment to one model before every run (the cache patch path);
 * `compile (macro edit)` changes the output of the macro in macros/utils.sql (its users, every
 * staging and feature model, are rendered again and their compiled SQL written); `compile (var change)` changes the var every feature
 * model reads, in project.yml; `compile (yaml edit)` changes one model's description in a
 * properties file (the file is parsed alone and its 100 models' tests built again).
 * `compile (yaml file +/-)`, `(test file +/-)`, `(seed file +/-)` and `(macro file +/-)` add a file
 * before one run and remove it before the next: a properties file describing a model of its own
 * (written once, before the warm-up run) with 2 tests, a singular test reading a mart, a seed, a
 * macro file defining a macro nothing calls.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { breakdown } from './breakdown.mjs';
import { generate } from './generate.mjs';

const BIN = join(import.meta.dirname, '..', 'bin', 'strata.js');
const GNU_TIME = '/usr/bin/time';

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A runner used when GNU time is missing: runs the CLI in-process, reports maxRSS (KB) on stderr. */
function rssRunner(dir) {
  const file = join(dir, 'rss-runner.mjs');
  writeFileSync(
    file,
    `import { main } from ${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'))};
const code = await main(process.argv.slice(2), { out: () => {}, err: (s) => process.stderr.write(s + '\\n') });
process.stderr.write('MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;
`,
  );
  return file;
}

/** Run one CLI invocation; returns { ms, rssKb }. Throws when it fails. */
function runOnce(args, runner) {
  const useTime = existsSync(GNU_TIME);
  const cmd = useTime ? GNU_TIME : process.execPath;
  const argv = useTime ? ['-f', 'MAXRSS_KB=%M', process.execPath, BIN, ...args] : [runner, ...args];
  const t = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const m = /MAXRSS_KB=(\d+)/.exec(r.stderr);
  return { ms, rssKb: m ? Number(m[1]) : NaN };
}

/**
 * Files and compiled directories modified less than 2 s before a run are re-read / re-listed (see
 * src/project/file-stamps.ts, src/compiler/written-index.ts); a user's project is rarely edited that
 * close to a run, so warm rows wait that long after the warm-up run (cold rows remove the cache anyway).
 */
const SETTLE_MS = 2500;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function measure(label, args, runs, runner, beforeEach = () => {}, settle = false) {
  beforeEach();
  runOnce(args, runner); // warm the fs cache; not counted
  if (settle) {
    sleep(SETTLE_MS);
    runOnce(args, runner); // records the settled files and directories; not counted
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    beforeEach();
    samples.push(runOnce(args, runner));
  }
  const ms = samples.map((s) => s.ms);
  return {
    label,
    median_ms: Math.round(median(ms)),
    min_ms: Math.round(Math.min(...ms)),
    rss_mb: Math.round(median(samples.map((s) => s.rssKb)) / 1024),
  };
}

const sizes = arg('--sizes', '1000,10000,50000').split(',').map(Number);
const runs = Number(arg('--runs', '5'));
/** --commands compile,ls: which CLI commands to time (`ls` covers both ls and ls -s tag:x+). */
const commands = arg('--commands', 'compile,ls').split(',');
/** --rows 'file +/-,warm': only the rows whose label contains one of these (default: all). */
const only = arg('--rows', '').split(',').filter(Boolean);
const work = mkdtempSync(join(tmpdir(), 'strata-bench-'));
const runner = rssRunner(work);
process.stdout.write(
  `rss via ${existsSync(GNU_TIME) ? 'GNU time %M' : 'in-process resourceUsage().maxRSS'}; runs=${runs}; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`,
);
try {
  for (const n of sizes) {
    const dir = join(work, `p${n}`);
    generate(n, dir);
    const base = ['--project-dir', dir];
    const cold = () => rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
    // One model's SQL body edited before every run (a comment appended): the compile cache patch.
    const edited = join(dir, 'models', 'marts', 'group_0000', readdirSync(join(dir, 'models', 'marts', 'group_0000')).find((f) => f.endsWith('.sql')));
    let edits = 0;
    const edit = () => appendFileSync(edited, `\n-- edit ${++edits}`);
    // The macro file every staging and feature model calls, and the var every feature model reads.
    const utils = join(dir, 'macros', 'utils.sql');
    // Toggles the macro's output (/ 100 and / 100.0): every user's compiled SQL changes each run.
    const macroEdit = () => {
      const text = readFileSync(utils, 'utf8');
      writeFileSync(utils, text.includes('/ 100,') ? text.replace('/ 100,', '/ 100.0,') : text.replace('/ 100.0,', '/ 100,'));
    };
    const projectYml = join(dir, 'project.yml');
    const schemaYml = join(dir, 'models', 'marts', 'group_0000', '_schema.yml');
    const yamlEdit = () => writeFileSync(schemaYml, readFileSync(schemaYml, 'utf8').replace(/one row per id\.( \(\d+\))?/, `one row per id. (${++edits})`));
    const varChange = () => writeFileSync(projectYml, readFileSync(projectYml, 'utf8').replace(/feature_version: \d+/, `feature_version: ${++edits}`));
    // A file added before one run and removed before the next.
    const toggle = (rel, text) => () => {
      const file = join(dir, rel);
      if (existsSync(file)) rmSync(file);
      else {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, text);
      }
    };
    const ownModel = join(dir, 'models', 'marts', 'group_0000', 'zz_own.sql');
    const yamlFile = toggle(join('models', 'marts', 'group_0000', 'zz_own.yml'), 'version: 2\nmodels:\n  - name: zz_own\n    description: A model of its own.\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n');
    const mart = readdirSync(join(dir, 'models', 'marts', 'group_0000')).find((f) => f.endsWith('.sql')).replace(/\.sql$/, '');
    const rows = [
      ['compile (cold)', ['compile', ...base], cold],
      ['compile', ['compile', ...base]],
      ['compile (1 edit)', ['compile', ...base], edit],
      ['compile (macro edit)', ['compile', ...base], macroEdit],
      ['compile (var change)', ['compile', ...base], varChange],
      ['compile (yaml edit)', ['compile', ...base], yamlEdit],
      ['compile (yaml file +/-)', ['compile', ...base], () => {
        if (!existsSync(ownModel)) writeFileSync(ownModel, `select id from {{ ref('${mart}') }}`);
        yamlFile();
      }],
      ['compile (test file +/-)', ['compile', ...base], toggle(join('tests', 'zz_check.sql'), `select * from {{ ref('${mart}') }} where id < 0`)],
      ['compile (seed file +/-)', ['compile', ...base], toggle(join('seeds', 'zz_seed.csv'), 'id,status\n1,open\n')],
      ['compile (macro file +/-)', ['compile', ...base], toggle(join('macros', 'zz_extra.sql'), '{% macro zz_extra(x) %}({{ x }} + 1){% endmacro %}\n')],
      ['ls', ['ls', ...base]],
      ['ls -s tag:x+', ['ls', '-s', 'tag:x+', ...base]],
    ]
      .filter(([label]) => commands.includes(label.split(' ')[0]) && (only.length === 0 || only.some((o) => label.includes(o))))
      .map(([label, args, before]) => measure(label, args, runs, runner, before, before !== cold));
    for (const r of rows) {
      process.stdout.write(`N=${String(n).padEnd(6)} ${r.label.padEnd(20)} median ${String(r.median_ms).padStart(6)} ms  min ${String(r.min_ms).padStart(6)} ms  peak RSS ${String(r.rss_mb).padStart(5)} MB\n`);
    }
    if (process.argv.includes('--breakdown')) {
      const { importMs, phases } = await breakdown(dir, 3);
      const parts = Object.entries(phases).map(([k, xs]) => `${k} ${Math.round(xs[0])}`);
      process.stdout.write(`N=${String(n).padEnd(6)} in-process first run (ms): import ${Math.round(importMs)}, ${parts.join(', ')}\n`);
    }
  }
  process.stdout.write(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
} finally {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
}
