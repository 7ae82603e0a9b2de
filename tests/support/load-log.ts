/**
 * Run the real CLI in a child process and record every module it loads: an `--import` hook logs
 * each ES module (`esm <url>`) and, at exit, every CommonJS module in require.cache (`cjs <file>`).
 * For tests of what a command loads (start-up cost), without timings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

/** One module load: how (ES module or CommonJS) and where (URL or file path). */
export interface ModuleLoad {
  kind: 'esm' | 'cjs';
  where: string;
}

export interface LoadLog {
  code: number;
  stdout: string;
  stderr: string;
  loads: ModuleLoad[];
}

/** A runner for `strata args` that records the modules loaded; its hook files are removed after the test file. */
export function loadLogger(): (args: string[], cwd?: string) => LoadLog {
  const hookDir = mkdtempSync(join(tmpdir(), 'strata-load-log-'));
  afterAll(() => rmSync(hookDir, { recursive: true, force: true }));
  writeFileSync(
    join(hookDir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.STRATA_LOAD_LOG, 'esm ' + url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(hookDir, 'register.mjs'),
    `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hooks.mjs', import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.STRATA_LOAD_LOG, Object.keys(cache).map((f) => 'cjs ' + f).join('\\n') + '\\n'));
`,
  );
  const register = pathToFileURL(join(hookDir, 'register.mjs')).href;
  return (args, cwd) => {
    const log = join(hookDir, `log-${Math.random().toString(36).slice(2)}`);
    writeFileSync(log, '');
    const res = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', STRATA_LOAD_LOG: log },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const loads: ModuleLoad[] = [];
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      if (line.startsWith('esm ') || line.startsWith('cjs ')) loads.push({ kind: line.slice(0, 3) as ModuleLoad['kind'], where: line.slice(4) });
    }
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr, loads };
  };
}
