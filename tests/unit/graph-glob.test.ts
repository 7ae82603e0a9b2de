import { describe, expect, it } from 'vitest';
import { globMatcher, hasWildcard } from '../../src/graph/glob.js';

describe('globMatcher', () => {
  it('matches whole strings with *, ? and [...] like fnmatch', () => {
    expect(globMatcher('stg_*')('stg_orders')).toBe(true);
    expect(globMatcher('stg_*')('x_stg_orders')).toBe(false);
    expect(globMatcher('staging.*')('staging.sub.model')).toBe(true);
    expect(globMatcher('n?')('n1')).toBe(true);
    expect(globMatcher('n?')('n12')).toBe(false);
    expect(globMatcher('n[12]')('n2')).toBe(true);
    expect(globMatcher('n[!12]')('n2')).toBe(false);
    expect(globMatcher('n[!12]')('n3')).toBe(true);
  });

  it('treats regex metacharacters literally and compares plain values by equality', () => {
    expect(globMatcher('a.b*')('aXb')).toBe(false);
    expect(globMatcher('a+(b)*')('a+(b)c')).toBe(true);
    expect(globMatcher('models/x')('models/x')).toBe(true);
    expect(hasWildcard('models/x')).toBe(false);
    expect(hasWildcard('x*')).toBe(true);
  });
});
