import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectCtes } from '../../src/compiler/ephemeral.js';
import { writeCompiled } from '../../src/compiler/write.js';
import { UserError } from '../../src/errors.js';
import { compileFixture, compiledOf, thrown } from './compiler-fixture.js';

const eph = "{{ config(materialized='ephemeral') }}";

describe('ephemeral models', () => {
  it('are injected as CTEs, dependencies first and each once', () => {
    const m = compileFixture({
      models: {
        'base.sql': `${eph}select 1 as id`,
        'mid.sql': `${eph}select * from {{ ref('base') }};`,
        'other.sql': `${eph}select * from {{ ref('base') }}`,
        'final.sql': "select * from {{ ref('mid') }} join {{ ref('other') }} using (id)",
      },
    });
    expect(compiledOf(m, 'final')).toBe(
      'with __strata_ephemeral__base as (\nselect 1 as id\n),\n' +
        '__strata_ephemeral__mid as (\nselect * from __strata_ephemeral__base\n),\n' +
        '__strata_ephemeral__other as (\nselect * from __strata_ephemeral__base\n)\n' +
        'select * from __strata_ephemeral__mid join __strata_ephemeral__other using (id)',
    );
    expect(m.nodes['model.demo.final']!.depends_on.nodes).toEqual(['model.demo.mid', 'model.demo.other']);
    // The ephemeral model itself shows its own SQL with its ancestors injected.
    expect(compiledOf(m, 'mid')).toBe('with __strata_ephemeral__base as (\nselect 1 as id\n)\nselect * from __strata_ephemeral__base;');
  });

  it('merge into an existing WITH (after comments, case-insensitive)', () => {
    const m = compileFixture({
      models: {
        'e.sql': `${eph}select 2 as x`,
        'f.sql': "-- note\n/* c */\nWITH a as (select * from {{ ref('e') }}) select * from a",
      },
    });
    expect(compiledOf(m, 'f')).toBe('-- note\n/* c */\nWITH __strata_ephemeral__e as (\nselect 2 as x\n), a as (select * from __strata_ephemeral__e) select * from a');
  });

  it('cycles among ephemeral models are an error with the path', () => {
    const e = thrown(() => compileFixture({ models: { 'a.sql': `${eph}select * from {{ ref('b') }}`, 'b.sql': `${eph}select * from {{ ref('a') }}`, 'c.sql': "select * from {{ ref('a') }}" } }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/cycle: (a -> b -> a|b -> a -> b)/);
  });

  it('injectCtes handles WITH RECURSIVE and plain statements', () => {
    expect(injectCtes('with recursive t as (select 1) select * from t', ['x as (select 1)'])).toBe('with recursive x as (select 1), t as (select 1) select * from t');
    expect(injectCtes('  select 1', ['x as (select 1)', 'y as (select 2)'])).toBe('  with x as (select 1),\ny as (select 2)\nselect 1');
    expect(injectCtes('select 1 as withdrawn', ['x as (select 1)'])).toBe('with x as (select 1)\nselect 1 as withdrawn');
  });
});

describe('writeCompiled', () => {
  it('writes compiled SQL under target/compiled/<project>/<original path>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-compiled-'));
    try {
      const m = compileFixture({ models: { 'staging/x.sql': "select '{{ target.name }}'" }, seeds: { 's.csv': 'a\n1\n' } });
      expect(m.nodes['model.demo.x']!.compiled_path).toBe('target/compiled/demo/models/staging/x.sql');
      writeCompiled(m, dir, 'target');
      expect(readFileSync(join(dir, 'target/compiled/demo/models/staging/x.sql'), 'utf8')).toBe("select 'dev'");
      expect(existsSync(join(dir, 'target/compiled/demo/seeds'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rewrites only what changed (or went missing), and only the ids asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-compiled-'));
    try {
      const m = compileFixture({ models: { 'a.sql': 'select 1', 'b.sql': 'select 2' } });
      expect(writeCompiled(m, dir, 'target', ['model.demo.a'])).toBe(1);
      expect(existsSync(join(dir, 'target/compiled/demo/models/b.sql'))).toBe(false);
      expect(writeCompiled(m, dir, 'target')).toBe(1); // b only: a is unchanged
      expect(writeCompiled(m, dir, 'target')).toBe(0);
      m.nodes['model.demo.a']!.compiled_code = 'select 10';
      rmSync(join(dir, 'target/compiled/demo/models/b.sql'));
      expect(writeCompiled(m, dir, 'target')).toBe(2);
      expect(readFileSync(join(dir, 'target/compiled/demo/models/a.sql'), 'utf8')).toBe('select 10');
      expect(readFileSync(join(dir, 'target/compiled/demo/models/b.sql'), 'utf8')).toBe('select 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
