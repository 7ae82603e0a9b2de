/**
 * What each CLI invocation loads: heavy dependencies (nunjucks, ajv, yaml, graphology, the
 * warehouse drivers) and command modules load only when a command uses them, so start-up
 * stays cheap. Checked on the real bin in a child process: an `--import` hook records every
 * ES module loaded and, at exit, every CommonJS module in require.cache. No timings.
 */
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters.js';
import { loadLogger } from '../support/load-log.js';
import { writeProject } from '../support/project.js';

const HEAVY = ['nunjucks', 'ajv', 'yaml', 'graphology', '@duckdb/node-api', 'pg'];
const run = loadLogger();

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** npm packages loaded (ESM or CommonJS), by name. */
  packages: Set<string>;
  /** Strata's own modules loaded, relative to dist/ (e.g. `api/compile.js`). */
  modules: Set<string>;
}

/** Run `strata args` and report what it loaded. */
function loadedBy(args: string[], cwd?: string): Loaded {
  const res = run(args, cwd);
  const packages = new Set<string>();
  const modules = new Set<string>();
  for (const { where } of res.loads) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
    if (pkg) packages.add(pkg[1]!);
    const own = /\/dist\/(.+\.js)$/.exec(where);
    if (own && !pkg) modules.add(own[1]!);
  }
  return { code: res.code, stdout: res.stdout, stderr: res.stderr, packages, modules };
}

const heavyIn = (l: Loaded, names = HEAVY) => names.filter((n) => l.packages.has(n));

const FILES = {
  'seeds/raw.csv': 'a\n1\n',
  'models/stg.sql': "{{ config(tags=['daily']) }}\nselect a from {{ ref('raw') }}",
  'models/mart.sql': "{% for c in ['a'] %}select {{ c }} from {{ ref('stg') }}{% endfor %}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: mart\n    description: the mart\n    columns:\n      - name: a\n        data_tests: [not_null, unique]\n',
};

describe('CLI start-up: each command loads only what it uses', () => {
  it('--version loads neither commander nor any command module', () => {
    const res = loadedBy(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(res.modules.has('cli/main.js')).toBe(true); // the hook sees Strata's modules
    expect(res.modules.has('cli/program.js')).toBe(false);
    expect(heavyIn(res, [...HEAVY, 'commander'])).toEqual([]);
  });

  it('--help loads commander and no api module nor heavy dependency', () => {
    const res = loadedBy(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: strata');
    expect(res.packages.has('commander')).toBe(true);
    expect([...res.modules].filter((m) => m.startsWith('api/'))).toEqual([]);
    expect(heavyIn(res)).toEqual([]);
  });

  it('an unknown command and invalid --vars still exit 2 without a stack trace', () => {
    const bad = loadedBy(['nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown command 'nope'");
    const dir = writeProject(FILES);
    const vars = loadedBy(['compile', '--project-dir', dir, '--vars', '{a: [1']);
    expect(vars.code).toBe(2);
    expect(vars.stderr).toContain('--vars is not valid YAML');
    expect(vars.stderr).not.toMatch(/\n\s+at /);
  });

  for (const adapter of ADAPTERS) {
    describe.skipIf(!adapter.available())(adapter.name, () => {
      it('compile loads nunjucks and the compiler only on a cache miss; compile and ls load no driver, ajv, yaml or graphology', () => {
        const dir = writeProject({ ...FILES, 'profiles.yml': adapter.profilesYml('demo', adapter.uniqueSchema('startup')) });
        const cold = loadedBy(['compile', '--project-dir', dir]);
        expect(cold.stderr).toBe('');
        expect(cold.code).toBe(0);
        expect(cold.modules.has('api/compile.js')).toBe(true);
        expect(heavyIn(cold)).toEqual(['nunjucks']); // the templates were rendered
        expect(cold.modules.has('compiler/compile.js')).toBe(true);
        const warm = loadedBy(['compile', '--project-dir', dir]);
        expect(warm.code).toBe(0);
        expect(warm.stdout).toBe(cold.stdout);
        expect(heavyIn(warm)).toEqual([]);
        // A hit loads neither the compiler nor the cache patch.
        expect([...warm.modules].filter((m) => /^compiler\/(compile|cache-miss|cache-patch|macros|context)\.js$/.test(m))).toEqual([]);
        const ls = loadedBy(['ls', '--project-dir', dir]);
        expect(ls.code).toBe(0);
        expect(ls.stdout.trim().split('\n')).toContain('demo.mart');
        expect(heavyIn(ls)).toEqual([]);
      });

      it("debug loads only its own warehouse's driver", () => {
        const dir = writeProject({ ...FILES, 'profiles.yml': adapter.profilesYml('demo', adapter.uniqueSchema('startup')) });
        const res = loadedBy(['debug', '--project-dir', dir]);
        expect(res.stderr).toBe('');
        expect(res.code).toBe(0);
        const driver = adapter.name === 'duckdb' ? '@duckdb/node-api' : 'pg';
        expect(heavyIn(res)).toEqual([driver]);
      });
    });
  }
});
