/**
 * Compile-cache parity: compile a project through the cache (a hit, a patch or a full compile),
 * then again without the cache, and expect the same output byte for byte — manifest.json, the
 * in-memory manifest, what the cache index stores apart from the nodes (summaries, graph facts,
 * build order) and every compiled file.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { prepare, selectIds, writeCompiledFor } from '../../src/api/prepare.js';
import { updateProject } from './project.js';

export interface CompileOptions {
  vars?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** What one compile leaves behind, and the nodes a patch replaced (undefined: not patched). */
export interface CompileSnapshot {
  changed: string[] | undefined;
  manifestJson: string;
  inMemory: string;
  facts: string;
  compiled: string[];
}

export async function compileSnapshot(dir: string, options: CompileOptions = {}): Promise<CompileSnapshot> {
  const p = await prepare({ projectDir: dir, ...(options.vars ? { vars: options.vars } : {}), env: options.env ?? {}, invocationId: 'inv', runStartedAt: new Date(0) });
  writeCompiledFor(p, selectIds(p, {}, ['model', 'seed', 'test', 'unit_test']));
  const facts = JSON.stringify({ summaries: [...p.facts.summaries.values()], order: p.facts.order, info: [...p.facts.info] });
  const compiled = Object.values(p.manifest.nodes).flatMap((n) => (n.compiled_path ? [`${n.compiled_path}\n${readFileSync(join(dir, n.compiled_path), 'utf8')}`] : []));
  return { changed: p.since?.changed, manifestJson: readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'), inMemory: JSON.stringify(p.manifest), facts, compiled };
}

/**
 * Apply an edit (files to write, or a function), compile through the cache and then without it,
 * and expect the same output; returns the nodes the patch replaced (undefined: not patched).
 */
export async function editAndCompare(dir: string, what: string, edit: Record<string, string> | (() => void), options: CompileOptions = {}): Promise<string[] | undefined> {
  if (typeof edit === 'function') edit();
  else updateProject(dir, edit);
  const run = await compileSnapshot(dir, options);
  rmSync(join(dir, 'target', '.strata-cache'), { recursive: true, force: true });
  const expected = await compileSnapshot(dir, options);
  expect(expected.changed, what).toBeUndefined();
  expect(run.manifestJson, what).toBe(expected.manifestJson);
  expect(run.inMemory, what).toBe(expected.inMemory);
  expect(run.facts, what).toBe(expected.facts);
  expect(run.compiled, what).toEqual(expected.compiled);
  return run.changed;
}
