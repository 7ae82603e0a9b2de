import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeProject } from '../support/project.js';

const BIN = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

/** Run strata with its stdout closed before it writes (as `strata ls | head` ends up). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that goes away', () => {
  it('stops output without a crash; the command still finishes its work', async () => {
    const models = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`models/m${i}.sql`, `select ${i} as id`]));
    const dir = writeProject(models);
    const ls = await withClosedStdout(['ls', '--project-dir', dir]);
    expect(ls.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(ls.code).toBe(0);
    const compile = await withClosedStdout(['compile', '--project-dir', dir]);
    expect(compile.stderr).toBe('');
    expect(compile.code).toBe(0);
    expect(existsSync(join(dir, 'target', 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, 'target', 'compiled', 'demo', 'models', 'm29.sql'))).toBe(true);
  });
});
