import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseSelector, splitSelectorArgument } from '../../src/graph/selector-spec.js';

describe('parseSelector', () => {
  it('parses a bare name as an fqn match', () => {
    expect(parseSelector('stg_orders')).toEqual({
      raw: 'stg_orders',
      childrensParents: false,
      parents: false,
      parentsDepth: undefined,
      children: false,
      childrenDepth: undefined,
      method: 'fqn',
      methodExplicit: false,
      methodArgs: [],
      value: 'stg_orders',
    });
  });

  it('parses graph operators with and without depths', () => {
    expect(parseSelector('+orders')).toMatchObject({ parents: true, parentsDepth: undefined, children: false, value: 'orders' });
    expect(parseSelector('orders+')).toMatchObject({ parents: false, children: true, childrenDepth: undefined, value: 'orders' });
    expect(parseSelector('2+orders+1')).toMatchObject({
      parents: true,
      parentsDepth: 2,
      children: true,
      childrenDepth: 1,
      value: 'orders',
    });
    expect(parseSelector('@orders')).toMatchObject({ childrensParents: true, parents: false, children: false, value: 'orders' });
  });

  it('parses methods with dotted arguments', () => {
    expect(parseSelector('tag:nightly')).toMatchObject({ method: 'tag', methodExplicit: true, methodArgs: [], value: 'nightly' });
    expect(parseSelector('3+config.materialized:table+')).toMatchObject({
      method: 'config',
      methodArgs: ['materialized'],
      value: 'table',
      parentsDepth: 3,
      children: true,
    });
    expect(parseSelector('config.meta.owner:ml')).toMatchObject({ method: 'config', methodArgs: ['meta', 'owner'], value: 'ml' });
    expect(parseSelector('source:raw.orders+')).toMatchObject({ method: 'source', value: 'raw.orders', children: true });
  });

  it('picks path, file or fqn as the default method', () => {
    expect(parseSelector('models/staging').method).toBe('path');
    expect(parseSelector('stg_orders.sql').method).toBe('file');
    expect(parseSelector('staging.*').method).toBe('fqn');
    expect(parseSelector('path:models/marts+')).toMatchObject({ method: 'path', value: 'models/marts', children: true });
  });

  it('rejects bad syntax with a hint', () => {
    for (const bad of ['+', 'tag:', '2+', 'a+b', '@a+', 'config..x:y']) {
      let error: unknown;
      try {
        parseSelector(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain(`'${bad}'`);
      expect((error as UserError).hint).toMatch(/\[method:\]value/);
    }
  });
});

describe('splitSelectorArgument', () => {
  it('splits spaces into a union and commas into intersections', () => {
    expect(splitSelectorArgument('  a  +b,tag:x c ')).toEqual([['a'], ['+b', 'tag:x'], ['c']]);
  });

  it('rejects empty comma parts', () => {
    expect(() => splitSelectorArgument('a,,b')).toThrow(UserError);
  });
});
