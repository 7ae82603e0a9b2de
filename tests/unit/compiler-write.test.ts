import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeCompiled } from '../../src/compiler/write.js';
import { sha256 } from '../../src/util/hash.js';
import type { Manifest, ManifestNode } from '../../src/compiler/types.js';
import { removeWrittenProjects, writeProject } from '../support/project.js';
import { afterAll } from 'vitest';

afterAll(removeWrittenProjects);

function manifestOf(nodes: Array<{ id: string; file: string; sql: string; compiledPath?: string }>): Manifest {
  const out: Manifest = { projectName: 'demo', adapterType: 'duckdb', nodes: {}, sources: {}, macros: {}, docs: {}, parent_map: {}, child_map: {} };
  for (const n of nodes) {
    out.nodes[n.id] = {
      unique_id: n.id, original_file_path: n.file, compiled_code: n.sql, ...(n.compiledPath === undefined ? {} : { compiled_path: n.compiledPath }),
    } as unknown as ManifestNode;
  }
  return out;
}

/** target/compiled/.written.json: line 1 directories (and complete compile), line 2 file hashes. */
function writtenIndex(dir: string): { files: Record<string, string>; dirs: Record<string, number> } {
  const [header, files] = readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n');
  return { ...(JSON.parse(header!) as { dirs: Record<string, number> }), files: JSON.parse(files!) as Record<string, string> };
}

/** writeCompiled's per-node facts: each node's compiled_path with the given SQL hash. */
function factsOf(nodes: Array<{ id: string; compiledPath?: string }>, hashes: string[]) {
  return { compiled: new Map(nodes.map((n, i) => [n.id, { path: n.compiledPath, hash: hashes[i]! }])) };
}

/** Make the compiled directories look modified 10 s ago (past the racy window). */
function ageCompiledDirs(dir: string): void {
  const past = new Date(Date.now() - 10_000);
  for (const d of ['demo/models', 'demo/models/sub']) {
    if (existsSync(join(dir, 'target/compiled', d))) utimesSync(join(dir, 'target/compiled', d), past, past);
  }
}

