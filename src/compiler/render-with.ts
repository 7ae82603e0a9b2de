/**
 * Re-rendering one model with substituted inputs: ref()/source() of chosen nodes resolve to
 * CTEs over given SQL (fixture rows for unit tests, filtered subqueries for point-in-time and
 * leakage checks), with vars and is_incremental() overridden. Uses the compile's own templates
 * and environment: no second compiler.
 */
import { UserError } from '../errors.js';
import type { RenderNode, RenderState } from './context.js';
import { injectCtes } from './ephemeral.js';
import { renderTemplate, type Template } from './environment.js';
import { RelationValue } from './relations.js';

/** What to substitute in one render. */
export interface RenderInputs {
  /** unique_id of a model or seed → SQL of a query standing in for it. */
  refs?: Record<string, string>;
  /** unique_id of a source table → SQL of a query standing in for it. */
  sources?: Record<string, string>;
  vars?: Record<string, unknown>;
  isIncremental?: boolean;
  /** Every ref()/source() the model renders must be substituted (unit tests); otherwise UserError. */
  requireAll?: boolean;
}

/** Renders a model (by unique_id) in execute mode with substituted inputs. */
export type NodeRenderer = (nodeId: string, inputs: RenderInputs) => string;

/** Prefix of the CTE names that substituted inputs render as. */
export const INPUT_PREFIX = '__strata_input__';

/** The CTE name a substituted input renders as (letters, digits and underscores only). */
export function inputCteName(uniqueId: string): string {
  const parts = uniqueId.split('.');
  return INPUT_PREFIX + parts.slice(2).join('__').replace(/\W/g, '_');
}

/** What the renderer needs from the compile that owns it. */
export interface RendererDeps {
  state: RenderState;
  /** Enabled models by unique_id, with their compiled template. */
  node(uniqueId: string): (RenderNode & { template?: Template; dependsOn: string[] }) | undefined;
  refId(name: string, pkg: string | undefined, from: RenderNode): string;
  sourceId(src: string, table: string, from: RenderNode): string;
  /** Inject the CTEs of these ephemeral parents. */
  injectEphemerals(sql: string, parents: string[]): string;
  isEphemeral(uniqueId: string): boolean;
}

/** Build the renderer over a finished compile. */
export function createNodeRenderer(deps: RendererDeps): NodeRenderer {
  return (nodeId, inputs) => {
    const work = deps.node(nodeId);
    if (!work?.template) throw new UserError(`cannot render '${nodeId}': it is not an enabled model`);
    const ctes = new Map<string, string>(); // unique_id → CTE text, in first-use order
    const substitute = (id: string, sql: string | undefined, describe: () => string): RelationValue | undefined => {
      if (sql === undefined) {
        if (inputs.requireAll) {
          throw new UserError(`'${work.name}' uses ${describe()}, which is not given`, {
            file: work.file,
            hint: `add a given entry with input: ${describe()}`,
          });
        }
        return undefined;
      }
      const name = inputCteName(id);
      if (!ctes.has(id)) ctes.set(id, `${name} as (\n${sql.replace(/[\s;]+$/, '')}\n)`);
      return new RelationValue({ schema: '', identifier: name }, name);
    };
    const { state } = deps;
    const saved = { current: state.current, override: state.override };
    state.current = work;
    state.override = {
      ref: (name, pkg, from) => {
        const id = deps.refId(name, pkg, from);
        return substitute(id, inputs.refs?.[id], () => (pkg === undefined ? `ref('${name}')` : `ref('${pkg}', '${name}')`));
      },
      source: (src, table, from) => {
        const id = deps.sourceId(src, table, from);
        return substitute(id, inputs.sources?.[id], () => `source('${src}', '${table}')`);
      },
      ...(inputs.vars === undefined ? {} : { vars: inputs.vars }),
      ...(inputs.isIncremental === undefined ? {} : { isIncremental: inputs.isIncremental }),
    };
    let sql: string;
    try {
      sql = renderTemplate(work.template, work.file);
    } finally {
      state.current = saved.current;
      state.override = saved.override;
    }
    const ephemerals = work.dependsOn.filter((id) => deps.isEphemeral(id) && !ctes.has(id));
    return injectCtes(deps.injectEphemerals(sql, ephemerals), [...ctes.values()]);
  };
}
