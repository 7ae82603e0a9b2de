/**
 * Ephemeral models are never built: their SQL is injected into each dependent as a CTE named
 * `__strata_ephemeral__<name>`, dependencies first, each once, merged into an existing WITH.
 */
import { UserError } from '../errors.js';

export const EPHEMERAL_PREFIX = '__strata_ephemeral__';

/** The CTE name a ref to an ephemeral model renders as. */
export function ephemeralCteName(name: string): string {
  return `${EPHEMERAL_PREFIX}${name}`;
}

export interface EphemeralInfo {
  name: string;
  file: string;
  /** Rendered SQL, before injection. */
  sql: string;
  /** unique_ids of the ephemeral models it refs directly. */
  ephemeralParents: string[];
}

/**
 * Computes, per node, the ordered ephemeral ancestors to inject. Memoized per ephemeral model,
 * so a compile stays linear in the size of the graph.
 */
export class EphemeralInjector {
  private readonly closures = new Map<string, string[]>();

  constructor(private readonly ephemerals: ReadonlyMap<string, EphemeralInfo>) {}

  /** Ordered unique_ids of the ephemeral models whose CTEs a node with these direct ephemeral parents needs. */
  closureOf(parents: readonly string[], path: string[] = []): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const parent of parents) {
      for (const id of this.closure(parent, path)) {
        if (!seen.has(id)) {
          seen.add(id);
          out.push(id);
        }
      }
    }
    return out;
  }

  private closure(id: string, path: string[]): string[] {
    const done = this.closures.get(id);
    if (done) return done;
    const info = this.ephemerals.get(id)!;
    if (path.includes(id)) {
      const cycle = [...path.slice(path.indexOf(id)), id].map((p) => this.ephemerals.get(p)?.name ?? p);
      throw new UserError(`ephemeral models form a cycle: ${cycle.join(' -> ')}`, {
        file: info.file,
        hint: 'break the cycle, or materialize one of these models as a view or table',
      });
    }
    const result = [...this.closureOf(info.ephemeralParents, [...path, id]), id];
    this.closures.set(id, result);
    return result;
  }

  /** `sql` with the CTEs of the given direct ephemeral parents (and their ancestors) injected. */
  inject(sql: string, parents: readonly string[]): string {
    if (parents.length === 0) return sql;
    const ctes = this.closureOf(parents).map((id) => {
      const info = this.ephemerals.get(id)!;
      return `${ephemeralCteName(info.name)} as (\n${stripTrailingSemicolon(info.sql)}\n)`;
    });
    return injectCtes(sql, ctes);
  }
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Length of leading whitespace and SQL comments. */
function leadingTrivia(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else return i;
  }
}

/** Prepend CTEs, merging into the statement's own WITH list when it has one. */
export function injectCtes(sql: string, ctes: readonly string[]): string {
  if (ctes.length === 0) return sql;
  const start = leadingTrivia(sql);
  const withMatch = /^with(\s+recursive)?\b/i.exec(sql.slice(start));
  if (withMatch) {
    const head = start + withMatch[0].length;
    return `${sql.slice(0, head)} ${ctes.join(',\n')},${sql.slice(head)}`;
  }
  return `${sql.slice(0, start)}with ${ctes.join(',\n')}\n${sql.slice(start)}`;
}
