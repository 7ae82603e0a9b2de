/**
 * writeCompiled's digest path: a compile with another token (a cold compile: new cache entry) whose
 * compiled files and SQL equal those of the recorded complete compile is confirmed by directory
 * mtimes alone, and anything that differs (SQL, a path, a lost file) still gets written.
 */
import { existsSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledDigest, writeCompiled } from '../../src/compiler/write.js';
import type { Manifest, ManifestNode } from '../../src/compiler/types.js';
import { sha256 } from '../../src/util/hash.js';
import { removeWrittenProjects, writeProject } from '../support/project.js';

afterAll(removeWrittenProjects);

interface Spec { id: string; sql: string; compiledPath: string }

function manifestOf(nodes: Spec[]): Manifest {
  const out: Manifest = { projectName: 'demo', adapterType: 'duckdb', nodes: {}, sources: {}, macros: {}, docs: {}, parent_map: {}, child_map: {} };
  for (const n of nodes) out.nodes[n.id] = { unique_id: n.id, original_file_path: 'models/x.sql', compiled_code: n.sql, compiled_path: n.compiledPath } as unknown as ManifestNode;
  return out;
}

const factsOf = (nodes: Spec[]) => ({ compiled: new Map(nodes.map((n) => [n.id, { path: n.compiledPath, hash: sha256(n.sql) }])) });

/** The recorded complete compile (line 1 of .written.json). */
function complete(dir: string): { token: string; digest?: string } | undefined {
  return (JSON.parse(readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n')[0]!) as { complete?: { token: string; digest?: string } }).complete;
}

function ageDirs(dir: string): void {
  const past = new Date(Date.now() - 10_000);
  for (const d of ['demo/models', 'demo/models/sub']) if (existsSync(join(dir, 'target/compiled', d))) utimesSync(join(dir, 'target/compiled', d), past, past);
}

/** Two nodes in two directories, written completely under token T1 and settled. */
function settledProject(): { dir: string; nodes: Spec[]; at: (rel: string) => string } {
  const dir = writeProject({});
  const nodes: Spec[] = [
    { id: 'model.demo.a', sql: 'select 1', compiledPath: 'target/compiled/demo/models/a.sql' },
    { id: 'model.demo.e', sql: 'select 3', compiledPath: 'target/compiled/demo/models/sub/e.sql' },
  ];
  expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T1')).toBe(2);
  ageDirs(dir);
  expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T1')).toBe(0);
  return { dir, nodes, at: (rel) => readFileSync(join(dir, 'target/compiled/demo', rel), 'utf8') };
}

describe('writeCompiled digest', () => {
  it('a new token with the same files and SQL takes over the record without a file check', () => {
    const { dir, nodes } = settledProject();
    expect(complete(dir)).toMatchObject({ token: 'T1', digest: compiledDigest(factsOf(nodes).compiled) });
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T2')).toBe(0);
    expect(complete(dir)).toMatchObject({ token: 'T2', digest: compiledDigest(factsOf(nodes).compiled) });
    // The adopted token is then complete on its own (a warm run checks nothing).
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T2')).toBe(0);
  });

  it('changed SQL, a moved file or a lost file is written under the new token', () => {
    const { dir, nodes, at } = settledProject();
    nodes[1]!.sql = 'select 33';
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T2')).toBe(1);
    expect(at('models/sub/e.sql')).toBe('select 33');
    expect(at('models/a.sql')).toBe('select 1');
    ageDirs(dir);
    writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T2');
    nodes[0]!.compiledPath = 'target/compiled/demo/models/sub/a2.sql';
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T3')).toBe(1);
    expect(at('models/sub/a2.sql')).toBe('select 1');
    ageDirs(dir);
    writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T3');
    rmSync(join(dir, 'target/compiled/demo/models/sub/e.sql'));
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T4')).toBe(1);
    expect(at('models/sub/e.sql')).toBe('select 33');
  });

  it('keeps the hash lines byte for byte when taking over, and a selection is served too', () => {
    const { dir, nodes } = settledProject();
    const lines = () => readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n').slice(1);
    const before = lines();
    expect(writeCompiled(manifestOf(nodes), dir, 'target', ['model.demo.a'], factsOf(nodes), 'T2')).toBe(0);
    expect(lines()).toEqual(before);
    expect(complete(dir)?.token).toBe('T2');
  });

  it('digests order, paths and hashes; no digest when a node with SQL has no compiled_path', () => {
    const a = { path: 'target/compiled/demo/a.sql', hash: sha256('1') };
    const b = { path: 'target/compiled/demo/b.sql', hash: sha256('2') };
    const d = (entries: Array<[string, { path: string | undefined; hash: string } | null]>) => compiledDigest(new Map(entries));
    expect(d([['a', a], ['b', b], ['s', null]])).toBe(d([['a', a], ['b', b]]));
    expect(d([['a', a], ['b', b]])).not.toBe(d([['b', b], ['a', a]]));
    expect(d([['a', a]])).not.toBe(d([['a', { ...a, hash: sha256('3') }]]));
    expect(d([['a', a], ['x', { path: undefined, hash: a.hash }]])).toBeUndefined();
  });
});

describe('writeCompiled hash lines, checked file by file', () => {
  const lines = (dir: string) => readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n').slice(1);
  const many = (n: number): Spec[] => Array.from({ length: n }, (_, i) => ({ id: `model.demo.m${i}`, sql: `select ${i}`, compiledPath: `target/compiled/demo/models/m${i}.sql` }));

  it('finds stored hashes in any order, with nodes added and removed in between', () => {
    const dir = writeProject({});
    const nodes = many(6);
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T1')).toBe(6);
    ageDirs(dir);
    const shuffled = [nodes[3]!, nodes[0]!, { id: 'model.demo.new', sql: 'select 9', compiledPath: 'target/compiled/demo/models/new.sql' }, nodes[5]!, nodes[1]!, nodes[4]!];
    // Only the new node is written; every other hash is found out of order (T2: no token match).
    expect(writeCompiled(manifestOf(shuffled), dir, 'target', undefined, factsOf(shuffled), 'T2')).toBe(1);
    expect(writeCompiled(manifestOf(shuffled), dir, 'target', undefined, factsOf(shuffled), 'T3')).toBe(0);
  });

  it('a few changed files go to line 3; line 2 is kept byte for byte and later runs read both', () => {
    const dir = writeProject({});
    const nodes = many(5);
    writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T1');
    ageDirs(dir);
    const [base] = lines(dir);
    nodes[2]!.sql = 'select 22';
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T2')).toBe(1);
    const [base2, overrides] = lines(dir);
    expect(base2).toBe(base);
    expect(JSON.parse(overrides!)).toEqual({ 'demo/models/m2.sql': sha256('select 22') });
    expect(readFileSync(join(dir, 'target/compiled/demo/models/m2.sql'), 'utf8')).toBe('select 22');
    ageDirs(dir);
    nodes[4]!.sql = 'select 44';
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T3')).toBe(1);
    expect(JSON.parse(lines(dir)[1]!)).toEqual({ 'demo/models/m2.sql': sha256('select 22'), 'demo/models/m4.sql': sha256('select 44') });
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, factsOf(nodes), 'T4')).toBe(0);
  });
});
