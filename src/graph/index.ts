/** Graph and selection: the project DAG and dbt's selector grammar. */
export { ProjectGraph, type GraphMember } from './graph.js';
export { selectNodes, selectWithReport, type SelectOptions, type SelectionReport } from './select.js';
export { parseSelector, splitSelectorArgument, defaultMethod, type SelectorSpec } from './selector-spec.js';
export { SELECTOR_METHODS, resolveMethod, type SelectorMethod } from './selector-methods.js';
export { SelectionIndex } from './selection-index.js';
