import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCompiled } from '../../src/compiler/write.js';
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
    const index = JSON.parse(readFileSync(join(dir, 'target/compiled/.written.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(index).sort()).toEqual(['demo/models/.d.sql', 'demo/models/a.sql', 'demo/models/c.sql', 'demo/models/s.yml/t.sql', 'demo/models/sub/b.sql']);

    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(0);
    rmSync(at('models/s.yml/t.sql'));
    nodes[2]!.sql = 'select 33';
    expect(writeCompiled(manifestOf(nodes), dir, 'target')).toBe(2);
    expect(existsSync(at('models/s.yml/t.sql'))).toBe(true);
    expect(readFileSync(at('models/sub/b.sql'), 'utf8')).toBe('select 33');
  });
});
