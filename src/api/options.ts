import type { LoadOptions } from '../project/types.js';
import type { EventSink } from './events.js';

/** Options every command accepts. */
export interface CommonOptions extends LoadOptions {
  /** Receives progress events; the library never prints. */
  onEvent?: EventSink;
  /** Fixed ids/times make artifacts reproducible in tests. */
  invocationId?: string;
  runStartedAt?: Date;
}

/** Options of commands that pick nodes. */
export interface SelectionOptions extends CommonOptions {
  select?: string[];
  exclude?: string[];
}

/** Options of commands that touch the warehouse. */
export interface RunOptions extends SelectionOptions {
  fullRefresh?: boolean;
  failFast?: boolean;
  /** Abort to cancel running statements (Ctrl-C). */
  signal?: AbortSignal;
  /** Also write the results as JUnit XML to this path (relative to the working directory). */
  junitXml?: string;
  /** Count the column tests of one relation with one aggregate query (default: the warehouse's prefersBatchedTests capability). */
  batchTests?: boolean;
}
