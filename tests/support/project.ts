import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Every dir written by this test file; tests/support/setup.ts removes them after the file. */
const written: string[] = [];

/** Remove every project written so far (registered as an afterAll hook for every test file). */
export function removeWrittenProjects(): void {
  while (written.length) removeProject(written.pop()!);
}

/**
 * Write an inline mini-project into a fresh temp dir and return its path; it is removed
 * after the test file ends.
 * Keys are project-relative paths; values are file contents.
 * A default profiles.yml (in-memory DuckDB) is written unless one is given.
 */
export function writeProject(files: Record<string, string>, options: { name?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  written.push(dir);
  const name = options.name ?? 'demo';
  const all: Record<string, string> = {
    'project.yml': `name: ${name}\nprofile: ${name}\n`,
    'profiles.yml': `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n      schema: main\n      threads: 1\n`,
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

/** Overwrite (or add) files in an existing project dir. */
export function updateProject(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
