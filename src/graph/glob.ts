/** Glob-style matching (`*`, `?`, `[abc]`) as dbt's selectors use (Python's fnmatch). */

/** True when the value holds a glob wildcard. */
export function hasWildcard(value: string): boolean {
  return /[*?[\]]/.test(value);
}

/**
 * A predicate matching whole strings against a glob pattern. Patterns without
 * wildcards compare by equality, so the common case allocates no RegExp.
 */
export function globMatcher(pattern: string): (candidate: string) => boolean {
  if (!hasWildcard(pattern)) return (candidate) => candidate === pattern;
  const re = globToRegExp(pattern);
  return (candidate) => re.test(candidate);
}

/** Translate a glob into an anchored RegExp; `*` also crosses dots and slashes, like fnmatch. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body}]`;
      i = close;
    } else out += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}