describe('writeCompiled', () => {
  it('writes every kind of compiled path, skips unchanged files, rewrites deleted and changed ones', () => {
    const dir = writeProject({});
    const nodes = [
      { id: 'model.demo.a', file: 'models/a.sql', sql: 'select 1', compiledPath: 'target/compiled/demo/models/a.sql' },
      { id: 'test.demo.t', file: 'models/s.yml', sql: 'select 2', compiledPath: 'target/compiled/demo/models/s.yml/t.sql' },
      { id: 'model.demo.b', file: 'models/sub/b.sql', sql: 'select 3' },
      { id: 'model.demo.c', file: 'models/c.sql', sql: 'select 4', compiledPath: 'target/./compiled/demo/models/c.sql' },
      { id: 'model.demo.d', file: 'models/.d.sql', sql: 'select 5', compiledPath: 'target/compiled/demo/models/.d.sql' },
    ];
    const at = (rel: string) => join(dir, 'target/compiled/demo', rel);
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(5);
    expect(readFileSync(at('models/a.sql'), 'utf8')).toBe('select 1');
    expect(readFileSync(at('models/s.yml/t.sql'), 'utf8')).toBe('select 2');
    expect(readFileSync(at('models/sub/b.sql'), 'utf8')).toBe('select 3');
    expect(readFileSync(at('models/c.sql'), 'utf8')).toBe('select 4');
    expect(readFileSync(at('models/.d.sql'), 'utf8')).toBe('select 5');
    const index = writtenIndex(dir).files;
    expect(Object.keys(index).sort()).toEqual(['demo/models/.d.sql', 'demo/models/a.sql', 'demo/models/c.sql', 'demo/models/s.yml/t.sql', 'demo/models/sub/b.sql']);

    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(0);
    rmSync(at('models/s.yml/t.sql'));
    nodes[2]!.sql = 'select 33';
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(2);
    expect(existsSync(at('models/s.yml/t.sql'))).toBe(true);
    expect(readFileSync(at('models/sub/b.sql'), 'utf8')).toBe('select 33');
  });

  it('trusts a directory whose mtime is unchanged since it settled, and never a file it lost meanwhile', () => {
    const dir = writeProject({});
    const nodes = [
      { id: 'model.demo.a', file: 'models/a.sql', sql: 'select 1' },
      { id: 'model.demo.c', file: 'models/c.sql', sql: 'select 2' },
      { id: 'model.demo.e', file: 'models/sub/e.sql', sql: 'select 3' },
    ];
    const at = (rel: string) => join(dir, 'target/compiled/demo', rel);
    const stored = () => writtenIndex(dir);
    /** Make every compiled directory look modified 10 s ago (past the racy window). */
    const age = () => ageCompiledDirs(dir);
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(3);
    // Just written: too fresh to record.
    expect(stored().dirs).toEqual({});
    age();
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(0);
    expect(Object.keys(stored().dirs).sort()).toEqual(['demo/models', 'demo/models/sub']);
    expect(stored().dirs['demo/models']).toBe(statSync(join(dir, 'target/compiled/demo/models')).mtimeMs);
    // A deleted file changes its directory's mtime: rewritten.
    rmSync(at('models/sub/e.sql'));
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(1);
    expect(readFileSync(at('models/sub/e.sql'), 'utf8')).toBe('select 3');
    // A file lost while its directory is listed for another selection is forgotten, so a later
    // selection that needs it writes it even though the directory has settled again.
    age();
    writeCompiled(manifestOf(nodes), dir, 'target');
    rmSync(at('models/a.sql'));
    expect(writeCompiled(manifestOf(nodes), dir, 'target', ['model.demo.c'])).toBe(0);
    expect(stored().files['demo/models/a.sql']).toBeUndefined();
    age();
    writeCompiled(manifestOf(nodes), dir, 'target', ['model.demo.c']);
    expect(stored().dirs['demo/models']).toBeDefined();
    expect(writeCompiled(manifestOf(nodes), dir, 'target', ['model.demo.a'])).toBe(1);
    expect(readdirSync(at('models')).sort()).toEqual(['a.sql', 'c.sql', 'sub']);
  });

  it('with a token, a compile written completely is confirmed by directory mtimes alone', () => {
    const dir = writeProject({});
    const nodes = [
      { id: 'model.demo.a', file: 'models/a.sql', sql: 'select 1', compiledPath: 'target/compiled/demo/models/a.sql' },
      { id: 'model.demo.e', file: 'models/sub/e.sql', sql: 'select 3', compiledPath: 'target/compiled/demo/models/sub/e.sql' },
    ];
    const known = (hashes: string[]) => factsOf(nodes, hashes);
    const real = known(nodes.map((n) => sha256(n.sql)));
    const age = () => ageCompiledDirs(dir);
    const m = manifestOf(nodes);
    expect(writeCompiled(m, dir, 'target', undefined, real, 'T1')).toBe(2);
    age();
    expect(writeCompiled(m, dir, 'target', undefined, real, 'T1')).toBe(0); // directories recorded now
    const header = JSON.parse(readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n')[0]!) as { complete?: { token: string; dirs: string[] } };
    expect(header.complete).toEqual({ token: 'T1', dirs: ['demo/models', 'demo/models/sub'], digest: expect.any(String) });
    // Same token, directories unchanged: no file is looked at (the token vouches for the hashes).
    expect(writeCompiled(m, dir, 'target', undefined, known(['x', 'y']), 'T1')).toBe(0);
    // Another token: checked file by file (both hashes differ from what was written).
    expect(writeCompiled(m, dir, 'target', undefined, known(['x', 'y']), 'T2')).toBe(2);
    // A deleted file changes its directory: the token no longer vouches for it.
    age();
    writeCompiled(m, dir, 'target', undefined, real, 'T3');
    age();
    writeCompiled(m, dir, 'target', undefined, real, 'T3');
    rmSync(join(dir, 'target/compiled/demo/models/sub/e.sql'));
    expect(writeCompiled(m, dir, 'target', undefined, real, 'T3')).toBe(1);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/sub/e.sql'), 'utf8')).toBe('select 3');
  });

  it('since a complete compile, a patched one checks only the nodes that differ', () => {
    const dir = writeProject({});
    const nodes = [
      { id: 'model.demo.a', file: 'models/a.sql', sql: 'select 1', compiledPath: 'target/compiled/demo/models/a.sql' },
      { id: 'model.demo.e', file: 'models/sub/e.sql', sql: 'select 3', compiledPath: 'target/compiled/demo/models/sub/e.sql' },
    ];
    const facts = (sqls: string[]) => factsOf(nodes, sqls.map(sha256));
    const age = () => ageCompiledDirs(dir);
    const at = (rel: string) => readFileSync(join(dir, 'target/compiled/demo', rel), 'utf8');
    expect(writeCompiled(manifestOf(nodes), dir, 'target', undefined, facts(['select 1', 'select 3']), 'T1')).toBe(2);
    age();
    writeCompiled(manifestOf(nodes), dir, 'target', undefined, facts(['select 1', 'select 3']), 'T1');
    // T2 = T1 with only e changed. a's hash is made to differ too: it is not looked at.
    nodes[1]!.sql = 'select 33';
    const m = manifestOf(nodes);
    expect(writeCompiled(m, dir, 'target', undefined, facts(['other', 'select 33']), 'T2', { token: 'T1', changed: ['model.demo.e'] })).toBe(1);
    expect(at('models/sub/e.sql')).toBe('select 33');
    expect(at('models/a.sql')).toBe('select 1');
    const header = JSON.parse(readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n')[0]!) as { complete?: { token: string; dirs: string[] } };
    expect(header.complete).toEqual({ token: 'T2', dirs: ['demo/models', 'demo/models/sub'] });
    // Without a complete T1 (another base), every file is checked.
    expect(writeCompiled(m, dir, 'target', undefined, facts(['other', 'select 33']), 'T3', { token: 'T9', changed: [] })).toBe(1);
    expect(at('models/a.sql')).toBe('select 1');
  });

  it('a directory recorded within the racy window is trusted later only with the same mtime and entry count', () => {
    const dir = writeProject({});
    const nodes = [
      { id: 'model.demo.a', file: 'models/a.sql', sql: 'select 1', compiledPath: 'target/compiled/demo/models/a.sql' },
      { id: 'model.demo.b', file: 'models/b.sql', sql: 'select 2', compiledPath: 'target/compiled/demo/models/b.sql' },
    ];
    const facts = (hashes: string[]) => factsOf(nodes, hashes);
    const real = facts(nodes.map((n) => sha256(n.sql)));
    const m = manifestOf(nodes);
    const folder = join(dir, 'target/compiled/demo/models');
    expect(writeCompiled(m, dir, 'target', undefined, real, 'T1')).toBe(2);
    const header = () => JSON.parse(readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8').split('\n')[0]!) as { pending?: Record<string, [number, number]> };
    const [, count] = header().pending!['demo/models']!;
    expect(count).toBe(2);
    vi.useFakeTimers({ now: Date.now() + 10_000, toFake: ['Date'] });
    try {
      // Old enough now, same mtime and count: trusted without a look at any file (wrong hashes are not noticed).
      expect(writeCompiled(m, dir, 'target', undefined, facts(['x', 'y']), 'T1')).toBe(0);
      // A file removed "in the same tick" as the recording: its mtime would not tell (here the record
      // is given the directory's new mtime), the entry count does, and the file is written again.
      rmSync(join(folder, 'b.sql'));
      const file = join(dir, 'target/compiled/.written.json');
      const [line1, ...rest] = readFileSync(file, 'utf8').split('\n');
      const h = JSON.parse(line1!) as { dirs: Record<string, number>; pending: Record<string, [number, number]> };
      delete h.dirs['demo/models'];
      h.pending['demo/models'] = [statSync(folder).mtimeMs, count];
      writeFileSync(file, [JSON.stringify(h), ...rest].join('\n'));
      expect(writeCompiled(m, dir, 'target', undefined, real, 'T1')).toBe(1);
      expect(readFileSync(join(folder, 'b.sql'), 'utf8')).toBe('select 2');
    } finally {
      vi.useRealTimers();
    }
  });
});
