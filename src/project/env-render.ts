/**
 * Renders `{{ env_var('X') }}` / `{{ env_var('X', 'default') }}` in YAML string values
 * (profiles.yml), with a tiny nunjucks environment of its own (autoescape off).
 */
import type { Environment } from 'nunjucks';
import { nunjucksModule } from '../util/lazy-deps.js';
import { UserError, type SourceLocation } from '../errors.js';

/** Renders one string value; `loc` is where it sits, for error messages. */
export type EnvRenderer = (text: string, loc: SourceLocation) => string;

/** A renderer reading variables from `env`. */
export function createEnvRenderer(env: Record<string, string | undefined>): EnvRenderer {
  // Created on the first templated value: plain profiles never load nunjucks.
  let nj: Environment | undefined;
  const environment = (): Environment => {
    if (nj) return nj;
    nj = new (nunjucksModule().Environment)(null, { autoescape: false, throwOnUndefined: false });
    // dbt casts with these filters; the caller coerces numeric fields, so they pass values through.
    for (const f of ['as_number', 'as_bool', 'as_text', 'as_native']) nj.addFilter(f, (v: unknown) => v);
    return nj;
  };

  return (text, loc) => {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    // Collected instead of thrown: nunjucks wraps errors thrown from template functions.
    const missing: string[] = [];
    const envVar = (name: string, fallback?: unknown): unknown => {
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return '';
    };
    let out: string;
    try {
      out = environment().renderString(text, { env_var: envVar });
    } catch (err) {
      throw new UserError(`cannot render template: ${templateMessage(err)}`, { ...loc, cause: err });
    }
    if (missing.length) {
      throw new UserError(`environment variable '${missing[0]}' is not set`, {
        ...loc,
        hint: `set it (export ${missing[0]}=...) or give a default: env_var('${missing[0]}', 'value')`,
      });
    }
    return out;
  };
}

function templateMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // nunjucks prefixes "(unknown path) [Line 1, Column 3]\n  Template render error: ..."
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? msg;
}
